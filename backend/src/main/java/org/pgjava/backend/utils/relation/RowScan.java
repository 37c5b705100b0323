package org.pgjava.backend.utils.relation;

/**
 * The run-time state of one scan of a {@link RelationSource}: a cursor over its rows. Created by
 * {@link RelationSource#openScan} for each execution (owned by the executor's QueryRun), never shared.
 */
public interface RowScan extends AutoCloseable {
    /**
     * The next row, one Java value per column of {@link RelationSource#columns()} in the representation of
     * the column's type (TypeIO's table; null for SQL NULL), or null when the scan is exhausted. The
     * caller does not modify the array; the scan must not modify it after returning it.
     *
     * @throws org.pgjava.conf.errors.PgException errors reading the relation
     */
    Object[] next();

    /** Releases the scan's resources (pins, snapshots); idempotent. The default does nothing. */
    @Override
    default void close() {
    }
}
