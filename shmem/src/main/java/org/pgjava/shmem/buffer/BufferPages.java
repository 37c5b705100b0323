package org.pgjava.shmem.buffer;

import java.lang.foreign.MemorySegment;

/**
 * The page frames of the buffer pool: {@code nbuffers × }{@value #PAGE_SIZE} bytes, frame {@code b} at
 * byte {@code b × 8192}, the region 4096-aligned (add it with {@code RegionLayout.PAGE} alignment).
 * Entry points: {@link #regionSize(int)}, the constructor, {@link #page(int)}.
 *
 * <p>Guarded by: the buffer's content LWLock (SHARE to read, EXCLUSIVE to change, except hint bits which
 * SHARE holders may set), and before BM_VALID is set, by the process that owns BM_IO_IN_PROGRESS.
 * All-zero: zeroed frames (an empty pool has no valid frame).
 */
public final class BufferPages {
    /** PostgreSQL's BLCKSZ. */
    public static final int PAGE_SIZE = 8192;
    private final MemorySegment memory;
    private final int count;

    /** Views {@code memory} as frames; its size must be a positive multiple of {@value #PAGE_SIZE}. */
    public BufferPages(MemorySegment memory) {
        if (memory.byteSize() == 0 || memory.byteSize() % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("buffer page region size " + memory.byteSize()
                    + " is not a positive multiple of " + PAGE_SIZE);
        }
        this.memory = memory;
        this.count = (int) (memory.byteSize() / PAGE_SIZE);
    }

    /** Bytes for {@code nbuffers} frames. */
    public static long regionSize(int nbuffers) {
        return (long) nbuffers * PAGE_SIZE;
    }

    /** Frame {@code buf} (a slice of the shared mapping; no copy). */
    public MemorySegment page(int buf) {
        return memory.asSlice((long) buf * PAGE_SIZE, PAGE_SIZE);
    }

    /** Number of frames. */
    public int count() {
        return count;
    }
}
