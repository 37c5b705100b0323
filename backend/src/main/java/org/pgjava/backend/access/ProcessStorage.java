package org.pgjava.backend.access;

import java.nio.file.Path;
import org.pgjava.backend.access.transam.CommitLog;
import org.pgjava.backend.access.transam.ProcArrayTransactions;
import org.pgjava.backend.access.transam.XidAssigner;
import org.pgjava.backend.access.wal.WalInserter;
import org.pgjava.backend.access.wal.WalSegments;
import org.pgjava.backend.access.wal.WalSyncMethod;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.buffer.BufferManager;
import org.pgjava.backend.storage.lmgr.LockManager;
import org.pgjava.backend.storage.smgr.ForwardingSyncSink;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.backend.storage.smgr.SyncRequestSink;
import org.pgjava.backend.storage.smgr.SyncRequestTable;
import org.pgjava.shmem.buffer.SharedBufferPool;
import org.pgjava.shmem.lmgr.LockTable;
import org.pgjava.shmem.server.ProcessAttachment;
import org.pgjava.shmem.server.ServerSegmentLayout;
import org.pgjava.shmem.sinval.SharedInvalidationQueue;
import org.pgjava.shmem.wal.WalShared;
import org.pgjava.shmem.xact.SlruBuffers;
import org.pgjava.shmem.xact.TransactionState;

/**
 * One process's views of the shared storage structures and its private storage state, composed once after
 * the process has attached the shared segment: the buffer pool and its buffer manager over the relation
 * files, the WAL inserter, the transaction state, commit log and xid assignment, the heavyweight lock
 * manager and the shared invalidation queue. Backends and auxiliary processes build one with
 * {@link #attach}; everything in it is bound to the thread that attached (the LWLock owner's thread).
 *
 * <p>Wiring rules (each component's README has its own):
 * <ol>
 *   <li>WAL before data: the buffer manager flushes WAL up to a page's LSN (the inserter's group-commit
 *       flush) before writing the page; the commit log does the same for its pages.</li>
 *   <li>Sync requests: ordinary processes forward the files they wrote to the checkpointer
 *       ({@link ForwardingSyncSink}); the checkpointer itself collects them in a {@link SyncRequestTable}
 *       ({@link #syncTable()}) and fsyncs them at each checkpoint.</li>
 *   <li>The lock manager polls {@code interruptCheck} while it waits, so cancel and timeouts reach a
 *       process waiting for a lock.</li>
 *   <li>Error cleanup, in order: {@code lwlockOwner().releaseAll()}, then {@code buffers().releaseAll()},
 *       then the transaction's abort (which releases heavyweight locks).</li>
 * </ol>
 */
public final class ProcessStorage {
    /** The settings the storage layer reads at process start (postmaster-context settings). */
    public record Settings(boolean fsync, boolean fullPageWrites, WalSyncMethod walSyncMethod, long walSegmentSize) {
        /** pgjava's defaults: fsync on, full page writes on, fdatasync, 16 MiB segments. */
        public static Settings defaults() {
            return new Settings(true, true, WalSyncMethod.FDATASYNC, 16L << 20);
        }
    }

    private final ProcessAttachment attachment;
    private final Path dataDirectory;
    private final SharedBufferPool pool;
    private final StorageManager smgr;
    private final SyncRequestTable syncTable;
    private final BufferManager buffers;
    private final WalSegments walSegments;
    private final WalInserter wal;
    private final TransactionState transactionState;
    private final CommitLog commitLog;
    private final ProcArrayTransactions procArrayTransactions;
    private final XidAssigner xidAssigner;
    private final LockManager locks;
    private final SharedInvalidationQueue invalidations;
    private final Settings settings;
    private final java.util.Map<RelFileLocator, Long> targetBlocks = new java.util.HashMap<>();
    private volatile java.util.function.Consumer<Error> panicHandler;
    private volatile Error panicked;

    private ProcessStorage(ProcessAttachment a, Path dataDirectory, Settings settings, boolean checkpointer,
                           Runnable interruptCheck) {
        this.attachment = a;
        this.dataDirectory = dataDirectory;
        this.settings = settings;
        ServerSegmentLayout layout = a.layout();
        var segment = a.segment();
        var owner = a.lwlockOwner();
        this.pool = SharedBufferPool.attach(segment::region, layout.buffers(), owner);
        this.syncTable = checkpointer ? new SyncRequestTable(pool.syncQueue()) : null;
        SyncRequestSink sink = checkpointer ? syncTable : new ForwardingSyncSink(pool.syncQueue());
        this.smgr = new StorageManager(dataDirectory, sink, StorageManager.RELSEG_SIZE, 256, settings.fsync());
        this.walSegments = new WalSegments(dataDirectory.resolve("pg_wal"), settings.walSegmentSize());
        this.wal = new WalInserter(new WalShared(segment.region(ServerSegmentLayout.WAL), layout.walBuffers(), owner),
                walSegments, settings.walSyncMethod(), settings.fsync(), settings.fullPageWrites(), a.slot());
        this.buffers = new BufferManager(pool, smgr, wal::flush);
        this.transactionState = new TransactionState(segment.region(ServerSegmentLayout.TRANSACTION_STATE), owner);
        this.commitLog = new CommitLog(new SlruBuffers(segment.region(ServerSegmentLayout.CLOG_BUFFERS),
                layout.clogBuffers(), "XactSLRU", owner), dataDirectory.resolve("pg_xact"), wal::flush);
        this.procArrayTransactions = new ProcArrayTransactions(transactionState, a.procs());
        this.xidAssigner = new XidAssigner(transactionState, a.procs(), commitLog);
        this.locks = new LockManager(new LockTable(segment.region(ServerSegmentLayout.LOCK_TABLE), layout.slots(),
                layout.maxLocksPerTransaction(), owner), a.procs(), a.slot(), processId(a), interruptCheck);
        this.locks.setStatusSlot(a.statusSlot());
        this.invalidations = new SharedInvalidationQueue(segment.region(ServerSegmentLayout.SINVAL_QUEUE),
                layout.slots(), ServerSegmentLayout.SINVAL_QUEUE_SIZE, owner);
    }

    /**
     * Composes the storage views of a process that has attached the segment ({@code attachment}), on the
     * attaching thread.
     *
     * @param checkpointer   true in the checkpointer only: it collects the sync requests of all processes
     * @param interruptCheck called while waiting for heavyweight locks; throws to abandon the wait
     * @throws IllegalArgumentException if a region is missing from the segment's layout
     */
    public static ProcessStorage attach(ProcessAttachment attachment, Path dataDirectory, Settings settings,
                                        boolean checkpointer, Runnable interruptCheck) {
        return new ProcessStorage(attachment, dataDirectory, settings, checkpointer, interruptCheck);
    }

    private static int processId(ProcessAttachment a) {
        int pid = a.procs().pidOf(a.slot());
        return pid > 0 ? pid : (int) ProcessHandle.current().pid();
    }

    /**
     * Error cleanup, steps 1 and 2 of the class comment's rule 4: releases every LWLock this process holds,
     * then every buffer pin. The caller then aborts the transaction (TransactionManager.abort()). Never
     * throws for locks or pins that are not held.
     */
    public void releaseAfterError() {
        attachment.lwlockOwner().releaseAll();
        buffers.releaseAll();
    }

    /**
     * The block this process last inserted into for {@code rel} (PostgreSQL's per-relation target block,
     * rd_targblock), or -1 if none is known.
     */
    public long targetBlock(RelFileLocator rel) {
        Long b = targetBlocks.get(rel);
        return b == null ? -1 : b;
    }

    /** Remembers the insert target block of {@code rel}. */
    public void setTargetBlock(RelFileLocator rel, long block) {
        targetBlocks.put(rel, block);
    }

    /** Forgets the insert target block of {@code rel} (its files were deleted or truncated). */
    public void forgetTargetBlock(RelFileLocator rel) {
        targetBlocks.remove(rel);
    }

    /**
     * Where a PANIC goes: the backend installs a handler that logs {@code PANIC:  <message>} and exits the
     * process with status 2 at once (crash-restart). Without a handler {@link #panic} only rethrows.
     */
    public void setPanicHandler(java.util.function.Consumer<Error> handler) {
        this.panicHandler = handler;
    }

    /**
     * A WalPanicError or DataSyncFailedError reached the storage layer's caller: records it, runs the panic
     * handler (which normally never returns), then rethrows {@code error}.
     */
    public Error panic(Error error) {
        if (panicked == null) {
            panicked = error;
        }
        var h = panicHandler;
        if (h != null) {
            h.accept(error);
        }
        throw error;
    }

    /** The first PANIC this process raised through {@link #panic}, or null. */
    public Error panicked() {
        return panicked;
    }

    /** The process's attachment (slot, process array, LWLock owner, status slot). */
    public ProcessAttachment attachment() {
        return attachment;
    }

    /** The data directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The settings this process's storage was composed with. */
    public Settings settings() {
        return settings;
    }

    /** The shared buffer pool's regions. */
    public SharedBufferPool pool() {
        return pool;
    }

    /** The relation files. */
    public StorageManager smgr() {
        return smgr;
    }

    /** The checkpointer's sync-request table; null in every other process. */
    public SyncRequestTable syncTable() {
        return syncTable;
    }

    /** The buffer manager (pins, content locks, reads, writes, checkpoint and bgwriter writes). */
    public BufferManager buffers() {
        return buffers;
    }

    /** The WAL segment files. */
    public WalSegments walSegments() {
        return walSegments;
    }

    /** The WAL inserter (insert, group-commit flush, WAL writer cycle, checkpoint redo pointer). */
    public WalInserter wal() {
        return wal;
    }

    /** Next xid, next OID, ProcArrayLock, XidGenLock, subxid caches. */
    public TransactionState transactionState() {
        return transactionState;
    }

    /** The commit log (pg_xact). */
    public CommitLog commitLog() {
        return commitLog;
    }

    /** Transaction end, snapshots, oldest xmin, in-progress checks over the process array. */
    public ProcArrayTransactions procArrayTransactions() {
        return procArrayTransactions;
    }

    /** Xid assignment. */
    public XidAssigner xidAssigner() {
        return xidAssigner;
    }

    /** The heavyweight lock manager of this process. */
    public LockManager locks() {
        return locks;
    }

    /** The shared invalidation queue (catalog cache invalidations). */
    public SharedInvalidationQueue invalidations() {
        return invalidations;
    }
}
