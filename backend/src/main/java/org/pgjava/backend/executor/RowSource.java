package org.pgjava.backend.executor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.executor.expr.ExprContext;
import org.pgjava.backend.utils.relation.RowScan;

/**
 * Where a query's rows come from: literal rows (SELECT list or VALUES, with an optional WHERE), a FROM
 * clause (scan, filter, projection), or a set operation (UNION / INTERSECT / EXCEPT [ALL]) of two sources. Immutable plan nodes; rows are
 * produced into a caller-supplied list at run time.
 */
public sealed interface RowSource {
    /** Appends this source's rows to {@code out}. */
    void produce(ExprContext c, List<Object[]> out);

    /** The same source with constant expressions folded (see {@link Expr#fold}). */
    RowSource fold(ExprContext c);

    /** Rows of expressions, filtered by a one-time WHERE (null: none). */
    record Rows(Expr[][] rows, Expr where) implements RowSource {
        @Override
        public void produce(ExprContext c, List<Object[]> out) {
            if (where != null && where.eval(c) != Boolean.TRUE) {
                return;
            }
            for (Expr[] r : rows) {
                Object[] v = new Object[r.length];
                for (int i = 0; i < r.length; i++) {
                    v[i] = r[i].eval(c);
                }
                out.add(v);
            }
        }

        @Override
        public RowSource fold(ExprContext c) {
            Expr[][] f = new Expr[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                f[i] = new Expr[rows[i].length];
                for (int j = 0; j < rows[i].length; j++) {
                    f[i][j] = rows[i][j].fold(c);
                }
            }
            return new Rows(f, where == null ? null : where.fold(c));
        }
    }

    /**
     * Rows of a FROM clause: the input rows that pass {@code where} (null: all; NULL counts as false),
     * each projected through {@code targets} (the SELECT list, then any ORDER BY expressions not in it,
     * which the plan drops from its output).
     */
    record From(ScanNode input, Expr where, Expr[] targets) implements RowSource {
        /** A streaming cursor over the projected rows; the caller closes it. */
        public RowScan open(ExprContext c) {
            RowScan in = input.open(c);
            return new RowScan() {
                private long n;

                @Override
                public Object[] next() {
                    for (Object[] row; (row = in.next()) != null; ) {
                        if ((++n & 1023) == 0) {
                            c.session().checkForInterrupts();
                        }
                        c.row = row;
                        if (where != null && where.eval(c) != Boolean.TRUE) {
                            continue;
                        }
                        Object[] out = new Object[targets.length];
                        for (int i = 0; i < targets.length; i++) {
                            out[i] = targets[i].eval(c);
                        }
                        return out;
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
        public void produce(ExprContext c, List<Object[]> out) {
            try (RowScan s = open(c)) {
                for (Object[] r; (r = s.next()) != null; ) {
                    out.add(r);
                }
            }
        }

        @Override
        public RowSource fold(ExprContext c) {
            Expr[] t = new Expr[targets.length];
            for (int i = 0; i < targets.length; i++) {
                t[i] = targets[i].fold(c);
            }
            return new From(input.fold(c), where == null ? null : where.fold(c), t);
        }
    }

    /** Set operation kinds. */
    enum Kind { UNION, INTERSECT, EXCEPT }

    /**
     * A set operation. Rows compare equal when every column compares equal with the column's ordering
     * ({@code columnOrder}); NULLs are equal to each other, as PostgreSQL's set operations treat them.
     * Without ALL duplicates are removed; with ALL, INTERSECT keeps min(m, n) and EXCEPT max(m - n, 0)
     * copies. Output order of a non-ALL operation is unspecified in PostgreSQL; pgjava returns first
     * occurrences in input order.
     */
    record SetOp(Kind kind, boolean all, RowSource left, RowSource right, List<Comparator<Object>> columnOrder)
            implements RowSource {
        private Comparator<Object[]> rowOrder() {
            return (a, b) -> {
                for (int i = 0; i < a.length; i++) {
                    Object x = a[i];
                    Object y = b[i];
                    if (x == null || y == null) {
                        if (x != y) {
                            return x == null ? 1 : -1;
                        }
                        continue;
                    }
                    int c = columnOrder.get(i).compare(x, y);
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            };
        }

        @Override
        public void produce(ExprContext c, List<Object[]> out) {
            List<Object[]> l = new ArrayList<>();
            List<Object[]> r = new ArrayList<>();
            left.produce(c, l);
            right.produce(c, r);
            Comparator<Object[]> order = rowOrder();
            if (kind == Kind.UNION && all) {
                out.addAll(l);
                out.addAll(r);
                return;
            }
            TreeMap<Object[], int[]> rightCounts = new TreeMap<>(order);
            for (Object[] row : r) {
                rightCounts.computeIfAbsent(row, k -> new int[1])[0]++;
            }
            TreeMap<Object[], int[]> seen = new TreeMap<>(order);
            switch (kind) {
                case UNION -> {
                    for (Object[] row : l) {
                        if (seen.putIfAbsent(row, new int[1]) == null) {
                            out.add(row);
                        }
                    }
                    for (Object[] row : r) {
                        if (seen.putIfAbsent(row, new int[1]) == null) {
                            out.add(row);
                        }
                    }
                }
                case INTERSECT -> {
                    for (Object[] row : l) {
                        int[] n = rightCounts.get(row);
                        if (n == null || n[0] == 0) {
                            continue;
                        }
                        if (all) {
                            n[0]--;
                            out.add(row);
                        } else if (seen.putIfAbsent(row, new int[1]) == null) {
                            out.add(row);
                        }
                    }
                }
                case EXCEPT -> {
                    for (Object[] row : l) {
                        int[] n = rightCounts.get(row);
                        if (all) {
                            if (n != null && n[0] > 0) {
                                n[0]--;
                            } else {
                                out.add(row);
                            }
                        } else if (n == null && seen.putIfAbsent(row, new int[1]) == null) {
                            out.add(row);
                        }
                    }
                }
            }
        }

        @Override
        public RowSource fold(ExprContext c) {
            return new SetOp(kind, all, left.fold(c), right.fold(c), columnOrder);
        }
    }
}
