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
 *                        bit 27 WAKE_PENDING (woken waiters have not retried yet: wake nobody else),
 *                        bit 28 HANDOFF (a waiter starves: no barging, releases hand the lock over),
 *                        bit 29 WAITERS (the queue is not empty), bit 30 LIST_LOCKED (the wait-list lock,
 *                        a spinlock inside the state word)
 *      4    4 queueHead  slot number + 1 of the first waiter in {@link LWLockWaitSlots}, 0 = empty; LIST_LOCKED
 *      8    4 queueTail  slot number + 1 of the last waiter, 0 = empty; LIST_LOCKED
 *     12    4 reserved, zero
 * </pre>
 * All-zero is the initial state: free, no waiters. Rule: while LIST_LOCKED is set nobody but its holder
 * changes the state word (every other change is a compare-and-set that expects LIST_LOCKED clear), so the
 * holder computes the new state and publishes it with one release store that also clears LIST_LOCKED.
 * WAITERS is set exactly when the queue is not empty; HANDOFF only while WAITERS is.
 *
 * <h2>Algorithm and fairness: eventually fair</h2>
 * <ol>
 * <li>Acquire, fast path: a compare-and-set on the state that adds one shared holder or the exclusive bit
 *     when the lock is compatible (exclusive: no holder; shared: no exclusive holder), LIST_LOCKED is clear
 *     and HANDOFF is clear; retried with {@link Thread#onSpinWait()} for a short while.</li>
 * <li>Slow path, under the wait-list lock: take the lock if it is compatible and HANDOFF is clear (a
 *     newcomer may barge past queued waiters); otherwise join the queue (at the tail; at the head when
 *     retrying after a wake-up), set WAITERS, drop the wait-list lock, spin briefly on the slot's futex
 *     word, then sleep in {@code FUTEX_WAIT} with a {@value #STARVATION_NANOS} ns timeout.</li>
 * <li>Release: without WAITERS a compare-and-set subtracts the hold. With WAITERS the releaser takes the
 *     wait-list lock, subtracts its hold and <em>dispatches</em>: the head of the queue, if the lock is now
 *     compatible with it, is dequeued together with the consecutive shared waiters behind a shared head.
 *     Normally they are only <em>woken</em> (WAKE_PENDING is set so that later releases do not wake more
 *     until one of them has run) and race newcomers for the lock, re-queueing at the head if they lose, as
 *     in PostgreSQL: no lock convoy, a releaser can re-acquire at once. In HANDOFF mode they are
 *     <em>granted</em> the lock instead (the releaser adds their holds to the state; they wake up holding
 *     it) and HANDOFF is cleared.</li>
 * <li>Starvation: a waiter whose futex sleep times out and that has been waiting (since it first queued,
 *     across retries) for more than {@value #STARVATION_NANOS} ns sets HANDOFF and dispatches. From then on
 *     nobody barges: newcomers, even readers compatible with the current readers, queue behind it, and the
 *     release that makes the lock compatible hands it to the head of the queue.</li>
 * </ol>
 * Fairness rule: <b>a waiter gets the lock within about {@value #STARVATION_NANOS} ns plus the holds
 * already running when it asked for HANDOFF</b> (plus scheduling delays); in particular a writer behind a
 * stream of overlapping readers is not starved. Below that threshold the lock is unfair, as PostgreSQL's is
 * (which has no starvation bound), so a contended lock does not degrade into a wake-up per acquisition.
 * The same eventual fairness is used by Rust's parking_lot and Linux's rw_semaphore hand-off bit. Every
 * wait-list section ends with a dispatch, so a lock never stays compatible with its first waiter while
 * that waiter sleeps unwoken; the sleep timeout is a second line of defence.
 *
 * <p>Waits are uninterruptible (no overall timeout, Java interrupts are ignored), as in PostgreSQL: hold LWLocks
 * only for short, bounded work, never while waiting for a client, and release them all on error
 * ({@link LWLockOwner#releaseAll()}). A process that dies holding an LWLock leaves the segment unusable; the
 * postmaster's crash-restart re-creates it.
 */
public final class LWLock {
    /** Bytes an LWLock occupies. */
    public static final int SIZE = 16;
    /** Bytes per lock when locks should not share cache lines ({@link LWLockArray} uses this stride). */
    public static final int PADDED_SIZE = 64;

    /** How long a waiter may wait before it demands hand-off (FIFO) mode. */
    public static final long STARVATION_NANOS = 1_000_000L;

    static final int SHARED_MASK = 0x00FF_FFFF;
    static final int EXCLUSIVE = 1 << 24;
    static final int WAKE_PENDING = 1 << 27;
    static final int HANDOFF = 1 << 28;
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

    /** {@link LWLockTranche#idOf} of the name: what a waiting process reports (0: not reported). */
    private final int trancheId;

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
        this.trancheId = LWLockTranche.idOf(name);
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
     *                               if it holds {@value LWLockOwner#MAX_HELD} locks, if called from another
     *                               thread than the owner's, or "stuck spinlock detected" when the wait-list
     *                               lock stays taken for a minute (the segment is then corrupt)
     */
    public void acquire(LWLockMode mode) {
        owner.checkThread();
        owner.checkRoom(this);
        if (owner.heldMode(this) != null) {
            // exclusive twice, or shared behind a queued writer, would wait for ourselves forever
            throw new IllegalStateException("lock " + name + " is already held by this process");
        }
        int add = mode == LWLockMode.EXCLUSIVE ? EXCLUSIVE : 1;
        boolean woken = false;
        long waitStart = 0;
        while (true) {
            for (int i = 0; i < FAST_SPINS; i++) {
                int s = SharedAtomics.getInt(memory, offset);
                if ((s & (LIST_LOCKED | HANDOFF)) == 0 && compatible(s, mode)) {
                    // a woken retrier also lets further wake-ups happen again
                    int next = (woken ? s & ~WAKE_PENDING : s) + add;
                    if (SharedAtomics.compareAndSetInt(memory, offset, s, next)) {
                        owner.remember(this, mode);
                        return;
                    }
                    continue;
                }
                if ((s & HANDOFF) != 0 || ((s & WAITERS) != 0 && !woken)) {
                    break;      // queue now: FIFO mode, or others already wait
                }
                Thread.onSpinWait();
            }
            int s = lockWaitList();
            if (woken) {
                s &= ~WAKE_PENDING;
            }
            if ((s & HANDOFF) == 0 && compatible(s, mode)) {
                publishAndSignal(dispatch(s + add));
                owner.remember(this, mode);
                return;
            }
            int me = owner.slot();
            slots.prepareToQueue(me, mode.code, offset);
            int head = queueHead();
            if (head == 0) {
                setQueueHead(me + 1);
                setQueueTail(me + 1);
            } else if (waitStart != 0) {
                slots.setNext(me, head);          // a retrier keeps its place at the front
                setQueueHead(me + 1);
            } else {
                slots.setNext(queueTail() - 1, me + 1);
                setQueueTail(me + 1);
            }
            if (waitStart == 0) {
                waitStart = System.nanoTime();
            }
            publishAndSignal(dispatch(s | WAITERS));
            owner.reportWaitStart(trancheId);
            int wake;
            try {
                wake = awaitWake(me, waitStart);
            } finally {
                owner.reportWaitEnd(trancheId);
            }
            if (wake == LWLockWaitSlots.GRANTED) {
                owner.remember(this, mode);
                return;
            }
            woken = true;
        }
    }

    /**
     * Waits until the slot is dequeued by a dispatch; on each sleep timeout after {@link #STARVATION_NANOS}
     * of waiting, demands HANDOFF. Returns the wake result (GRANTED or WOKEN).
     */
    private int awaitWake(int me, long waitStart) {
        int spins = GRANT_SPINS;
        while (!slots.awaitSignal(me, spins, owner.sleepTimeoutAddress())) {
            spins = 0;
            if (System.nanoTime() - waitStart > STARVATION_NANOS
                    && (SharedAtomics.getInt(memory, offset) & HANDOFF) == 0) {
                int s = lockWaitList();
                if (slots.waitState(me) != LWLockWaitSlots.NOT_WAITING && (s & WAITERS) != 0) {
                    s |= HANDOFF;
                }
                publishAndSignal(dispatch(s));
            }
        }
        return slots.wakeResult(me);
    }

    /**
     * Acquires the lock in {@code mode} only if that is possible without waiting for another holder or
     * for a starving waiter (PostgreSQL's LWLockConditionalAcquire).
     *
     * @return true if the caller now holds the lock (and must release it), false if it does not
     * @throws IllegalStateException as {@link #acquire}, except that re-acquiring a lock the owner holds in
     *                               shared mode in shared mode again is allowed here
     */
    public boolean conditionalAcquire(LWLockMode mode) {
        owner.checkThread();
        owner.checkRoom(this);
        int add = mode == LWLockMode.EXCLUSIVE ? EXCLUSIVE : 1;
        while (true) {
            int s = SharedAtomics.getInt(memory, offset);
            if ((s & HANDOFF) != 0 || !compatible(s, mode)) {
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
        boolean taken = (s & HANDOFF) == 0 && compatible(s, mode);
        publishAndSignal(dispatch(taken ? s + add : s));
        if (taken) {
            owner.remember(this, mode);
        }
        return taken;
    }

    /**
     * Releases the caller's most recent hold of this lock and wakes or hands the lock to the waiters it now
     * admits (see the class comment).
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
        publishAndSignal(dispatch(lockWaitList() - sub));
    }

    /**
     * With the wait-list lock held and {@code s} the state to publish: dequeues the waiters the lock now
     * admits (see the class comment) and records them in the owner's pending list; returns the state to
     * publish (holds added in HANDOFF mode, WAKE_PENDING set otherwise, WAITERS/HANDOFF cleared if the
     * queue emptied).
     */
    private int dispatch(int s) {
        owner.pendingCount = 0;
        int head = queueHead();
        if (head == 0) {
            return s;
        }
        boolean handoff = (s & HANDOFF) != 0;
        if (!handoff && (s & WAKE_PENDING) != 0) {
            return s;
        }
        int held = s;
        int count = 0;
        int cur = head;
        while (cur != 0) {
            if (slots.mode(cur - 1) == LWLockMode.EXCLUSIVE.code) {
                if (count == 0 && compatible(held, LWLockMode.EXCLUSIVE)) {
                    held += EXCLUSIVE;
                    count++;
                    cur = slots.next(cur - 1);
                }
                break;
            }
            if (!compatible(held, LWLockMode.SHARED)) {
                break;
            }
            held += 1;
            count++;
            cur = slots.next(cur - 1);
        }
        if (count == 0) {
            return s;
        }
        int result = handoff ? LWLockWaitSlots.GRANTED : LWLockWaitSlots.WOKEN;
        int w = head;
        for (int i = 0; i < count; i++) {
            slots.setWakeResult(w - 1, result);
            w = slots.next(w - 1);
        }
        s = handoff ? held & ~HANDOFF : s | WAKE_PENDING;
        setQueueHead(cur);
        if (cur == 0) {
            setQueueTail(0);
            s &= ~(WAITERS | HANDOFF);
        }
        owner.pendingHead = head;
        owner.pendingCount = count;
        return s;
    }

    /** Publishes {@code s} with LIST_LOCKED cleared, then ends the waits {@link #dispatch} dequeued. */
    private void publishAndSignal(int s) {
        SharedAtomics.setIntRelease(memory, offset, s & ~LIST_LOCKED);
        int cur = owner.pendingHead;
        for (int i = owner.pendingCount; i > 0; i--) {
            int next = slots.next(cur - 1);
            slots.signal(cur - 1);
            cur = next;
        }
        owner.pendingCount = 0;
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
