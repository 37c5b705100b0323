package org.pgjava.backend.utils.adt;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.catalog.BuiltinType;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Text and binary input/output of every built-in type pgjava supports, as PostgreSQL's typinput,
 * typoutput, typreceive and typsend functions.
 *
 * <p>Java representations: bool Boolean, int2 Short, int4 Integer, int8 Long, float4 Float, float8
 * Double, numeric BigDecimal (scale = display scale) or {@link NumericSpecial} for NaN/±Infinity,
 * text/varchar/bpchar/name/unknown String, "char" String of length 0 or 1, oid Long (0..4294967295),
 * bytea byte[], void the empty String, uuid java.util.UUID, regtype Long (the type's OID), date Integer
 * (days since 2000-01-01), timestamp and timestamptz Long (microseconds since 2000-01-01; see
 * {@link DateTimes}).
 *
 * <p>Binary formats (all big-endian): bool 1 byte 0/1; int2/int4/int8 2/4/8-byte two's complement;
 * float4/float8 IEEE 754; oid 4-byte unsigned; "char" 1 byte; text/varchar/bpchar/name/unknown UTF-8
 * bytes; bytea the raw bytes; void no bytes; uuid the 16 bytes; numeric see {@link Numerics#send}; date
 * int4 days; timestamp/timestamptz int8 microseconds (integer_datetimes = on).
 */
public final class TypeIO {
    private TypeIO() {
    }

    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int CHAR = 18;
    static final int NAME = 19;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int OID = 26;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int UNKNOWN = 705;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int NUMERIC = 1700;
    static final int VOID = 2278;
    static final int UUID = 2950;
    static final int REGTYPE = 2206;
    static final int XID = 28;
    static final int INET = 869;
    static final int TIMESTAMPTZ = 1184;
    static final int DATE = 1082;
    static final int TIMESTAMP = 1114;

    /** extra_float_digits of the session (1 when there is no session or no such setting). */
    static int extraFloatDigits(SessionContext ctx) {
        if (ctx == null) {
            return 1;
        }
        try {
            return Integer.parseInt(ctx.setting("extra_float_digits").strip());
        } catch (RuntimeException e) {
            return 1;
        }
    }

    private static boolean byteaHex(SessionContext ctx) {
        if (ctx == null) {
            return true;
        }
        try {
            return !"escape".equalsIgnoreCase(ctx.setting("bytea_output"));
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Text output as PostgreSQL prints the value (honours extra_float_digits, bytea_output). */
    public static String output(int typeOid, Object value, SessionContext ctx) {
        switch (typeOid) {
            case BOOL: return ((Boolean) value) ? "t" : "f";
            case INT2, INT4, INT8, OID: return value.toString();
            case FLOAT4: return FloatFormat.float4((Float) value, extraFloatDigits(ctx));
            case FLOAT8: return FloatFormat.float8((Double) value, extraFloatDigits(ctx));
            case NUMERIC: return Numerics.output(value);
            case TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN, CHAR, VOID: return (String) value;
            case BYTEA: return byteaHex(ctx) ? Bytea.hexOut((byte[]) value) : Bytea.escapeOut((byte[]) value);
            case UUID: return value.toString();
            case XID: return value.toString();
            case INET: return value.toString();
            case TIMESTAMPTZ: return Timestamps.output((Long) value, ctx);
            case DATE: {
                int d = (Integer) value;
                if (d != DateTimes.DATE_NOBEGIN && d != DateTimes.DATE_NOEND) {
                    DateTimes.requireIsoStyle(ctx);
                }
                return DateTimes.formatDate(d);
            }
            case TIMESTAMP: {
                long t = (Long) value;
                if (t != DateTimes.TS_NOBEGIN && t != DateTimes.TS_NOEND) {
                    DateTimes.requireIsoStyle(ctx);
                }
                return DateTimes.formatTimestamp(t);
            }
            case REGTYPE: {
                long oid = (Long) value;
                if (oid == 0) {
                    return "-";
                }
                return BuiltinType.byOid((int) oid) == null ? Long.toString(oid) : typeName((int) oid);
            }
            default:
                throw PgException.notSupported("output of type " + typeName(typeOid) + " is not supported yet");
        }
    }

    /** True when the type has a binary send/receive format pgjava implements. */
    public static boolean hasBinary(int typeOid) {
        return switch (typeOid) {
            case BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, TEXT, OID, FLOAT4, FLOAT8, UNKNOWN, BPCHAR, VARCHAR,
                 NUMERIC, VOID, UUID, REGTYPE, XID, INET, TIMESTAMPTZ, DATE, TIMESTAMP -> true;
            default -> false;
        };
    }

    /** Binary (typsend) form. @throws PgException 0A000 if {@link #hasBinary} is false */
    public static byte[] send(int typeOid, Object value) {
        switch (typeOid) {
            case BOOL: return new byte[] {(byte) (((Boolean) value) ? 1 : 0)};
            case INT2: {
                short v = (Short) value;
                return new byte[] {(byte) (v >> 8), (byte) v};
            }
            case INT4: return int4Bytes((Integer) value);
            case OID, REGTYPE, XID: return int4Bytes((int) (long) (Long) value);
            case TIMESTAMPTZ, TIMESTAMP: return int8Bytes((Long) value);
            case DATE: return int4Bytes((Integer) value);
            case INET: return ((Inet) value).send();
            case INT8: return int8Bytes((Long) value);
            case FLOAT4: return int4Bytes(Float.floatToRawIntBits((Float) value));
            case FLOAT8: return int8Bytes(Double.doubleToRawLongBits((Double) value));
            case NUMERIC: return Numerics.send(value);
            case TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN: return ((String) value).getBytes(StandardCharsets.UTF_8);
            case CHAR: {
                byte[] b = ((String) value).getBytes(StandardCharsets.UTF_8);
                return b.length == 0 ? new byte[0] : new byte[] {b[0]};
            }
            case BYTEA: return ((byte[]) value).clone();
            case VOID: return new byte[0];
            case UUID: {
                java.util.UUID u = (java.util.UUID) value;
                byte[] b = new byte[16];
                System.arraycopy(int8Bytes(u.getMostSignificantBits()), 0, b, 0, 8);
                System.arraycopy(int8Bytes(u.getLeastSignificantBits()), 0, b, 8, 8);
                return b;
            }
            default:
                throw PgException.notSupported("binary output of type " + typeName(typeOid) + " is not supported yet");
        }
    }

    private static byte[] int4Bytes(int v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    private static byte[] int8Bytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>= 8;
        }
        return b;
    }

    /** Text input. @throws PgException 22P02 (and the type's other input errors) with PostgreSQL's message */
    public static Object input(int typeOid, String text, SessionContext ctx) {
        switch (typeOid) {
            case BOOL: return parseBool(text);
            case INT2: return (short) parseInteger(text, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
            case INT4: return (int) parseInteger(text, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
            case INT8: return parseInteger(text, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
            case OID: {
                long v = parseInteger(text, Integer.MIN_VALUE, 4294967295L, "oid");
                return v < 0 ? v + 4294967296L : v;
            }
            case FLOAT4: return (float) FloatFormat.parseDouble(text, "real", true);
            case FLOAT8: return FloatFormat.parseDouble(text, "double precision", false);
            case NUMERIC: return Numerics.parse(text);
            case TEXT, VARCHAR, BPCHAR, UNKNOWN: return text;
            case NAME: return truncateName(text);
            case CHAR: {
                if (text.isEmpty()) {
                    return "";
                }
                return text.substring(0, Character.charCount(text.codePointAt(0)));
            }
            case BYTEA: return Bytea.parse(text);
            case VOID: return "";
            case UUID: return parseUuid(text);
            case DATE: return DateTimes.parseDate(text, ctx);
            case TIMESTAMP: return DateTimes.parseTimestamp(text, ctx);
            case TIMESTAMPTZ: return DateTimes.parseTimestamptz(text, ctx);
            case REGTYPE: return parseRegtype(text);
            default:
                throw PgException.notSupported("input of type " + typeName(typeOid) + " is not supported yet");
        }
    }

    /**
     * uuid_in: 32 hex digits, optionally in braces, with an optional hyphen after any group of four
     * digits. @throws PgException 22P02
     */
    public static java.util.UUID parseUuid(String s) {
        int i = 0;
        int n = s.length();
        boolean braces = n > 0 && s.charAt(0) == '{';
        if (braces) {
            i++;
        }
        long hi = 0;
        long lo = 0;
        int digits = 0;
        boolean ok = true;
        while (digits < 32) {
            if (i >= n) {
                ok = false;
                break;
            }
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) > 0x7f) {
                ok = false;
                break;
            }
            if (digits < 16) {
                hi = (hi << 4) | d;
            } else {
                lo = (lo << 4) | d;
            }
            digits++;
            i++;
            if (digits % 4 == 0 && digits < 32 && i < n && s.charAt(i) == '-') {
                i++;
            }
        }
        if (ok && braces) {
            ok = i < n && s.charAt(i) == '}';
            i++;
        }
        if (!ok || i != n) {
            throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type uuid: \"" + s + "\"");
        }
        return new java.util.UUID(hi, lo);
    }

    /**
     * regtypein: a type OID in digits, "-" (0), or a built-in type's name in SQL or internal spelling,
     * optionally qualified with pg_catalog and/or double-quoted. Type modifiers are ignored.
     * @throws PgException 42704 type "x" does not exist
     */
    public static long parseRegtype(String s) {
        String t = s.strip();
        if (t.equals("-")) {
            return 0;
        }
        if (!t.isEmpty() && t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return parseInteger(t, 0, 4294967295L, "oid");
        }
        String name = t;
        if (name.regionMatches(true, 0, "pg_catalog.", 0, 11)) {
            name = name.substring(11);
        }
        int paren = name.indexOf('(');
        String base = paren >= 0 ? name.substring(0, paren).strip() + name.substring(name.lastIndexOf(')') + 1) : name;
        String key;
        if (base.length() >= 2 && base.startsWith("\"") && base.endsWith("\"")) {
            key = base.substring(1, base.length() - 1);
        } else {
            key = base.toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ").strip();
        }
        Integer oid = switch (key) {
            case "integer", "int" -> INT4;
            case "smallint" -> INT2;
            case "bigint" -> INT8;
            case "real" -> FLOAT4;
            case "double precision", "float" -> FLOAT8;
            case "boolean" -> BOOL;
            case "character varying" -> VARCHAR;
            case "character", "char" -> key.equals("char") && !base.startsWith("\"") ? BPCHAR : (key.equals("char") ? CHAR : BPCHAR);
            case "decimal", "dec" -> NUMERIC;
            case "timestamp", "timestamp without time zone" -> 1114;
            case "timestamp with time zone" -> 1184;
            case "time", "time without time zone" -> 1083;
            case "time with time zone" -> 1266;
            case "bit varying" -> 1562;
            default -> {
                BuiltinType bt = BuiltinType.byName(key);
                yield bt == null ? null : bt.oid();
            }
        };
        if (oid == null) {
            throw PgException.error(SqlState.UNDEFINED_OBJECT, "type \"" + t + "\" does not exist");
        }
        return oid;
    }

    /** name input: at most 63 bytes, cut at a character boundary. */
    public static String truncateName(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 63) {
            return s;
        }
        int len = 63;
        while (len > 0 && (b[len] & 0xC0) == 0x80) {
            len--;
        }
        return new String(b, 0, len, StandardCharsets.UTF_8);
    }

    /** Binary (typreceive) input. @throws PgException 22P03 on malformed data */
    public static Object receive(int typeOid, byte[] data) {
        switch (typeOid) {
            case BOOL:
                need(data, 1);
                return data[0] != 0;
            case INT2:
                need(data, 2);
                return (short) (((data[0] & 0xFF) << 8) | (data[1] & 0xFF));
            case INT4:
                need(data, 4);
                return readInt(data);
            case OID, REGTYPE, XID:
                need(data, 4);
                return readInt(data) & 0xFFFFFFFFL;
            case TIMESTAMPTZ, TIMESTAMP: {
                need(data, 8);
                long t = readLong(data);
                if (!DateTimes.isValidTimestamp(t)) {
                    throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "timestamp out of range");
                }
                return t;
            }
            case DATE: {
                need(data, 4);
                int d = readInt(data);
                if (!DateTimes.isValidDate(d)) {
                    throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date out of range");
                }
                return d;
            }
            case INT8:
                need(data, 8);
                return readLong(data);
            case FLOAT4:
                need(data, 4);
                return Float.intBitsToFloat(readInt(data));
            case FLOAT8:
                need(data, 8);
                return Double.longBitsToDouble(readLong(data));
            case NUMERIC: return Numerics.receive(data);
            case TEXT, VARCHAR, BPCHAR, UNKNOWN: return new String(data, StandardCharsets.UTF_8);
            case NAME: return truncateName(new String(data, StandardCharsets.UTF_8));
            case CHAR: return data.length == 0 ? "" : String.valueOf((char) (data[0] & 0xFF));
            case BYTEA: return data.clone();
            case VOID: return "";
            case UUID: {
                need(data, 16);
                long hi = 0;
                long lo = 0;
                for (int i = 0; i < 8; i++) {
                    hi = (hi << 8) | (data[i] & 0xFF);
                    lo = (lo << 8) | (data[8 + i] & 0xFF);
                }
                return new java.util.UUID(hi, lo);
            }
            default:
                throw PgException.notSupported("binary input of type " + typeName(typeOid) + " is not supported yet");
        }
    }

    /**
     * Length check as PostgreSQL's pq_getmsg* functions and the Bind caller do: too few bytes is 08P01
     * "insufficient data left in message", too many is 22P03 "incorrect binary data format" (the protocol
     * layer may append " in bind parameter n").
     */
    private static void need(byte[] d, int n) {
        if (d.length < n) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "insufficient data left in message");
        }
        if (d.length > n) {
            throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
        }
    }

    private static int readInt(byte[] d) {
        return ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
    }

    private static long readLong(byte[] d) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[i] & 0xFF);
        }
        return v;
    }

    /** The SQL name PostgreSQL uses in messages (format_type): integer, double precision, ... */
    public static String typeName(int oid) {
        return switch (oid) {
            case BOOL -> "boolean";
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case INT8 -> "bigint";
            case FLOAT4 -> "real";
            case FLOAT8 -> "double precision";
            case VARCHAR -> "character varying";
            case BPCHAR -> "character";
            case CHAR -> "\"char\"";
            case 1114 -> "timestamp without time zone";
            case 1184 -> "timestamp with time zone";
            case 1083 -> "time without time zone";
            case 1266 -> "time with time zone";
            case 1560 -> "bit";
            case 1562 -> "bit varying";
            default -> {
                BuiltinType t = BuiltinType.byOid(oid);
                if (t == null) {
                    yield String.valueOf(oid);
                }
                yield t.typelem() != 0 && t.typcategory() == 'A' ? typeName(t.typelem()) + "[]" : t.typname();
            }
        };
    }

    /** boolin: t/true/y/yes/on/1 and f/false/n/no/off/0, any case, unique prefixes, blanks trimmed. */
    public static boolean parseBool(String s) {
        String t = s.strip().toLowerCase(java.util.Locale.ROOT);
        if (!t.isEmpty()) {
            switch (t.charAt(0)) {
                case 't': if ("true".startsWith(t)) { return true; } break;
                case 'f': if ("false".startsWith(t)) { return false; } break;
                case 'y': if ("yes".startsWith(t)) { return true; } break;
                case 'n': if ("no".startsWith(t)) { return false; } break;
                case 'o':
                    if (t.length() >= 2 && "on".startsWith(t)) {
                        return true;
                    }
                    if (t.length() >= 2 && "off".startsWith(t)) {
                        return false;
                    }
                    break;
                case '1': if (t.length() == 1) { return true; } break;
                case '0': if (t.length() == 1) { return false; } break;
                default: break;
            }
        }
        throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type boolean: \"" + s + "\"");
    }

    /** pg_strtoint16/32/64: optional blanks and sign, decimal digits only. */
    public static long parseInteger(String s, long min, long max, String typeName) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int startDigits = i;
        long acc = 0;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (acc > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                acc = acc * 10 + d;
            }
            i++;
        }
        boolean noDigits = i == startDigits;
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (noDigits || i != n) {
            throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION,
                    "invalid input syntax for type " + typeName + ": \"" + s + "\"");
        }
        // -9223372036854775808 special case
        if (overflow && neg && s.strip().equals("-9223372036854775808") && min == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long v = neg ? -acc : acc;
        if (overflow || v < min || v > max) {
            throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
                    "value \"" + s + "\" is out of range for type " + typeName);
        }
        return v;
    }

    /** Converts a Java value of a numeric type to BigDecimal-or-special (used by casts). */
    public static Object toNumeric(int typeOid, Object v) {
        return switch (typeOid) {
            case INT2 -> BigDecimal.valueOf((Short) v);
            case INT4 -> BigDecimal.valueOf((Integer) v);
            case INT8 -> BigDecimal.valueOf((Long) v);
            case NUMERIC -> v;
            default -> throw new IllegalArgumentException("not an exact numeric type: " + typeOid);
        };
    }
}
