package org.pgjava.backend.executor;

import java.util.List;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.executor.expr.ExprContext;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Plan for a FROM-less SELECT or a VALUES list (PostgreSQL's Result / ValuesScan nodes): a fixed list of
 * rows of compiled expressions, an optional one-time filter (WHERE), LIMIT and OFFSET. Immutable; every
 * {@link #start} creates a fresh {@link Run} holding the execution's state.
 */
public final class ResultPlan implements PlannedStatement {
    private final int[] paramTypes;
    private final List<ResultColumn> columns;
    private final Expr[][] rows;
    private final Expr where;
    private final Expr limit;
    private final Expr offset;

    /** Builds the plan; arrays are not copied (the planner hands them over). */
    public ResultPlan(int[] paramTypes, List<ResultColumn> columns, Expr[][] rows, Expr where, Expr limit, Expr offset) {
        this.paramTypes = paramTypes;
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.where = where;
        this.limit = limit;
        this.offset = offset;
    }

    @Override
    public int[] parameterTypes() {
        return paramTypes.clone();
    }

    @Override
    public List<ResultColumn> resultColumns() {
        return columns;
    }

    @Override
    public QueryRun start(Object[] params, SessionContext ctx) {
        Object[] p = params == null ? new Object[0] : params;
        if (p.length < paramTypes.length) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + p.length
                    + " parameters, but prepared statement requires " + paramTypes.length);
        }
        ExprContext ec = new ExprContext(p, ctx);
        long skip = 0;
        long max = Long.MAX_VALUE;
        if (offset != null) {
            Object v = offset.eval(ec);
            if (v != null) {
                skip = (Long) v;
                if (skip < 0) {
                    throw PgException.error(SqlState.INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE, "OFFSET must not be negative");
                }
            }
        }
        if (limit != null) {
            Object v = limit.eval(ec);
            if (v != null) {
                max = (Long) v;
                if (max < 0) {
                    throw PgException.error(SqlState.INVALID_ROW_COUNT_IN_LIMIT_CLAUSE, "LIMIT must not be negative");
                }
            }
        }
        return new Run(ec, skip, max);
    }

    /** Run-time state of one execution: the row cursor and the count for the command tag. */
    private final class Run implements QueryRun {
        private final ExprContext ec;
        private int next;
        private long toSkip;
        private long remaining;
        private long returned;
        private boolean filtered;

        Run(ExprContext ec, long skip, long max) {
            this.ec = ec;
            this.toSkip = skip;
            this.remaining = max;
        }

        @Override
        public Object[] next() {
            if (!filtered) {
                filtered = true;
                if (where != null && where.eval(ec) != Boolean.TRUE) {
                    next = rows.length;
                }
            }
            while (next < rows.length && remaining > 0) {
                Expr[] r = rows[next++];
                if (toSkip > 0) {
                    toSkip--;
                    continue;
                }
                Object[] out = new Object[r.length];
                for (int i = 0; i < r.length; i++) {
                    out[i] = r[i].eval(ec);
                }
                remaining--;
                returned++;
                return out;
            }
            return null;
        }

        @Override
        public String commandTag() {
            return "SELECT " + returned;
        }

        @Override
        public void close() {
            next = rows.length;
        }
    }
}
