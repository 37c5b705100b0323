package org.pgjava.shmem.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The buffer mapping table: a chained hash table in shared memory from a buffer tag (tablespace, database,
 * relation, fork, block) to the buffer that holds that block, PostgreSQL's buf_table.c. It takes no locks
 * itself: the caller holds the buffer-mapping partition lock of the tag, {@link #partition(int)} of its
 * {@link #hash hash}, in SHARED mode to {@link #lookup} and EXCLUSIVE mode to {@link #insert} or
 * {@link #delete}. Entry points: {@link #regionSize(int)}, the constructor, {@link #hash}, {@link #partition},
 * {@link #lookup}, {@link #insert}, {@link #delete}.
 *
 * <p>Each buffer is in the table at most once, so the entries are indexed by buffer id (no free list).
 * Buckets are partitioned by the low bits of the hash: bucket {@code h & (B - 1)} with B a power of two
 * &ge; {@value #PARTITIONS}, so every chain belongs to exactly one partition ({@code h & 127}) and a chain
 * is only touched under its partition lock.
 *
 * <h2>Layout</h2>
 * <pre>
 * offset            size     field                                       guarded by
 *      0            4 × B    bucket heads: buffer id + 1 of the first    the bucket's partition lock
 *                            entry of the chain, 0 = empty
 * 4 × B (8-aligned) 32 × N   entries, entry b = buffer b:                the partition lock of the entry's tag
 *                              0  4 inUse (1 = in a chain)
 *                              4  4 next: buffer id + 1 of the next entry in the chain, 0 = end
 *                              8 20 tag: spcOid, dbOid, relNumber, forkNumber, blockNumber
 *                             28  4 reserved
 * </pre>
 * B = the smallest power of two &ge; max(N, {@value #PARTITIONS}). All-zero = empty table.
 */
public final class BufferMappingTable {
    /** PostgreSQL's NUM_BUFFER_PARTITIONS: the number of buffer-mapping LWLocks. */
    public static final int PARTITIONS = 128;
    static final int ENTRY_SIZE = 32;

    private final MemorySegment memory;
    private final int nbuffers;
    private final int bucketMask;
    private final long entriesOffset;

    /**
     * Views {@code memory} as the table for {@code nbuffers} buffers.
     *
     * @throws IllegalArgumentException if the region is smaller than {@link #regionSize(int)}
     */
    public BufferMappingTable(MemorySegment memory, int nbuffers) {
        if (memory.byteSize() < regionSize(nbuffers)) {
            throw new IllegalArgumentException("buffer mapping region has " + memory.byteSize() + " bytes, needs "
                    + regionSize(nbuffers));
        }
        this.memory = memory;
        this.nbuffers = nbuffers;
        int buckets = bucketCount(nbuffers);
        this.bucketMask = buckets - 1;
        this.entriesOffset = entriesOffset(buckets);
    }

    private static int bucketCount(int nbuffers) {
        int target = Math.max(nbuffers, PARTITIONS);
        return Integer.highestOneBit(target - 1) << 1;
    }

    private static long entriesOffset(int buckets) {
        return ((4L * buckets) + 7) & ~7L;
    }

    /** Bytes of the table for {@code nbuffers} buffers. */
    public static long regionSize(int nbuffers) {
        return entriesOffset(bucketCount(nbuffers)) + (long) ENTRY_SIZE * nbuffers;
    }

    /** The hash of a tag (PostgreSQL's BufTableHashCode); any int, spread over all bits. */
    public static int hash(int spcOid, int dbOid, int relNumber, int forkNumber, int blockNumber) {
        long h = spcOid * 0x9E3779B97F4A7C15L;
        h = (h ^ dbOid) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ relNumber) * 0x9E3779B97F4A7C15L;
        h = (h ^ ((long) forkNumber << 32 | (blockNumber & 0xFFFFFFFFL))) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 32;
        return (int) h;
    }

    /** The mapping partition (index of its LWLock) of a tag with hash {@code hash}. */
    public static int partition(int hash) {
        return hash & (PARTITIONS - 1);
    }

    private long entry(int buf) {
        return entriesOffset + (long) buf * ENTRY_SIZE;
    }

    private boolean entryMatches(long e, int spc, int db, int rel, int fork, int block) {
        return memory.get(ValueLayout.JAVA_INT, e + 24) == block
                && memory.get(ValueLayout.JAVA_INT, e + 16) == rel
                && memory.get(ValueLayout.JAVA_INT, e + 12) == db
                && memory.get(ValueLayout.JAVA_INT, e + 8) == spc
                && memory.get(ValueLayout.JAVA_INT, e + 20) == fork;
    }

    /**
     * The buffer mapped to the tag, or -1 (PostgreSQL's BufTableLookup). The caller holds the tag's
     * partition lock, at least SHARED.
     */
    public int lookup(int hash, int spc, int db, int rel, int fork, int block) {
        int link = memory.get(ValueLayout.JAVA_INT, 4L * (hash & bucketMask));
        while (link != 0) {
            long e = entry(link - 1);
            if (entryMatches(e, spc, db, rel, fork, block)) {
                return link - 1;
            }
            link = memory.get(ValueLayout.JAVA_INT, e + 4);
        }
        return -1;
    }

    /**
     * Maps the tag to {@code buf} unless the tag is already mapped (PostgreSQL's BufTableInsert). The caller
     * holds the tag's partition lock EXCLUSIVE.
     *
     * @return -1 if inserted, else the buffer the tag is already mapped to (nothing changed)
     * @throws IllegalStateException if {@code buf} is already mapped under some tag
     */
    public int insert(int hash, int spc, int db, int rel, int fork, int block, int buf) {
        int existing = lookup(hash, spc, db, rel, fork, block);
        if (existing >= 0) {
            return existing;
        }
        long e = entry(buf);
        if (memory.get(ValueLayout.JAVA_INT, e) != 0) {
            throw new IllegalStateException("buffer " + buf + " is already in the buffer mapping table");
        }
        long head = 4L * (hash & bucketMask);
        memory.set(ValueLayout.JAVA_INT, e + 8, spc);
        memory.set(ValueLayout.JAVA_INT, e + 12, db);
        memory.set(ValueLayout.JAVA_INT, e + 16, rel);
        memory.set(ValueLayout.JAVA_INT, e + 20, fork);
        memory.set(ValueLayout.JAVA_INT, e + 24, block);
        memory.set(ValueLayout.JAVA_INT, e + 4, memory.get(ValueLayout.JAVA_INT, head));
        memory.set(ValueLayout.JAVA_INT, e, 1);
        memory.set(ValueLayout.JAVA_INT, head, buf + 1);
        return -1;
    }

    /**
     * Removes the tag's mapping (PostgreSQL's BufTableDelete). The caller holds the tag's partition lock
     * EXCLUSIVE.
     *
     * @return the buffer that was mapped
     * @throws IllegalStateException if the tag is not in the table ("shared buffer hash table corrupted")
     */
    public int delete(int hash, int spc, int db, int rel, int fork, int block) {
        long prevLinkOffset = 4L * (hash & bucketMask);
        int link = memory.get(ValueLayout.JAVA_INT, prevLinkOffset);
        while (link != 0) {
            long e = entry(link - 1);
            if (entryMatches(e, spc, db, rel, fork, block)) {
                memory.set(ValueLayout.JAVA_INT, prevLinkOffset, memory.get(ValueLayout.JAVA_INT, e + 4));
                memory.asSlice(e, ENTRY_SIZE).fill((byte) 0);
                return link - 1;
            }
            prevLinkOffset = e + 4;
            link = memory.get(ValueLayout.JAVA_INT, e + 4);
        }
        throw new IllegalStateException("shared buffer hash table corrupted");
    }

    /** Buffers the table was sized for. */
    public int capacity() {
        return nbuffers;
    }

    /** Number of buckets (for tests). */
    int bucketCount() {
        return bucketMask + 1;
    }
}
