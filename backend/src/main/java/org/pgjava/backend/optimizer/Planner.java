package org.pgjava.backend.optimizer;

import org.pgjava.backend.executor.PlannedStatement;
import org.pgjava.backend.parser.RawStatement;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;

/**
 * Turns a parsed, plannable statement (anything that is not a UtilityStatement) into a read-only
 * {@link PlannedStatement}: name and type resolution (the analyzer), then planning.
 * (Contract; the implementation is being built.)
 */
public final class Planner {
    private Planner() {
    }

    /**
     * @param paramTypes OIDs the client specified for $1..$n (Parse message); 0 or missing entries are
     *                   inferred from context, and unknown ones default to text
     * @throws PgException analysis errors (42703, 42883, 42804, ...) with positions; 0A000 for what is not built
     */
    public static PlannedStatement plan(RawStatement stmt, int[] paramTypes, SessionContext ctx) {
        throw PgException.notSupported("the planner is not built yet");
    }
}
