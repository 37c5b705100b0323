package org.pgjava.shmem.xact;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockOwner;

import java.lang.foreign.MemorySegment;

/**
 * Shared buffers of a simple LRU page cache (PostgreSQL's slru.c shared part), used for the commit log:
 * N pages of {@value #PAGE_SIZE} bytes tagged with their page number, an LRU clock, per-page dirty flags
 * and the WAL position a page may not be written before. One control LWLock guards everything; this
 * class only knows the memory, the file I/O is done by its user ({@code backend/access/transam/CommitLog})
 * while holding the control lock exclusively.
 *
 * <p>Entry points: {@link #regionSize(int)}, the constructor, {@link #controlLock()},
 * {@link #findPage(long)}, {@link #chooseVictim()}, {@link #assign(int, long)}, {@link #page(int)},
 * dirty/LSN accessors, {@link #touch(int)}.
 *
 * <h2>Layout (native byte order)</h2>
 * <pre>
 * offset size field                     guarded by
 *      0   64 control lock (LWLock)     -
 *     64    8 LRU clock                 atomic getAndAdd (touch under shared control lock)
 *     72   56 reserved, zero
 *    128   32 x N descriptors, buffer i at 128 + 32 i:
 *            0 8 page number + 1 (0 = empty buffer)   control lock exclusive to write; shared to read
 *            8 4 dirty (1 = must be written)          control lock exclusive
 *           12 4 reserved
 *           16 8 last use (LRU clock value)           plain atomic stores; a stale value only changes
 *                                                      which page is evicted (as slru.c's page_lru_count)
 *           24 8 page LSN: WAL that must be flushed   control lock exclusive
 *                 before the page is written
 *    P   8192 x N page images, buffer i at P + 8192 i, P = 128 + 32 N rounded up to 8192 relative to
 *                 the region start; contents: control lock (exclusive to change, shared to read)
 * </pre>
 * All-zero is the valid initial state: every buffer empty.
 */
public final class SlruBuffers {
    /** Bytes per page (BLCKSZ). */
    public static final int PAGE_SIZE = 8192;
    static final long CONTROL_LOCK = 0, LRU_CLOCK = 64, DESCRIPTORS = 128;
    static final int DESCRIPTOR_SIZE = 32;
    private static final long TAG = 0, DIRTY = 8, LAST_USE = 16, PAGE_LSN = 24;

    private final MemorySegment region;
    private final int buffers;
    private final long pagesOffset;
    private final LWLock controlLock;

    /**
     * This process's view, with the control lock bound to {@code owner}.
     *
     * @param name the lock's name for messages, e.g. "XactSLRU"
     * @throws IllegalArgumentException if {@code buffers} does not match the region's size
     */
    public SlruBuffers(MemorySegment region, int buffers, String name, LWLockOwner owner) {
        if (buffers <= 0 || region.byteSize() != regionSize(buffers)) {
            throw new IllegalArgumentException("SLRU region size " + region.byteSize() + " is not regionSize("
                    + buffers + ")");
        }
        this.region = region;
        this.buffers = buffers;
        this.pagesOffset = pagesOffset(buffers);
        this.controlLock = new LWLock(region, CONTROL_LOCK, name, owner);
    }

    private static long pagesOffset(int buffers) {
        long end = DESCRIPTORS + (long) DESCRIPTOR_SIZE * buffers;
        return (end + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    }

    /** Region bytes for {@code buffers} pages (PostgreSQL 15 uses 128 clog buffers for shared_buffers &ge; 32 MB). */
    public static long regionSize(int buffers) {
        if (buffers <= 0) throw new IllegalArgumentException("buffer count must be positive: " + buffers);
        return pagesOffset(buffers) + (long) PAGE_SIZE * buffers;
    }

    /** Number of buffers. */
    public int bufferCount() {
        return buffers;
    }

    /** The control lock: shared to read a resident page, exclusive for everything else. */
    public LWLock controlLock() {
        return controlLock;
    }

    private long descriptor(int buffer) {
        if (buffer < 0 || buffer >= buffers) throw new IndexOutOfBoundsException("buffer " + buffer);
        return DESCRIPTORS + (long) DESCRIPTOR_SIZE * buffer;
    }

    /**
     * Caller holds the control lock (either mode): the buffer holding {@code pageNumber}, or -1.
     */
    public int findPage(long pageNumber) {
        long tag = pageNumber + 1;
        for (int i = 0; i < buffers; i++) {
            if (SharedAtomics.getLong(region, DESCRIPTORS + (long) DESCRIPTOR_SIZE * i + TAG) == tag) return i;
        }
        return -1;
    }

    /** The page number buffer {@code buffer} holds, or -1 if it is empty. Caller holds the control lock. */
    public long pageNumber(int buffer) {
        return SharedAtomics.getLong(region, descriptor(buffer) + TAG) - 1;
    }

    /**
     * Caller holds the control lock exclusively: the buffer to reuse, an empty one if any, else the least
     * recently used one. The caller writes it out first if {@link #isDirty(int)}.
     */
    public int chooseVictim() {
        int best = -1;
        long bestUse = Long.MAX_VALUE;
        for (int i = 0; i < buffers; i++) {
            long d = DESCRIPTORS + (long) DESCRIPTOR_SIZE * i;
            if (SharedAtomics.getLong(region, d + TAG) == 0) return i;
            long use = SharedAtomics.getLong(region, d + LAST_USE);
            if (use < bestUse) {
                bestUse = use;
                best = i;
            }
        }
        return best;
    }

    /**
     * Caller holds the control lock exclusively: buffer {@code buffer} now holds {@code pageNumber}
     * (contents to be filled by the caller), clean, LSN 0, just used.
     */
    public void assign(int buffer, long pageNumber) {
        long d = descriptor(buffer);
        SharedAtomics.setLong(region, d + TAG, pageNumber + 1);
        SharedAtomics.setInt(region, d + DIRTY, 0);
        SharedAtomics.setLong(region, d + PAGE_LSN, 0);
        touch(buffer);
    }

    /** Marks the buffer just used (LRU). Caller holds the control lock in either mode. */
    public void touch(int buffer) {
        long now = SharedAtomics.getAndAddLong(region, LRU_CLOCK, 1) + 1;
        SharedAtomics.setLong(region, descriptor(buffer) + LAST_USE, now);
    }

    /** The page image of {@code buffer} ({@value #PAGE_SIZE} bytes of shared memory). */
    public MemorySegment page(int buffer) {
        descriptor(buffer);
        return region.asSlice(pagesOffset + (long) PAGE_SIZE * buffer, PAGE_SIZE);
    }

    /** Caller holds the control lock: true if the page must be written before the buffer is reused. */
    public boolean isDirty(int buffer) {
        return SharedAtomics.getInt(region, descriptor(buffer) + DIRTY) != 0;
    }

    /**
     * Caller holds the control lock exclusively: marks the page changed, raising its LSN to at least
     * {@code lsn} (0 = no WAL constraint).
     */
    public void markDirty(int buffer, long lsn) {
        long d = descriptor(buffer);
        SharedAtomics.setInt(region, d + DIRTY, 1);
        if (Long.compareUnsigned(lsn, SharedAtomics.getLong(region, d + PAGE_LSN)) > 0) {
            SharedAtomics.setLong(region, d + PAGE_LSN, lsn);
        }
    }

    /** Caller holds the control lock exclusively and has written the page: clears dirty. */
    public void markClean(int buffer) {
        SharedAtomics.setInt(region, descriptor(buffer) + DIRTY, 0);
    }

    /** Caller holds the control lock: the WAL position to flush before writing the page. */
    public long pageLsn(int buffer) {
        return SharedAtomics.getLong(region, descriptor(buffer) + PAGE_LSN);
    }
}
