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

    /** Releases run-time resources; idempotent. */
    @Override
    void close();
}
