package org.pgjava.backend.optimizer.analyze;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.utils.adt.DateTimes;
import org.pgjava.backend.utils.adt.FloatFormat;
import org.pgjava.backend.utils.adt.NumericSpecial;
import org.pgjava.backend.utils.adt.Numerics;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * pg_cast for the built-in types pgjava has: which casts exist in which context (implicit 'i',
 * assignment 'a', explicit 'e'), the conversion functions, I/O conversion casts (anything to a string
 * type by assignment, from a string type explicitly), and length coercion for varchar(n)/bpchar(n)/
 * numeric(p,s).
 */
public final class Casts {
    private Casts() {
    }

    /** Cast contexts, weakest requirement last. */
    public enum Context { IMPLICIT, ASSIGNMENT, EXPLICIT }

    /**
     * The context a cast from {@code from} to {@code to} needs: 'i', 'a', 'e', or 0 if none exists.
     * from == to is 'i'. unknown to anything is 'i'.
     */
    public static char castContext(int from, int to) {
        if (from == to || from == Types.UNKNOWN) {
            return 'i';
        }
        switch (from) {
            case Types.INT2:
                switch (to) { case Types.INT4, Types.INT8, Types.FLOAT4, Types.FLOAT8, Types.NUMERIC, Types.OID: return 'i'; default: break; }
                break;
            case Types.INT4:
                switch (to) {
                    case Types.INT8, Types.FLOAT4, Types.FLOAT8, Types.NUMERIC, Types.OID, Types.REGTYPE: return 'i';
                    case Types.INT2: return 'a';
                    case Types.BOOL, Types.CHAR: return 'e';
                    default: break;
                }
                break;
            case Types.INT8:
                switch (to) {
                    case Types.FLOAT4, Types.FLOAT8, Types.NUMERIC, Types.OID, Types.REGTYPE: return 'i';
                    case Types.INT2, Types.INT4: return 'a';
                    default: break;
                }
                break;
            case Types.FLOAT4:
                switch (to) {
                    case Types.FLOAT8: return 'i';
                    case Types.INT2, Types.INT4, Types.INT8, Types.NUMERIC: return 'a';
                    default: break;
                }
                break;
            case Types.FLOAT8:
                switch (to) { case Types.INT2, Types.INT4, Types.INT8, Types.FLOAT4, Types.NUMERIC: return 'a'; default: break; }
                break;
            case Types.NUMERIC:
                switch (to) {
                    case Types.FLOAT4, Types.FLOAT8: return 'i';
                    case Types.INT2, Types.INT4, Types.INT8: return 'a';
                    default: break;
                }
                break;
            case Types.BOOL:
                if (to == Types.INT4) {
                    return 'e';
                }
                break;
            case Types.OID:
                switch (to) { case Types.INT8: return 'a'; case Types.INT4: return 'a'; case Types.REGTYPE: return 'i'; default: break; }
                break;
            case Types.REGTYPE:
                switch (to) { case Types.OID: return 'i'; case Types.INT8, Types.INT4: return 'a'; default: break; }
                break;
            case Types.TEXT:
                switch (to) { case Types.BPCHAR, Types.VARCHAR, Types.NAME: return 'i'; case Types.CHAR: return 'a'; default: break; }
                break;
            case Types.VARCHAR:
                switch (to) { case Types.TEXT, Types.BPCHAR, Types.NAME: return 'i'; case Types.CHAR: return 'a'; default: break; }
                break;
            case Types.BPCHAR:
                switch (to) { case Types.TEXT, Types.VARCHAR, Types.NAME: return 'i'; case Types.CHAR: return 'a'; default: break; }
                break;
            case Types.NAME:
                switch (to) { case Types.TEXT: return 'i'; case Types.BPCHAR, Types.VARCHAR: return 'a'; default: break; }
                break;
            case Types.CHAR:
                switch (to) { case Types.TEXT: return 'i'; case Types.BPCHAR, Types.VARCHAR: return 'a'; case Types.INT4: return 'e'; default: break; }
                break;
            case Types.DATE:
                switch (to) { case Types.TIMESTAMP, Types.TIMESTAMPTZ: return 'i'; default: break; }
                break;
            case Types.TIMESTAMP:
                switch (to) { case Types.TIMESTAMPTZ: return 'i'; case Types.DATE, Types.TIME: return 'a'; default: break; }
                break;
            case Types.TIMESTAMPTZ:
                switch (to) { case Types.DATE, Types.TIMESTAMP, Types.TIME, Types.TIMETZ: return 'a'; default: break; }
                break;
            default:
                break;
        }
        // I/O conversion casts
        if (Types.isStringLike(to) && from != Types.VOID) {
            return 'a';
        }
        if (Types.isStringLike(from) && to != Types.VOID) {
            return 'e';
        }
        return 0;
    }

    /** True if the cast is allowed in the given context. */
    public static boolean canCast(int from, int to, Context ctx) {
        char c = castContext(from, to);
        return switch (c) {
            case 'i' -> true;
            case 'a' -> ctx != Context.IMPLICIT;
            case 'e' -> ctx == Context.EXPLICIT;
            default -> false;
        };
    }

    static PgException intOutOfRange(int type) {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, switch (type) {
            case Types.INT2 -> "smallint out of range";
            case Types.INT4 -> "integer out of range";
            default -> "bigint out of range";
        });
    }

    /** Range-checks a long for an integer type and boxes it. */
    static Object boxInt(long v, int type) {
        switch (type) {
            case Types.INT2:
                if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                    throw intOutOfRange(type);
                }
                return (short) v;
            case Types.INT4:
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw intOutOfRange(type);
                }
                return (int) v;
            default:
                return v;
        }
    }

    static long asLong(Object v) {
        return ((Number) v).longValue();
    }

    private static Object floatToInt(double d, int to) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw intOutOfRange(to);
        }
        double r = Math.rint(d);
        if (to == Types.INT8) {
            if (r < -9.223372036854775808E18 || r >= 9.223372036854775808E18) {
                throw intOutOfRange(to);
            }
            return (long) r;
        }
        if (r < Integer.MIN_VALUE || r > Integer.MAX_VALUE) {
            throw intOutOfRange(to);
        }
        return boxInt((long) r, to);
    }

    private static Object numericToInt(Object v, int to) {
        if (v instanceof NumericSpecial s) {
            throw PgException.notSupported(s == NumericSpecial.NAN ? "cannot convert NaN to " + TypeIO.typeName(to)
                    : "cannot convert infinity to " + TypeIO.typeName(to));
        }
        BigDecimal r = ((BigDecimal) v).setScale(0, RoundingMode.HALF_UP);
        if (r.unscaledValue().bitLength() > 63) {
            throw intOutOfRange(to);
        }
        return boxInt(r.longValue(), to);
    }

    static double numericToDouble(Object v) {
        if (v instanceof NumericSpecial s) {
            return switch (s) {
                case NAN -> Double.NaN;
                case POSITIVE_INFINITY -> Double.POSITIVE_INFINITY;
                case NEGATIVE_INFINITY -> Double.NEGATIVE_INFINITY;
            };
        }
        double d = ((BigDecimal) v).doubleValue();
        if (Double.isInfinite(d)) {
            throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
        }
        return d;
    }

    static Object doubleToNumeric(double d, int digits) {
        if (Double.isNaN(d)) {
            return NumericSpecial.NAN;
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? NumericSpecial.POSITIVE_INFINITY : NumericSpecial.NEGATIVE_INFINITY;
        }
        if (d == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal b = new BigDecimal(d).round(new java.math.MathContext(digits, RoundingMode.HALF_EVEN));
        // %g layout keeps no trailing zeros after rounding
        b = b.stripTrailingZeros();
        return Numerics.normalizeScale(b);
    }

    /**
     * The conversion function for a cast between different types (null when the representation is the
     * same, e.g. varchar to text).
     */
    public static Expr.Fn1 castFunction(int from, int to) {
        if (from == to) {
            return null;
        }
        if (Types.isInteger(from) && Types.isInteger(to)) {
            return a -> boxInt(asLong(a), to);
        }
        if (Types.isInteger(from)) {
            switch (to) {
                case Types.FLOAT8: return a -> (double) asLong(a);
                case Types.FLOAT4: return a -> (float) asLong(a);
                case Types.NUMERIC: return a -> BigDecimal.valueOf(asLong(a));
                case Types.OID, Types.REGTYPE: return a -> {
                    long v = asLong(a);
                    if (v < Integer.MIN_VALUE || v > 4294967295L) {
                        throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "OID out of range");
                    }
                    return v < 0 ? v + 4294967296L : v;
                };
                case Types.BOOL: return a -> asLong(a) != 0;
                case Types.CHAR: return a -> {
                    long v = asLong(a);
                    if (v < -128 || v > 127) {
                        throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "\"char\" out of range");
                    }
                    return v == 0 ? "" : String.valueOf((char) (v & 0xFF));
                };
                default: break;
            }
        }
        if (from == Types.FLOAT8 || from == Types.FLOAT4) {
            switch (to) {
                case Types.INT2, Types.INT4, Types.INT8:
                    return a -> floatToInt(((Number) a).doubleValue(), to);
                case Types.FLOAT8:
                    return a -> (double) (Float) a;
                case Types.FLOAT4:
                    return a -> {
                        double d = (Double) a;
                        float f = (float) d;
                        if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                            throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
                        }
                        if (f == 0 && d != 0) {
                            throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow");
                        }
                        return f;
                    };
                case Types.NUMERIC:
                    return from == Types.FLOAT8 ? a -> doubleToNumeric((Double) a, 15)
                            : a -> doubleToNumeric(Double.parseDouble(Float.toString((Float) a)), 6);
                default: break;
            }
        }
        if (from == Types.NUMERIC) {
            switch (to) {
                case Types.INT2, Types.INT4, Types.INT8: return a -> numericToInt(a, to);
                case Types.FLOAT8: return Casts::numericToDouble;
                case Types.FLOAT4: return a -> {
                    double d = numericToDouble(a);
                    float f = (float) d;
                    if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                        throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
                    }
                    return f;
                };
                default: break;
            }
        }
        if (from == Types.BOOL && Types.isStringLike(to)) {
            return a -> ((Boolean) a) ? "true" : "false"; // booltext, not boolout
        }
        if (from == Types.DATE && to == Types.TIMESTAMP) {
            return a -> DateTimes.dateToTimestamp((Integer) a);
        }
        if (from == Types.TIMESTAMP && to == Types.DATE) {
            return a -> DateTimes.timestampToDate((Long) a);
        }
        if (isZoneCast(from, to)) {
            // needs the session's TimeZone: the analyzer must use sessionCastFunction for these
            return a -> {
                throw PgException.notSupported("cast from " + TypeIO.typeName(from) + " to " + TypeIO.typeName(to)
                        + " is not supported yet");
            };
        }
        if (from == Types.BOOL && to == Types.INT4) {
            return a -> ((Boolean) a) ? 1 : 0;
        }
        if ((from == Types.OID || from == Types.REGTYPE) && (to == Types.INT8)) {
            return a -> a;
        }
        if ((from == Types.OID || from == Types.REGTYPE) && (to == Types.INT4)) {
            return a -> (int) (long) (Long) a;
        }
        if ((from == Types.OID && to == Types.REGTYPE) || (from == Types.REGTYPE && to == Types.OID)) {
            return a -> a;
        }
        if (from == Types.CHAR && to == Types.INT4) {
            return a -> {
                String s = (String) a;
                return s.isEmpty() ? 0 : (int) (byte) s.charAt(0);
            };
        }
        if (Types.isStringLike(from) && Types.isStringLike(to)) {
            if (from == Types.BPCHAR && to != Types.BPCHAR) {
                return a -> {
                    String s = rtrimSpaces((String) a);
                    return to == Types.NAME ? TypeIO.truncateName(s) : s;
                };
            }
            if (to == Types.NAME) {
                return a -> TypeIO.truncateName((String) a);
            }
            return null;
        }
        if (from == Types.CHAR && Types.isStringLike(to)) {
            return null;
        }
        if (Types.isStringLike(from) && to == Types.CHAR) {
            return a -> TypeIO.input(Types.CHAR, (String) a, null);
        }
        // I/O conversion
        if (Types.isStringLike(to)) {
            return null; // handled by the caller with the session (output needs settings)
        }
        if (Types.isStringLike(from)) {
            return null;
        }
        return null;
    }

    /** True for the casts among date, timestamp and timestamptz that depend on the session's TimeZone. */
    static boolean isZoneCast(int from, int to) {
        return (from == Types.TIMESTAMPTZ && (to == Types.DATE || to == Types.TIMESTAMP))
                || (to == Types.TIMESTAMPTZ && (from == Types.DATE || from == Types.TIMESTAMP));
    }

    /**
     * The conversion function of a cast that needs the session (the casts between timestamptz and date or
     * timestamp, which read the TimeZone setting), or null when {@link #castFunction} (or an I/O cast) does
     * the job. The result is a stable function: never fold it at plan time. Strict: never called with null.
     */
    public static Expr.FnN sessionCastFunction(int from, int to) {
        if (!isZoneCast(from, to)) {
            return null;
        }
        if (from == Types.DATE) {
            return (a, c) -> DateTimes.dateToTimestamptz((Integer) a[0], DateTimes.sessionZone(c.session()));
        }
        if (from == Types.TIMESTAMP) {
            return (a, c) -> DateTimes.timestampToTimestamptz((Long) a[0], DateTimes.sessionZone(c.session()));
        }
        if (to == Types.DATE) {
            return (a, c) -> DateTimes.timestamptzToDate((Long) a[0], DateTimes.sessionZone(c.session()));
        }
        return (a, c) -> DateTimes.timestamptzToTimestamp((Long) a[0], DateTimes.sessionZone(c.session()));
    }

    /**
     * Converts a run-time value to a table column's type and typmod in assignment context, as PostgreSQL's
     * INSERT/UPDATE do (coerce_to_target_type with COERCION_ASSIGNMENT, then the length coercion):
     * <ol>
     *   <li>{@code value == null} gives null (NOT NULL is the caller's check).</li>
     *   <li>{@code fromType} is the value's type OID and {@code value} its Java representation (TypeIO's
     *       javadoc); {@code fromType == unknown (705)} means a String literal read with the column type's
     *       input function (as an untyped literal in VALUES).</li>
     *   <li>The cast must exist in assignment context (castContext 'i' or 'a'), else 42804
     *       "column \"c\" is of type X but expression is of type Y" with the HINT
     *       "You will need to rewrite or cast the expression." ({@code columnName} may be null: then
     *       42846 "cannot cast type Y to X").</li>
     *   <li>Then the typmod ({@code toTypmod} -1 for none): varchar(n)/char(n) raise 22001 "value too long for
     *       type character varying(n)" unless the excess is only spaces (then trimmed); char(n) pads with
     *       spaces; numeric(p,s) rounds and raises 22003 "numeric field overflow"; timestamp(p) rounds.</li>
     * </ol>
     * Planning-time callers coercing an expression should prefer the analyzer's coerce with
     * {@link Context#ASSIGNMENT} and the typmod, which does the same per row.
     *
     * @param ctx the session (TimeZone, DateStyle, extra_float_digits for I/O casts); may be null only for
     *            casts that do not need it
     * @return the value in {@code toType}'s Java representation
     */
    public static Object coerceToColumn(Object value, int fromType, int toType, int toTypmod, String columnName,
            org.pgjava.backend.utils.SessionContext ctx) {
        if (value == null) {
            return null;
        }
        Object v;
        if (fromType == Types.UNKNOWN) {
            v = TypeIO.input(toType, (String) value, ctx);
        } else if (fromType == toType) {
            v = value;
        } else {
            if (!canCast(fromType, toType, Context.ASSIGNMENT)) {
                if (columnName == null) {
                    throw PgException.error(SqlState.CANNOT_COERCE, "cannot cast type " + TypeIO.typeName(fromType) + " to "
                            + TypeIO.typeName(toType));
                }
                throw PgException.error(SqlState.DATATYPE_MISMATCH, "column \"" + columnName + "\" is of type "
                        + TypeIO.typeName(toType) + " but expression is of type " + TypeIO.typeName(fromType))
                        .withHint("You will need to rewrite or cast the expression.");
            }
            v = convert(value, fromType, toType, ctx);
        }
        return applyTypmod(toType, toTypmod, v, false);
    }

    /**
     * Converts a non-null value between two types whose cast exists (any context), without typmod:
     * the run-time body of a cast. I/O casts use the session's settings.
     */
    public static Object convert(Object value, int fromType, int toType, org.pgjava.backend.utils.SessionContext ctx) {
        if (fromType == toType) {
            return value;
        }
        Expr.FnN sf = sessionCastFunction(fromType, toType);
        if (sf != null) {
            return sf.apply(new Object[] {value}, new org.pgjava.backend.executor.expr.ExprContext(new Object[0], ctx));
        }
        if (isIoCast(fromType, toType)) {
            if (Types.isStringLike(toType)) {
                String s = TypeIO.output(fromType, value, ctx);
                return toType == Types.NAME ? TypeIO.truncateName(s) : s;
            }
            return TypeIO.input(toType, fromType == Types.BPCHAR ? rtrimSpaces((String) value) : (String) value, ctx);
        }
        Expr.Fn1 fn = castFunction(fromType, toType);
        return fn == null ? value : fn.apply(value);
    }

    /** Trailing blanks removed (bpchar semantics). */
    public static String rtrimSpaces(String s) {
        int e = s.length();
        while (e > 0 && s.charAt(e - 1) == ' ') {
            e--;
        }
        return e == s.length() ? s : s.substring(0, e);
    }

    /** True if the cast from -> to is an I/O conversion (output then input). */
    public static boolean isIoCast(int from, int to) {
        if (from == to) {
            return false;
        }
        boolean builtin = (from == Types.BOOL && Types.isStringLike(to)) || castFunction(from, to) != null
                || (Types.isStringLike(from) && Types.isStringLike(to))
                || (from == Types.CHAR && Types.isStringLike(to));
        return !builtin && (Types.isStringLike(to) || Types.isStringLike(from));
    }

    /**
     * Length coercion of a value to typmod (varchar(n), bpchar(n), numeric(p,s), timestamp(p),
     * timestamptz(p)); explicit casts truncate strings silently, others raise 22001 unless only spaces are
     * cut. Returns the value unchanged for typmod -1.
     */
    public static Object applyTypmod(int type, int typmod, Object v, boolean explicit) {
        if (typmod < 0 || v == null) {
            return v;
        }
        switch (type) {
            case Types.NUMERIC:
                return Numerics.applyTypmod(v, typmod);
            case Types.TIMESTAMP, Types.TIMESTAMPTZ:
                return DateTimes.roundToPrecision((Long) v, typmod);
            case Types.VARCHAR, Types.BPCHAR: {
                int max = typmod - 4;
                String s = (String) v;
                int len = s.codePointCount(0, s.length());
                if (len > max) {
                    int cut = s.offsetByCodePoints(0, max);
                    if (!explicit) {
                        for (int i = cut; i < s.length(); i++) {
                            if (s.charAt(i) != ' ') {
                                throw PgException.error(SqlState.STRING_DATA_RIGHT_TRUNCATION,
                                        "value too long for type " + (type == Types.VARCHAR ? "character varying(" : "character(") + max + ")");
                            }
                        }
                    }
                    return s.substring(0, cut);
                }
                if (type == Types.BPCHAR && len < max) {
                    return s + " ".repeat(max - len);
                }
                return s;
            }
            default:
                return v;
        }
    }

    /** Parses float text for float casts from strings (used by I/O casts). */
    static double parseFloat8(String s) {
        return FloatFormat.parseDouble(s, "double precision", false);
    }
}
