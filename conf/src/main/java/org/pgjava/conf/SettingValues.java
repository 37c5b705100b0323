package org.pgjava.conf;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Parsing and display of setting values exactly as PostgreSQL 15's guc.c does it: booleans
 * (parse_bool), integers and reals with units (parse_int, parse_real, convert_to_base_unit), enums, and
 * the display forms SHOW uses (_ShowOption, convert_int_from_base_unit, "%g"). Package-private; used by
 * {@link Settings}.
 */
final class SettingValues {
    private SettingValues() {
    }

    static final String MEMORY_UNITS_HINT = "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".";
    static final String TIME_UNITS_HINT = "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".";

    private static final String[] MEMORY_UNIT_NAMES = {"TB", "GB", "MB", "kB", "B"};
    private static final long[] MEMORY_UNIT_BYTES = {1L << 40, 1L << 30, 1L << 20, 1L << 10, 1};
    private static final String[] TIME_UNIT_NAMES = {"d", "h", "min", "s", "ms", "us"};
    private static final double[] TIME_UNIT_MS = {86_400_000, 3_600_000, 60_000, 1000, 1, 0.001};

    /** PostgreSQL's parse_bool: true/false/yes/no/on/off/1/0 and unique prefixes, any case; null if invalid. */
    static Boolean parseBool(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        int len = v.length();
        if (len == 0) return null;
        switch (v.charAt(0)) {
            case 't': if ("true".startsWith(v)) return Boolean.TRUE; break;
            case 'f': if ("false".startsWith(v)) return Boolean.FALSE; break;
            case 'y': if ("yes".startsWith(v)) return Boolean.TRUE; break;
            case 'n': if ("no".startsWith(v)) return Boolean.FALSE; break;
            case 'o':
                if (len >= 2 && "on".startsWith(v)) return Boolean.TRUE;
                if (len >= 2 && "off".startsWith(v)) return Boolean.FALSE;
                break;
            case '1': if (len == 1) return Boolean.TRUE; break;
            case '0': if (len == 1) return Boolean.FALSE; break;
            default: break;
        }
        return null;
    }

    /** Result of a C-style number scan: the value, where the number ended, and whether it overflowed. */
    private record Scan(double value, int end, boolean range) {
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /** C strtol(s, &end, 0) on a 64-bit long: whitespace, sign, 0x hex, leading-0 octal, decimal. */
    private static Scan strtol(String s) {
        int i = 0, n = s.length();
        while (i < n && isCSpace(s.charAt(i))) i++;
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i + 1 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(s.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < n && s.charAt(i) == '0') {
            radix = 8;
        }
        int start = i;
        java.math.BigInteger big = java.math.BigInteger.ZERO;
        java.math.BigInteger r = java.math.BigInteger.valueOf(radix);
        while (i < n && Character.digit(s.charAt(i), radix) >= 0 && s.charAt(i) < 128) {
            big = big.multiply(r).add(java.math.BigInteger.valueOf(Character.digit(s.charAt(i), radix)));
            i++;
        }
        if (i == start) return new Scan(0, 0, false);
        if (neg) big = big.negate();
        boolean range = big.bitLength() > 63;
        return new Scan(range ? 0 : big.longValue(), i, range);
    }

    /** C strtod: whitespace, sign, digits with optional fraction and exponent, inf/infinity/nan. */
    private static Scan strtod(String s) {
        int i = 0, n = s.length();
        while (i < n && isCSpace(s.charAt(i))) i++;
        int start = i;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        String rest = s.substring(i).toLowerCase(Locale.ROOT);
        boolean neg = start < n && s.charAt(start) == '-';
        if (rest.startsWith("infinity")) return new Scan(neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i + 8, false);
        if (rest.startsWith("inf")) return new Scan(neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i + 3, false);
        if (rest.startsWith("nan")) return new Scan(Double.NaN, i + 3, false);
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) { i++; digits++; }
        }
        if (digits == 0) return new Scan(0, 0, false);
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) j++;
            int expStart = j;
            while (j < n && Character.isDigit(s.charAt(j)) && s.charAt(j) < 128) j++;
            if (j > expStart) i = j;
        }
        double v = Double.parseDouble(s.substring(start, i));
        boolean range = Double.isInfinite(v) || (v == 0 && s.substring(start, i).matches("[+-]?[0.]*[1-9].*"));
        return new Scan(v, i, range);
    }

    private static PgException invalid(SettingDef def, String value) {
        return PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"" + def.displayName() + "\": \"" + value + "\"");
    }

    /**
     * Converts {@code number} given in unit text {@code unitText} (already stripped of surrounding
     * whitespace) to {@code def}'s base unit; returns NaN when the unit is not one of the setting's units.
     */
    private static double toBaseUnit(double number, String unitText, SettingUnit base) {
        if (base.isMemory()) {
            for (int k = 0; k < MEMORY_UNIT_NAMES.length; k++) {
                if (MEMORY_UNIT_NAMES[k].equals(unitText)) {
                    double mult = (double) MEMORY_UNIT_BYTES[k] / base.bytes();
                    return mult <= 1.0 ? Math.rint(number * mult) : number * mult;
                }
            }
        } else if (base.isTime()) {
            for (int k = 0; k < TIME_UNIT_NAMES.length; k++) {
                if (TIME_UNIT_NAMES[k].equals(unitText)) {
                    double mult = TIME_UNIT_MS[k] / base.millis();
                    return mult <= 1.0 ? Math.rint(number * mult) : number * mult;
                }
            }
        }
        return Double.NaN;
    }

    /** Handles the text after a number: whitespace and an optional unit. Returns the value in base units. */
    private static double applyUnit(SettingDef def, String value, double number, int end) {
        String tail = value.substring(end);
        String trimmed = stripCSpace(tail);
        if (trimmed.isEmpty()) return number;
        if (def.unit() == SettingUnit.NONE) throw invalid(def, value);
        // unit letters, then only whitespace
        int k = 0;
        while (k < trimmed.length() && Character.isLetter(trimmed.charAt(k)) && trimmed.charAt(k) < 128) k++;
        String unit = trimmed.substring(0, k);
        double v = (k == 0 || !stripCSpace(trimmed.substring(k)).isEmpty()) ? Double.NaN
                : toBaseUnit(number, unit, def.unit());
        if (Double.isNaN(v)) {
            throw invalid(def, value).withHint(def.unit().isMemory() ? MEMORY_UNITS_HINT : TIME_UNITS_HINT);
        }
        return v;
    }

    private static String stripCSpace(String s) {
        int a = 0, b = s.length();
        while (a < b && isCSpace(s.charAt(a))) a++;
        while (b > a && isCSpace(s.charAt(b - 1))) b--;
        return s.substring(a, b);
    }

    /** PostgreSQL's parse_int plus the range check: the value in {@code def}'s base unit. */
    static long parseInt(SettingDef def, String value) {
        Scan sc = strtol(value);
        double number;
        int end;
        boolean tryDouble = sc.range
                || (sc.end > 0 && sc.end < value.length() && ".eE".indexOf(value.charAt(sc.end)) >= 0);
        if (sc.end == 0 && !sc.range) {
            // strtol found nothing; a leading "." still parses as a double (".5")
            Scan d = strtod(value);
            if (d.end == 0) throw invalid(def, value);
            tryDouble = true;
        }
        if (tryDouble) {
            Scan d = strtod(value);
            if (d.end == 0 || d.range) throw invalid(def, value);
            number = d.value;
            end = d.end;
        } else {
            number = sc.value;
            end = sc.end;
        }
        double v = Math.rint(applyUnit(def, value, number, end));
        if (Double.isNaN(v) || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw invalid(def, value).withHint("Value exceeds integer range.");
        }
        long iv = (long) v;
        if (iv < def.min() || iv > def.max()) {
            String unit = def.unit() == SettingUnit.NONE ? "" : " " + def.unit().pgName();
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, iv + unit
                    + " is outside the valid range for parameter \"" + def.displayName() + "\" ("
                    + (long) def.min() + " .. " + (long) def.max() + ")");
        }
        return iv;
    }

    /** PostgreSQL's parse_real plus the range check: the value in {@code def}'s base unit. */
    static double parseReal(SettingDef def, String value) {
        Scan d = strtod(value);
        if (d.end == 0 || d.range) throw invalid(def, value);
        double v = applyUnit(def, value, d.value, d.end);
        if (Double.isNaN(v)) throw invalid(def, value);
        if (v < def.min() || v > def.max()) {
            String unit = def.unit() == SettingUnit.NONE ? "" : " " + def.unit().pgName();
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, formatG(v) + unit
                    + " is outside the valid range for parameter \"" + def.displayName() + "\" ("
                    + formatG(def.min()) + " .. " + formatG(def.max()) + ")");
        }
        return v;
    }

    /** Matches an enum value case-insensitively (plus PostgreSQL's hidden boolean spellings); canonical form. */
    static String parseEnum(SettingDef def, String value) {
        for (String e : def.enumValues()) {
            if (e.equalsIgnoreCase(value)) return e;
        }
        List<String> ev = def.enumValues();
        if (ev.contains("on") && ev.contains("off")) {
            String v = value.toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("yes") || v.equals("1")) return "on";
            if (v.equals("false") || v.equals("no") || v.equals("0")) return "off";
        }
        if (def.name().equals("client_min_messages") && value.equalsIgnoreCase("info")) return "info";
        throw invalid(def, value).withHint("Available values: " + String.join(", ", ev) + ".");
    }

    /** SHOW's form of an INT value: base-unit value converted to the largest unit that divides it. */
    static String showInt(SettingUnit unit, long v) {
        if (v <= 0 || unit == SettingUnit.NONE) return Long.toString(v);
        if (unit.isMemory()) {
            long bytes = v * unit.bytes();
            for (int k = 0; k < MEMORY_UNIT_NAMES.length; k++) {
                if (MEMORY_UNIT_BYTES[k] <= unit.bytes() || bytes % MEMORY_UNIT_BYTES[k] == 0) {
                    return (bytes / MEMORY_UNIT_BYTES[k]) + MEMORY_UNIT_NAMES[k];
                }
            }
        } else {
            long ms = v * unit.millis();
            for (int k = 0; k < TIME_UNIT_NAMES.length - 1; k++) {
                long m = (long) TIME_UNIT_MS[k];
                if (m <= unit.millis() || ms % m == 0) {
                    return (ms / m) + TIME_UNIT_NAMES[k];
                }
            }
        }
        return Long.toString(v);
    }

    /** SHOW's form of a REAL value: "%g", with a unit when the setting has one and the value is positive. */
    static String showReal(SettingUnit unit, double v) {
        if (!(v > 0) || unit == SettingUnit.NONE) return formatG(v);
        if (unit.isMemory()) {
            double bytes = v * unit.bytes();
            for (int k = 0; k < MEMORY_UNIT_NAMES.length; k++) {
                double q = bytes / MEMORY_UNIT_BYTES[k];
                if (MEMORY_UNIT_BYTES[k] <= unit.bytes() || q == Math.rint(q)) {
                    return formatG(q) + MEMORY_UNIT_NAMES[k];
                }
            }
        } else {
            double ms = v * unit.millis();
            for (int k = 0; k < TIME_UNIT_NAMES.length; k++) {
                double q = ms / TIME_UNIT_MS[k];
                if (TIME_UNIT_MS[k] <= unit.millis() || q == Math.rint(q)) {
                    return formatG(q) + TIME_UNIT_NAMES[k];
                }
            }
        }
        return formatG(v);
    }

    /** C's printf("%g", v): 6 significant digits, trailing zeros removed, exponent form outside 1e-4..1e6. */
    static String formatG(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0" : "0";
        BigDecimal bd = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 6) {
            BigDecimal mant = bd.movePointLeft(exp).stripTrailingZeros();
            String m = mant.toPlainString();
            String e = Integer.toString(Math.abs(exp));
            if (e.length() < 2) e = "0" + e;
            return m + "e" + (exp < 0 ? "-" : "+") + e;
        }
        String s = bd.stripTrailingZeros().toPlainString();
        return s;
    }
}
