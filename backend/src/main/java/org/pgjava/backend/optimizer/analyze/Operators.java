package org.pgjava.backend.optimizer.analyze;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.utils.adt.DateTimes;
import org.pgjava.backend.utils.adt.NumericSpecial;
import org.pgjava.backend.utils.adt.Numerics;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The built-in operators (pg_operator) pgjava implements, each with its implementation: integer
 * arithmetic with PostgreSQL's overflow errors (int2/int4/int8 and their cross-type variants), float4/
 * float8 with overflow/underflow checks, numeric, comparisons (cross-type among integers and among
 * floats), text concatenation, LIKE, boolean and bitwise operators. Also the per-type comparators used by
 * GREATEST/LEAST.
 *
 * <p>Entry points: {@link #candidates(String, boolean)} (then {@link Resolver}), {@link #comparator(int)}.
 */
public final class Operators {
    private Operators() {
    }

    /** One operator: left type 0 for a prefix operator. */
    public record OpDef(String name, int left, int right, int result, Expr.Fn2 fn) {
        int[] argTypes() {
            return left == 0 ? new int[] {right} : new int[] {left, right};
        }
    }

    private static final Map<String, List<OpDef>> BINARY = new HashMap<>();
    private static final Map<String, List<OpDef>> PREFIX = new HashMap<>();

    private static void bin(String name, int l, int r, int res, Expr.Fn2 fn) {
        BINARY.computeIfAbsent(name, k -> new ArrayList<>()).add(new OpDef(name, l, r, res, fn));
    }

    private static void pre(String name, int r, int res, Expr.Fn1 fn) {
        PREFIX.computeIfAbsent(name, k -> new ArrayList<>()).add(new OpDef(name, 0, r, res, fn == null ? null : (a, b) -> fn.apply(b)));
    }

    /** Operators with this name and arity (empty list if none). */
    public static List<OpDef> candidates(String name, boolean prefix) {
        return (prefix ? PREFIX : BINARY).getOrDefault(name, List.of());
    }

    static PgException divByZero() {
        return PgException.error(SqlState.DIVISION_BY_ZERO, "division by zero");
    }

    static PgException floatOverflow() {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
    }

    static PgException floatUnderflow() {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow");
    }

    private static int width(int t) {
        return t == Types.INT2 ? 2 : t == Types.INT4 ? 4 : 8;
    }

    static double d(Object o) {
        return ((Number) o).doubleValue();
    }

    static long l(Object o) {
        return ((Number) o).longValue();
    }

    /** PostgreSQL float comparison: NaN equal to itself and greater than everything; -0 equals 0. */
    static int cmpDouble(double a, double b) {
        if (Double.isNaN(a)) {
            return Double.isNaN(b) ? 0 : 1;
        }
        if (Double.isNaN(b)) {
            return -1;
        }
        return a < b ? -1 : a > b ? 1 : 0;
    }

    static int cmpText(Object a, Object b) {
        return ((String) a).compareTo((String) b);
    }

    static int cmpBpchar(Object a, Object b) {
        return Casts.rtrimSpaces((String) a).compareTo(Casts.rtrimSpaces((String) b));
    }

    /** uuid ordering: unsigned byte comparison (memcmp), unlike java.util.UUID.compareTo. */
    static int cmpUuid(Object a, Object b) {
        java.util.UUID x = (java.util.UUID) a;
        java.util.UUID y = (java.util.UUID) b;
        int c = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
    }

    static int cmpBytes(Object a, Object b) {
        return java.util.Arrays.compareUnsigned((byte[]) a, (byte[]) b);
    }

    /** The ordering of a type for comparisons and GREATEST/LEAST, or null if the type has none. */
    public static Comparator<Object> comparator(int type) {
        return switch (type) {
            case Types.INT2, Types.INT4, Types.INT8, Types.OID -> (a, b) -> Long.compare(l(a), l(b));
            case Types.FLOAT4, Types.FLOAT8 -> (a, b) -> cmpDouble(d(a), d(b));
            case Types.NUMERIC -> Numerics::compare;
            case Types.TEXT, Types.VARCHAR, Types.NAME, Types.CHAR, Types.UNKNOWN -> Operators::cmpText;
            case Types.BPCHAR -> Operators::cmpBpchar;
            case Types.BOOL -> (a, b) -> Boolean.compare((Boolean) a, (Boolean) b);
            case Types.BYTEA -> Operators::cmpBytes;
            case Types.UUID -> Operators::cmpUuid;
            case Types.TIMESTAMPTZ, Types.TIMESTAMP -> (a, b) -> Long.compare(l(a), l(b));
            case Types.DATE -> (a, b) -> Integer.compare((Integer) a, (Integer) b);
            case Types.INET -> (a, b) -> ((org.pgjava.backend.utils.adt.Inet) a).compareTo((org.pgjava.backend.utils.adt.Inet) b);
            default -> null;
        };
    }

    /**
     * An order usable for equality only (grouping, DISTINCT, set operations): the type's comparison, or for
     * types with equality but no ordering (xid) an arbitrary total order consistent with equality; null
     * when the type has no equality operator.
     */
    public static Comparator<Object> equalityOrder(int type) {
        Comparator<Object> c = comparator(type);
        if (c == null && type == Types.XID) {
            return (a, b) -> Long.compare(l(a), l(b));
        }
        return c;
    }

    private static void comparisons(int l, int r, Comparator<Object> c) {
        bin("=", l, r, Types.BOOL, (a, b) -> c.compare(a, b) == 0);
        bin("<>", l, r, Types.BOOL, (a, b) -> c.compare(a, b) != 0);
        bin("<", l, r, Types.BOOL, (a, b) -> c.compare(a, b) < 0);
        bin(">", l, r, Types.BOOL, (a, b) -> c.compare(a, b) > 0);
        bin("<=", l, r, Types.BOOL, (a, b) -> c.compare(a, b) <= 0);
        bin(">=", l, r, Types.BOOL, (a, b) -> c.compare(a, b) >= 0);
    }

    static Object checkFloat8(double r, boolean infOk, boolean zeroOk) {
        if (Double.isInfinite(r) && !infOk) {
            throw floatOverflow();
        }
        if (r == 0.0 && !zeroOk) {
            throw floatUnderflow();
        }
        return r;
    }

    static Object checkFloat4(double r, boolean infOk, boolean zeroOk) {
        float f = (float) r;
        if (Float.isInfinite(f) && !infOk) {
            throw floatOverflow();
        }
        if (f == 0.0f && !zeroOk) {
            throw floatUnderflow();
        }
        return f;
    }

    /** float8 ^ float8 with PostgreSQL's error rules (dpow). */
    static double pow(double x, double y) {
        if (x == 0 && y < 0) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "zero raised to a negative power is undefined");
        }
        if (x < 0 && y != Math.floor(y) && !Double.isInfinite(y)) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                    "a negative number raised to a non-integer power yields a complex result");
        }
        if (Double.isNaN(x)) {
            return y == 0 ? 1 : Double.NaN;
        }
        if (Double.isNaN(y)) {
            return x == 1 ? 1 : Double.NaN;
        }
        double r = Math.pow(x, y);
        if (Double.isInfinite(r) && !Double.isInfinite(x) && !Double.isInfinite(y)) {
            throw floatOverflow();
        }
        if (r == 0 && x != 0 && !Double.isInfinite(y)) {
            throw floatUnderflow();
        }
        return r;
    }

    static {
        int[] ints = {Types.INT2, Types.INT4, Types.INT8};
        for (int lt : ints) {
            for (int rt : ints) {
                int res = width(lt) >= width(rt) ? lt : rt;
                bin("+", lt, rt, res, res == Types.INT8
                        ? (a, b) -> { try { return Math.addExact(l(a), l(b)); } catch (ArithmeticException e) { throw Casts.intOutOfRange(Types.INT8); } }
                        : (a, b) -> Casts.boxInt(l(a) + l(b), res));
                bin("-", lt, rt, res, res == Types.INT8
                        ? (a, b) -> { try { return Math.subtractExact(l(a), l(b)); } catch (ArithmeticException e) { throw Casts.intOutOfRange(Types.INT8); } }
                        : (a, b) -> Casts.boxInt(l(a) - l(b), res));
                bin("*", lt, rt, res, res == Types.INT8
                        ? (a, b) -> { try { return Math.multiplyExact(l(a), l(b)); } catch (ArithmeticException e) { throw Casts.intOutOfRange(Types.INT8); } }
                        : (a, b) -> Casts.boxInt(l(a) * l(b), res));
                bin("/", lt, rt, res, (a, b) -> {
                    long y = l(b);
                    if (y == 0) {
                        throw divByZero();
                    }
                    long x = l(a);
                    if (x == Long.MIN_VALUE && y == -1) {
                        throw Casts.intOutOfRange(Types.INT8);
                    }
                    return Casts.boxInt(x / y, res);
                });
                comparisons(lt, rt, (a, b) -> Long.compare(l(a), l(b)));
            }
            bin("%", lt, lt, lt, (a, b) -> {
                long y = l(b);
                if (y == 0) {
                    throw divByZero();
                }
                return Casts.boxInt(y == -1 ? 0 : l(a) % y, lt);
            });
            bin("&", lt, lt, lt, (a, b) -> Casts.boxInt(l(a) & l(b), lt));
            bin("|", lt, lt, lt, (a, b) -> Casts.boxInt(l(a) | l(b), lt));
            bin("#", lt, lt, lt, (a, b) -> Casts.boxInt(l(a) ^ l(b), lt));
            bin("<<", lt, Types.INT4, lt, (a, b) -> shift(l(a), (int) l(b), lt, true));
            bin(">>", lt, Types.INT4, lt, (a, b) -> shift(l(a), (int) l(b), lt, false));
            pre("-", lt, lt, a -> {
                long x = l(a);
                if (x == Long.MIN_VALUE) {
                    throw Casts.intOutOfRange(Types.INT8);
                }
                return Casts.boxInt(-x, lt);
            });
            pre("+", lt, lt, a -> a);
            pre("@", lt, lt, a -> {
                long x = l(a);
                if (x == Long.MIN_VALUE) {
                    throw Casts.intOutOfRange(Types.INT8);
                }
                return Casts.boxInt(Math.abs(x), lt);
            });
            pre("~", lt, lt, a -> Casts.boxInt(~l(a), lt));
        }
        int[] floats = {Types.FLOAT4, Types.FLOAT8};
        for (int lt : floats) {
            for (int rt : floats) {
                int res = (lt == Types.FLOAT8 || rt == Types.FLOAT8) ? Types.FLOAT8 : Types.FLOAT4;
                boolean f8 = res == Types.FLOAT8;
                bin("+", lt, rt, res, (a, b) -> {
                    double x = d(a);
                    double y = d(b);
                    double r = x + y;
                    boolean infOk = Double.isInfinite(x) || Double.isInfinite(y);
                    return f8 ? checkFloat8(r, infOk, true) : checkFloat4(r, infOk, true);
                });
                bin("-", lt, rt, res, (a, b) -> {
                    double x = d(a);
                    double y = d(b);
                    double r = x - y;
                    boolean infOk = Double.isInfinite(x) || Double.isInfinite(y);
                    return f8 ? checkFloat8(r, infOk, true) : checkFloat4(r, infOk, true);
                });
                bin("*", lt, rt, res, (a, b) -> {
                    double x = d(a);
                    double y = d(b);
                    double r = x * y;
                    boolean infOk = Double.isInfinite(x) || Double.isInfinite(y);
                    boolean zeroOk = x == 0 || y == 0;
                    return f8 ? checkFloat8(r, infOk, zeroOk) : checkFloat4(r, infOk, zeroOk);
                });
                bin("/", lt, rt, res, (a, b) -> {
                    double x = d(a);
                    double y = d(b);
                    if (y == 0 && !Double.isNaN(x)) {
                        throw divByZero();
                    }
                    double r = x / y;
                    boolean infOk = Double.isInfinite(x);
                    boolean zeroOk = x == 0 || Double.isInfinite(y);
                    return f8 ? checkFloat8(r, infOk, zeroOk) : checkFloat4(r, infOk, zeroOk);
                });
                comparisons(lt, rt, (a, b) -> cmpDouble(d(a), d(b)));
            }
            boolean f8 = lt == Types.FLOAT8;
            pre("-", lt, lt, a -> f8 ? (Object) (-(Double) a) : (Object) (-(Float) a));
            pre("+", lt, lt, a -> a);
            pre("@", lt, lt, a -> f8 ? (Object) Math.abs((Double) a) : (Object) Math.abs((Float) a));
        }
        bin("^", Types.FLOAT8, Types.FLOAT8, Types.FLOAT8, (a, b) -> pow(d(a), d(b)));
        pre("|/", Types.FLOAT8, Types.FLOAT8, a -> {
            double x = (Double) a;
            if (x < 0) {
                throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "cannot take square root of a negative number");
            }
            return Math.sqrt(x);
        });
        pre("||/", Types.FLOAT8, Types.FLOAT8, a -> Math.cbrt((Double) a));

        int n = Types.NUMERIC;
        bin("+", n, n, n, Numerics::add);
        bin("-", n, n, n, Numerics::sub);
        bin("*", n, n, n, Numerics::mul);
        bin("/", n, n, n, Numerics::div);
        bin("%", n, n, n, Numerics::mod);
        bin("^", n, n, n, Numerics::power);
        comparisons(n, n, Numerics::compare);
        pre("-", n, n, Numerics::negate);
        pre("+", n, n, a -> a);
        pre("@", n, n, Numerics::abs);

        // Operators PostgreSQL has on types pgjava has not built: they take part in resolution (so that
        // unknown + unknown is ambiguous, as in PostgreSQL) and answer 0A000 when chosen.
        for (String op : new String[] {"+", "-", "*", "/"}) {
            bin(op, 1186, 1186, 1186, null);
        }
        pre("-", 1186, 1186, null);
        bin("||", Types.TEXT, Types.TEXT, Types.TEXT, (a, b) -> (String) a + (String) b);
        bin("||", Types.BYTEA, Types.BYTEA, Types.BYTEA, (a, b) -> {
            byte[] x = (byte[]) a;
            byte[] y = (byte[]) b;
            byte[] r = java.util.Arrays.copyOf(x, x.length + y.length);
            System.arraycopy(y, 0, r, x.length, y.length);
            return r;
        });
        comparisons(Types.TEXT, Types.TEXT, Operators::cmpText);
        comparisons(Types.NAME, Types.NAME, Operators::cmpText);
        comparisons(Types.NAME, Types.TEXT, Operators::cmpText);
        comparisons(Types.TEXT, Types.NAME, Operators::cmpText);
        comparisons(Types.BPCHAR, Types.BPCHAR, Operators::cmpBpchar);
        comparisons(Types.CHAR, Types.CHAR, Operators::cmpText);
        comparisons(Types.BOOL, Types.BOOL, (a, b) -> Boolean.compare((Boolean) a, (Boolean) b));
        comparisons(Types.OID, Types.OID, (a, b) -> Long.compare(l(a), l(b)));
        comparisons(Types.BYTEA, Types.BYTEA, Operators::cmpBytes);
        comparisons(Types.UUID, Types.UUID, Operators::cmpUuid);
        comparisons(Types.TIMESTAMPTZ, Types.TIMESTAMPTZ, (a, b) -> Long.compare(l(a), l(b)));
        dateTimeOperators();
        comparisons(Types.INET, Types.INET, (a, b) -> ((org.pgjava.backend.utils.adt.Inet) a)
                .compareTo((org.pgjava.backend.utils.adt.Inet) b));
        bin("=", Types.XID, Types.XID, Types.BOOL, (a, b) -> l(a) == l(b));
        bin("<>", Types.XID, Types.XID, Types.BOOL, (a, b) -> l(a) != l(b));
        bin("=", Types.XID, Types.INT4, Types.BOOL, (a, b) -> l(a) == (l(b) & 0xFFFFFFFFL));
        bin("<>", Types.XID, Types.INT4, Types.BOOL, (a, b) -> l(a) != (l(b) & 0xFFFFFFFFL));
        for (int t : new int[] {Types.TEXT, Types.BPCHAR, Types.NAME}) {
            bin("~~", t, Types.TEXT, Types.BOOL, (a, b) -> Like.match(str(a, t), (String) b, '\\', false));
            bin("!~~", t, Types.TEXT, Types.BOOL, (a, b) -> !Like.match(str(a, t), (String) b, '\\', false));
            bin("~~*", t, Types.TEXT, Types.BOOL, (a, b) -> Like.match(str(a, t), (String) b, '\\', true));
            bin("!~~*", t, Types.TEXT, Types.BOOL, (a, b) -> !Like.match(str(a, t), (String) b, '\\', true));
        }
    }

    /**
     * date_cmp_timestamp: a date compared with a timestamp as its midnight; dates beyond the timestamp range
     * compare as later than every finite timestamp (as PostgreSQL 15's date2timestamp_no_overflow).
     */
    static int cmpDateTimestamp(int date, long ts) {
        long d;
        if (date == DateTimes.DATE_NOBEGIN) {
            d = Long.MIN_VALUE;
        } else if (date == DateTimes.DATE_NOEND) {
            d = Long.MAX_VALUE;
        } else if ((long) date * DateTimes.USECS_PER_DAY >= DateTimes.END_TIMESTAMP) {
            return ts == Long.MAX_VALUE ? -1 : 1;
        } else {
            d = date * DateTimes.USECS_PER_DAY;
        }
        return Long.compare(d, ts);
    }

    /**
     * date/timestamp/timestamptz operators: comparisons within each type and between date and timestamp
     * (date vs timestamptz and timestamp vs timestamptz resolve through the implicit casts to timestamptz,
     * which read the session's TimeZone, giving PostgreSQL's results), date +/- integer, date - date; the
     * interval and time operators PostgreSQL has take part in resolution and answer 0A000.
     */
    private static void dateTimeOperators() {
        int d = Types.DATE;
        int ts = Types.TIMESTAMP;
        int tz = Types.TIMESTAMPTZ;
        comparisons(d, d, (a, b) -> Integer.compare((Integer) a, (Integer) b));
        comparisons(ts, ts, (a, b) -> Long.compare(l(a), l(b)));
        comparisons(d, ts, (a, b) -> cmpDateTimestamp((Integer) a, (Long) b));
        comparisons(ts, d, (a, b) -> -cmpDateTimestamp((Integer) b, (Long) a));
        bin("+", d, Types.INT4, d, (a, b) -> DateTimes.datePlusDays((Integer) a, (Integer) b));
        bin("+", Types.INT4, d, d, (a, b) -> DateTimes.datePlusDays((Integer) b, (Integer) a));
        bin("-", d, Types.INT4, d, (a, b) -> DateTimes.datePlusDays((Integer) a, -(long) (Integer) b));
        bin("-", d, d, Types.INT4, (a, b) -> DateTimes.dateMinusDate((Integer) a, (Integer) b));
        int iv = Types.INTERVAL;
        bin("+", d, iv, ts, null);
        bin("+", iv, d, ts, null);
        bin("-", d, iv, ts, null);
        bin("+", d, Types.TIME, ts, null);
        bin("+", Types.TIME, d, ts, null);
        bin("+", d, Types.TIMETZ, tz, null);
        bin("+", Types.TIMETZ, d, tz, null);
        bin("-", ts, ts, iv, null);
        bin("-", tz, tz, iv, null);
        bin("+", ts, iv, ts, null);
        bin("+", iv, ts, ts, null);
        bin("-", ts, iv, ts, null);
        bin("+", tz, iv, tz, null);
        bin("+", iv, tz, tz, null);
        bin("-", tz, iv, tz, null);
    }

    private static String str(Object a, int t) {
        return t == Types.BPCHAR ? Casts.rtrimSpaces((String) a) : (String) a;
    }

    private static Object shift(long v, int s, int type, boolean left) {
        int bits = type == Types.INT2 ? 16 : type == Types.INT4 ? 32 : 64;
        long r;
        if (type == Types.INT8) {
            r = left ? v << s : v >> s;
            return r;
        }
        if (type == Types.INT4) {
            return left ? (int) v << s : (int) v >> s;
        }
        return (short) (left ? (short) v << s : (short) v >> s);
    }

    /** Numeric zero constant used by functions. */
    static final BigDecimal ZERO = BigDecimal.ZERO;

    static boolean isNaN(Object v) {
        return v == NumericSpecial.NAN;
    }
}
