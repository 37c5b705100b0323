package org.pgjava.backend.executor.expr;

import org.pgjava.backend.utils.SessionContext;

/**
 * Per-execution inputs of expression evaluation: parameter values ($1 is index 0) and the session.
 * Created by a QueryRun; expressions themselves hold no run-time state.
 */
public record ExprContext(Object[] params, SessionContext session) {
}
