package org.pgjava.backend.executor;

import java.math.BigDecimal;
import java.util.Comparator;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.executor.expr.ExprContext;
import org.pgjava.backend.utils.adt.Numerics;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * One aggregate call of a grouped query (PostgreSQL's Aggref with its transition and final functions):
 * count(*), count(x), sum, avg, min, max. Immutable; the per-group running state is a {@code State}
 * object created by {@link #newState()} and owned by the executing {@link ScanNode.Agg} cursor.
 *
 * <p>Semantics are PostgreSQL's: every aggregate but count ignores NULL inputs; over no non-NULL input
 * count gives 0 and the others NULL. sum(int2/int4) is bigint, sum(int8/numeric) and avg of integers or
 * numeric are numeric (avg divides with numeric division's scale rules), sum/avg of float4/float8 are
 * float4/float8 and float8, min/max keep the input type ({@code order} compares).
 *
 * @param kind       which aggregate
 * @param arg        the argument, evaluated over input rows; null for count(*)
 * @param resultType the result's type OID
 * @param order      for MIN/MAX the input type's comparison, else null
 * @param distinct   for agg(DISTINCT x): an order consistent with the input type's equality; each distinct
 *                   non-NULL input is fed once. Null otherwise
 */
public record AggCall(Kind kind, Expr arg, int resultType, Comparator<Object> order, Comparator<Object> distinct) {
    /** An aggregate without DISTINCT. */
    public AggCall(Kind kind, Expr arg, int resultType, Comparator<Object> order) {
        this(kind, arg, resultType, order, null);
    }

    /** The built aggregates and their transition rules. */
    public enum Kind { COUNT_STAR, COUNT, SUM_INT, SUM_NUMERIC, SUM_FLOAT4, SUM_FLOAT8, AVG_NUMERIC, AVG_FLOAT, MIN, MAX }

    /** Running state of one aggregate in one group. */
    public static final class State {
        long count;
        long longSum;
        double doubleSum;
        Object value;
        java.util.TreeSet<Object> seen;
    }

    /** A fresh state (no input yet). */
    public State newState() {
        State s = new State();
        if (distinct != null) {
            s.seen = new java.util.TreeSet<>(distinct);
        }
        return s;
    }

    /** Feeds the current input row ({@code c.row}) into {@code s}. */
    public void advance(State s, ExprContext c) {
        if (kind == Kind.COUNT_STAR) {
            s.count++;
            return;
        }
        Object v = arg.eval(c);
        if (v == null || (s.seen != null && !s.seen.add(v))) {
            return;
        }
        s.count++;
        switch (kind) {
            case COUNT -> {
            }
            case SUM_INT -> {
                try {
                    s.longSum = Math.addExact(s.longSum, ((Number) v).longValue());
                } catch (ArithmeticException e) {
                    throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range");
                }
            }
            case SUM_NUMERIC, AVG_NUMERIC -> {
                Object n = v instanceof Long l ? Numerics.of(l) : v instanceof Integer i ? Numerics.of(i)
                        : v instanceof Short sh ? Numerics.of(sh) : v;
                s.value = s.value == null ? n : Numerics.add(s.value, n);
            }
            case SUM_FLOAT4 -> {
                float a = (float) s.doubleSum;
                float r = a + ((Number) v).floatValue();
                if (Float.isInfinite(r) && !Float.isInfinite(a) && !Float.isInfinite(((Number) v).floatValue())) {
                    throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
                }
                s.doubleSum = r;
            }
            case SUM_FLOAT8, AVG_FLOAT -> {
                double d = ((Number) v).doubleValue();
                double r = s.doubleSum + d;
                if (Double.isInfinite(r) && !Double.isInfinite(s.doubleSum) && !Double.isInfinite(d)) {
                    throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
                }
                s.doubleSum = r;
            }
            case MIN -> {
                if (s.value == null || order.compare(v, s.value) < 0) {
                    s.value = v;
                }
            }
            case MAX -> {
                if (s.value == null || order.compare(v, s.value) > 0) {
                    s.value = v;
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** The aggregate's result for a group whose inputs have all been fed. */
    public Object result(State s) {
        return switch (kind) {
            case COUNT_STAR, COUNT -> s.count;
            case SUM_INT -> s.count == 0 ? null : s.longSum;
            case SUM_NUMERIC -> s.value;
            case SUM_FLOAT4 -> s.count == 0 ? null : (Object) (float) s.doubleSum;
            case SUM_FLOAT8 -> s.count == 0 ? null : (Object) s.doubleSum;
            case AVG_NUMERIC -> s.count == 0 ? null : Numerics.div(s.value, Numerics.of(s.count));
            case AVG_FLOAT -> s.count == 0 ? null : (Object) (s.doubleSum / s.count);
            case MIN, MAX -> s.value;
        };
    }
}
