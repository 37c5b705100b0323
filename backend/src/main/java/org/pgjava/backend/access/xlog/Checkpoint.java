package org.pgjava.backend.access.xlog;

import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.wal.CheckpointRecord;
import org.pgjava.backend.access.wal.ControlFile;
import org.pgjava.backend.access.wal.DbState;
import org.pgjava.backend.access.wal.RmgrIds;
import org.pgjava.backend.access.wal.WalInserter;
import org.pgjava.backend.access.wal.WalPanicError;
import org.pgjava.backend.access.wal.WalSegments;
import org.pgjava.shmem.checkpoint.CheckpointRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The checkpoint procedure (PostgreSQL's CreateCheckPoint), run by the checkpointer (timed, requested,
 * WAL volume, shutdown) and by the startup process (end of recovery). Entry point: {@link #perform}.
 *
 * <p>Steps, in this order (each needs the previous one done):
 * <ol>
 * <li>shutdown only: pg_control state := SHUTTING_DOWN;</li>
 * <li>{@code redo = wal.beginCheckpointRedo()}: from now on, the first change of every page logs a full
 *     image, so replay from {@code redo} needs nothing older;</li>
 * <li>{@code buffers.flushAllDirty()}: every page dirty at step 2 is written (WAL flushed to its LSN first);</li>
 * <li>{@code syncTable.syncAll(smgr)}: every relation segment written since the last checkpoint (by any
 *     process) is fsynced; a failure is a {@code DataSyncFailedError}: PANIC, never retried;</li>
 * <li>{@code commitLog.flushAll()}: pg_xact pages written and fsynced;</li>
 * <li>the XLOG checkpoint record (SHUTDOWN or ONLINE) with nextXid, nextOid and redo, flushed;</li>
 * <li>pg_control replaced with the new checkpoint location (state SHUT_DOWN for a shutdown checkpoint,
 *     IN_PRODUCTION otherwise);</li>
 * <li>WAL segments wholly before the redo segment recycled or removed (keeping up to max_wal_size).</li>
 * </ol>
 * Only after step 7 may WAL before {@code redo} be dropped; a crash at any earlier step leaves the previous
 * checkpoint in pg_control, and replay from its redo is still complete.
 *
 * <p>A checkpoint that is neither forced, shutdown nor end-of-recovery is skipped when nothing was logged
 * since the last checkpoint record (an idle server writes no checkpoint every checkpoint_timeout), as
 * PostgreSQL does. With log_checkpoints, logs PostgreSQL 15's "checkpoint starting: ..." and
 * "checkpoint complete: ..." lines.
 *
 * <p>Process-safety: one instance per process, used by the thread that attached {@code storage}; the
 * process must have composed its storage as the sync-request collector (checkpointer = true).
 */
public final class Checkpoint {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);

    private final ProcessStorage storage;
    /** PostgreSQL's CheckPointDistanceEstimate (bytes). */
    private double distanceEstimate;
    private long lastRedo = -1;

    /** @param storage the process's storage, composed with {@code checkpointer = true} */
    public Checkpoint(ProcessStorage storage) {
        if (storage.syncTable() == null) {
            throw new IllegalArgumentException("a checkpoint needs the sync-request table (checkpointer = true)");
        }
        this.storage = storage;
    }

    /** What one checkpoint did; {@code skipped} when nothing had been logged since the last one. */
    public record Result(boolean skipped, long checkpointLsn, long redo, long endLsn, int buffersWritten,
                         int filesSynced, int segmentsAdded, int segmentsRemoved, int segmentsRecycled) {
    }

    /**
     * Runs one checkpoint.
     *
     * @param flags          {@link CheckpointRequests} CHECKPOINT_* bits (IS_SHUTDOWN writes a shutdown
     *                       checkpoint and leaves pg_control SHUT_DOWN)
     * @param logCheckpoints log_checkpoints
     * @param maxWalSize     max_wal_size in bytes (segments kept for reuse)
     * @throws WalPanicError                                   if WAL could not be written or synced
     * @throws org.pgjava.backend.storage.smgr.DataSyncFailedError if a data file fsync failed
     * @throws IOException                                     if pg_control could not be read or written
     */
    public Result perform(int flags, boolean logCheckpoints, long maxWalSize) throws IOException {
        boolean shutdown = (flags & CheckpointRequests.IS_SHUTDOWN) != 0;
        WalInserter wal = storage.wal();
        ControlFile.Data control = ControlFile.read(storage.dataDirectory());
        if ((flags & (CheckpointRequests.IS_SHUTDOWN | CheckpointRequests.END_OF_RECOVERY
                | CheckpointRequests.FORCE)) == 0 && wal.shared().prevRecordLsn() == control.checkPointLsn()) {
            return new Result(true, control.checkPointLsn(), control.checkPointCopy().redo(), 0, 0, 0, 0, 0, 0);
        }
        long startNanos = System.nanoTime();
        if (logCheckpoints) {
            LOG.info("{}", startMessage(flags));
        }
        long now = System.currentTimeMillis() / 1000;
        if (shutdown) {
            control = control.withState(DbState.SHUTTING_DOWN, now);
            ControlFile.write(storage.dataDirectory(), control);
        }
        long redo = wal.beginCheckpointRedo();
        int written = storage.buffers().flushAllDirty();
        long writeDoneNanos = System.nanoTime();
        int synced = storage.syncTable().syncAll(storage.smgr());
        storage.commitLog().flushAll();
        long syncDoneNanos = System.nanoTime();
        var xacts = storage.transactionState();
        CheckpointRecord checkpoint = new CheckpointRecord(redo, 1, 1, storage.settings().fullPageWrites(),
                xacts.isInitialized() ? xacts.nextFullXid() : control.checkPointCopy().nextXid(),
                xacts.isInitialized() ? (shutdown ? xacts.nextOid() : xacts.checkpointNextOid())
                        : control.checkPointCopy().nextOid(),
                1, 0, control.checkPointCopy().oldestXid(), control.checkPointCopy().oldestXidDb(), 1, 1, now, 0);
        long end = wal.insert(RmgrIds.XLOG, shutdown ? CheckpointRecord.XLOG_CHECKPOINT_SHUTDOWN
                : CheckpointRecord.XLOG_CHECKPOINT_ONLINE, 0, List.of(), checkpoint.encode());
        long checkpointLsn = wal.lastRecordStart();
        wal.flush(end);
        ControlFile.write(storage.dataDirectory(), control.withCheckpoint(checkpointLsn, checkpoint, now)
                .withState(shutdown ? DbState.SHUT_DOWN : DbState.IN_PRODUCTION, now));
        WalSegments segments = storage.walSegments();
        int added = 0;
        WalSegments.RemovalResult removal = new WalSegments.RemovalResult(0, 0);
        try {
            removal = segments.removeOldSegments(redo, end, maxWalSize);
            if (!shutdown) {
                added = segments.preallocate(segments.segmentOf(end) + 1);
            }
        } catch (IOException e) {
            LOG.warn("could not remove old WAL segments: {}", e.getMessage());
        }
        long previousRedo = lastRedo >= 0 ? lastRedo : control.checkPointCopy().redo();
        long distance = Math.max(0, redo - previousRedo);
        distanceEstimate = distanceEstimate < distance ? distance : 0.90 * distanceEstimate + 0.10 * distance;
        lastRedo = redo;
        if (logCheckpoints) {
            long endNanos = System.nanoTime();
            LOG.info("{}", String.format(Locale.ROOT, "checkpoint complete: wrote %d buffers (%.1f%%); "
                            + "%d WAL file(s) added, %d removed, %d recycled; write=%s s, sync=%s s, total=%s s; "
                            + "sync files=%d, longest=%s s, average=%s s; distance=%d kB, estimate=%d kB",
                    written, 100.0 * written / storage.buffers().bufferCount(), added, removal.removed(),
                    removal.recycled(), seconds(writeDoneNanos - startNanos), seconds(syncDoneNanos - writeDoneNanos),
                    seconds(endNanos - startNanos), synced, seconds(synced == 0 ? 0 : syncDoneNanos - writeDoneNanos),
                    seconds(synced == 0 ? 0 : (syncDoneNanos - writeDoneNanos) / synced), distance / 1024,
                    (long) (distanceEstimate / 1024)));
        }
        return new Result(false, checkpointLsn, redo, end, written, synced, added, removal.removed(),
                removal.recycled());
    }

    /** PostgreSQL 15's LogCheckpointStart text for {@code flags}. */
    public static String startMessage(int flags) {
        StringBuilder b = new StringBuilder("checkpoint starting:");
        if ((flags & CheckpointRequests.IS_SHUTDOWN) != 0) b.append(" shutdown");
        if ((flags & CheckpointRequests.END_OF_RECOVERY) != 0) b.append(" end-of-recovery");
        if ((flags & CheckpointRequests.IMMEDIATE) != 0) b.append(" immediate");
        if ((flags & CheckpointRequests.FORCE) != 0) b.append(" force");
        if ((flags & CheckpointRequests.WAIT) != 0) b.append(" wait");
        if ((flags & CheckpointRequests.CAUSE_XLOG) != 0) b.append(" wal");
        if ((flags & CheckpointRequests.CAUSE_TIME) != 0) b.append(" time");
        if ((flags & CheckpointRequests.FLUSH_ALL) != 0) b.append(" flush-all");
        return b.toString();
    }

    private static String seconds(long nanos) {
        long millis = nanos / 1_000_000;
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }
}
