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
