package org.pgjava.backend.executor;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.executor.expr.ExprContext;
import org.pgjava.backend.utils.adt.NumericSpecial;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.backend.utils.relation.RowScan;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Plan nodes of a FROM clause (PostgreSQL's SeqScan, FunctionScan, SubqueryScan, NestLoop; VALUES in FROM is a sub-SELECT):
 * immutable trees whose {@link #open} creates the run-time cursor of one execution. Every node produces
 * rows of a fixed {@link #width()}: the columns of its range-table entries left to right, which is what
 * the analyzer's column references ({@link Expr.Var}) index.
 */
public sealed interface ScanNode {
    /** Number of columns in each produced row. */
    int width();

    /** A fresh cursor over the rows (run-time state belongs to the caller's QueryRun). */
    RowScan open(ExprContext ec);

    /** The same node with constant expressions folded (see {@link Expr#fold}). */
    ScanNode fold(ExprContext c);

    /** A scan of a relation from the session's {@code RelationResolver}. */
    record Relation(RelationSource source) implements ScanNode {
        @Override
        public int width() {
            return source.columns().size();
        }

        @Override
        public RowScan open(ExprContext ec) {
            return source.openScan(ec.session());
        }

        @Override
        public ScanNode fold(ExprContext c) {
            return this;
        }
    }

    /** Built-in set-returning functions; SCALAR is any plain function in FROM (one row). */
    enum FunctionKind { SERIES_INT4, SERIES_INT8, SERIES_NUMERIC, SCALAR }

    /**
     * A function in FROM. SCALAR: {@code args[0]} is the whole call, giving one row (PostgreSQL returns one
     * row even for NULL). SERIES_*: generate_series(start, stop [, step]) as PostgreSQL's
     * generate_series_step_int4/int8/numeric: strict (a NULL argument gives no rows), 22023 for a zero, NaN
     * or infinite step and NaN/infinite bounds; an integer series stops where the next value would overflow.
     * With ordinality a bigint row number follows.
     */
    record Function(FunctionKind kind, Expr[] args, boolean ordinality) implements ScanNode {
        @Override
        public int width() {
            return ordinality ? 2 : 1;
        }

        @Override
        public ScanNode fold(ExprContext c) {
            Expr[] f = new Expr[args.length];
            for (int i = 0; i < args.length; i++) {
                f[i] = args[i].fold(c);
            }
            return new Function(kind, f, ordinality);
        }

        @Override
        public RowScan open(ExprContext ec) {
            Object[] a = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                a[i] = args[i].eval(ec);
            }
            if (kind == FunctionKind.SCALAR) {
                return new RowScan() {
                    private boolean done;

                    @Override
                    public Object[] next() {
                        if (done) {
                            return null;
                        }
                        done = true;
                        return ordinality ? new Object[] {a[0], 1L} : new Object[] {a[0]};
                    }
                };
            }
            for (Object v : a) {
                if (v == null) {
                    return () -> null;
                }
            }
            return switch (kind) {
                case SERIES_INT4, SERIES_INT8 -> integerSeries(ec, a);
                default -> numericSeries(ec, a);
            };
        }

        private RowScan integerSeries(ExprContext ec, Object[] a) {
            boolean int4 = kind == FunctionKind.SERIES_INT4;
            long start = ((Number) a[0]).longValue();
            long stop = ((Number) a[1]).longValue();
            long step = a.length > 2 ? ((Number) a[2]).longValue() : 1;
            if (step == 0) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
            }
            return new RowScan() {
                private long cur = start;
                private long n;
                private boolean done;

                @Override
                public Object[] next() {
                    if (done || (step > 0 ? cur > stop : cur < stop)) {
                        return null;
                    }
                    if ((++n & 1023) == 0) {
                        ec.session().checkForInterrupts();
                    }
                    Object v = int4 ? (Object) (int) cur : (Object) cur;
                    try {
                        cur = Math.addExact(cur, step);
                        if (int4 && (cur > Integer.MAX_VALUE || cur < Integer.MIN_VALUE)) {
                            done = true;
                        }
                    } catch (ArithmeticException e) {
                        done = true;
                    }
                    return ordinality ? new Object[] {v, n} : new Object[] {v};
                }
            };
        }

        private RowScan numericSeries(ExprContext ec, Object[] a) {
            String[] what = {"start value", "stop value", "step size"};
            for (int i = 0; i < a.length; i++) {
                if (a[i] == NumericSpecial.NAN) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, what[i] + " cannot be NaN");
                }
                if (a[i] instanceof NumericSpecial) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, what[i] + " cannot be infinity");
                }
            }
            BigDecimal start = (BigDecimal) a[0];
            BigDecimal stop = (BigDecimal) a[1];
            BigDecimal step = a.length > 2 ? (BigDecimal) a[2] : BigDecimal.ONE;
            if (step.signum() == 0) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
            }
            int dir = step.signum();
            return new RowScan() {
                private BigDecimal cur = start;
                private long n;

                @Override
                public Object[] next() {
                    if (cur.compareTo(stop) * dir > 0) {
                        return null;
                    }
                    if ((++n & 1023) == 0) {
                        ec.session().checkForInterrupts();
                    }
                    BigDecimal v = cur;
                    cur = cur.add(step);
                    return ordinality ? new Object[] {v, n} : new Object[] {v};
                }
            };
        }
    }

    /** A sub-SELECT in FROM, planned on its own; each open starts a run of it with the same parameters. */
    record Subquery(PlannedStatement plan, int width) implements ScanNode {
        @Override
        public RowScan open(ExprContext ec) {
            QueryRun run = plan.start(ec.params(), ec.session());
            return new RowScan() {
                @Override
                public Object[] next() {
                    return run.next();
                }

                @Override
                public void close() {
                    run.close();
                }
            };
        }

        @Override
        public ScanNode fold(ExprContext c) {
            plan.finishPlanning(c.session());
            return this;
        }
    }

    /**
     * A nested-loop join: for each outer row, every inner row (the inner side is read once per execution
     * and kept in memory) whose combined row satisfies {@code quals} (null: all). {@code left}: an outer row
     * without any match is emitted once with NULLs for the inner columns; {@code full} (implies left): after
     * the outer side, every inner row that matched nothing is emitted with NULLs for the outer columns.
     */
    record NestLoop(ScanNode outer, ScanNode inner, Expr quals, boolean left, boolean full) implements ScanNode {
        /** An inner or left join. */
        public NestLoop(ScanNode outer, ScanNode inner, Expr quals, boolean left) {
            this(outer, inner, quals, left, false);
        }

        @Override
        public int width() {
            return outer.width() + inner.width();
        }

        @Override
        public ScanNode fold(ExprContext c) {
            return new NestLoop(outer.fold(c), inner.fold(c), quals == null ? null : quals.fold(c), left, full);
        }

        @Override
        public RowScan open(ExprContext ec) {
            int ow = outer.width();
            int iw = inner.width();
            RowScan o = outer.open(ec);
            return new RowScan() {
                private List<Object[]> innerRows;
                private boolean[] innerMatched;
                private int unmatchedPos = -1;
                private Object[] cur;
                private int pos;
                private boolean matched;
                private long n;

                @Override
                public Object[] next() {
                    if (innerRows == null) {
                        innerRows = new ArrayList<>();
                        try (RowScan in = inner.open(ec)) {
                            for (Object[] r; (r = in.next()) != null; ) {
                                innerRows.add(r);
                            }
                        }
                        innerMatched = full ? new boolean[innerRows.size()] : null;
                    }
                    while (true) {
                        if (unmatchedPos >= 0) {
                            while (unmatchedPos < innerRows.size()) {
                                int k = unmatchedPos++;
                                if (!innerMatched[k]) {
                                    Object[] combined = new Object[ow + iw];
                                    System.arraycopy(innerRows.get(k), 0, combined, ow, iw);
                                    return combined;
                                }
                            }
                            return null;
                        }
                        if (cur == null) {
                            cur = o.next();
                            if (cur == null) {
                                if (full) {
                                    unmatchedPos = 0;
                                    continue;
                                }
                                return null;
                            }
                            pos = 0;
                            matched = false;
                        }
                        while (pos < innerRows.size()) {
                            if ((++n & 1023) == 0) {
                                ec.session().checkForInterrupts();
                            }
                            Object[] r = innerRows.get(pos++);
                            Object[] combined = new Object[ow + iw];
                            System.arraycopy(cur, 0, combined, 0, ow);
                            System.arraycopy(r, 0, combined, ow, iw);
                            if (quals != null) {
                                ec.row = combined;
                                if (quals.eval(ec) != Boolean.TRUE) {
                                    continue;
                                }
                            }
                            matched = true;
                            if (full) {
                                innerMatched[pos - 1] = true;
                            }
                            return combined;
                        }
                        Object[] last = cur;
                        cur = null;
                        if (left && !matched) {
                            Object[] combined = new Object[ow + iw];
                            System.arraycopy(last, 0, combined, 0, ow);
                            return combined;
                        }
                    }
                }

                @Override
                public void close() {
                    o.close();
                }
            };
        }
    }

    /** One row of no columns: the input of an aggregate query without FROM ({@code SELECT count(*)}). */
    record OneRow() implements ScanNode {
        @Override
        public int width() {
            return 0;
        }

        @Override
        public RowScan open(ExprContext ec) {
            return new RowScan() {
                private boolean done;

                @Override
                public Object[] next() {
                    if (done) {
                        return null;
                    }
                    done = true;
                    return new Object[0];
                }
            };
        }

        @Override
        public ScanNode fold(ExprContext c) {
            return this;
        }
    }

    /** The input rows for which {@code condition} is true (WHERE below an aggregation). */
    record Filter(ScanNode input, Expr condition) implements ScanNode {
        @Override
        public int width() {
            return input.width();
        }

        @Override
        public RowScan open(ExprContext ec) {
            RowScan in = input.open(ec);
            return new RowScan() {
                @Override
                public Object[] next() {
                    for (Object[] r; (r = in.next()) != null; ) {
                        ec.row = r;
                        if (condition.eval(ec) == Boolean.TRUE) {
                            return r;
                        }
                    }
                    return null;
                }

                @Override
                public void close() {
                    in.close();
                }
            };
        }

        @Override
        public ScanNode fold(ExprContext c) {
            return new Filter(input.fold(c), condition.fold(c));
        }
    }

    /**
     * Aggregation (PostgreSQL's Agg, sorted-by-key rather than hashed): reads all input, groups rows whose
     * {@code groupKeys} values are equal ({@code keyOrders}; NULLs form one group) and produces one row per
     * group: the key values, then each aggregate's result. Without keys exactly one row is produced, even
     * from no input. Groups come out in first-seen order.
     */
    record Agg(ScanNode input, Expr[] groupKeys, List<java.util.Comparator<Object>> keyOrders, AggCall[] aggs)
            implements ScanNode {
        @Override
        public int width() {
            return groupKeys.length + aggs.length;
        }

        @Override
        public ScanNode fold(ExprContext c) {
            Expr[] k = new Expr[groupKeys.length];
            for (int i = 0; i < k.length; i++) {
                k[i] = groupKeys[i].fold(c);
            }
            AggCall[] a = new AggCall[aggs.length];
            for (int i = 0; i < a.length; i++) {
                AggCall x = aggs[i];
                a[i] = new AggCall(x.kind(), x.arg() == null ? null : x.arg().fold(c), x.resultType(), x.order(), x.distinct());
            }
            return new Agg(input.fold(c), k, keyOrders, a);
        }

        @Override
        public RowScan open(ExprContext ec) {
            java.util.TreeMap<Object[], AggCall.State[]> groups = new java.util.TreeMap<>((a, b) -> {
                for (int i = 0; i < a.length; i++) {
                    Object x = a[i];
                    Object y = b[i];
                    if (x == null || y == null) {
                        if (x != y) {
                            return x == null ? 1 : -1;
                        }
                        continue;
                    }
                    int r = keyOrders.get(i).compare(x, y);
                    if (r != 0) {
                        return r;
                    }
                }
                return 0;
            });
            List<Object[]> order = new ArrayList<>();
            long n = 0;
            try (RowScan in = input.open(ec)) {
                for (Object[] r; (r = in.next()) != null; ) {
                    if ((++n & 1023) == 0) {
                        ec.session().checkForInterrupts();
                    }
                    ec.row = r;
                    Object[] key = new Object[groupKeys.length];
                    for (int i = 0; i < key.length; i++) {
                        key[i] = groupKeys[i].eval(ec);
                    }
                    AggCall.State[] st = groups.get(key);
                    if (st == null) {
                        st = newStates();
                        groups.put(key, st);
                        order.add(key);
                    }
                    for (int i = 0; i < aggs.length; i++) {
                        aggs[i].advance(st[i], ec);
                    }
                }
            }
            if (groupKeys.length == 0 && order.isEmpty()) {
                Object[] key = new Object[0];
                groups.put(key, newStates());
                order.add(key);
            }
            return new RowScan() {
                private int next;

                @Override
                public Object[] next() {
                    if (next >= order.size()) {
                        return null;
                    }
                    Object[] key = order.get(next++);
                    AggCall.State[] st = groups.get(key);
                    Object[] out = java.util.Arrays.copyOf(key, groupKeys.length + aggs.length);
                    for (int i = 0; i < aggs.length; i++) {
                        out[groupKeys.length + i] = aggs[i].result(st[i]);
                    }
                    return out;
                }
            };
        }

        private AggCall.State[] newStates() {
            AggCall.State[] st = new AggCall.State[aggs.length];
            for (int i = 0; i < st.length; i++) {
                st[i] = aggs[i].newState();
            }
            return st;
        }
    }
}
