package org.pgjava.backend.utils.relation;

import java.util.List;
import org.pgjava.backend.utils.SessionContext;

/**
 * A relation the executor can scan: a system view (pg_stat_activity, ...) or a table. The description
 * (schema, name, OID, columns) is read-only and may be cached in plans; every execution calls
 * {@link #openScan} for fresh run-time state. Found by the analyzer through {@link RelationResolver}.
 *
 * <p>Entry points: {@link #columns()} (what {@code *} expands to, in attribute-number order: column
 * {@code i} of the list is attnum {@code i + 1}), {@link #openScan(SessionContext)}.
 */
public interface RelationSource {
    /** The schema the relation lives in (e.g. "pg_catalog", "public"). */
    String schemaName();

    /** The relation's name (pg_class.relname). */
    String name();

    /** pg_class OID; RowDescription reports it with the column number for columns read straight from here. */
    int tableOid();

    /** The columns in attnum order (never empty for a view; may be empty for a table of no columns). */
    List<RelationColumn> columns();

    /**
     * Starts a scan in the given session (privileges such as pg_stat_activity's {@code <insufficient
     * privilege>} are judged against it). Long scans should call {@link SessionContext#checkForInterrupts()}.
     *
     * @throws org.pgjava.conf.errors.PgException e.g. 42501 permission denied
     */
    RowScan openScan(SessionContext session);
}
