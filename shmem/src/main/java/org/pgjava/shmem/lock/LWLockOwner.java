package org.pgjava.shmem.lock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One process's (strictly: one thread's) side of the LWLock protocol: its wait slot in
 * {@link LWLockWaitSlots} and the list of LWLocks it holds, like PostgreSQL's MyProc plus
 * {@code held_lwlocks[]}. Entry points: the constructor at process start, {@link #releaseAll()} on every
 * error path (after an exception unwinds a statement, before a process exits), {@link #heldCount()}.
 *
 * <p>A process makes one owner for the thread that takes LWLocks (a backend's main thread). The owner is
 * bound to the thread that made it: using its locks from another thread throws
 * {@link IllegalStateException}. A process with several locking threads gives each its own slot and owner.
 * Slot numbers are handed out by whoever starts the process (the process array, later); two live owners
 * must never share a slot.
 *
 * <p>Process-safety: not thread-safe by design (one thread); the held list is private memory.
 */
public final class LWLockOwner {
    /** How many LWLocks one owner may hold at once (PostgreSQL's MAX_SIMUL_LWLOCKS). */
    public static final int MAX_HELD = 200;

    private final LWLockWaitSlots slots;
    private final int slot;
    private final Thread thread;
    private final LWLock[] held = new LWLock[MAX_HELD];
    private final LWLockMode[] heldModes = new LWLockMode[MAX_HELD];
    private int heldCount;
    /** struct timespec {0 s, STARVATION_NANOS}: the timeout of each FUTEX_WAIT (private native memory). */
    private final MemorySegment sleepTimeout;
    /** Slots the current wait-list section dequeued, signalled after the wait-list lock is dropped. */
    int pendingHead;
    int pendingCount;

    /**
     * Binds the calling thread to wait slot {@code slot}, records this process's pid in it, and binds the
     * futex system call (first use of JNA's libc binding) so that the first wait is not slowed by it.
     *
     * @throws IndexOutOfBoundsException if the slot does not exist
     * @throws IllegalStateException     if the slot is marked as waiting (another live owner uses it)
     */
    public LWLockOwner(LWLockWaitSlots slots, int slot) {
        this.slots = slots;
        this.slot = slot;
        this.thread = Thread.currentThread();
        if (slots.waitState(slot) != LWLockWaitSlots.NOT_WAITING) {
            throw new IllegalStateException("LWLock wait slot " + slot + " is in use by PID " + slots.pid(slot));
        }
        slots.setPid(slot, (int) ProcessHandle.current().pid());
        sleepTimeout = Arena.ofAuto().allocate(16, 8);
        sleepTimeout.set(ValueLayout.JAVA_LONG, 0, 0L);
        sleepTimeout.set(ValueLayout.JAVA_LONG, 8, LWLock.STARVATION_NANOS);
        // binds the futex call now (JNA loads and links libc on first use, ~0.1-0.4 s on a loaded machine),
        // so the first LWLock wait does not pay it; a wake on our own word wakes nobody
        slots.wakeOwnWord(slot);
    }

    /**
     * Where this owner reports that it sleeps on an LWLock (PostgreSQL's pgstat_report_wait_start with
     * PG_WAIT_LWLOCK | tranche): {@code waitStart(trancheId)} before it sleeps, {@code waitEnd()} after.
     * Called on the owner's thread; must not allocate or take locks.
     */
    public interface WaitReporter {
        /** The owner starts sleeping on a lock of tranche {@code trancheId} ({@link LWLockTranche#id()}). */
        void waitStart(int trancheId);

        /** The sleep is over. */
        void waitEnd();
    }

    private WaitReporter waitReporter;

    /** Reports LWLock sleeps to {@code reporter} from now on (null: report nothing, the default). */
    public void setWaitReporter(WaitReporter reporter) {
        this.waitReporter = reporter;
    }

    void reportWaitStart(int trancheId) {
        WaitReporter r = waitReporter;
        if (r != null && trancheId != 0) r.waitStart(trancheId);
    }

    void reportWaitEnd(int trancheId) {
        WaitReporter r = waitReporter;
        if (r != null && trancheId != 0) r.waitEnd();
    }

    /** The wait slot number. */
    public int slot() {
        return slot;
    }

    /** The wait-slot region. */
    public LWLockWaitSlots slots() {
        return slots;
    }

    /** How many LWLocks this owner holds now. */
    public int heldCount() {
        return heldCount;
    }

    /**
     * Releases every LWLock this owner holds, most recently acquired first (PostgreSQL's
     * LWLockReleaseAll). Afterwards {@link #heldCount()} is 0. Call it on every error path.
     */
    public void releaseAll() {
        while (heldCount > 0) {
            held[heldCount - 1].release();
        }
    }

    // ---- used by LWLock ----

    long sleepTimeoutAddress() {
        return sleepTimeout.address();
    }

    void checkThread() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("LWLock owner of slot " + slot + " belongs to thread " + thread.getName()
                    + ", used from " + Thread.currentThread().getName());
        }
    }

    void checkRoom(LWLock lock) {
        if (heldCount == MAX_HELD) {
            throw new IllegalStateException("too many LWLocks taken (acquiring " + lock.name() + ")");
        }
    }

    void remember(LWLock lock, LWLockMode mode) {
        held[heldCount] = lock;
        heldModes[heldCount] = mode;
        heldCount++;
    }

    /** Removes the most recent hold of {@code lock} from the list; returns its mode, or null if not held. */
    LWLockMode forget(LWLock lock) {
        for (int i = heldCount - 1; i >= 0; i--) {
            if (held[i].address() == lock.address()) {
                LWLockMode mode = heldModes[i];
                System.arraycopy(held, i + 1, held, i, heldCount - i - 1);
                System.arraycopy(heldModes, i + 1, heldModes, i, heldCount - i - 1);
                heldCount--;
                held[heldCount] = null;
                heldModes[heldCount] = null;
                return mode;
            }
        }
        return null;
    }

    LWLockMode heldMode(LWLock lock) {
        for (int i = heldCount - 1; i >= 0; i--) {
            if (held[i].address() == lock.address()) {
                return heldModes[i];
            }
        }
        return null;
    }
}
