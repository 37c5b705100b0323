package org.pgjava.backend.optimizer.analyze;

import org.pgjava.catalog.BuiltinType;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Type facts the analyzer needs beyond {@link BuiltinType}: OID constants, type category and the
 * preferred type of each category (pg_type.typispreferred), and which types pgjava can compute with.
 */
public final class Types {
    private Types() {
    }

    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int UNKNOWN = 705;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int NUMERIC = 1700;
    public static final int VOID = 2278;
    public static final int UUID = 2950;
    public static final int REGTYPE = 2206;
    /** xid: a Long 0..2^32-1; only = and <> (no ordering, as in PostgreSQL). */
    public static final int XID = 28;
    /** inet: a utils.adt.Inet; output, binary and comparisons (no text input yet). */
    public static final int INET = 869;
    /** timestamptz: a Long of microseconds since 2000-01-01 UTC (see utils.adt.DateTimes). */
    public static final int TIMESTAMPTZ = 1184;
    /** date: an Integer of days since 2000-01-01 (see utils.adt.DateTimes). */
    public static final int DATE = 1082;
    /** timestamp without time zone: a Long of microseconds since 2000-01-01 (see utils.adt.DateTimes). */
    public static final int TIMESTAMP = 1114;
    /** Types PostgreSQL has that pgjava does not compute with; they appear in operator tables (0A000 when chosen). */
    public static final int TIME = 1083;
    public static final int TIMETZ = 1266;
    public static final int INTERVAL = 1186;
    /** Pseudo-type "anynonarray"/"any" used only inside the function table: matches every type. */
    public static final int ANY = 2276;

    /** True for the types pgjava has values, I/O and casts for. */
    public static boolean isSupported(int oid) {
        return switch (oid) {
            case BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, TEXT, OID, FLOAT4, FLOAT8, UNKNOWN, BPCHAR, VARCHAR,
                 NUMERIC, VOID, UUID, REGTYPE, XID, INET, TIMESTAMPTZ, DATE, TIMESTAMP -> true;
            default -> false;
        };
    }

    /** pg_type.typcategory. */
    public static char category(int oid) {
        if (oid == UNKNOWN) {
            return 'X';
        }
        BuiltinType t = BuiltinType.byOid(oid);
        return t == null ? 'U' : t.typcategory();
    }

    /** pg_type.typispreferred. */
    public static boolean isPreferred(int oid) {
        return oid == FLOAT8 || oid == TEXT || oid == BOOL || oid == OID || oid == TIMESTAMPTZ || oid == INET;
    }

    /** True for int2, int4, int8. */
    public static boolean isInteger(int oid) {
        return oid == INT2 || oid == INT4 || oid == INT8;
    }

    /** True for text, varchar, bpchar, name. */
    public static boolean isStringLike(int oid) {
        return oid == TEXT || oid == VARCHAR || oid == BPCHAR || oid == NAME;
    }

    /** typlen for RowDescription. */
    public static short typlen(int oid) {
        BuiltinType t = BuiltinType.byOid(oid);
        return t == null ? -1 : t.typlen();
    }

    /**
     * The OID of a type named in SQL by its internal name, as the parser hands type names over ("int4",
     * "varchar", "bpchar", "timestamptz", "date", ...; pg_type.typname), or 0 when it is no built-in type.
     * For types pgjava cannot compute with, callers check {@link #isSupported} and answer 0A000.
     */
    public static int oidOfTypeName(String typname) {
        BuiltinType t = BuiltinType.byName(typname);
        return t == null ? 0 : t.oid();
    }

    /**
     * typmodin of the types that take modifiers: numeric(p[,s]), varchar(n), bpchar(n), timestamp(p),
     * timestamptz(p). Returns the typmod PostgreSQL stores (numeric ((p &lt;&lt; 16) | s) + 4, varchar/bpchar
     * n + 4, timestamp/timestamptz p) and adds to {@code warnings} the WARNING texts PostgreSQL sends
     * (precision above 6 is reduced). The caller adds the error position.
     *
     * @throws PgException 22023 invalid modifiers (PostgreSQL's texts), 42601 "type modifier is not allowed
     *                     for type" for a type without modifiers, 0A000 for negative numeric scales
     */
    public static int typmodIn(int oid, int[] mods, java.util.List<String> warnings) {
        switch (oid) {
            case NUMERIC -> {
                if (mods.length < 1 || mods.length > 2) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid NUMERIC type modifier");
                }
                int p = mods[0];
                int s = mods.length > 1 ? mods[1] : 0;
                if (p < 1 || p > 1000) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "NUMERIC precision " + p + " must be between 1 and 1000");
                }
                if (s < -1000 || s > 1000) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "NUMERIC scale " + s + " must be between -1000 and 1000");
                }
                if (s < 0) {
                    throw PgException.notSupported("negative NUMERIC scale is not supported yet");
                }
                return ((p << 16) | (s & 0x7ff)) + 4;
            }
            case VARCHAR, BPCHAR -> {
                if (mods.length != 1) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid type modifier");
                }
                String tname = oid == VARCHAR ? "varchar" : "char";
                if (mods[0] < 1) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "length for type " + tname + " must be at least 1");
                }
                if (mods[0] > 10485760) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "length for type " + tname + " cannot exceed 10485760");
                }
                return mods[0] + 4;
            }
            case TIMESTAMP, TIMESTAMPTZ -> {
                if (mods.length != 1) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid type modifier");
                }
                String tz = oid == TIMESTAMPTZ ? " WITH TIME ZONE" : "";
                if (mods[0] < 0) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "TIMESTAMP(" + mods[0] + ")" + tz + " precision must not be negative");
                }
                if (mods[0] > 6) {
                    warnings.add("TIMESTAMP(" + mods[0] + ")" + tz + " precision reduced to maximum allowed, 6");
                    return 6;
                }
                return mods[0];
            }
            default -> {
                BuiltinType t = BuiltinType.byOid(oid);
                throw PgException.error(SqlState.SYNTAX_ERROR, "type modifier is not allowed for type \""
                        + (t == null ? String.valueOf(oid) : t.typname()) + "\"");
            }
        }
    }
}
