package org.pgjava.backend.access.xlog;

import org.pgjava.backend.access.wal.CheckpointRecord;
import org.pgjava.backend.access.wal.ControlFile;
import org.pgjava.backend.access.wal.DbState;
import org.pgjava.backend.access.wal.RmgrIds;
import org.pgjava.backend.access.wal.WalInserter;
import org.pgjava.backend.access.wal.WalSegments;
import org.pgjava.backend.access.wal.WalSyncMethod;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.wal.WalShared;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test fixture: the storage part of initdb (PostgreSQL's BootStrapXLOG) without the catalogs — initdb's
 * BootstrapMain does the same plus the catalogs for real clusters. Creates {@code pg_wal/} with its first segment
 * holding one shutdown checkpoint record, {@code pg_xact/}, and {@code global/pg_control} in state
 * {@code shut down} pointing at that record. After it, the startup process finds a cleanly shut down
 * cluster ("database system was shut down at ...") and starts the WAL after the checkpoint record.
 * Entry point: {@link #initialize}.
 *
 * <p>Runs in a single process with no server running: the WAL is written through a private (not shared)
 * {@link WalShared} view. The bootstrap of the catalogs (catalog2's BootstrapMain) calls it before it writes
 * any relation file, and passes the counters it needs; a later bootstrap that writes catalog rows through
 * the buffer manager must end with a checkpoint so those rows do not depend on WAL replay.
 *
 * <p>The first record is at {@code segmentStart(1) + 24} (0/1000018 with 16 MiB segments) as in
 * PostgreSQL; segment 0 is never used.
 */
public final class ClusterStorageInit {
    /** PostgreSQL's FirstNormalTransactionId: the first xid a cluster assigns. */
    public static final long FIRST_NORMAL_XID = 3;
    /** PostgreSQL's FirstNormalObjectId: the first OID of user objects. */
    public static final long FIRST_NORMAL_OBJECT_ID = 16384;
    private static final int WAL_BUFFERS = 8;

    private ClusterStorageInit() {
    }

    /** What {@link #initialize} wrote. */
    public record Result(long systemIdentifier, long checkpointLsn, long endOfWal) {
    }

    /**
     * Creates pg_wal (segment 1, with a shutdown checkpoint record), pg_xact and pg_control in
     * {@code dataDirectory}.
     *
     * @param walSegmentSize wal_segment_size in bytes (a power of two, 1 MiB .. 1 GiB)
     * @param nextXid        the checkpoint's nextXid (full form; at least {@link #FIRST_NORMAL_XID})
     * @param nextOid        the checkpoint's nextOid
     * @param fsync          false skips every fsync (tests)
     * @throws IOException if pg_control exists already (the directory is initialized) or a file cannot be
     *                     written
     */
    public static Result initialize(Path dataDirectory, long walSegmentSize, long nextXid, long nextOid, boolean fsync)
            throws IOException {
        if (Files.exists(ControlFile.path(dataDirectory))) {
            throw new IOException("file \"global/pg_control\" already exists in \"" + dataDirectory + "\"");
        }
        Files.createDirectories(dataDirectory.resolve("global"));
        Files.createDirectories(dataDirectory.resolve("pg_xact"));
        WalSegments segments = new WalSegments(dataDirectory.resolve("pg_wal"), walSegmentSize);
        Files.createDirectories(segments.directory());
        segments.ensureExists(1);
        long now = System.currentTimeMillis() / 1000;
        long sysid = systemIdentifier();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment waits = arena.allocate(LWLockWaitSlots.regionSize(1), 64);
            MemorySegment walRegion = arena.allocate(WalShared.regionSize(WAL_BUFFERS), 8192);
            LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(waits), 0);
            WalShared shared = new WalShared(walRegion, WAL_BUFFERS, owner);
            try (WalInserter wal = new WalInserter(shared, segments, WalSyncMethod.FDATASYNC, fsync, true, 0)) {
                wal.startAfterRecovery(segments.segmentStart(1), 0);
                long redo = wal.beginCheckpointRedo();
                CheckpointRecord checkpoint = CheckpointRecord.of(redo, nextXid, nextOid, FIRST_NORMAL_XID, now);
                long end = wal.insert(RmgrIds.XLOG, CheckpointRecord.XLOG_CHECKPOINT_SHUTDOWN, 0, List.of(),
                        checkpoint.encode());
                wal.flush(end);
                ControlFile.write(dataDirectory, new ControlFile.Data(sysid, DbState.SHUT_DOWN, now, redo, checkpoint,
                        (int) walSegmentSize, 0));
                return new Result(sysid, redo, end);
            }
        }
    }

    /** PostgreSQL's way: seconds in the high 32 bits, microseconds and the pid below. */
    private static long systemIdentifier() {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        long seconds = micros / 1_000_000;
        long usec = micros % 1_000_000;
        return (seconds << 32) | (usec << 12) | (ProcessHandle.current().pid() & 0xFFF);
    }
}
