package org.pgjava.backend.executor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.executor.expr.ExprContext;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Plan for a FROM-less query (PostgreSQL's Result / ValuesScan / SetOp / Sort / Limit nodes): a
 * {@link RowSource} (SELECT list or VALUES rows with an optional WHERE, or a set operation of two
 * sources), then ORDER BY, OFFSET and LIMIT. Every {@link #start} creates a fresh {@link Run} holding the
 * execution's state; the plan itself is not changed by executions, except that constant folding
 * ({@link Expr#fold}) happens once, either eagerly ({@link #finishPlanning}, what {@code Planner.plan}
 * does) or at the first {@link #start} (plans from {@code Planner.analyze}). A backend is single-threaded,
 * so the one-time fold needs no lock.
 *
 * <p>A plain row list without ORDER BY is streamed row by row (the SELECT 1 path allocates one row array);
 * set operations and sorts materialize their input first.
 */
public final class ResultPlan implements PlannedStatement {

    /** One ORDER BY key over an output column. */
    public record SortKey(int column, boolean descending, boolean nullsFirst, Comparator<Object> order) {
    }

    private final int[] paramTypes;
    private final List<ResultColumn> columns;
    private final List<SortKey> sort;
    private RowSource source;
    private Expr limit;
    private Expr offset;
    private boolean folded;

    /** Builds the plan. */
    public ResultPlan(int[] paramTypes, List<ResultColumn> columns, RowSource source, List<SortKey> sort,
                      Expr limit, Expr offset) {
        this.paramTypes = paramTypes;
        this.columns = List.copyOf(columns);
        this.source = source;
        this.sort = List.copyOf(sort);
        this.limit = limit;
        this.offset = offset;
    }

    @Override
    public void finishPlanning(SessionContext ctx) {
        if (folded) {
            return;
        }
        try {
            ExprContext fc = new ExprContext(new Object[0], ctx);
            RowSource s = source.fold(fc);
            Expr l = limit == null ? null : limit.fold(fc);
            Expr o = offset == null ? null : offset.fold(fc);
            source = s;
            limit = l;
            offset = o;
            folded = true;
        } catch (StackOverflowError e) {
            throw org.pgjava.backend.utils.StackDepth.limitExceeded();
        }
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
        finishPlanning(ctx);
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

    private Comparator<Object[]> sortOrder() {
        return (a, b) -> {
            for (SortKey k : sort) {
                Object x = a[k.column()];
                Object y = b[k.column()];
                int c;
                if (x == null || y == null) {
                    if (x == y) {
                        continue;
                    }
                    c = (x == null) == k.nullsFirst() ? -1 : 1;
                    return c;
                }
                c = k.order().compare(x, y);
                if (c != 0) {
                    return k.descending() ? -c : c;
                }
            }
            return 0;
        };
    }

    /** Run-time state of one execution: the row cursor and the count for the command tag. */
    private final class Run implements QueryRun {
        private final ExprContext ec;
        private Expr[][] streamRows;
        private List<Object[]> materialized;
        private int next;
        private long toSkip;
        private long remaining;
        private long returned;
        private boolean started;
        private boolean done;

        Run(ExprContext ec, long skip, long max) {
            this.ec = ec;
            this.toSkip = skip;
            this.remaining = max;
        }

        private void begin() {
            started = true;
            try {
                if (sort.isEmpty() && source instanceof RowSource.Rows rows) {
                    if (rows.where() == null || rows.where().eval(ec) == Boolean.TRUE) {
                        streamRows = rows.rows();
                    } else {
                        streamRows = new Expr[0][];
                    }
                    return;
                }
                materialized = new ArrayList<>();
                source.produce(ec, materialized);
                if (!sort.isEmpty()) {
                    materialized.sort(sortOrder());
                }
            } catch (StackOverflowError e) {
                throw org.pgjava.backend.utils.StackDepth.limitExceeded();
            }
        }

        @Override
        public Object[] next() {
            if (done) {
                return null;
            }
            if (!started) {
                begin();
            }
            int size = streamRows != null ? streamRows.length : materialized.size();
            while (next < size && remaining > 0) {
                int i = next++;
                if (toSkip > 0) {
                    toSkip--;
                    continue;
                }
                Object[] out;
                if (streamRows != null) {
                    Expr[] r = streamRows[i];
                    out = new Object[r.length];
                    try {
                        for (int k = 0; k < r.length; k++) {
                            out[k] = r[k].eval(ec);
                        }
                    } catch (StackOverflowError e) {
                        throw org.pgjava.backend.utils.StackDepth.limitExceeded();
                    }
                } else {
                    out = materialized.get(i);
                }
                remaining--;
                returned++;
                return out;
            }
            done = true;
            return null;
        }

        @Override
        public String commandTag() {
            return "SELECT " + returned;
        }

        @Override
        public void close() {
            done = true;
            materialized = null;
        }
    }
}
