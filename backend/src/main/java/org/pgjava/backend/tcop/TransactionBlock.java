package org.pgjava.backend.tcop;

import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * The session's transaction-block state machine, PostgreSQL's xact.c block states reduced to what the
 * traffic cop needs while there is no storage yet: which kind of transaction is open, whether it failed,
 * and the savepoint stack. Setting changes follow transactions through {@link Settings}'s nesting levels.
 *
 * <p>States (PostgreSQL's TBLOCK_* in brackets) and the ReadyForQuery status they report:
 * <pre>
 *   NONE      [DEFAULT]              no transaction                                   'I'
 *   STARTED   [STARTED]              single-statement / extended-protocol transaction 'I'
 *   IMPLICIT  [IMPLICIT_INPROGRESS]  several statements of one Query message          'T'
 *   BLOCK     [INPROGRESS, SUB*]     after BEGIN                                      'T'
 *   FAILED    [ABORT, SUBABORT]      an error happened in the block                   'E'
 * </pre>
 * Call sequence (as postgres.c): {@link #startCommand()} before each statement (NONE → STARTED),
 * {@link #beginImplicitBlock()} for multi-statement Query messages, the statement, then
 * {@link #finishCommand()} (STARTED commits); {@link #abortCurrent()} on an error. Transaction statements
 * ({@link #begin}, {@link #commit}, {@link #rollback}, savepoints) take effect immediately.
 * Not thread-safe: one per session.
 *
 * <p>Storage ({@link #attachStorage}): with a {@link TransactionManager} bound, opening a transaction begins
 * a storage transaction, ending it commits or aborts it (commit first, then the settings), SAVEPOINT /
 * RELEASE / ROLLBACK TO are subtransactions (ROLLBACK TO aborts every level down to the named one and
 * begins it again), an error inside a savepoint aborts only the innermost subtransaction (the block is
 * FAILED until ROLLBACK TO or ROLLBACK), an error outside one aborts the whole storage transaction at once
 * (PostgreSQL's AbortTransaction; the block stays FAILED until ROLLBACK), and {@link #statementDone(boolean)}
 * advances the command counter between statements.
 */
final class TransactionBlock {
    enum State { NONE, STARTED, IMPLICIT, BLOCK, FAILED }

    /** A savepoint; {@code aborted} once an error aborted its subtransaction (ROLLBACK TO must not abort it again). */
    private record Savepoint(String name, int settingsLevel, boolean aborted) {
    }

    private final Settings settings;
    private final Runnable onTransactionEnd;
    private final List<PgException> notices;
    private State state = State.NONE;
    private final List<Savepoint> savepoints = new ArrayList<>();
    private List<String> lastModes = List.of();
    private boolean snapshotTaken;
    /** The storage transaction this block drives; null for a session without storage. */
    private TransactionManager storage;

    /**
     * @param settings         the session's settings (nesting levels follow the transaction)
     * @param onTransactionEnd called after every commit or rollback (the session drops its portals)
     * @param notices          where warnings are queued for the client
     */
    TransactionBlock(Settings settings, Runnable onTransactionEnd, List<PgException> notices) {
        this.settings = settings;
        this.onTransactionEnd = onTransactionEnd;
        this.notices = notices;
    }

    /**
     * Binds the storage transaction manager: from now on every transaction of this block is a storage
     * transaction (begin at startCommand, commit/abort at the end, savepoints as subtransactions, command
     * counter between statements). Call when no transaction is open.
     */
    void attachStorage(TransactionManager tm) {
        this.storage = tm;
    }

    /** The bound transaction manager, or null. */
    TransactionManager storage() {
        return storage;
    }

    /**
     * A statement of the open transaction finished successfully: its changes become visible to the next
     * statement (CommandCounterIncrement) and a READ COMMITTED statement snapshot is dropped (the process
     * keeps its xmin while {@code suspendedPortals}: their scans still use older snapshots).
     */
    void statementDone(boolean suspendedPortals) {
        if (storage != null && storage.inTransaction() && state != State.FAILED) {
            storage.commandCounterIncrement();
            storage.endStatement(suspendedPortals);
        }
    }

    State state() {
        return state;
    }

    /** True inside BEGIN ... COMMIT (also when failed). */
    boolean inBlock() {
        return state == State.BLOCK || state == State.FAILED;
    }

    /** True when any transaction is open (PostgreSQL's IsTransactionState). */
    boolean inTransaction() {
        return state != State.NONE;
    }

    /** True in a failed block: only ROLLBACK / COMMIT / ROLLBACK TO may run. */
    boolean isAborted() {
        return state == State.FAILED;
    }

    /** The status ReadyForQuery reports: 'I', 'T' or 'E'. */
    TransactionStatus status() {
        return switch (state) {
            case NONE, STARTED -> TransactionStatus.IDLE;
            case IMPLICIT, BLOCK -> TransactionStatus.IN_BLOCK;
            case FAILED -> TransactionStatus.FAILED;
        };
    }

    /** start_xact_command: opens a transaction when none is open. */
    void startCommand() {
        if (state == State.NONE) {
            settings.atTransactionStart();
            if (storage != null) storage.begin();
            state = State.STARTED;
            snapshotTaken = false;
        }
    }

    /** A query (not a utility statement) ran in this transaction: PostgreSQL's FirstSnapshotSet. */
    void markSnapshotTaken() {
        snapshotTaken = true;
    }

    /** True once a query ran in the current transaction. */
    boolean snapshotTaken() {
        return snapshotTaken;
    }

    /** True inside a savepoint (PostgreSQL's IsSubTransaction). */
    boolean inSubtransaction() {
        return !savepoints.isEmpty();
    }

    /**
     * PREPARE TRANSACTION gid. Outside a block: WARNING 25P01 and tag "ROLLBACK" (nothing to prepare). In a
     * failed block: rolls back, tag "ROLLBACK". In a block: pgjava cannot prepare transactions, so the block
     * ends (rolled back) and the error is PostgreSQL's for max_prepared_transactions = 0, or 0A000 otherwise.
     *
     * @return the command tag
     */
    String prepare(boolean preparedTransactionsEnabled) {
        switch (state) {
            case BLOCK -> {
                end(false);
                if (preparedTransactionsEnabled) {
                    throw PgException.notSupported("PREPARE TRANSACTION is not supported");
                }
                throw PgException.error(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "prepared transactions are disabled")
                        .withHint("Set max_prepared_transactions to a nonzero value.");
            }
            case FAILED -> {
                end(false);
                return "ROLLBACK";
            }
            default -> {
                notices.add(noTransactionWarning());
                return "ROLLBACK";
            }
        }
    }

    /** finish_xact_command: commits a single-statement transaction; blocks stay open. */
    void finishCommand() {
        if (state == State.STARTED) end(true);
    }

    /** BeginImplicitTransactionBlock: a multi-statement Query message runs in one transaction. */
    void beginImplicitBlock() {
        if (state == State.STARTED) state = State.IMPLICIT;
    }

    /** EndImplicitTransactionBlock: the last statement of the message ran; commit at finishCommand. */
    void endImplicitBlock() {
        if (state == State.IMPLICIT) state = State.STARTED;
    }

    /**
     * Statement failed: a single-statement or implicit transaction rolls back; a block becomes FAILED
     * (its setting changes are undone at once, as AbortTransaction does).
     */
    void abortCurrent() {
        switch (state) {
            case NONE, FAILED -> {
            }
            case STARTED, IMPLICIT -> end(false);
            case BLOCK -> {
                if (savepoints.isEmpty()) {
                    settings.atTransactionEnd(false);
                    if (storage != null) storage.abort();
                } else {
                    int last = savepoints.size() - 1;
                    Savepoint sp = savepoints.get(last);
                    settings.atRollbackToSavepoint(sp.settingsLevel());
                    if (storage != null && !sp.aborted()) storage.abortSubtransaction();
                    savepoints.set(last, new Savepoint(sp.name(), sp.settingsLevel(), true));
                }
                state = State.FAILED;
            }
        }
    }

    /** BEGIN / START TRANSACTION [modes]. */
    void begin(List<String> modes, boolean superuser) {
        switch (state) {
            case NONE, STARTED, IMPLICIT -> {
                if (state == State.NONE) startCommand();
                state = State.BLOCK;
                applyModes(modes, superuser);
            }
            case BLOCK, FAILED -> notices.add(new PgException(Severity.WARNING, SqlState.ACTIVE_SQL_TRANSACTION,
                    "there is already a transaction in progress"));
        }
    }

    private void applyModes(List<String> modes, boolean superuser) {
        lastModes = modes == null ? List.of() : List.copyOf(modes);
        for (String m : lastModes) {
            if (m.startsWith("isolation level ")) {
                settings.setLocal("transaction_isolation", m.substring("isolation level ".length()), superuser);
            } else if (m.equals("read only")) {
                settings.setLocal("transaction_read_only", "on", superuser);
            } else if (m.equals("read write")) {
                settings.setLocal("transaction_read_only", "off", superuser);
            } else if (m.equals("deferrable")) {
                settings.setLocal("transaction_deferrable", "on", superuser);
            } else if (m.equals("not deferrable")) {
                settings.setLocal("transaction_deferrable", "off", superuser);
            }
        }
    }

    /**
     * COMMIT / END [AND CHAIN].
     *
     * @return the command tag: "COMMIT", or "ROLLBACK" when the block had failed
     */
    String commit(boolean chain, boolean superuser) {
        switch (state) {
            case BLOCK -> {
                end(true);
                if (chain) restartChained(superuser);
                return "COMMIT";
            }
            case FAILED -> {
                end(false);
                if (chain) restartChained(superuser);
                return "ROLLBACK";
            }
            default -> {
                if (chain) {
                    throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                            "COMMIT AND CHAIN can only be used in transaction blocks");
                }
                notices.add(noTransactionWarning());
                end(true);
                return "COMMIT";
            }
        }
    }

    /** ROLLBACK / ABORT [AND CHAIN]. */
    void rollback(boolean chain, boolean superuser) {
        if (inBlock()) {
            end(false);
            if (chain) restartChained(superuser);
            return;
        }
        if (chain) {
            throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                    "ROLLBACK AND CHAIN can only be used in transaction blocks");
        }
        notices.add(noTransactionWarning());
        end(false);
    }

    private void restartChained(boolean superuser) {
        List<String> modes = lastModes;
        startCommand();
        state = State.BLOCK;
        applyModes(modes, superuser);
    }

    /** SAVEPOINT name. @throws PgException 25P01 outside a transaction block */
    void savepoint(String name) {
        if (state != State.BLOCK) {
            throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION, "SAVEPOINT can only be used in transaction blocks");
        }
        if (storage != null) storage.beginSubtransaction();
        savepoints.add(new Savepoint(name, settings.atSavepoint(), false));
    }

    /** RELEASE [SAVEPOINT] name. @throws PgException 25P01 outside a block, 3B001 unknown savepoint */
    void release(String name) {
        if (state != State.BLOCK) {
            throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                    "RELEASE SAVEPOINT can only be used in transaction blocks");
        }
        int i = find(name);
        settings.atReleaseSavepoint(savepoints.get(i).settingsLevel());
        if (storage != null) {
            for (int j = savepoints.size() - 1; j >= i; j--) storage.commitSubtransaction();
        }
        savepoints.subList(i, savepoints.size()).clear();
    }

    /** ROLLBACK TO [SAVEPOINT] name: also leaves a FAILED block. @throws PgException 25P01, 3B001 */
    void rollbackTo(String name) {
        if (!inBlock()) {
            throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                    "ROLLBACK TO SAVEPOINT can only be used in transaction blocks");
        }
        int i = find(name);
        Savepoint sp = savepoints.get(i);
        if (storage != null) {
            // abort every level from the innermost down to the named one, then start it anew (PostgreSQL
            // keeps the savepoint after ROLLBACK TO)
            for (int j = savepoints.size() - 1; j >= i; j--) {
                if (!savepoints.get(j).aborted()) storage.abortSubtransaction();
            }
            storage.beginSubtransaction();
        }
        savepoints.subList(i + 1, savepoints.size()).clear();
        savepoints.set(i, new Savepoint(sp.name(), sp.settingsLevel(), false));
        settings.atRollbackToSavepoint(sp.settingsLevel());
        state = State.BLOCK;
    }

    private int find(String name) {
        for (int i = savepoints.size() - 1; i >= 0; i--) {
            if (savepoints.get(i).name().equals(name)) return i;
        }
        throw PgException.error(SqlState.INVALID_SAVEPOINT_SPECIFICATION, "savepoint \"" + name + "\" does not exist");
    }

    /** Ends the session's transaction, whatever its state, as a rollback (Terminate / disconnect). */
    void abortAll() {
        if (state != State.NONE) end(false);
    }

    private void end(boolean committed) {
        boolean commit = committed && state != State.FAILED;
        if (storage != null) {
            if (commit) {
                storage.setSynchronousCommit(!"off".equalsIgnoreCase(settings.show("synchronous_commit")));
                try {
                    storage.commit();
                } catch (RuntimeException e) {
                    storage.abort();  // a commit-time callback failed: the transaction is over anyway
                    settings.atTransactionEnd(false);
                    savepoints.clear();
                    state = State.NONE;
                    snapshotTaken = false;
                    onTransactionEnd.run();
                    throw e;
                }
            } else {
                storage.abort();
            }
        }
        settings.atTransactionEnd(commit);   // a no-op when already undone
        savepoints.clear();
        state = State.NONE;
        snapshotTaken = false;
        onTransactionEnd.run();
    }

    private static PgException noTransactionWarning() {
        return new PgException(Severity.WARNING, SqlState.NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress");
    }
}
