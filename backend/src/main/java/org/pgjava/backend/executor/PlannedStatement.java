package org.pgjava.backend.executor;

import java.util.List;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;

/**
 * A statement that has been analyzed and planned: read-only, so it can be cached in a prepared statement
 * and executed many times, by any number of {@link QueryRun}s (Plan vs PlanState, as in PostgreSQL's
 * executor/README). All run-time state lives in the QueryRun.
 */
public interface PlannedStatement {
    /** The OIDs of parameters $1..$n, with unspecified ones inferred by the analyzer (unknown -> text). */
    int[] parameterTypes();

    /** The result columns (possibly none, as for {@code SELECT;}). */
    List<ResultColumn> resultColumns();

    /**
     * True when the statement returns rows — RowDescription and DataRows, even with zero columns
     * ({@code SELECT;} returns one row of no columns); false for statements that answer NoData.
     */
    default boolean returnsRows() {
        return !resultColumns().isEmpty();
    }

    /**
     * Starts an execution.
     *
     * @param params parameter values already converted to the Java representation of
     *               {@link #parameterTypes()} (null for SQL NULL)
     * @throws PgException for errors detected before the first row
     */
    QueryRun start(Object[] params, SessionContext ctx);

    /**
     * Completes planning if it was deferred (plans from {@code Planner.analyze}): evaluates constant
     * expressions, so their errors (22012 division by zero, 22003 out of range) are thrown now. PostgreSQL
     * does this at Bind. Idempotent; {@link #start} calls it too. Plans from {@code Planner.plan} are
     * already complete.
     *
     * @throws PgException errors of constant expressions
     */
    default void finishPlanning(SessionContext ctx) {
    }
}
