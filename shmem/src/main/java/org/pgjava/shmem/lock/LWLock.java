package org.pgjava.shmem.lock;

import org.pgjava.shmem.atomic.SharedAtomics;

import java.lang.foreign.MemorySegment;

/**
 * A lightweight lock in the shared segment: shared/exclusive, held for short stretches (a buffer mapping
 * lookup, a page's contents, the WAL insert position), taken by any process that maps the segment, like
 * PostgreSQL's lwlock.c. Entry points: {@link #acquire(LWLockMode)}, {@link #conditionalAcquire(LWLockMode)},
 * {@link #release()}, {@link #heldByMe()}; {@link LWLockOwner#releaseAll()} on error paths.
 *
 * <p>An LWLock object is one process's view of the lock, bound to that process's {@link LWLockOwner}; make
 * the views once at attach time ({@link LWLockArray} does it for a region of locks): acquire and release
 * allocate nothing.
 *
 * <h2>Layout (16 bytes, 4-byte aligned; {@link #PADDED_SIZE} when the lock should own its cache line)</h2>
 * <pre>
 * offset size field      guarded by
 *      0    4 state      atomic; bits 0-23 number of shared holders, bit 24 held exclusively,
 *                        bit 29 WAITERS (the queue is not empty), bit 30 LIST_LOCKED (the wait-list lock,
 *                        a spinlock inside the state word)
 *      4    4 queueHead  slot number + 1 of the first waiter in {@link LWLockWaitSlots}, 0 = empty; LIST_LOCKED
 *      8    4 queueTail  slot number + 1 of the last waiter, 0 = empty; LIST_LOCKED
 *     12    4 reserved, zero
 * </pre>
 * All-zero is the initial state: free, no waiters. Rule: while LIST_LOCKED is set nobody but its holder
 * changes the state word (every other change is a compare-and-set that expects LIST_LOCKED clear), so the
 * holder computes the new state and publishes it with one release store that also clears LIST_LOCKED.
 *
 * <h2>Algorithm and fairness</h2>
 * <ol>
 * <li>Fast path: a compare-and-set on the state that adds one shared holder or the exclusive bit, allowed
 *     only when the lock is compatible (exclusive: no holder; shared: no exclusive holder) and WAITERS and
 *     LIST_LOCKED are clear. It is retried with {@link Thread#onSpinWait()} for a short while.</li>
 * <li>Otherwise the process takes the wait-list lock; if the queue is empty and the lock compatible it
 *     takes the lock there; else it appends its wait slot to the tail of the queue, sets WAITERS, drops the
 *     wait-list lock, spins briefly on its slot's futex word and then sleeps in {@code FUTEX_WAIT}.</li>
 * <li>Release: without WAITERS a compare-and-set subtracts the hold. With WAITERS the releaser takes the
 *     wait-list lock, subtracts its hold and <em>hands the lock over</em>: if the first waiter wants
 *     exclusive and no holder is left, it alone gets the exclusive bit; if the first waiter wants shared
 *     and no exclusive holder is left, it and every consecutive shared waiter behind it get shared holds,
 *     up to the first exclusive waiter. The granted slots leave the queue; WAITERS is cleared when it
 *     empties; then each granted slot's futex word is set to 0 and, if its owner sleeps, FUTEX_WAKE.</li>
 * </ol>
 * Fairness rule: <b>strict FIFO once anyone waits.</b> While WAITERS is set no arriving process takes the
 * lock on the fast path, even one that is compatible with the current holders, so a writer queued behind
 * readers waits only for the readers that held the lock when it queued, and readers queued behind it wait
 * for it. A woken process already holds the lock (no retry, no barging). This differs from PostgreSQL,
 * which lets new shared lockers pass a queued exclusive waiter and lets woken waiters race for the lock
 * (better throughput under contention, writer starvation possible); pgjava's woken processes take a JVM
 * wake-up latency (tens of µs) to use a lock they already hold, which lengthens hold times only while
 * there is contention.
 *
 * <p>Waits are uninterruptible (no timeout, Java interrupts are ignored), as in PostgreSQL: hold LWLocks
 * only for short, bounded work, never while waiting for a client, and release them all on error
 * ({@link LWLockOwner#releaseAll()}). A process that dies holding an LWLock leaves the segment unusable; the
 * postmaster's crash-restart re-creates it.
 */
public final class LWLock {
    /** Bytes an LWLock occupies. */
    public static final int SIZE = 16;
    /** Bytes per lock when locks should not share cache lines ({@link LWLockArray} uses this stride). */
    public static final int PADDED_SIZE = 64;

    static final int SHARED_MASK = 0x00FF_FFFF;
    static final int EXCLUSIVE = 1 << 24;
    static final int WAITERS = 1 << 29;
    static final int LIST_LOCKED = 1 << 30;
    private static final int FAST_SPINS = 64;
    private static final int GRANT_SPINS = 200;

    private final MemorySegment memory;
    private final long offset;
    private final long address;
    private final String name;
    private final LWLockOwner owner;
    private final LWLockWaitSlots slots;

    /**
     * A view of the lock at {@code offset} in {@code memory}, used by {@code owner}.
     *
     * @param name the lock's name for messages (e.g. "BufferMapping[3]")
     * @throws IllegalArgumentException if the lock is not 4-byte aligned
     */
    public LWLock(MemorySegment memory, long offset, String name, LWLockOwner owner) {
        SharedAtomics.checkWord(memory, offset, 4);
        if (offset + SIZE > memory.byteSize()) {
            throw new IndexOutOfBoundsException("LWLock at offset " + offset + " does not fit in " + memory.byteSize()
                    + " bytes");
        }
        this.memory = memory;
        this.offset = offset;
        this.address = memory.address() + offset;
        this.name = name;
        this.owner = owner;
        this.slots = owner.slots();
    }

    /** The lock's name. */
    public String name() {
        return name;
    }

    /** The lock's native address (identifies the lock across views). */
    public long address() {
        return address;
    }

    /**
     * Acquires the lock in {@code mode}, sleeping as long as needed. Afterwards the caller holds it and must
     * {@link #release()} it (or {@link LWLockOwner#releaseAll()}). The wait cannot be interrupted.
     *
     * @throws IllegalStateException if the owner already holds this lock (waiting would deadlock on itself),
     *                               if it holds {@value LWLockOwner#MAX_HELD} locks, if called
     *                               from another thread than the owner's, or "stuck spinlock detected" when
     *                               the wait-list lock stays taken for a minute (the segment is then corrupt)
     */
    public void acquire(LWLockMode mode) {
        owner.checkThread();
        owner.checkRoom(this);
        if (owner.heldMode(this) != null) {
            // exclusive twice, or shared behind a queued writer, would wait for ourselves forever
            throw new IllegalStateException("lock " + name + " is already held by this process");
        }
        int add = mode == LWLockMode.EXCLUSIVE ? EXCLUSIVE : 1;
        for (int i = 0; i < FAST_SPINS; i++) {
            int s = SharedAtomics.getInt(memory, offset);
            if ((s & (WAITERS | LIST_LOCKED)) != 0 || !compatible(s, mode)) {
                if ((s & WAITERS) != 0) {
                    break;
                }
                Thread.onSpinWait();
                continue;
            }
            if (SharedAtomics.compareAndSetInt(memory, offset, s, s + add)) {
                owner.remember(this, mode);
                return;
            }
        }
        int s = lockWaitList();
        if (queueHead() == 0 && compatible(s, mode)) {
            SharedAtomics.setIntRelease(memory, offset, (s + add) & ~LIST_LOCKED);
            owner.remember(this, mode);
            return;
        }
        int me = owner.slot();
        slots.prepareToQueue(me, mode.code, offset);
        int tail = queueTail();
        if (tail == 0) {
            setQueueHead(me + 1);
        } else {
            slots.setNext(tail - 1, me + 1);
        }
        setQueueTail(me + 1);
        SharedAtomics.setIntRelease(memory, offset, (s | WAITERS) & ~LIST_LOCKED);
        slots.awaitGrant(me, GRANT_SPINS);
        owner.remember(this, mode);
    }

    /**
     * Acquires the lock in {@code mode} only if that is possible without waiting for another holder or
     * for queued waiters (PostgreSQL's LWLockConditionalAcquire).
     *
     * @return true if the caller now holds the lock (and must release it), false if it does not
     * @throws IllegalStateException as {@link #acquire}
     */
    public boolean conditionalAcquire(LWLockMode mode) {
        owner.checkThread();
        owner.checkRoom(this);
        int add = mode == LWLockMode.EXCLUSIVE ? EXCLUSIVE : 1;
        while (true) {
            int s = SharedAtomics.getInt(memory, offset);
            if ((s & WAITERS) != 0 || !compatible(s, mode)) {
                return false;
            }
            if ((s & LIST_LOCKED) != 0) {
                break;
            }
            if (SharedAtomics.compareAndSetInt(memory, offset, s, s + add)) {
                owner.remember(this, mode);
                return true;
            }
        }
        int s = lockWaitList();
        if (queueHead() == 0 && compatible(s, mode)) {
            SharedAtomics.setIntRelease(memory, offset, (s + add) & ~LIST_LOCKED);
            owner.remember(this, mode);
            return true;
        }
        SharedAtomics.setIntRelease(memory, offset, s & ~LIST_LOCKED);
        return false;
    }

    /**
     * Releases the caller's most recent hold of this lock and hands it to the waiters it now admits (see
     * the class comment).
     *
     * @throws IllegalStateException "lock X is not held" if the owner does not hold it
     */
    public void release() {
        owner.checkThread();
        LWLockMode mode = owner.forget(this);
        if (mode == null) {
            throw new IllegalStateException("lock " + name + " is not held");
        }
        int sub = mode == LWLockMode.EXCLUSIVE ? EXCLUSIVE : 1;
        int s = SharedAtomics.getInt(memory, offset);
        while ((s & (WAITERS | LIST_LOCKED)) == 0) {
            int witness = SharedAtomics.compareAndExchangeInt(memory, offset, s, s - sub);
            if (witness == s) {
                return;
            }
            s = witness;
        }
        s = lockWaitList() - sub;
        int head = queueHead();
        int grantedHead = head;
        int granted = 0;
        int cur = head;
        while (cur != 0) {
            if (slots.mode(cur - 1) == LWLockMode.EXCLUSIVE.code) {
                if (granted == 0 && compatible(s, LWLockMode.EXCLUSIVE)) {
                    s += EXCLUSIVE;
                    granted++;
                    cur = slots.next(cur - 1);
                }
                break;
            }
            if (!compatible(s, LWLockMode.SHARED)) {
                break;
            }
            s += 1;
            granted++;
            cur = slots.next(cur - 1);
        }
        if (granted > 0) {
            setQueueHead(cur);
            if (cur == 0) {
                setQueueTail(0);
                s &= ~WAITERS;
            }
        }
        SharedAtomics.setIntRelease(memory, offset, s & ~LIST_LOCKED);
        cur = grantedHead;
        for (int i = 0; i < granted; i++) {
            int next = slots.next(cur - 1);
            slots.grant(cur - 1);
            cur = next;
        }
    }

    /** The lock's offset within the memory it was viewed in (what {@link LWLockWaitSlots#waitingOn} reports). */
    public long offset() {
        return offset;
    }

    /** Whether this process's owner holds the lock (in either mode). */
    public boolean heldByMe() {
        return owner.heldMode(this) != null;
    }

    /** Whether this process's owner holds the lock in {@code mode}. */
    public boolean heldByMe(LWLockMode mode) {
        return owner.heldMode(this) == mode;
    }

    /** Number of shared holders right now (racy; diagnostics and tests). */
    public int sharedHolders() {
        return SharedAtomics.getInt(memory, offset) & SHARED_MASK;
    }

    /** Whether some process holds the lock exclusively right now (racy; diagnostics and tests). */
    public boolean isExclusivelyHeld() {
        return (SharedAtomics.getInt(memory, offset) & EXCLUSIVE) != 0;
    }

    /** Whether some process waits for the lock right now (racy; diagnostics and tests). */
    public boolean hasWaiters() {
        return (SharedAtomics.getInt(memory, offset) & WAITERS) != 0;
    }

    private static boolean compatible(int state, LWLockMode mode) {
        return mode == LWLockMode.EXCLUSIVE ? (state & (EXCLUSIVE | SHARED_MASK)) == 0 : (state & EXCLUSIVE) == 0;
    }

    /** Takes the wait-list lock; returns the state with LIST_LOCKED set (nobody else changes it until cleared). */
    private int lockWaitList() {
        for (int attempt = 0; ; attempt++) {
            int s = SharedAtomics.getInt(memory, offset);
            if ((s & LIST_LOCKED) == 0 && SharedAtomics.compareAndSetInt(memory, offset, s, s | LIST_LOCKED)) {
                return s | LIST_LOCKED;
            }
            SpinDelay.pause(attempt, name);
        }
    }

    private int queueHead() {
        return SharedAtomics.getIntPlain(memory, offset + 4);
    }

    private void setQueueHead(int slotPlusOne) {
        SharedAtomics.setIntPlain(memory, offset + 4, slotPlusOne);
    }

    private int queueTail() {
        return SharedAtomics.getIntPlain(memory, offset + 8);
    }

    private void setQueueTail(int slotPlusOne) {
        SharedAtomics.setIntPlain(memory, offset + 8, slotPlusOne);
    }

    @Override
    public String toString() {
        return "LWLock(" + name + ")";
    }
}
