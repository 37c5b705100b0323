package org.pgjava.backend.tcop;

import java.util.List;

import org.pgjava.backend.executor.PlannedStatement;
import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.nodes.UtilityStatement;

/**
 * A prepared statement (PostgreSQL's CachedPlanSource, reduced): the result of {@link Session#parse} (a
 * Parse message), or the statement a simple Query is running ({@link Session#prepareSimpleStatement}).
 * Exactly one of three kinds: empty query ({@code raw == null}), utility ({@code utility != null}), or
 * planned ({@code plan != null}: analyzed at Parse, planning finished at the first Bind and reused by every
 * later Bind, since plans are read-only). The protocol layer reads its parameter types and result columns
 * for ParameterDescription / RowDescription. Immutable.
 *
 * @param name       statement name ("" for the unnamed statement)
 * @param query      the query text as the client sent it
 * @param raw        the parsed statement, or null for an empty query string
 * @param utility    the utility statement, or null
 * @param plan       the plan, or null
 * @param paramTypes the parameter type OIDs Bind must supply (ParameterDescription)
 * @param columns    the result columns (empty: NoData)
 * @param activity   what the process title shows while it runs: the command tag ("SELECT", "SET", ...)
 */
public record PreparedStatementEntry(String name, String query, RawStatement raw, UtilityStatement utility,
                              PlannedStatement plan, int[] paramTypes, List<ResultColumn> columns,
                              String activity) {
    /** True when the statement returns rows (SELECT-like or SHOW): its completed portal may be run again. */
    public boolean returnsRows() {
        return !columns.isEmpty();
    }
}
