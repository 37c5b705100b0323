package org.pgjava.backend.optimizer.analyze;

import org.pgjava.catalog.BuiltinType;

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
    /** Pseudo-type "anynonarray"/"any" used only inside the function table: matches every type. */
    public static final int ANY = 2276;

    /** True for the types pgjava has values, I/O and casts for. */
    public static boolean isSupported(int oid) {
        return switch (oid) {
            case BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, TEXT, OID, FLOAT4, FLOAT8, UNKNOWN, BPCHAR, VARCHAR,
                 NUMERIC, VOID, UUID, REGTYPE -> true;
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
        return oid == FLOAT8 || oid == TEXT || oid == BOOL || oid == OID;
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
}
