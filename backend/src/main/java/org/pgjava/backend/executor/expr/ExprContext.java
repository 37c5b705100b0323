package org.pgjava.backend.executor.expr;

import org.pgjava.backend.utils.SessionContext;

/**
 * Per-execution inputs of expression evaluation: parameter values ($1 is index 0), the session, and the
 * current input row that column references ({@link Expr.Var}) read. Created by a QueryRun; expressions
 * themselves hold no run-time state. The row is set by the executor node immediately before it evaluates
 * expressions over that row (a backend is single-threaded; evaluation never pulls rows itself).
 */
public final class ExprContext {
    private final Object[] params;
    private final SessionContext session;
    /** The row column references read; set by scan, join and projection nodes before evaluating. */
    public Object[] row;

    /** A context with no current row. */
    public ExprContext(Object[] params, SessionContext session) {
        this.params = params;
        this.session = session;
    }

    /** Parameter values, $1 at index 0. */
    public Object[] params() {
        return params;
    }

    /** The session the expression runs in. */
    public SessionContext session() {
        return session;
    }
}
