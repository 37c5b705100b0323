package org.pgjava.backend.access.transam;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.heap.ComboCids;
import org.pgjava.backend.access.wal.WalPanicError;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.backend.utils.snapshot.TransactionOracle;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * One backend session's transaction manager, PostgreSQL's xact.c over this process's storage: starts and
 * ends top-level transactions and subtransactions, hands out command ids and snapshots, assigns xids lazily
 * at the first write, writes the commit / abort WAL records, and runs the transaction's pending file
 * deletes and end-of-transaction callbacks. Heap tables ({@code access/heap/HeapTable}) are bound to one.
 *
 * <p>Entry points: {@link #begin()}, {@link #commit()}, {@link #abort()}, {@link #beginSubtransaction()},
 * {@link #commitSubtransaction()}, {@link #abortSubtransaction()}, {@link #commandCounterIncrement()},
 * {@link #currentCommandId(boolean)}, {@link #statementSnapshot()}, {@link #endStatement()},
 * {@link #catalogSnapshot()}, {@link #assignXid()}, {@link #registerPendingDelete}, {@link #onCommit},
 * {@link #onAbort}, {@link #oracle()}, {@link #comboCids()}.
 *
 * <p>Contracts:
 * <ol>
 *   <li>A read-only transaction (no {@link #assignXid()}) gets no xid and writes no WAL.</li>
 *   <li>Commit with an xid: the commit record (rmid 1, info 0x00, xl_xid = the top xid, main data
 *       {@link XactWalRecords}) is inserted in a critical section (any failure is a {@link WalPanicError})
 *       and flushed unless synchronous_commit is off (then a flush is only requested; the heap then keeps
 *       COMMITTED hint bits off until WAL passes the commit), then commit log and process array, then the
 *       {@link #onCommit} callbacks (catalog invalidations: PostgreSQL's AtEOXact_Inval, before the locks
 *       go), then the heavyweight locks ({@link CurrentTransaction#commit(long, Runnable)}), then the combo
 *       command ids are forgotten, then the pending deletes registered {@code atCommit} run (buffers
 *       dropped, files unlinked).</li>
 *   <li>Abort: an abort record (info 0x20, not flushed) if an xid exists, commit log ABORTED, process array,
 *       locks, then the files of relations created in the transaction are deleted, then the
 *       {@link #onAbort} callbacks. {@link #abort()} is idempotent and never leaves a transaction open.</li>
 *   <li>Isolation: read from the supplier given at construction (the session's transaction_isolation) when
 *       the transaction takes its first snapshot. READ COMMITTED (and READ UNCOMMITTED, as PostgreSQL): a
 *       new snapshot per statement; REPEATABLE READ: the first statement's snapshot for the whole
 *       transaction; SERIALIZABLE: 0A000 (pgjava has no serializable snapshot isolation).</li>
 *   <li>Command ids: the current command id is the curcid of every snapshot handed out; tuples written by the
 *       current command are invisible to it. {@link #commandCounterIncrement()} advances only if the current
 *       command id was used for a write; the 2^32-1th command is 54000.</li>
 *   <li>Subtransactions: pending deletes and callbacks registered inside a subtransaction belong to it;
 *       its commit hands them to the parent, its abort runs the abort-time ones at once and forgets the
 *       commit-time ones. Locks taken inside an aborted subtransaction are released.</li>
 * </ol>
 *
 * <p>Process-safety: process-local, used by the session thread that attached {@link ProcessStorage}.
 */
public final class TransactionManager {
    /** The isolation levels pgjava runs. */
    public enum IsolationLevel { READ_COMMITTED, REPEATABLE_READ }

    private record PendingDelete(RelFileLocator rel, boolean atCommit, int level) {
    }

    private record Callback(Runnable action, boolean atCommit, int level) {
    }

    private final ProcessStorage storage;
    private final CurrentTransaction current;
    private final ComboCids comboCids = new ComboCids();
    private final Supplier<String> isolationSetting;
    private boolean synchronousCommit = true;

    private boolean inTransaction;
    private IsolationLevel isolation;
    private int commandId;
    private boolean commandIdUsed;
    private Snapshot transactionSnapshot;
    private Snapshot statementSnapshot;
    private final List<PendingDelete> pendingDeletes = new ArrayList<>();
    private final List<Callback> callbacks = new ArrayList<>();
    private long lastCommitLsn;
    private long lastCommittedXid;

    /**
     * @param storage          this process's storage
     * @param isolationSetting the session's transaction_isolation value ("read committed", "repeatable
     *                         read", "serializable", "read uncommitted"); read at a transaction's first snapshot
     */
    public TransactionManager(ProcessStorage storage, Supplier<String> isolationSetting) {
        this.storage = storage;
        this.isolationSetting = isolationSetting;
        int slot = storage.attachment().slot();
        this.current = new CurrentTransaction(slot, storage.xidAssigner(), storage.commitLog(),
                storage.procArrayTransactions(), storage.locks());
    }

    /** A manager whose transactions run READ COMMITTED. */
    public TransactionManager(ProcessStorage storage) {
        this(storage, () -> "read committed");
    }

    /** The storage this manager writes through. */
    public ProcessStorage storage() {
        return storage;
    }

    /** synchronous_commit: off makes commit request a WAL flush instead of waiting for it. */
    public void setSynchronousCommit(boolean on) {
        this.synchronousCommit = on;
    }

    /** The xid stack (top + subtransactions); also the visibility oracle. */
    public CurrentTransaction current() {
        return current;
    }

    /** The visibility oracle of this backend (own transaction, process array, commit log). */
    public TransactionOracle oracle() {
        return current;
    }

    /** This backend's combo command ids (reset at every top-level end). */
    public ComboCids comboCids() {
        return comboCids;
    }

    /** True while a top-level transaction is open. */
    public boolean inTransaction() {
        return inTransaction;
    }

    /** Subtransaction depth (0 = top level). */
    public int depth() {
        return current.depth();
    }

    /** The isolation level fixed at the first snapshot, or null before it. */
    public IsolationLevel isolationLevel() {
        return isolation;
    }

    /** True once the transaction took a snapshot (PostgreSQL's FirstSnapshotSet). */
    public boolean snapshotTaken() {
        return transactionSnapshot != null;
    }

    /** StartTransaction: a new top-level transaction (no xid, command id 0). No-op when one is open. */
    public void begin() {
        if (inTransaction) {
            return;
        }
        inTransaction = true;
        isolation = null;
        commandId = 0;
        commandIdUsed = false;
        transactionSnapshot = null;
        statementSnapshot = null;
    }

    private void requireTransaction() {
        if (!inTransaction) {
            throw new IllegalStateException("no transaction is open");
        }
    }

    // ------------------------------------------------------------------ command ids and snapshots

    /**
     * GetCurrentCommandId: the current command id; {@code used} records that the command writes (so the next
     * {@link #commandCounterIncrement()} advances).
     */
    public int currentCommandId(boolean used) {
        requireTransaction();
        if (used) {
            commandIdUsed = true;
        }
        return commandId;
    }

    /**
     * CommandCounterIncrement: makes the current command's changes visible to the next command. Advances only
     * if the current command id was used for a write.
     *
     * @throws PgException 54000 {@code cannot have more than 2^32-2 commands in a transaction}
     */
    public void commandCounterIncrement() {
        if (!inTransaction || !commandIdUsed) {
            return;
        }
        if (commandId == 0xFFFF_FFFE) {
            throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED,
                    "cannot have more than 2^32-2 commands in a transaction");
        }
        commandId++;
        commandIdUsed = false;
        if (statementSnapshot != null) {
            statementSnapshot = statementSnapshot.withCommandId(commandId);
        }
    }

    private IsolationLevel resolveIsolation() {
        String s = isolationSetting.get();
        if (s == null) {
            return IsolationLevel.READ_COMMITTED;
        }
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "repeatable read" -> IsolationLevel.REPEATABLE_READ;
            case "serializable" -> throw PgException.notSupported("SERIALIZABLE isolation level is not supported");
            default -> IsolationLevel.READ_COMMITTED;
        };
    }

    /**
     * The snapshot of the current statement (GetTransactionSnapshot + the active snapshot): READ COMMITTED
     * takes a fresh one at the statement's first call and keeps it until {@link #endStatement()};
     * REPEATABLE READ reuses the transaction's first one. Its curcid is the current command id.
     *
     * @throws PgException 0A000 for SERIALIZABLE
     */
    public Snapshot statementSnapshot() {
        requireTransaction();
        if (statementSnapshot == null) {
            if (isolation == null) {
                isolation = resolveIsolation();
            }
            if (isolation == IsolationLevel.REPEATABLE_READ && transactionSnapshot != null) {
                statementSnapshot = transactionSnapshot.withCommandId(commandId);
            } else {
                statementSnapshot = current.snapshot(commandId);
                if (transactionSnapshot == null) {
                    transactionSnapshot = statementSnapshot;
                }
            }
        } else if (statementSnapshot.curcid() != commandId) {
            statementSnapshot = statementSnapshot.withCommandId(commandId);
        }
        return statementSnapshot;
    }

    /**
     * The statement ended: READ COMMITTED drops its snapshot and clears the process's xmin (no snapshot is
     * held any more); REPEATABLE READ keeps the transaction snapshot.
     */
    public void endStatement() {
        endStatement(false);
    }

    /**
     * {@link #endStatement()}, but with {@code snapshotsStillInUse} (a suspended portal of this transaction
     * still scans with an older snapshot) the process's xmin stays, so pruning keeps every row those
     * snapshots may see.
     */
    public void endStatement(boolean snapshotsStillInUse) {
        statementSnapshot = null;
        if (inTransaction && isolation != IsolationLevel.REPEATABLE_READ && !snapshotsStillInUse) {
            storage.procArrayTransactions().clearXmin(storage.attachment().slot());
        }
    }

    /**
     * A fresh snapshot for catalog reads (the catalog snapshot): sees every transaction committed now and
     * this transaction's changes of earlier commands. Outside a transaction: a snapshot with command id 0.
     */
    public Snapshot catalogSnapshot() {
        return current.snapshot(inTransaction ? commandId : 0);
    }

    // ------------------------------------------------------------------ xids

    /**
     * The xid of the current (sub)transaction, assigning it (and its parents' first) if needed
     * (AssignTransactionId).
     */
    public long assignXid() {
        requireTransaction();
        return current.assignXid();
    }

    /** The top-level xid, 0 when none was assigned. */
    public long topXid() {
        return current.topXid();
    }

    /** End LSN of the last commit record this manager wrote (0 if none). */
    public long lastCommitLsn() {
        return lastCommitLsn;
    }

    /** The xid the last commit with an xid committed (0 if none). */
    public long lastCommittedXid() {
        return lastCommittedXid;
    }

    // ------------------------------------------------------------------ pending deletes and callbacks

    /**
     * Registers a relation's files to delete at the end of the transaction: {@code atCommit} true for DROP
     * (deleted if the transaction commits), false for a relation created in this transaction (deleted if it
     * aborts). Belongs to the current subtransaction level.
     */
    public void registerPendingDelete(RelFileLocator rel, boolean atCommit) {
        requireTransaction();
        pendingDeletes.add(new PendingDelete(rel, atCommit, current.depth()));
    }

    /**
     * Runs {@code action} at the top-level commit, after the commit is in the commit log and the process
     * array and before the transaction's locks are released (where PostgreSQL sends invalidations).
     */
    public void onCommit(Runnable action) {
        requireTransaction();
        callbacks.add(new Callback(action, true, current.depth()));
    }

    /** Runs {@code action} when the transaction (or the current subtransaction) aborts. */
    public void onAbort(Runnable action) {
        requireTransaction();
        callbacks.add(new Callback(action, false, current.depth()));
    }

    // ------------------------------------------------------------------ subtransactions

    /** SAVEPOINT: starts a subtransaction (no xid until it writes). */
    public void beginSubtransaction() {
        requireTransaction();
        current.beginSubtransaction();
    }

    /** RELEASE: the innermost subtransaction's xids, deletes and callbacks become its parent's. */
    public void commitSubtransaction() {
        int level = current.depth();
        current.commitSubtransaction();
        relevel(level, level - 1);
    }

    /**
     * ROLLBACK TO / error inside a savepoint: aborts the innermost subtransaction: its xids ABORTED, its
     * locks released, its created relations' files deleted, its abort callbacks run.
     */
    public void abortSubtransaction() {
        int level = current.depth();
        current.abortSubtransaction();
        List<RelFileLocator> toDelete = new ArrayList<>();
        pendingDeletes.removeIf(p -> {
            if (p.level() < level) {
                return false;
            }
            if (!p.atCommit()) {
                toDelete.add(p.rel());
            }
            return true;
        });
        List<Runnable> run = new ArrayList<>();
        callbacks.removeIf(c -> {
            if (c.level() < level) {
                return false;
            }
            if (!c.atCommit()) {
                run.add(c.action());
            }
            return true;
        });
        deleteFiles(toDelete);
        runAll(run);
    }

    private void relevel(int from, int to) {
        pendingDeletes.replaceAll(p -> p.level() >= from ? new PendingDelete(p.rel(), p.atCommit(), to) : p);
        callbacks.replaceAll(c -> c.level() >= from ? new Callback(c.action(), c.atCommit(), to) : c);
    }

    // ------------------------------------------------------------------ commit / abort

    /**
     * CommitTransaction (contract 2). No-op when no transaction is open.
     *
     * @throws WalPanicError if the commit record could not be written or flushed (the process must PANIC)
     */
    public void commit() {
        if (!inTransaction) {
            return;
        }
        long xid = current.topXid();
        long lsn = 0;
        List<RelFileLocator> dropped = new ArrayList<>();
        for (PendingDelete p : pendingDeletes) {
            if (p.atCommit()) {
                dropped.add(p.rel());
            }
        }
        if (xid != 0) {
            var record = new XactWalRecords.XactRecord(true, XactWalRecords.nowTimestamp(),
                    current.committedSubxids(), dropped);
            try {
                lsn = storage.wal().insert(XactWalRecords.RM_XACT, record.info(), xid, List.of(), record.encode());
                if (synchronousCommit) {
                    storage.wal().flush(lsn);
                } else {
                    storage.wal().shared().requestFlush(lsn);
                }
            } catch (WalPanicError e) {
                throw storage.panic(e);
            } catch (RuntimeException e) {
                throw storage.panic(new WalPanicError("cannot write commit record: " + e.getMessage(), e));
            }
            lastCommitLsn = lsn;
            lastCommittedXid = xid;
        }
        List<Runnable> run = new ArrayList<>();
        for (Callback c : callbacks) {
            if (c.atCommit()) {
                run.add(c.action());
            }
        }
        try {
            current.commit(lsn, () -> runAll(run));
        } finally {
            endCleanup();
        }
        deleteFiles(dropped);
    }

    /** AbortTransaction + CleanupTransaction (contract 3). Idempotent. */
    public void abort() {
        if (!inTransaction) {
            return;
        }
        long xid = current.topXid();
        List<RelFileLocator> created = new ArrayList<>();
        for (PendingDelete p : pendingDeletes) {
            if (!p.atCommit()) {
                created.add(p.rel());
            }
        }
        List<Runnable> run = new ArrayList<>();
        for (Callback c : callbacks) {
            if (!c.atCommit()) {
                run.add(c.action());
            }
        }
        try {
            if (xid != 0) {
                var record = new XactWalRecords.XactRecord(false, XactWalRecords.nowTimestamp(),
                        current.committedSubxids(), created);
                try {
                    storage.wal().insert(XactWalRecords.RM_XACT, record.info(), xid, List.of(), record.encode());
                } catch (WalPanicError e) {
                    throw storage.panic(e);
                } catch (RuntimeException e) {
                    throw storage.panic(new WalPanicError("cannot write abort record: " + e.getMessage(), e));
                }
            }
        } finally {
            try {
                current.abort();
            } finally {
                endCleanup();
            }
        }
        deleteFiles(created);
        runAll(run);
    }

    private void endCleanup() {
        comboCids.reset();
        pendingDeletes.clear();
        callbacks.clear();
        inTransaction = false;
        isolation = null;
        transactionSnapshot = null;
        statementSnapshot = null;
        commandId = 0;
        commandIdUsed = false;
    }

    private void deleteFiles(List<RelFileLocator> rels) {
        for (RelFileLocator rel : rels) {
            storage.buffers().dropRelationBuffers(rel);
            storage.smgr().unlinkAll(rel);
            storage.forgetTargetBlock(rel);
        }
    }

    private static void runAll(List<Runnable> actions) {
        RuntimeException first = null;
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
