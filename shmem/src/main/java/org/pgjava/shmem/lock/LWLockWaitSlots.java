package org.pgjava.shmem.lock;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.os.Futex;

import java.lang.foreign.MemorySegment;

/**
 * The region of per-process LWLock wait entries: one {@value #SLOT_SIZE}-byte slot per process (per
 * {@link LWLockOwner}), indexed by the process's slot number, like the lwWaiting/lwWaitMode/lwWaitLink
 * fields of PostgreSQL's PGPROC. A process that must wait for an {@link LWLock} links its slot into that
 * lock's queue and sleeps on the slot's futex word until a releasing process dequeues it (waking it to
 * try again, or handing it the lock).
 * Entry points: {@link #regionSize(int)} to size the region, the constructor to view it,
 * {@link #waitState(int)} and {@link #waitingOn(int)} for diagnostics.
 *
 * <h2>Slot layout (64 bytes, one cache line, so no two processes' futex words share a line)</h2>
 * <pre>
 * offset size field           written by / guarded by
 *      0    4 waitState       0 = not waiting (or dequeued), 1 = queued, 2 = queued and asleep on the futex.
 *                             0→1: the owner, under the wait-list lock of the lock it queues on;
 *                             1→2: the owner (compare-and-set, no lock); 1/2→0: the dispatching process
 *                             (atomic exchange, after it has dequeued the slot and published the lock state).
 *                             This is the futex word. The owner may go from 1 to 2 repeatedly (it sleeps with a
 *                             1 ms timeout to check whether it starves).
 *      4    4 waitMode        1 = exclusive, 2 = shared; owner writes, under the wait-list lock
 *      8    4 next            slot number + 1 of the next waiter in the same lock's queue, 0 = last;
 *                             under that lock's wait-list lock
 *     12    4 pid             pid of the process using the slot (written when its LWLockOwner is made)
 *     16    8 waitingOn       offset of the LWLock (relative to its region) waited on, or -1 when
 *                             not waiting; owner writes under the wait-list lock; for diagnostics (the
 *                             wait event of pg_stat_activity)
 *     24    4 wakeResult      1 = GRANTED (the releaser handed the lock over), 2 = WOKEN (try again); written
 *                             under the wait-list lock when the slot is dequeued, read by the owner after it saw
 *                             waitState 0
 *     28   36 reserved, zero
 * </pre>
 * All-zero is the initial state (not waiting).
 */
public final class LWLockWaitSlots {
    /** Bytes per slot. */
    public static final int SLOT_SIZE = 64;
    static final long WAIT_STATE = 0;
    static final long WAIT_MODE = 4;
    static final long NEXT = 8;
    static final long PID = 12;
    static final long WAITING_ON = 16;

    static final long WAKE_RESULT = 24;

    /** Wake result: the releaser handed the lock over; the woken process holds it. */
    static final int GRANTED = 1;
    /** Wake result: the lock became free; the woken process must try again to take it. */
    static final int WOKEN = 2;

    static final int NOT_WAITING = 0;
    static final int QUEUED = 1;
    static final int SLEEPING = 2;

    private final MemorySegment memory;
    private final int slotCount;

    /**
     * A view of the wait-slot region.
     *
     * @param memory the region; its size must be a multiple of {@value #SLOT_SIZE} and it must be 64-byte
     *               aligned (every region of a {@code SharedSegment} is)
     * @throws IllegalArgumentException otherwise
     */
    public LWLockWaitSlots(MemorySegment memory) {
        if (memory.byteSize() % SLOT_SIZE != 0 || memory.byteSize() == 0 || (memory.address() & 63) != 0) {
            throw new IllegalArgumentException("LWLock wait slot region must be a non-empty, 64-byte aligned "
                    + "multiple of " + SLOT_SIZE + " bytes, not " + memory.byteSize() + " bytes");
        }
        this.memory = memory;
        this.slotCount = (int) (memory.byteSize() / SLOT_SIZE);
    }

    /** Bytes of a region holding {@code slots} wait slots (one per process that may take LWLocks). */
    public static long regionSize(int slots) {
        return (long) slots * SLOT_SIZE;
    }

    /** How many slots the region holds. */
    public int slotCount() {
        return slotCount;
    }

    /** The slot's waitState (0 not waiting, 1 queued, 2 asleep); for diagnostics and tests. */
    public int waitState(int slot) {
        return SharedAtomics.getInt(memory, base(slot) + WAIT_STATE);
    }

    /** The offset of the lock the slot waits for, or -1 (racy read; for diagnostics). */
    public long waitingOn(int slot) {
        return waitState(slot) == NOT_WAITING ? -1 : SharedAtomics.getLong(memory, base(slot) + WAITING_ON);
    }

    /** The pid recorded in the slot. */
    public int pid(int slot) {
        return SharedAtomics.getInt(memory, base(slot) + PID);
    }

    long base(int slot) {
        if (slot < 0 || slot >= slotCount) {
            throw new IndexOutOfBoundsException("LWLock wait slot " + slot + " out of range 0.." + (slotCount - 1));
        }
        return (long) slot * SLOT_SIZE;
    }

    MemorySegment memory() {
        return memory;
    }

    // ---- the queue fields: callers hold the wait-list lock of the queue's LWLock ----

    int next(int slot) {
        return SharedAtomics.getIntPlain(memory, (long) slot * SLOT_SIZE + NEXT);
    }

    void setNext(int slot, int nextPlusOne) {
        SharedAtomics.setIntPlain(memory, (long) slot * SLOT_SIZE + NEXT, nextPlusOne);
    }

    int mode(int slot) {
        return SharedAtomics.getIntPlain(memory, (long) slot * SLOT_SIZE + WAIT_MODE);
    }

    /** Marks the slot queued for {@code mode} on the lock at {@code lockOffset}, as the last of its queue. */
    void prepareToQueue(int slot, int mode, long lockOffset) {
        long b = (long) slot * SLOT_SIZE;
        SharedAtomics.setIntPlain(memory, b + WAIT_MODE, mode);
        SharedAtomics.setIntPlain(memory, b + NEXT, 0);
        SharedAtomics.setLongPlain(memory, b + WAITING_ON, lockOffset);
        SharedAtomics.setInt(memory, b + WAIT_STATE, QUEUED);
    }

    void setPid(int slot, int pid) {
        SharedAtomics.setInt(memory, base(slot) + PID, pid);
    }

    /** A FUTEX_WAKE on the slot's own word while its owner is not waiting: wakes nobody, binds the call. */
    void wakeOwnWord(int slot) {
        Futex.wake(memory.address() + base(slot) + WAIT_STATE, 1);
    }

    /** Records, under the wait-list lock, what the slot's owner finds when it wakes: {@link #GRANTED} or {@link #WOKEN}. */
    void setWakeResult(int slot, int result) {
        SharedAtomics.setIntPlain(memory, (long) slot * SLOT_SIZE + WAKE_RESULT, result);
    }

    /** The wake result; read by the owner after it saw waitState 0 (acquire). */
    int wakeResult(int slot) {
        return SharedAtomics.getIntPlain(memory, (long) slot * SLOT_SIZE + WAKE_RESULT);
    }

    /**
     * Ends the slot's wait (the caller has dequeued it and recorded its wake result): waitState → 0 and a
     * futex wake if the owner went to sleep.
     */
    void signal(int slot) {
        long b = (long) slot * SLOT_SIZE;
        if (SharedAtomics.getAndSetInt(memory, b + WAIT_STATE, NOT_WAITING) == SLEEPING) {
            Futex.wake(memory.address() + b + WAIT_STATE, 1);
        }
    }

    /**
     * The owner of {@code slot} waits until its wait ends ({@link #signal}) or {@code timespecAddress}'s
     * timeout passes: spins {@code spins} times, then sleeps on the futex word once.
     *
     * @return true if the wait ended (with acquire ordering: what the signaller did before is visible),
     *         false if it is still queued (timeout, signal, or spurious wake-up)
     */
    boolean awaitSignal(int slot, int spins, long timespecAddress) {
        long b = (long) slot * SLOT_SIZE + WAIT_STATE;
        for (int i = 0; i < spins; i++) {
            if (SharedAtomics.getIntAcquire(memory, b) == NOT_WAITING) {
                return true;
            }
            Thread.onSpinWait();
        }
        int state = SharedAtomics.getIntAcquire(memory, b);
        if (state == QUEUED && !SharedAtomics.compareAndSetInt(memory, b, QUEUED, SLEEPING)) {
            return true;     // the only other transition from QUEUED is the signal
        }
        if (state == NOT_WAITING) {
            return true;
        }
        Futex.await(memory.address() + b, SLEEPING, timespecAddress);
        return SharedAtomics.getIntAcquire(memory, b) == NOT_WAITING;
    }
}
