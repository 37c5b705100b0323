package org.pgjava.backend.storage.smgr;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.shmem.buffer.SyncRequestQueue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checkpointer's private table of segment files to fsync, PostgreSQL's pendingOps (sync.c). Requests
 * arrive from the shared queue ({@link #absorb}) and from the checkpointer's own writes ({@link #register},
 * as the checkpointer's {@link StorageManager} sink); duplicates collapse. Entry points: {@link #absorb},
 * {@link #syncAll(StorageManager)}.
 *
 * <p>Durability rule: every write that happened before {@link #syncAll} started has reached the table
 * (a writer registers before it marks the buffer clean, and {@code syncAll} absorbs the queue first), and
 * {@code syncAll} fsyncs everything in the table at that moment. So after a checkpoint's
 * {@code flushAllDirty} + {@code syncAll}, every page written before the checkpoint started is on disk.
 * Requests registered while {@code syncAll} runs stay for the next call. A failed fsync throws
 * {@link DataSyncFailedError} (PANIC), never retried.
 *
 * <p>Process-safety: private to the checkpointer's main thread.
 */
public final class SyncRequestTable implements SyncRequestSink {
    /** One pending fsync. */
    public record SegmentFile(RelFileLocator rel, ForkNumber fork, int segmentNumber) {
    }

    private final Set<SegmentFile> pending = new LinkedHashSet<>();
    private final SyncRequestQueue queue;

    /** @param queue the shared queue to absorb, or null if no other process forwards requests */
    public SyncRequestTable(SyncRequestQueue queue) {
        this.queue = queue;
    }

    @Override
    public boolean register(RelFileLocator rel, ForkNumber fork, int segmentNumber) {
        pending.add(new SegmentFile(rel, fork, segmentNumber));
        return true;
    }

    /**
     * Moves every request of the shared queue into the table (PostgreSQL's AbsorbSyncRequests). Call it
     * now and then while idle too, so writers rarely find the queue full.
     *
     * @return how many requests were taken from the queue
     */
    public int absorb() {
        if (queue == null) {
            return 0;
        }
        return queue.drain((spc, db, rel, fork, segno) ->
                pending.add(new SegmentFile(new RelFileLocator(spc, db, rel), ForkNumber.of(fork), segno)));
    }

    /**
     * Absorbs the queue, then fsyncs every file in the table (PostgreSQL's ProcessSyncRequests). A file that
     * no longer exists (its relation was dropped or truncated away) needs no fsync and is skipped.
     *
     * @return how many files were fsynced
     * @throws DataSyncFailedError if an fsync fails (the caller must PANIC); the table keeps the rest
     */
    public int syncAll(StorageManager smgr) {
        absorb();
        List<SegmentFile> now = new ArrayList<>(pending);
        int synced = 0;
        for (SegmentFile f : now) {
            if (smgr.fsyncSegment(f.rel(), f.fork(), f.segmentNumber())) {
                synced++;
            }
            pending.remove(f);
        }
        return synced;
    }

    /** Pending files (for tests and statistics). */
    public int pendingCount() {
        return pending.size();
    }

    /** True if this segment is pending. */
    public boolean isPending(RelFileLocator rel, ForkNumber fork, int segmentNumber) {
        return pending.contains(new SegmentFile(rel, fork, segmentNumber));
    }
}
