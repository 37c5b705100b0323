package org.pgjava.backend.utils.adt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * PostgreSQL's numeric type (utils/adt/numeric.c) on top of BigDecimal: text and binary I/O (the
 * base-10000 send format), arithmetic with PostgreSQL's result-scale rules (select_div_scale, power,
 * sqrt), comparison (NaN sorts above everything), typmod coercion numeric(p,s). Values are BigDecimal with
 * scale &gt;= 0 or {@link NumericSpecial}.
 */
public final class Numerics {
    private Numerics() {
    }

    static final int MIN_SIG_DIGITS = 16;
    static final int MAX_DISPLAY_SCALE = 1000;
    static final int MAX_PRECISION = 1000;

    /** Text input: decimal with optional exponent, NaN, [+-]Infinity/inf. @throws PgException 22P02 */
    public static Object parse(String s) {
        String t = s.strip();
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "nan": return NumericSpecial.NAN;
            case "infinity", "+infinity", "inf", "+inf": return NumericSpecial.POSITIVE_INFINITY;
            case "-infinity", "-inf": return NumericSpecial.NEGATIVE_INFINITY;
            default: break;
        }
        boolean ok = !t.isEmpty();
        int i = 0;
        int n = t.length();
        if (ok && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(t.charAt(i)) && t.charAt(i) < 128) {
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
        if (digits == 0) {
            ok = false;
        }
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
            if (ed == 0) {
                ok = false;
            }
        }
        if (!ok || i != n) {
            throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION,
                    "invalid input syntax for type numeric: \"" + s + "\"");
        }
        BigDecimal d;
        try {
            d = new BigDecimal(t);
        } catch (NumberFormatException | ArithmeticException e) {
            throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
        }
        return checkRange(normalizeScale(d));
    }

    /**
     * PostgreSQL's numeric limits: at most 131072 digits before the decimal point and a display scale of
     * at most 16383. @throws PgException 22003 value overflows numeric format
     */
    public static BigDecimal checkRange(BigDecimal d) {
        if (d.scale() > 16383 || (d.signum() != 0 && d.precision() - d.scale() > 131072)) {
            throw overflow();
        }
        return d;
    }

    /** Makes the scale non-negative (PostgreSQL has no negative display scale). */
    public static BigDecimal normalizeScale(BigDecimal d) {
        if (d.scale() < 0) {
            if (d.precision() - d.scale() > 131072) {
                throw overflow();
            }
            d = d.setScale(0);
        }
        return d;
    }

    /** Text output. */
    public static String output(Object v) {
        if (v instanceof NumericSpecial s) {
            return s.text();
        }
        return ((BigDecimal) v).toPlainString();
    }

    /** Converts a Java integer to numeric. */
    public static BigDecimal of(long v) {
        return BigDecimal.valueOf(v);
    }

    // ---------------------------------------------------------------- binary format

    /**
     * numeric_send: int16 ndigits, int16 weight (base-10000 exponent of the first digit), uint16 sign
     * (0x0000 +, 0x4000 -, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity), int16 dscale, then ndigits
     * int16 base-10000 digits, most significant first, without leading or trailing zero digits; all
     * big-endian. For the infinities PostgreSQL sends dscale 32 (its header bits), for NaN 0.
     */
    public static byte[] send(Object v) {
        if (v instanceof NumericSpecial s) {
            int sign = switch (s) {
                case NAN -> 0xC000;
                case POSITIVE_INFINITY -> 0xD000;
                case NEGATIVE_INFINITY -> 0xF000;
            };
            int dscale = s == NumericSpecial.NAN ? 0 : 0x20;
            return new byte[] {0, 0, 0, 0, (byte) (sign >> 8), 0, 0, (byte) dscale};
        }
        BigDecimal d = (BigDecimal) v;
        int dscale = d.scale();
        BigInteger unscaled = d.unscaledValue().abs();
        // align to base 10000: the decimal point must fall on a 4-digit boundary
        int pad = (4 - (dscale % 4)) % 4;
        BigInteger aligned = unscaled.multiply(BigInteger.TEN.pow(pad));
        int fracGroups = (dscale + pad) / 4;
        String digits = aligned.toString();
        if (aligned.signum() == 0) {
            return new byte[] {0, 0, 0, 0, 0, 0, (byte) (dscale >> 8), (byte) dscale};
        }
        int lead = (4 - digits.length() % 4) % 4;
        digits = "0".repeat(lead) + digits;
        int groups = digits.length() / 4;
        short[] g = new short[groups];
        for (int i = 0; i < groups; i++) {
            g[i] = Short.parseShort(digits.substring(i * 4, i * 4 + 4));
        }
        int weight = groups - fracGroups - 1;
        int first = 0;
        while (first < groups && g[first] == 0) {
            first++;
            weight--;
        }
        int last = groups - 1;
        while (last > first && g[last] == 0) {
            last--;
        }
        int nd = last - first + 1;
        byte[] out = new byte[8 + nd * 2];
        out[0] = (byte) (nd >> 8);
        out[1] = (byte) nd;
        out[2] = (byte) (weight >> 8);
        out[3] = (byte) weight;
        int sign = d.signum() < 0 ? 0x4000 : 0;
        out[4] = (byte) (sign >> 8);
        out[5] = 0;
        out[6] = (byte) (dscale >> 8);
        out[7] = (byte) dscale;
        for (int i = 0; i < nd; i++) {
            out[8 + i * 2] = (byte) (g[first + i] >> 8);
            out[9 + i * 2] = (byte) g[first + i];
        }
        return out;
    }

    /** numeric_recv (format as {@link #send}). @throws PgException 22P03 on malformed data */
    public static Object receive(byte[] b) {
        if (b.length < 8) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "insufficient data left in message");
        }
        int nd = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int weight = (short) (((b[2] & 0xFF) << 8) | (b[3] & 0xFF));
        int sign = ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
        int dscale = ((b[6] & 0xFF) << 8) | (b[7] & 0xFF);
        if (sign == 0xC000) {
            return NumericSpecial.NAN;
        }
        if (sign == 0xD000) {
            return NumericSpecial.POSITIVE_INFINITY;
        }
        if (sign == 0xF000) {
            return NumericSpecial.NEGATIVE_INFINITY;
        }
        if (sign != 0 && sign != 0x4000) {
            throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "invalid sign in external \"numeric\" value");
        }
        if (b.length < 8 + nd * 2) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "insufficient data left in message");
        }
        if (b.length > 8 + nd * 2) {
            throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
        }
        if ((dscale & 0xC000) != 0) {
            throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "invalid scale in external \"numeric\" value");
        }
        BigInteger acc = BigInteger.ZERO;
        BigInteger base = BigInteger.valueOf(10000);
        for (int i = 0; i < nd; i++) {
            int dg = ((b[8 + i * 2] & 0xFF) << 8) | (b[9 + i * 2] & 0xFF);
            if (dg >= 10000) {
                throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "invalid digit in external \"numeric\" value");
            }
            acc = acc.multiply(base).add(BigInteger.valueOf(dg));
        }
        // value = acc * 10000^(weight - nd + 1)
        int exp4 = weight - nd + 1;
        BigDecimal d = new BigDecimal(acc, -exp4 * 4);
        if (sign == 0x4000) {
            d = d.negate();
        }
        return d.setScale(dscale, RoundingMode.HALF_UP);
    }

    // ---------------------------------------------------------------- arithmetic

    static PgException overflow() {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
    }

    static boolean isNaN(Object v) {
        return v == NumericSpecial.NAN;
    }

    static int infSign(Object v) {
        return v == NumericSpecial.POSITIVE_INFINITY ? 1 : v == NumericSpecial.NEGATIVE_INFINITY ? -1 : 0;
    }

    private static Object inf(int sign) {
        return sign > 0 ? NumericSpecial.POSITIVE_INFINITY : NumericSpecial.NEGATIVE_INFINITY;
    }

    /** a + b. */
    public static Object add(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.add(y);
        }
        if (isNaN(a) || isNaN(b)) {
            return NumericSpecial.NAN;
        }
        int sa = infSign(a);
        int sb = infSign(b);
        if (sa != 0 && sb != 0) {
            return sa == sb ? a : NumericSpecial.NAN;
        }
        return sa != 0 ? a : b;
    }

    /** a - b. */
    public static Object sub(Object a, Object b) {
        return add(a, negate(b));
    }

    /** -a. */
    public static Object negate(Object a) {
        if (a instanceof BigDecimal x) {
            return x.negate();
        }
        return a == NumericSpecial.NAN ? a : inf(-infSign(a));
    }

    /** a * b, result scale = sum of scales. */
    public static Object mul(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            BigDecimal r = x.multiply(y);
            if (r.scale() > 16383) {
                r = r.setScale(16383, RoundingMode.HALF_UP);
            }
            return checkRange(r);
        }
        if (isNaN(a) || isNaN(b)) {
            return NumericSpecial.NAN;
        }
        int sa = a instanceof BigDecimal x ? x.signum() : infSign(a);
        int sb = b instanceof BigDecimal y ? y.signum() : infSign(b);
        if (sa == 0 || sb == 0) {
            return NumericSpecial.NAN;
        }
        return inf(sa * sb);
    }

    /** Base-10000 weight of the first non-zero digit (0 for zero). */
    static int weight(BigDecimal d) {
        if (d.signum() == 0) {
            return 0;
        }
        int e10 = d.precision() - d.scale() - 1;
        return Math.floorDiv(e10, 4);
    }

    /** The first base-10000 digit (0 for zero). */
    static int firstDigit(BigDecimal d) {
        if (d.signum() == 0) {
            return 0;
        }
        int w = weight(d);
        return d.abs().movePointLeft(4 * w).intValue();
    }

    /** PostgreSQL's select_div_scale. */
    static int divScale(BigDecimal x, BigDecimal y) {
        int w1 = weight(x);
        int f1 = firstDigit(x);
        int w2 = weight(y);
        int f2 = firstDigit(y);
        int qweight = w1 - w2;
        if (f1 <= f2) {
            qweight--;
        }
        int rscale = MIN_SIG_DIGITS - qweight * 4;
        rscale = Math.max(rscale, x.scale());
        rscale = Math.max(rscale, y.scale());
        rscale = Math.max(rscale, 0);
        return Math.min(rscale, MAX_DISPLAY_SCALE);
    }

    private static PgException divByZero() {
        return PgException.error(SqlState.DIVISION_BY_ZERO, "division by zero");
    }

    /** a / b. @throws PgException 22012 division by zero */
    public static Object div(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            if (y.signum() == 0) {
                throw divByZero();
            }
            int rscale = divScale(x, y);
            return x.divide(y, rscale, RoundingMode.HALF_UP);
        }
        if (isNaN(a) || isNaN(b)) {
            return NumericSpecial.NAN;
        }
        if (infSign(a) != 0) {
            if (infSign(b) != 0) {
                return NumericSpecial.NAN;
            }
            BigDecimal y = (BigDecimal) b;
            if (y.signum() == 0) {
                throw divByZero();
            }
            return inf(infSign(a) * y.signum());
        }
        return BigDecimal.ZERO;
    }

    /** a % b (sign of a, scale max of both). */
    public static Object mod(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            if (y.signum() == 0) {
                throw divByZero();
            }
            BigDecimal r = x.remainder(y);
            return r.setScale(Math.max(x.scale(), y.scale()), RoundingMode.UNNECESSARY);
        }
        if (isNaN(a) || isNaN(b)) {
            return NumericSpecial.NAN;
        }
        if (infSign(a) != 0) {
            if (b instanceof BigDecimal y && y.signum() == 0) {
                throw divByZero();
            }
            return NumericSpecial.NAN;
        }
        return a;
    }

    /** Integer division truncated toward zero (div(numeric, numeric)). */
    public static Object divTrunc(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            if (y.signum() == 0) {
                throw divByZero();
            }
            return x.divideToIntegralValue(y).setScale(0, RoundingMode.DOWN);
        }
        return div(a, b);
    }

    /** Three-way comparison with NaN greater than everything and the infinities at the ends. */
    public static int compare(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y);
        }
        return Integer.compare(rank(a), rank(b));
    }

    private static int rank(Object v) {
        if (v == NumericSpecial.NAN) {
            return 2;
        }
        if (v == NumericSpecial.POSITIVE_INFINITY) {
            return 1;
        }
        if (v == NumericSpecial.NEGATIVE_INFINITY) {
            return -1;
        }
        return 0;
    }

    /** abs. */
    public static Object abs(Object a) {
        if (a instanceof BigDecimal x) {
            return x.abs();
        }
        return a == NumericSpecial.NAN ? a : NumericSpecial.POSITIVE_INFINITY;
    }

    /** round(x, s) half away from zero; s may be negative. */
    public static Object round(Object a, int s) {
        if (!(a instanceof BigDecimal x)) {
            return a;
        }
        s = Math.max(-MAX_DISPLAY_SCALE, Math.min(s, MAX_DISPLAY_SCALE));
        BigDecimal r = x.setScale(s, RoundingMode.HALF_UP);
        return r.setScale(Math.max(s, 0));
    }

    /** trunc(x, s). */
    public static Object trunc(Object a, int s) {
        if (!(a instanceof BigDecimal x)) {
            return a;
        }
        s = Math.max(-MAX_DISPLAY_SCALE, Math.min(s, MAX_DISPLAY_SCALE));
        BigDecimal r = x.setScale(s, RoundingMode.DOWN);
        return r.setScale(Math.max(s, 0));
    }

    /** ceil / floor (scale 0). */
    public static Object ceilFloor(Object a, boolean ceil) {
        if (!(a instanceof BigDecimal x)) {
            return a;
        }
        return x.setScale(0, ceil ? RoundingMode.CEILING : RoundingMode.FLOOR);
    }

    /** sign(x): -1, 0, 1 with scale 0. */
    public static Object sign(Object a) {
        if (a instanceof BigDecimal x) {
            return BigDecimal.valueOf(x.signum());
        }
        return a == NumericSpecial.NAN ? a : BigDecimal.valueOf(infSign(a));
    }

    /** sqrt with PostgreSQL's result scale. @throws PgException 2201F for negative input */
    public static Object sqrt(Object a) {
        if (!(a instanceof BigDecimal x)) {
            if (a == NumericSpecial.NEGATIVE_INFINITY) {
                throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "cannot take square root of a negative number");
            }
            return a;
        }
        if (x.signum() < 0) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "cannot take square root of a negative number");
        }
        int sweight = (weight(x) + 1) * 4 / 2 - 1;
        int rscale = MIN_SIG_DIGITS - sweight;
        rscale = Math.max(rscale, x.scale());
        rscale = Math.max(rscale, 0);
        rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
        if (x.signum() == 0) {
            return BigDecimal.ZERO.setScale(rscale);
        }
        BigDecimal r = x.sqrt(new MathContext(x.precision() + rscale + 10, RoundingMode.DOWN));
        return r.setScale(rscale, RoundingMode.HALF_UP);
    }

    /** a ^ b with PostgreSQL's scale rules. */
    public static Object power(Object a, Object b) {
        if (!(a instanceof BigDecimal x) || !(b instanceof BigDecimal y)) {
            if (isNaN(a)) {
                return b instanceof BigDecimal yy && yy.signum() == 0 ? BigDecimal.ONE : NumericSpecial.NAN;
            }
            if (isNaN(b)) {
                return a instanceof BigDecimal xx && xx.compareTo(BigDecimal.ONE) == 0 ? BigDecimal.ONE : NumericSpecial.NAN;
            }
            throw PgException.notSupported("numeric power with infinite arguments is not supported yet");
        }
        if (x.signum() == 0 && y.signum() < 0) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "zero raised to a negative power is undefined");
        }
        boolean integral = y.stripTrailingZeros().scale() <= 0;
        if (x.signum() < 0 && !integral) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                    "a negative number raised to a non-integer power yields a complex result");
        }
        if (y.signum() == 0) {
            return BigDecimal.ONE.setScale(Math.max(MIN_SIG_DIGITS, x.scale()) > 0 ? Math.min(Math.max(MIN_SIG_DIGITS, x.scale()), MAX_DISPLAY_SCALE) : 0);
        }
        if (x.signum() == 0) {
            int rs = Math.min(Math.max(Math.max(MIN_SIG_DIGITS, x.scale()), y.scale()), MAX_DISPLAY_SCALE);
            return BigDecimal.ZERO.setScale(integral ? Math.min(Math.max(MIN_SIG_DIGITS, x.scale()), MAX_DISPLAY_SCALE) : rs);
        }
        if (integral && y.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
            int e = y.intValueExact();
            double approx = e * Math.log10(x.abs().doubleValue());
            if (approx >= 131072) {
                throw overflow();
            }
            int rscale = Math.min(Math.max(MIN_SIG_DIGITS, x.scale()), MAX_DISPLAY_SCALE);
            if (e >= 0) {
                BigDecimal r = x.pow(e);
                return checkRange(r.setScale(rscale, RoundingMode.HALF_UP));
            }
            int prec = (int) Math.max(0, Math.ceil(-approx)) + rscale + 20;
            BigDecimal r = BigDecimal.ONE.divide(x.pow(-e), new MathContext(prec + 20, RoundingMode.HALF_EVEN));
            return r.setScale(rscale, RoundingMode.HALF_UP);
        }
        double val = y.doubleValue() * Math.log10(x.doubleValue());
        if (Double.isInfinite(val) || val >= 131072) {
            throw overflow();
        }
        int rscale = MIN_SIG_DIGITS - (int) val;
        rscale = Math.max(rscale, x.scale());
        rscale = Math.max(rscale, y.scale());
        rscale = Math.max(rscale, 0);
        rscale = Math.min(rscale, MAX_DISPLAY_SCALE);
        int prec = rscale + Math.max(0, (int) val) + 20;
        MathContext mc = new MathContext(prec, RoundingMode.HALF_EVEN);
        BigDecimal r = exp(ln(x, mc).multiply(y, mc), mc);
        return r.setScale(rscale, RoundingMode.HALF_UP);
    }

    /** Natural logarithm to the given precision (x &gt; 0): range reduction by powers of ten, atanh series. */
    static BigDecimal ln(BigDecimal x, MathContext mc) {
        MathContext w = new MathContext(mc.getPrecision() + 10, RoundingMode.HALF_EVEN);
        int k = x.precision() - x.scale() - 1; // x = m * 10^k with 1 <= m < 10
        BigDecimal m = x.movePointLeft(k);
        // ln(m) via repeated sqrt to bring m near 1
        int halvings = 0;
        while (m.subtract(BigDecimal.ONE).abs().compareTo(new BigDecimal("0.01")) > 0) {
            m = m.sqrt(w);
            halvings++;
        }
        BigDecimal z = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), w);
        BigDecimal z2 = z.multiply(z, w);
        BigDecimal term = z;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(w.getPrecision() + 2);
        for (int i = 1; term.abs().compareTo(eps) > 0; i += 2) {
            sum = sum.add(term.divide(BigDecimal.valueOf(i), w), w);
            term = term.multiply(z2, w);
        }
        BigDecimal lnm = sum.multiply(BigDecimal.valueOf(2).pow(halvings + 1), w);
        if (k == 0) {
            return lnm.round(mc);
        }
        BigDecimal ln10 = ln10(w);
        return lnm.add(ln10.multiply(BigDecimal.valueOf(k), w), w).round(mc);
    }

    private static BigDecimal ln10(MathContext w) {
        // ln(10) = 3*ln(2) + ln(1.25); both via atanh series with small arguments
        return ln(new BigDecimal("1.25"), w).add(ln(new BigDecimal(2), w).multiply(BigDecimal.valueOf(3)), w);
    }

    /** e^x to the given precision: argument halving and Taylor series. */
    static BigDecimal exp(BigDecimal x, MathContext mc) {
        MathContext w = new MathContext(mc.getPrecision() + 10, RoundingMode.HALF_EVEN);
        int squarings = 0;
        BigDecimal r = x;
        while (r.abs().compareTo(new BigDecimal("0.01")) > 0) {
            r = r.divide(BigDecimal.valueOf(2), w);
            squarings++;
        }
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(w.getPrecision() + 2);
        for (int i = 1; term.abs().compareTo(eps) > 0; i++) {
            term = term.multiply(r, w).divide(BigDecimal.valueOf(i), w);
            sum = sum.add(term, w);
        }
        for (int i = 0; i < squarings; i++) {
            sum = sum.multiply(sum, w);
        }
        return sum.round(mc);
    }

    /**
     * Applies a numeric(p,s) typmod (typmod = ((p &lt;&lt; 16) | s) + 4; -1 none): rounds to s digits and checks
     * the precision. @throws PgException 22003 numeric field overflow
     */
    public static Object applyTypmod(Object v, int typmod) {
        if (typmod < 4 || !(v instanceof BigDecimal d)) {
            if (typmod >= 4 && v instanceof NumericSpecial s && s != NumericSpecial.NAN) {
                int precision = ((typmod - 4) >> 16) & 0xFFFF;
                int scale = (typmod - 4) & 0x7FF;
                throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
                        .withDetail("A field with precision " + precision + ", scale " + scale + " cannot hold an infinite value.");
            }
            return v;
        }
        int precision = ((typmod - 4) >> 16) & 0xFFFF;
        int scale = (short) ((typmod - 4) & 0xFFFF);
        BigDecimal r = d.setScale(scale, RoundingMode.HALF_UP);
        int intDigits = r.signum() == 0 ? 0 : r.precision() - r.scale();
        if (intDigits > precision - scale) {
            throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
                    .withDetail("A field with precision " + precision + ", scale " + scale
                            + " must round to an absolute value less than " + (precision - scale == 0 ? "1" : "10^" + (precision - scale)) + ".");
        }
        return r;
    }
}
