package org.pgjava.shmem.server;

import org.pgjava.shmem.buffer.SharedBufferPool;
import org.pgjava.shmem.lmgr.LockTable;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.procarray.ProcArray;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.sinval.SharedInvalidationQueue;
import org.pgjava.shmem.status.BackendStatusArray;
import org.pgjava.shmem.wal.WalShared;
import org.pgjava.shmem.xact.SlruBuffers;
import org.pgjava.shmem.xact.TransactionState;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's shared segment as one layout, built the same way by the postmaster (which creates the
 * segment) and by every child (which attaches it): the regions every process shares, the slot count
 * formula, where the file lives, and how the layout's two parameters travel to a child.
 *
 * <p>Entry points: {@link #slotCount(int, int)}, {@link #layout(int, int)}, {@link #segmentFile(Path, int)};
 * {@link #toEnvironmentValue()} in the postmaster (environment variable {@value #ENVIRONMENT_VARIABLE},
 * next to {@code SegmentIdentity.ENVIRONMENT_VARIABLE}) and {@link #fromEnvironmentValue(String)} in a child.
 *
 * <p>Regions, in order: the process array, LWLock wait slots and backend status slots (one slot per
 * process, same index everywhere); the transaction state, the commit-log buffers, the heavyweight lock
 * table, the shared invalidation queue; the WAL insert state and buffers; the buffer pool's regions
 * (descriptors, locks, mapping table, strategy, sync queue, page frames). Five parameters size it all:
 * slots, track_activity_query_size, the buffer count (shared_buffers), wal_buffers (pages) and
 * max_locks_per_transaction; the commit-log buffer count follows from the buffer count as in PostgreSQL.
 */
public final class ServerSegmentLayout {
    /** Bumped whenever any region's byte layout changes (a child of another version refuses to attach). */
    public static final int LAYOUT_VERSION = 3;
    /** Region names. */
    public static final String PROC_ARRAY = "proc array", LWLOCK_WAIT_SLOTS = "lwlock wait slots",
            BACKEND_STATUS = "backend status", TRANSACTION_STATE = "transaction state",
            CLOG_BUFFERS = "clog buffers", LOCK_TABLE = "lock table", SINVAL_QUEUE = "shared invalidation queue",
            WAL = "wal";
    /** Messages in the shared invalidation queue (PostgreSQL's MAXNUMMESSAGES). */
    public static final int SINVAL_QUEUE_SIZE = 4096;
    /** Auxiliary processes that hold a slot: checkpointer, background writer, WAL writer, startup. */
    public static final int AUXILIARY_PROCESSES = 4;
    /**
     * Slots for processes that exist beside the counted ones for a moment: a backend still exiting while
     * its replacement starts, reused backends waiting idle beyond the standby count, an auxiliary process
     * restarting.
     */
    public static final int HEADROOM = 16;
    /** The child's environment variable carrying {@code slots:track_activity_query_size}. */
    public static final String ENVIRONMENT_VARIABLE = "PGJAVA_SHMEM_LAYOUT";

    private final int slots;
    private final int querySize;
    private final int buffers;
    private final int walBuffers;
    private final int maxLocksPerTransaction;
    private final RegionLayout layout;

    private ServerSegmentLayout(int slots, int querySize, int buffers, int walBuffers, int maxLocksPerTransaction) {
        if (buffers < 16 || walBuffers < 4 || maxLocksPerTransaction < 10) {
            throw new IllegalArgumentException("buffers " + buffers + ", wal buffers " + walBuffers
                    + ", max_locks_per_transaction " + maxLocksPerTransaction + " below the minimum (16, 4, 10)");
        }
        this.slots = slots;
        this.querySize = querySize;
        this.buffers = buffers;
        this.walBuffers = walBuffers;
        this.maxLocksPerTransaction = maxLocksPerTransaction;
        RegionLayout.Builder b = RegionLayout.builder(LAYOUT_VERSION)
                .add(PROC_ARRAY, ProcArray.regionSize(slots))
                .add(LWLOCK_WAIT_SLOTS, LWLockWaitSlots.regionSize(slots))
                .add(BACKEND_STATUS, BackendStatusArray.regionSize(slots, querySize))
                .add(TRANSACTION_STATE, TransactionState.regionSize(slots))
                .add(CLOG_BUFFERS, SlruBuffers.regionSize(clogBuffers()), RegionLayout.PAGE)
                .add(LOCK_TABLE, LockTable.regionSize(slots, maxLocksPerTransaction))
                .add(SINVAL_QUEUE, SharedInvalidationQueue.regionSize(slots, SINVAL_QUEUE_SIZE))
                .add(WAL, WalShared.regionSize(walBuffers), RegionLayout.PAGE)
                .add(org.pgjava.shmem.checkpoint.CheckpointRequests.REGION, org.pgjava.shmem.checkpoint.CheckpointRequests.regionSize());
        this.layout = SharedBufferPool.addRegions(b, buffers).build();
    }

    /**
     * The number of process slots (process array = LWLock wait slots = backend status slots):
     * {@code max_connections + standby_backends + AUXILIARY_PROCESSES + HEADROOM}.
     *
     * @throws IllegalArgumentException for negative arguments
     */
    public static int slotCount(int maxConnections, int standbyBackends) {
        if (maxConnections < 0 || standbyBackends < 0) {
            throw new IllegalArgumentException("negative process count");
        }
        return maxConnections + standbyBackends + AUXILIARY_PROCESSES + HEADROOM;
    }

    /**
     * The layout for {@code slots} processes and a query text of {@code querySize} bytes, with the smallest
     * storage regions (16 buffers, 4 WAL pages, 64 locks per transaction): for tests of the process-level
     * regions only.
     *
     * @throws IllegalArgumentException if slots is not positive or querySize is out of
     *                                  track_activity_query_size's range
     */
    public static ServerSegmentLayout layout(int slots, int querySize) {
        return new ServerSegmentLayout(slots, querySize, 16, 4, 64);
    }

    /**
     * The server's layout.
     *
     * @param buffers                shared_buffers in 8 KiB pages (at least 16)
     * @param walBuffers             wal_buffers in 8 KiB pages, already resolved from -1 (at least 4)
     * @param maxLocksPerTransaction max_locks_per_transaction (at least 10)
     * @throws IllegalArgumentException for a value below its minimum or as {@link #layout(int, int)}
     */
    public static ServerSegmentLayout layout(int slots, int querySize, int buffers, int walBuffers,
                                             int maxLocksPerTransaction) {
        return new ServerSegmentLayout(slots, querySize, buffers, walBuffers, maxLocksPerTransaction);
    }

    /**
     * wal_buffers = -1 resolved as PostgreSQL does: shared_buffers / 32, between 8 pages (64 kB) and 2048
     * pages (one 16 MB segment); an explicit value below 4 pages becomes 4.
     */
    public static int resolveWalBuffers(int walBuffersSetting, int buffers) {
        if (walBuffersSetting == -1) {
            return Math.max(8, Math.min(2048, buffers / 32));
        }
        return Math.max(4, walBuffersSetting);
    }

    /** Commit-log buffers: PostgreSQL 15's CLOGShmemBuffers, min(128, max(4, shared_buffers / 512)). */
    public int clogBuffers() {
        return Math.min(128, Math.max(4, buffers / 512));
    }

    /** shared_buffers in pages. */
    public int buffers() {
        return buffers;
    }

    /** wal_buffers in pages. */
    public int walBuffers() {
        return walBuffers;
    }

    /** max_locks_per_transaction the lock table was sized with. */
    public int maxLocksPerTransaction() {
        return maxLocksPerTransaction;
    }

    /** The region layout. */
    public RegionLayout regions() {
        return layout;
    }

    /** The number of process slots. */
    public int slots() {
        return slots;
    }

    /** track_activity_query_size the status slots were sized with. */
    public int querySize() {
        return querySize;
    }

    /** {@code slots:querySize:buffers:walBuffers:maxLocks}, parsed back by {@link #fromEnvironmentValue(String)}. */
    public String toEnvironmentValue() {
        return slots + ":" + querySize + ":" + buffers + ":" + walBuffers + ":" + maxLocksPerTransaction;
    }

    /**
     * Parses {@link #toEnvironmentValue()}'s text.
     *
     * @throws IllegalArgumentException if the text is null or not of that form
     */
    public static ServerSegmentLayout fromEnvironmentValue(String value) {
        String[] parts = value == null ? new String[0] : value.split(":");
        if (parts.length != 5) {
            throw new IllegalArgumentException("invalid " + ENVIRONMENT_VARIABLE + " value: \"" + value + "\"");
        }
        try {
            return layout(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                    Integer.parseInt(parts[3]), Integer.parseInt(parts[4]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + ENVIRONMENT_VARIABLE + " value: \"" + value + "\"", e);
        }
    }

    /**
     * Where the segment file lives: {@code /dev/shm/pgjava.PORT.shmem} when /dev/shm is a writable directory
     * (tmpfs), else {@code DATA/pg_internal/shmem} (created if missing). The port keeps two servers on one
     * machine apart (two running servers never share a port).
     */
    public static Path segmentFile(Path dataDir, int port) {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm.resolve("pgjava." + port + ".shmem");
        }
        Path dir = dataDir.resolve("pg_internal");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir.resolve("shmem");
    }
}
