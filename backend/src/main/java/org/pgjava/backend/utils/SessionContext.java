package org.pgjava.backend.utils;

import org.pgjava.conf.errors.PgException;

/**
 * What the parser, planner and executor may ask of the session they run in. Implemented by the traffic
 * cop (tcop), which owns the session; lower layers see only this interface, so they never depend on tcop.
 */
public interface SessionContext {
    /**
     * The current value of a setting in the form SHOW displays it (e.g. "ISO, MDY" for DateStyle).
     * @throws PgException 42704 "unrecognized configuration parameter" for an unknown name
     */
    String setting(String name);

    /** The role whose privileges apply now (current_user). */
    String currentUser();

    /** The role that authenticated (session_user). */
    String sessionUser();

    /** The database this session is connected to (current_database()). */
    String databaseName();

    /** This backend's OS process id (pg_backend_pid()). */
    int backendPid();

    /** True inside an explicit transaction block (after BEGIN). */
    boolean inTransactionBlock();

    /**
     * Returns normally when nothing is pending; throws when a cancel (57014), statement timeout (57014)
     * or terminate (FATAL 57P01) request has arrived. Long-running code (pg_sleep, loops over rows) must
     * call this regularly.
     */
    void checkForInterrupts() throws PgException;

    /**
     * The relations FROM clauses can name (system views, tables). The default knows none, so every name
     * is 42P01 {@code relation "x" does not exist}.
     */
    default org.pgjava.backend.utils.relation.RelationResolver relations() {
        return org.pgjava.backend.utils.relation.RelationResolver.none();
    }

    /**
     * Queues a notice or warning for the client; it is sent before the next row or at the end of the
     * statement, as PostgreSQL sends a NoticeResponse when it is raised. The default drops it (no client).
     */
    default void notice(PgException notice) {
    }

    /**
     * Asks backend {@code pid} to cancel its current query ({@code terminate} false, pg_cancel_backend) or to
     * end its session ({@code terminate} true, pg_terminate_backend), with PostgreSQL's checks
     * (pg_signal_backend): a pid that is not a client backend gives a WARNING {@code PID n is not a
     * PostgreSQL backend process} and false; only superusers signal superusers' backends, others only
     * backends of their own role.
     *
     * @return true if the signal was sent
     * @throws PgException 42501 for the permission rules above; 0A000 where the session has no shared
     *                     memory to find other backends in (the default)
     */
    default boolean signalBackend(int pid, boolean terminate) {
        throw PgException.notSupported("signalling other backends without shared memory");
    }

    /**
     * True while process {@code pid} exists (pg_terminate_backend's wait for the process to exit). The
     * default assumes it has gone.
     */
    default boolean processExists(int pid) {
        return false;
    }

    /**
     * The session starts waiting for {@code event} (pg_stat_activity's wait_event_type / wait_event show it)
     * until {@link #reportWaitEnd()}. Call both on every path (try/finally). The default reports nothing.
     */
    default void reportWaitStart(org.pgjava.shmem.status.WaitEvent event) {
    }

    /** Ends the wait of {@link #reportWaitStart}. */
    default void reportWaitEnd() {
    }

    /**
     * When the current transaction started, as a timestamptz value (microseconds since 2000-01-01 00:00 UTC):
     * what now(), transaction_timestamp(), CURRENT_TIMESTAMP, CURRENT_DATE and the input 'now'/'today'
     * read. Outside an explicit transaction block the statement is its own transaction, so it equals
     * {@link #statementStartTimestamp()}. The default (a session that does not track it) is 0A000.
     */
    default long transactionStartTimestamp() {
        throw PgException.notSupported("now() is not supported by this session (no transaction start time)");
    }

    /**
     * When the current client statement started (statement_timestamp()), as a timestamptz value. The
     * default is 0A000.
     */
    default long statementStartTimestamp() {
        throw PgException.notSupported("statement_timestamp() is not supported by this session");
    }
}
