package org.pgjava.shmem.lock;

import java.lang.foreign.MemorySegment;

/**
 * A region of LWLocks of one kind (a "tranche" in PostgreSQL: the buffer mapping partitions, the lock
 * manager partitions, ...), each on its own cache line, seen by one process through its
 * {@link LWLockOwner}. Entry points: {@link #regionSize(int)} when laying out the segment, the constructor
 * at attach time, {@link #get(int)}.
 *
 * <p>Layout: lock {@code i} at byte {@code i × }{@value LWLock#PADDED_SIZE}; each lock as {@link LWLock}
 * describes, the remaining 48 bytes of its line zero. All-zero = every lock free.
 */
public final class LWLockArray {
    private final LWLock[] locks;

    /**
     * Makes this process's views of the locks in {@code memory}, named {@code trancheName[i]}.
     *
     * @throws IllegalArgumentException if the region size is not a multiple of {@value LWLock#PADDED_SIZE}
     */
    public LWLockArray(MemorySegment memory, String trancheName, LWLockOwner owner) {
        if (memory.byteSize() % LWLock.PADDED_SIZE != 0) {
            throw new IllegalArgumentException("LWLock region \"" + trancheName + "\" size " + memory.byteSize()
                    + " is not a multiple of " + LWLock.PADDED_SIZE);
        }
        locks = new LWLock[(int) (memory.byteSize() / LWLock.PADDED_SIZE)];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new LWLock(memory, (long) i * LWLock.PADDED_SIZE, trancheName + "[" + i + "]", owner);
        }
    }

    /** Bytes of a region holding {@code count} padded LWLocks. */
    public static long regionSize(int count) {
        return (long) count * LWLock.PADDED_SIZE;
    }

    /** Lock number {@code index}. */
    public LWLock get(int index) {
        return locks[index];
    }

    /** How many locks the region holds. */
    public int size() {
        return locks.length;
    }
}
