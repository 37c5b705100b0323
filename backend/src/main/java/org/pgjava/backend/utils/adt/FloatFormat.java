package org.pgjava.backend.utils.adt;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * float4/float8 text input and output as PostgreSQL 15 (float.c): with extra_float_digits &gt; 0 (the
 * default 1) the shortest string that reads back exactly, in %g-like layout (exponent form when the
 * decimal exponent is &lt; -4 or &gt;= the type's digits: 15 for float8, 6 for float4), else %.{N}g with
 * N = DBL_DIG/FLT_DIG + extra_float_digits. NaN, Infinity, -Infinity, -0 as PostgreSQL prints them.
 */
public final class FloatFormat {
    private FloatFormat() {
    }

    /** float8out. */
    public static String float8(double v, int extraFloatDigits) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        if (extraFloatDigits > 0) {
            return layout(shortest(v), 15, true);
        }
        int prec = Math.max(1, 15 + extraFloatDigits);
        return layout(new BigDecimal(v).round(new MathContext(prec, RoundingMode.HALF_EVEN)), prec, false);
    }

    /** float4out. */
    public static String float4(float v, int extraFloatDigits) {
        if (Float.isNaN(v)) {
            return "NaN";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        if (extraFloatDigits > 0) {
            return layout(shortestFloat(v), 6, true);
        }
        int prec = Math.max(1, 6 + extraFloatDigits);
        return layout(new BigDecimal(v).round(new MathContext(prec, RoundingMode.HALF_EVEN)), prec, false);
    }

    /**
     * The shortest decimal that reads back as v. Java's Double.toString is shortest except that it never
     * prints a single significant digit when a closer two-digit form exists (4.9E-324 for 5e-324).
     */
    static BigDecimal shortest(double v) {
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        if (d.precision() == 2) {
            BigDecimal one = d.round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(one.toString()) == v) {
                return one;
            }
        }
        return d;
    }

    static BigDecimal shortestFloat(float v) {
        BigDecimal d = new BigDecimal(Float.toString(v)).stripTrailingZeros();
        if (d.precision() == 2) {
            BigDecimal one = d.round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (Float.parseFloat(one.toString()) == v) {
                return one;
            }
        }
        return d;
    }

    /** %g-style layout of the given decimal digits; exponent form if exp &lt; -4 or exp &gt;= limit. */
    private static String layout(BigDecimal d, int limit, boolean shortest) {
        d = d.stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale(); // decimal exponent of the first digit
        StringBuilder sb = new StringBuilder();
        if (d.signum() < 0) {
            sb.append('-');
        }
        if (exp < -4 || exp >= limit) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int ae = Math.abs(exp);
            if (ae < 10) {
                sb.append('0');
            }
            sb.append(ae);
        } else {
            sb.append(d.abs().toPlainString());
        }
        return sb.toString();
    }

    /**
     * float8in/float4in: decimal or exponent notation, NaN, [+-]Infinity, [+-]inf (case-insensitive),
     * surrounding blanks allowed.
     * @throws PgException 22P02 invalid syntax, 22003 out of range
     */
    public static double parseDouble(String s, String typeName, boolean isFloat4) {
        String t = s.strip();
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "nan": return Double.NaN;
            case "infinity", "+infinity", "inf", "+inf": return Double.POSITIVE_INFINITY;
            case "-infinity", "-inf": return Double.NEGATIVE_INFINITY;
            default: break;
        }
        int i = 0;
        int n = t.length();
        if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        boolean ok = digits > 0;
        if (ok && i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            i++;
            if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                i++;
            }
            int ed = 0;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                ed++;
            }
            ok = ed > 0;
        }
        if (!ok || i != n) {
            throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION,
                    "invalid input syntax for type " + typeName + ": \"" + s + "\"");
        }
        double v;
        if (isFloat4) {
            float f = Float.parseFloat(t);
            v = f;
            if (Float.isInfinite(f) || (f == 0 && !isZeroLiteral(t))) {
                throw outOfRange(s, typeName);
            }
        } else {
            v = Double.parseDouble(t);
            if (Double.isInfinite(v) || (v == 0 && !isZeroLiteral(t))) {
                throw outOfRange(s, typeName);
            }
        }
        return v;
    }

    private static PgException outOfRange(String s, String typeName) {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "\"" + s + "\" is out of range for type " + typeName);
    }

    private static boolean isZeroLiteral(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == 'e' || c == 'E') {
                return true;
            }
            if (c >= '1' && c <= '9') {
                return false;
            }
        }
        return true;
    }
}
