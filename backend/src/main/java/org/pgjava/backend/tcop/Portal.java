package org.pgjava.backend.tcop;

import org.pgjava.backend.executor.QueryRun;

/**
 * A bound, possibly partially executed statement (PostgreSQL's Portal): a prepared statement plus parameter
 * values and result formats, and the run-time state of its execution. Created by Bind (or by a simple Query
 * for each statement), run by Execute, dropped by Close, by a later Bind of the same (unnamed) name, and at
 * the end of the transaction. Not thread-safe.
 */
final class Portal {
    final String name;
    final PreparedStatementEntry statement;
    final Object[] params;
    /** One format code per result column (0 text, 1 binary, anything else fails at the first row). */
    final short[] resultFormats;

    /** The running execution, created at the first Execute; null before and after. */
    QueryRun run;
    /** True once the execution completed (later Executes report an empty completion). */
    boolean done;
    /** Output formats were checked against the first row (printtup's lazy check). */
    boolean formatsChecked;

    Portal(String name, PreparedStatementEntry statement, Object[] params, short[] resultFormats) {
        this.name = name;
        this.statement = statement;
        this.params = params;
        this.resultFormats = resultFormats;
    }

    /** Ends the execution and releases its resources; idempotent. */
    void close() {
        if (run != null) {
            QueryRun r = run;
            run = null;
            r.close();
        }
    }
}
