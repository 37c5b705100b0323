package org.pgjava.backend.executor;

import org.pgjava.conf.errors.PgException;

/**
 * The run-time state of one execution of a {@link PlannedStatement}. Rows are pulled one at a time so a
 * portal can stop after N rows (Execute with a row limit) and resume later.
 */
public interface QueryRun extends AutoCloseable {
    /**
     * The next row, one Java value per result column (null for SQL NULL), or null when there are no more.
     * @throws PgException on a run-time error (division by zero, overflow, cancel via checkForInterrupts)
     */
    Object[] next();

    /** The CommandComplete tag, e.g. "SELECT 3"; valid once {@link #next()} has returned null. */
    String commandTag();

    /**
     * The notices (NOTICE/WARNING severity PgExceptions, e.g. {@code relation "t" already exists, skipping})
     * the run has raised so far, removed from the run; the traffic cop sends them to the client. The default
     * has none.
     */
    default java.util.List<PgException> takeNotices() {
        return java.util.List.of();
    }

    /** Releases run-time resources; idempotent. */
    @Override
    void close();
}
