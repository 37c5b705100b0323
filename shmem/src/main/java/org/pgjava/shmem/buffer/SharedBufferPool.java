package org.pgjava.shmem.buffer;

import org.pgjava.shmem.lock.LWLockArray;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.segment.RegionLayout;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * The shared regions of the buffer pool and one process's views of them. Entry points:
 * {@link #addRegions(RegionLayout.Builder, int)} when the segment layout is built (postmaster and every
 * child, with the same {@code nbuffers} = shared_buffers / 8 kB), {@link #attach(Function, int, LWLockOwner)}
 * in each child after attaching the segment (e.g. {@code attach(segment::region, n, owner)}).
 *
 * <table>
 * <caption>Regions</caption>
 * <tr><th>name</th><th>size</th><th>structure</th></tr>
 * <tr><td>{@value #DESCRIPTORS}</td><td>64 × N</td><td>{@link BufferDescriptors}</td></tr>
 * <tr><td>{@value #CONTENT_LOCKS}</td><td>64 × N</td><td>LWLockArray: content lock of buffer b</td></tr>
 * <tr><td>{@value #MAPPING_LOCKS}</td><td>64 × 128</td><td>LWLockArray: mapping partition locks</td></tr>
 * <tr><td>{@value #MAPPING_TABLE}</td><td>{@link BufferMappingTable#regionSize}</td><td>tag → buffer</td></tr>
 * <tr><td>{@value #STRATEGY}</td><td>64</td><td>{@link BufferStrategyControl}</td></tr>
 * <tr><td>{@value #EXTENSION_LOCKS}</td><td>64 × {@value #EXTENSION_LOCK_PARTITIONS}</td><td>LWLockArray:
 *     relation extension, partitioned by relation</td></tr>
 * <tr><td>{@value #SYNC_QUEUE}</td><td>{@link SyncRequestQueue#regionSize}(max(N, 128))</td><td>fsync requests</td></tr>
 * <tr><td>{@value #PAGES}</td><td>8192 × N, 4096-aligned</td><td>{@link BufferPages}</td></tr>
 * </table>
 *
 * @param nbuffers        pool size N
 * @param descriptors     buffer headers
 * @param contentLocks    one content LWLock per buffer
 * @param mappingLocks    {@value BufferMappingTable#PARTITIONS} mapping partition LWLocks
 * @param mappingTable    tag → buffer id
 * @param strategy        clock hand and allocation counter
 * @param extensionLocks  relation extension locks
 * @param syncQueue       fsync requests for the checkpointer
 * @param pages           the page frames
 */
public record SharedBufferPool(int nbuffers, BufferDescriptors descriptors, LWLockArray contentLocks,
                               LWLockArray mappingLocks, BufferMappingTable mappingTable,
                               BufferStrategyControl strategy, LWLockArray extensionLocks,
                               SyncRequestQueue syncQueue, BufferPages pages) {
    public static final String DESCRIPTORS = "buffer descriptors";
    public static final String CONTENT_LOCKS = "buffer content locks";
    public static final String MAPPING_LOCKS = "buffer mapping locks";
    public static final String MAPPING_TABLE = "buffer mapping table";
    public static final String STRATEGY = "buffer strategy";
    public static final String EXTENSION_LOCKS = "relation extension locks";
    public static final String SYNC_QUEUE = "sync request queue";
    public static final String PAGES = "buffer pages";
    /** Number of relation extension LWLocks (relations hash onto them). */
    public static final int EXTENSION_LOCK_PARTITIONS = 64;

    /** Capacity of the sync request queue for a pool of {@code nbuffers}. */
    public static int syncQueueCapacity(int nbuffers) {
        return Math.max(nbuffers, 128);
    }

    /**
     * Adds the pool's regions to a layout.
     *
     * @throws IllegalArgumentException if {@code nbuffers} &lt; 16 (PostgreSQL's minimum shared_buffers is
     *                                  16 buffers)
     */
    public static RegionLayout.Builder addRegions(RegionLayout.Builder builder, int nbuffers) {
        if (nbuffers < 16) {
            throw new IllegalArgumentException("shared buffer pool needs at least 16 buffers, got " + nbuffers);
        }
        return builder.add(DESCRIPTORS, BufferDescriptors.regionSize(nbuffers))
                .add(CONTENT_LOCKS, LWLockArray.regionSize(nbuffers))
                .add(MAPPING_LOCKS, LWLockArray.regionSize(BufferMappingTable.PARTITIONS))
                .add(MAPPING_TABLE, BufferMappingTable.regionSize(nbuffers))
                .add(STRATEGY, BufferStrategyControl.regionSize())
                .add(EXTENSION_LOCKS, LWLockArray.regionSize(EXTENSION_LOCK_PARTITIONS))
                .add(SYNC_QUEUE, SyncRequestQueue.regionSize(syncQueueCapacity(nbuffers)))
                .add(PAGES, BufferPages.regionSize(nbuffers), RegionLayout.PAGE);
    }

    /** Total bytes of the pool's regions (without alignment padding). */
    public static long totalSize(int nbuffers) {
        return BufferDescriptors.regionSize(nbuffers) + LWLockArray.regionSize(nbuffers)
                + LWLockArray.regionSize(BufferMappingTable.PARTITIONS) + BufferMappingTable.regionSize(nbuffers)
                + BufferStrategyControl.regionSize() + LWLockArray.regionSize(EXTENSION_LOCK_PARTITIONS)
                + SyncRequestQueue.regionSize(syncQueueCapacity(nbuffers)) + BufferPages.regionSize(nbuffers);
    }

    /**
     * Makes this process's views of the pool's regions; the LWLock views are bound to {@code owner}.
     *
     * @param region finds a region by name (normally {@code segment::region})
     */
    public static SharedBufferPool attach(Function<String, MemorySegment> region, int nbuffers, LWLockOwner owner) {
        BufferDescriptors descriptors = new BufferDescriptors(region.apply(DESCRIPTORS));
        if (descriptors.count() != nbuffers) {
            throw new IllegalArgumentException("buffer descriptor region holds " + descriptors.count()
                    + " buffers, expected " + nbuffers);
        }
        return new SharedBufferPool(nbuffers, descriptors,
                new LWLockArray(region.apply(CONTENT_LOCKS), "BufferContent", owner),
                new LWLockArray(region.apply(MAPPING_LOCKS), "BufferMapping", owner),
                new BufferMappingTable(region.apply(MAPPING_TABLE), nbuffers),
                new BufferStrategyControl(region.apply(STRATEGY), nbuffers),
                new LWLockArray(region.apply(EXTENSION_LOCKS), "RelationExtension", owner),
                new SyncRequestQueue(region.apply(SYNC_QUEUE), owner),
                new BufferPages(region.apply(PAGES)));
    }
}
