package org.pgjava.backend.access.xlog;

import org.pgjava.backend.access.redo.BufferRedoBlockAccess;

import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.wal.CheckpointRecord;
import org.pgjava.backend.access.wal.ControlFile;
import org.pgjava.backend.access.wal.DbState;
import org.pgjava.backend.access.wal.DecodedBlock;
import org.pgjava.backend.access.wal.Recovery;
import org.pgjava.backend.access.wal.RedoBlockAccess;
import org.pgjava.backend.access.wal.RedoHandler;
import org.pgjava.backend.access.wal.RmgrIds;
import org.pgjava.backend.access.wal.WalReader;
import org.pgjava.backend.access.wal.WalRecord;
import org.pgjava.backend.access.wal.WalSegments;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.checkpoint.CheckpointRequests;
import org.pgjava.shmem.wal.WalGeometry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The startup process's work (PostgreSQL's StartupXLOG for crash recovery): read pg_control, decide whether
 * WAL must be replayed, replay it from the last checkpoint's redo LSN to the end of valid WAL, set the
 * transaction counters, place the WAL insert position after the last valid record, and (after a replay)
 * write the end-of-recovery checkpoint. Entry point: {@link #run}.
 *
 * <p>Call sequence:
 * <pre>
 * control = ControlFile.read(DATA)                       missing/corrupt: PgException PANIC
 * log "database system was shut down at T" | "was interrupted; last known up at T" | ...
 * reader at control.checkPoint: the checkpoint record must be there ("could not locate a valid checkpoint record")
 * clean (state SHUT_DOWN, nothing after the checkpoint record):
 *     transactionState.initialize(checkpoint.nextXid, checkpoint.nextOid)
 *     wal.startAfterRecovery(end of checkpoint record, checkpoint LSN); RedoRecPtr := checkpoint.redo
 *     pg_control state := IN_PRODUCTION
 * otherwise:
 *     log "database system was not properly shut down; automatic recovery in progress"
 *     pg_control state := IN_CRASH_RECOVERY
 *     transactionState.initialize(checkpoint counters)
 *     Recovery.replay(segments, checkpoint.redo, handlers + XLOG, BufferRedoBlockAccess)
 *         log "redo starts at", the end-of-WAL reason, "redo done at ... system usage: ..."
 *     transactionState.initialize(max(nextXid seen, every replayed xid + 1), nextOid)
 *     wal.startAfterRecovery(result.endOfWal, result.lastRecordLsn)
 *     Checkpoint.perform(END_OF_RECOVERY | IMMEDIATE | WAIT)   (pg_control state := IN_PRODUCTION)
 * </pre>
 * Unlike PostgreSQL 15, whose startup process asks the checkpointer for the end-of-recovery checkpoint,
 * pgjava's startup process writes it itself (the checkpointer starts after it): the storage it runs on
 * must have been composed with {@code checkpointer = true}.
 */
public final class StartupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final ProcessStorage storage;
    private final Map<Integer, RedoHandler> handlers;
    private final boolean logCheckpoints;
    private final long maxWalSize;

    /** What the startup did. */
    public record Outcome(boolean replayed, Recovery.Result replay, long nextFullXid, long nextOid, long endOfWal) {
    }

    /**
     * @param storage        the startup process's storage, composed with {@code checkpointer = true}
     * @param handlers       redo handlers by rmid for every resource manager but XLOG (engine's heap,
     *                       transaction and storage handlers); XLOG's is added here
     * @param logCheckpoints log_checkpoints
     * @param maxWalSize     max_wal_size in bytes
     */
    public StartupRecovery(ProcessStorage storage, Map<Integer, RedoHandler> handlers, boolean logCheckpoints,
                           long maxWalSize) {
        this.storage = storage;
        this.handlers = handlers;
        this.logCheckpoints = logCheckpoints;
        this.maxWalSize = maxWalSize;
    }

    /**
     * Runs the startup sequence of the class comment.
     *
     * @param titleSetter told "recovering &lt;segment file&gt;" before replay (the process title)
     * @throws PgException PANIC when pg_control or the checkpoint record cannot be read, or a record cannot be
     *                     replayed
     * @throws IOException when pg_control cannot be written
     */
    public Outcome run(Consumer<String> titleSetter) throws IOException {
        ControlFile.Data control;
        try {
            control = ControlFile.read(storage.dataDirectory());
        } catch (NoSuchFileException e) {
            throw new PgException(Severity.PANIC, SqlState.UNDEFINED_FILE,
                    "could not open file \"global/pg_control\": No such file or directory");
        } catch (IOException e) {
            throw new PgException(Severity.PANIC, SqlState.DATA_CORRUPTED, e.getMessage());
        }
        String lastUp = LOG_TIME.format(Instant.ofEpochSecond(control.time()));
        switch (control.state()) {
            case SHUT_DOWN -> LOG.info("database system was shut down at {}", lastUp);
            case SHUTTING_DOWN -> LOG.info("database system shutdown was interrupted; last known up at {}", lastUp);
            case IN_CRASH_RECOVERY -> {
                LOG.info("database system was interrupted while in recovery at {}", lastUp);
                LOG.info(org.slf4j.MarkerFactory.getMarker("HINT"), "This probably means that some data is corrupted "
                        + "and you will have to use the last backup for recovery.");
            }
            default -> LOG.info("database system was interrupted; last known up at {}", lastUp);
        }
        WalSegments segments = storage.walSegments();
        CheckpointRecord checkpoint = control.checkPointCopy();
        long checkpointEnd;
        boolean recordsAfterCheckpoint;
        try (WalReader reader = new WalReader(segments, control.checkPointLsn())) {
            WalRecord record = reader.next();
            if (record == null || record.rmid() != RmgrIds.XLOG || (record.info() & 0xF0) > 0x10) {
                throw new PgException(Severity.PANIC, SqlState.DATA_CORRUPTED,
                        "could not locate a valid checkpoint record");
            }
            checkpointEnd = record.endLsn();
            recordsAfterCheckpoint = reader.next() != null;
        }
        var xacts = storage.transactionState();
        xacts.initialize(checkpoint.nextXid(), checkpoint.nextOid());
        if (control.state() == DbState.SHUT_DOWN && !recordsAfterCheckpoint) {
            storage.wal().startAfterRecovery(checkpointEnd, control.checkPointLsn());
            storage.wal().shared().setRedoRecPtr(checkpoint.redo());
            ControlFile.write(storage.dataDirectory(), control.withState(DbState.IN_PRODUCTION, now()));
            return new Outcome(false, null, checkpoint.nextXid(), checkpoint.nextOid(), checkpointEnd);
        }
        LOG.info("database system was not properly shut down; automatic recovery in progress");
        control = control.withState(DbState.IN_CRASH_RECOVERY, now());
        ControlFile.write(storage.dataDirectory(), control);
        titleSetter.accept("recovering " + segments.fileName(segments.segmentOf(checkpoint.redo())));
        XlogRedoHandler xlog = new XlogRedoHandler(checkpoint);
        XidTracker xids = new XidTracker(checkpoint.nextXid());
        Map<Integer, RedoHandler> all = new HashMap<>();
        handlers.forEach((rmid, h) -> all.put(rmid, xids.wrap(h)));
        all.put(RmgrIds.XLOG, xids.wrap(xlog));
        RedoBlockAccess blocks = new BufferRedoBlockAccess(storage.buffers());
        long startNanos = System.nanoTime();
        long cpuStart = processCpuNanos();
        long userStart = userNanos();
        LOG.info("redo starts at {}", WalGeometry.formatLsn(checkpoint.redo()));
        Recovery.Result result;
        try {
            result = Recovery.replay(segments, checkpoint.redo(), all, blocks);
        } catch (RuntimeException e) {
            throw new PgException(Severity.PANIC, SqlState.INTERNAL_ERROR, e.getMessage(), e);
        }
        if (result.stopReason() != null) {
            LOG.info("{}", result.stopReason());
        }
        if (result.records() == 0) {
            LOG.info("redo is not required");
        } else {
            long elapsed = System.nanoTime() - startNanos;
            long user = Math.max(0, userNanos() - userStart);
            long system = Math.max(0, processCpuNanos() - cpuStart - user);
            LOG.info("{}", String.format(Locale.ROOT, "%s system usage: CPU: user: %.2f s, system: %.2f s, elapsed: %.2f s",
                    result.doneMessage(), user / 1e9, system / 1e9, elapsed / 1e9));
        }
        long nextFullXid = Math.max(xlog.nextFullXid(), xids.nextFullXid());
        long nextOid = xlog.nextOid();
        xacts.initialize(nextFullXid, nextOid);
        long endOfWal = result.records() == 0 ? checkpointEnd : result.endOfWal();
        long lastRecord = result.records() == 0 ? control.checkPointLsn() : result.lastRecordLsn();
        storage.wal().startAfterRecovery(endOfWal, lastRecord);
        storage.wal().shared().setRedoRecPtr(checkpoint.redo());
        new Checkpoint(storage).perform(CheckpointRequests.END_OF_RECOVERY | CheckpointRequests.IMMEDIATE
                | CheckpointRequests.WAIT, logCheckpoints, maxWalSize);
        return new Outcome(true, result, nextFullXid, nextOid, endOfWal);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static long userNanos() {
        var threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadUserTime() : 0;
    }

    /**
     * Sees every replayed record's xid and keeps nextXid past all of them (PostgreSQL advances nextXid in
     * redo for every xid it meets, so an xid is never assigned twice).
     */
    static final class XidTracker {
        private long nextFullXid;

        XidTracker(long nextFullXid) {
            this.nextFullXid = nextFullXid;
        }

        long nextFullXid() {
            return nextFullXid;
        }

        void see(long xid) {
            if (xid < 3) {
                return; // invalid, bootstrap or frozen
            }
            long epoch = nextFullXid >>> 32;
            long low = nextFullXid & 0xFFFF_FFFFL;
            long full = (epoch << 32) | xid;
            if (xid > low && xid - low > 0x8000_0000L && epoch > 0) {
                full -= 1L << 32; // an xid from before the last wraparound
            } else if (xid < low && low - xid > 0x8000_0000L) {
                full += 1L << 32; // wrapped since nextXid
            }
            if (full + 1 > nextFullXid) {
                nextFullXid = full + 1;
            }
        }

        RedoHandler wrap(RedoHandler handler) {
            return new RedoHandler() {
                @Override
                public void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page) {
                    handler.redoBlock(record, block, page);
                }

                @Override
                public void redoRecord(WalRecord record) {
                    see(record.xid());
                    handler.redoRecord(record);
                }
            };
        }
    }
}
