package org.pgjava.shmem.buffer;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.lock.LWLockOwner;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;

/**
 * The fsync request queue from writing processes to the checkpointer, PostgreSQL's CheckpointerShmem
 * requests array (ForwardSyncRequest / AbsorbSyncRequests). A process that wrote a relation segment
 * {@link #forward forwards} "(relation file, segment) needs fsync"; the checkpointer {@link #drain drains}
 * the queue into its private table and fsyncs each file once per checkpoint. When the queue is full even
 * after removing duplicates, {@link #forward} returns false and the writer must fsync the file itself.
 * Entry points: {@link #regionSize(int)}, the constructor, {@link #forward}, {@link #drain},
 * {@link #countBackendFsync()}.
 *
 * <h2>Layout</h2>
 * <pre>
 * offset  size      field                 guarded by
 *      0  16        queue LWLock          (itself; padded to 64 bytes)
 *     64   4        count of entries      the queue LWLock
 *     72   8        forwarded requests    atomic (statistics)
 *     80   8        backend fsyncs        atomic: writers that had to fsync themselves (pg_stat_bgwriter's
 *                                         buffers_backend_fsync)
 *    128  24 × C    entries: spcOid, dbOid, relNumber, forkNumber, segmentNumber, reserved (4 each)
 *                                         the queue LWLock
 * </pre>
 * All-zero: an empty queue with a free lock.
 */
public final class SyncRequestQueue {
    static final long LOCK = 0, COUNT = 64, FORWARDED = 72, BACKEND_FSYNCS = 80, ENTRIES = 128;
    static final int ENTRY_SIZE = 24;

    /** Receives drained requests. */
    @FunctionalInterface
    public interface RequestConsumer {
        void accept(int spcOid, int dbOid, int relNumber, int forkNumber, int segmentNumber);
    }

    private final MemorySegment memory;
    private final LWLock lock;
    private final int capacity;

    /** Views {@code memory}; the lock view is bound to {@code owner}. */
    public SyncRequestQueue(MemorySegment memory, LWLockOwner owner) {
        if (memory.byteSize() < ENTRIES + ENTRY_SIZE) {
            throw new IllegalArgumentException("sync request queue region too small: " + memory.byteSize());
        }
        this.memory = memory;
        this.lock = new LWLock(memory, LOCK, "SyncRequestQueue", owner);
        this.capacity = (int) ((memory.byteSize() - ENTRIES) / ENTRY_SIZE);
    }

    /** Bytes of a queue holding {@code capacity} requests. */
    public static long regionSize(int capacity) {
        return ENTRIES + (long) ENTRY_SIZE * Math.max(1, capacity);
    }

    /** How many requests fit. */
    public int capacity() {
        return capacity;
    }

    private long entry(int i) {
        return ENTRIES + (long) i * ENTRY_SIZE;
    }

    private boolean entryEquals(int i, int spc, int db, int rel, int fork, int segno) {
        long e = entry(i);
        return memory.get(ValueLayout.JAVA_INT, e + 8) == rel && memory.get(ValueLayout.JAVA_INT, e + 16) == segno
                && memory.get(ValueLayout.JAVA_INT, e + 4) == db && memory.get(ValueLayout.JAVA_INT, e) == spc
                && memory.get(ValueLayout.JAVA_INT, e + 12) == fork;
    }

    private void setEntry(int i, int spc, int db, int rel, int fork, int segno) {
        long e = entry(i);
        memory.set(ValueLayout.JAVA_INT, e, spc);
        memory.set(ValueLayout.JAVA_INT, e + 4, db);
        memory.set(ValueLayout.JAVA_INT, e + 8, rel);
        memory.set(ValueLayout.JAVA_INT, e + 12, fork);
        memory.set(ValueLayout.JAVA_INT, e + 16, segno);
    }

    /**
     * Queues "segment {@code segno} of this relation fork needs fsync". A request equal to the newest queued
     * one is absorbed at once; a full queue is first compacted (duplicates removed, as PostgreSQL's
     * CompactCheckpointerRequestQueue).
     *
     * @return true if the checkpointer will fsync it; false if the queue is full: the caller must fsync the
     *         file itself before it counts as durable (and should call {@link #countBackendFsync()})
     */
    public boolean forward(int spc, int db, int rel, int fork, int segno) {
        lock.acquire(LWLockMode.EXCLUSIVE);
        try {
            int count = memory.get(ValueLayout.JAVA_INT, COUNT);
            if (count > 0 && entryEquals(count - 1, spc, db, rel, fork, segno)) {
                return true;
            }
            if (count == capacity) {
                count = compact(count);
                if (count == capacity) {
                    return false;
                }
            }
            setEntry(count, spc, db, rel, fork, segno);
            memory.set(ValueLayout.JAVA_INT, COUNT, count + 1);
            SharedAtomics.getAndAddLong(memory, FORWARDED, 1);
            return true;
        } finally {
            lock.release();
        }
    }

    /** Removes duplicate entries, keeping the first of each; returns the new count. Caller holds the lock. */
    private int compact(int count) {
        Set<Key> seen = new HashSet<>(count * 2);
        int kept = 0;
        for (int i = 0; i < count; i++) {
            long e = entry(i);
            Key k = new Key(memory.get(ValueLayout.JAVA_INT, e), memory.get(ValueLayout.JAVA_INT, e + 4),
                    memory.get(ValueLayout.JAVA_INT, e + 8), memory.get(ValueLayout.JAVA_INT, e + 12),
                    memory.get(ValueLayout.JAVA_INT, e + 16));
            if (seen.add(k)) {
                if (kept != i) {
                    setEntry(kept, k.spc, k.db, k.rel, k.fork, k.segno);
                }
                kept++;
            }
        }
        memory.set(ValueLayout.JAVA_INT, COUNT, kept);
        return kept;
    }

    private record Key(int spc, int db, int rel, int fork, int segno) {
    }

    /**
     * Empties the queue, handing each request to {@code consumer} after the lock is released
     * (PostgreSQL's AbsorbSyncRequests).
     *
     * @return how many requests were drained
     */
    public int drain(RequestConsumer consumer) {
        int[] copy;
        int count;
        lock.acquire(LWLockMode.EXCLUSIVE);
        try {
            count = memory.get(ValueLayout.JAVA_INT, COUNT);
            copy = new int[count * 5];
            for (int i = 0; i < count; i++) {
                long e = entry(i);
                for (int f = 0; f < 5; f++) {
                    copy[i * 5 + f] = memory.get(ValueLayout.JAVA_INT, e + 4L * f);
                }
            }
            memory.set(ValueLayout.JAVA_INT, COUNT, 0);
        } finally {
            lock.release();
        }
        for (int i = 0; i < count; i++) {
            consumer.accept(copy[i * 5], copy[i * 5 + 1], copy[i * 5 + 2], copy[i * 5 + 3], copy[i * 5 + 4]);
        }
        return count;
    }

    /** Requests queued now (takes the lock). */
    public int size() {
        lock.acquire(LWLockMode.SHARED);
        try {
            return memory.get(ValueLayout.JAVA_INT, COUNT);
        } finally {
            lock.release();
        }
    }

    /** Counts one fsync a writer did itself because the queue was full. */
    public void countBackendFsync() {
        SharedAtomics.getAndAddLong(memory, BACKEND_FSYNCS, 1);
    }

    /** Writers' own fsyncs so far. */
    public long backendFsyncs() {
        return SharedAtomics.getLong(memory, BACKEND_FSYNCS);
    }

    /** Requests forwarded so far. */
    public long forwarded() {
        return SharedAtomics.getLong(memory, FORWARDED);
    }
}
