package org.pgjava.shmem.lock;

import org.pgjava.shmem.atomic.SharedAtomics;

import java.lang.foreign.MemorySegment;

/**
 * A spinlock on one 4-byte word of the shared segment: mutual exclusion across processes for a few
 * instructions, like PostgreSQL's {@code slock_t}. Entry points: {@link #acquire()}, {@link #tryAcquire()},
 * {@link #release()}.
 *
 * <p>Rules (as in PostgreSQL's storage/lmgr/README): hold a spinlock only for a handful of loads and stores;
 * never across I/O, a system call, an allocation that can fail, another spinlock or an LWLock acquisition,
 * or anything that can throw. A process that dies holding one leaves it held forever: waiters report
 * "stuck spinlock detected" after about a minute and the postmaster re-creates the segment.
 *
 * <p>Algorithm: test-and-test-and-set. {@link #acquire()} reads the word until it looks free, then tries a
 * compare-and-set 0 → 1; failed attempts back off (spin with {@link Thread#onSpinWait()}, then sleeps
 * of 10 µs growing to 1 ms). There is no queue and no fairness.
 *
 * <p>Layout: one 4-byte word, 4-byte aligned; 0 = free, 1 = held. All-zero is the initial (free) state.
 * The word is accessed only atomically. Process-safety: the view is immutable and may be shared.
 */
public final class Spinlock {
    /** Bytes the spinlock occupies. */
    public static final int SIZE = 4;

    private final MemorySegment memory;
    private final long offset;
    private final String name;

    /**
     * A view of the spinlock word at {@code offset} in {@code memory}.
     *
     * @param name for error messages
     * @throws IllegalArgumentException if the word is not 4-byte aligned
     */
    public Spinlock(MemorySegment memory, long offset, String name) {
        SharedAtomics.checkWord(memory, offset, SIZE);
        this.memory = memory;
        this.offset = offset;
        this.name = name;
    }

    /**
     * Takes the spinlock, waiting as long as needed. Afterwards the caller holds it and must
     * {@link #release()} it after a few instructions.
     *
     * @throws IllegalStateException "stuck spinlock detected" after about a minute (see class comment)
     */
    public void acquire() {
        for (int attempt = 0; ; attempt++) {
            if (SharedAtomics.getInt(memory, offset) == 0
                    && SharedAtomics.compareAndSetInt(memory, offset, 0, 1)) {
                return;
            }
            SpinDelay.pause(attempt, name);
        }
    }

    /** Takes the spinlock if it is free right now; returns whether the caller now holds it. */
    public boolean tryAcquire() {
        return SharedAtomics.getInt(memory, offset) == 0 && SharedAtomics.compareAndSetInt(memory, offset, 0, 1);
    }

    /**
     * Releases the spinlock (a release store: everything written while holding it is visible to the next
     * holder). Precondition: the caller holds it (not checked: the word records no owner).
     */
    public void release() {
        SharedAtomics.setIntRelease(memory, offset, 0);
    }

    /** Whether some process holds the spinlock right now (for diagnostics and tests). */
    public boolean isLocked() {
        return SharedAtomics.getInt(memory, offset) != 0;
    }

    @Override
    public String toString() {
        return "Spinlock(" + name + ")";
    }
}
