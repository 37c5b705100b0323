package org.pgjava.catalog;

import java.util.HashMap;
import java.util.Map;

/**
 * PostgreSQL 15's built-in data types with their real OIDs and pg_type shape (typlen, typbyval,
 * typcategory, array type, element type). Clients depend on these OIDs: pgjdbc maps result columns by
 * type OID, psql's \d formats them by name. Values are copied from PostgreSQL's pg_type.dat.
 *
 * <p>Entry points: {@link #byOid(int)}, {@link #byName(String)}, {@link #oid()}.
 */
public enum BuiltinType {
    BOOL(16, "bool", 1, true, 'B', 1000, 0),
    BYTEA(17, "bytea", -1, false, 'U', 1001, 0),
    CHAR(18, "char", 1, true, 'Z', 1002, 0),
    NAME(19, "name", 64, false, 'S', 1003, 18),
    INT8(20, "int8", 8, true, 'N', 1016, 0),
    INT2(21, "int2", 2, true, 'N', 1005, 0),
    INT2VECTOR(22, "int2vector", -1, false, 'A', 1006, 21),
    INT4(23, "int4", 4, true, 'N', 1007, 0),
    REGPROC(24, "regproc", 4, true, 'N', 1008, 0),
    TEXT(25, "text", -1, false, 'S', 1009, 0),
    OID(26, "oid", 4, true, 'N', 1028, 0),
    TID(27, "tid", 6, false, 'U', 1010, 0),
    XID(28, "xid", 4, true, 'U', 1011, 0),
    CID(29, "cid", 4, true, 'U', 1012, 0),
    OIDVECTOR(30, "oidvector", -1, false, 'A', 1013, 26),
    JSON(114, "json", -1, false, 'U', 199, 0),
    XML(142, "xml", -1, false, 'U', 143, 0),
    PG_NODE_TREE(194, "pg_node_tree", -1, false, 'Z', 0, 0),
    FLOAT4(700, "float4", 4, true, 'N', 1021, 0),
    FLOAT8(701, "float8", 8, true, 'N', 1022, 0),
    UNKNOWN(705, "unknown", -2, false, 'X', 0, 0),
    MONEY(790, "money", 8, true, 'N', 791, 0),
    INET(869, "inet", -1, false, 'I', 1041, 0),
    ACLITEM(1033, "aclitem", 12, false, 'U', 1034, 0),
    BPCHAR(1042, "bpchar", -1, false, 'S', 1014, 0),
    VARCHAR(1043, "varchar", -1, false, 'S', 1015, 0),
    DATE(1082, "date", 4, true, 'D', 1182, 0),
    TIME(1083, "time", 8, true, 'D', 1183, 0),
    TIMESTAMP(1114, "timestamp", 8, true, 'D', 1115, 0),
    TIMESTAMPTZ(1184, "timestamptz", 8, true, 'D', 1185, 0),
    INTERVAL(1186, "interval", 16, false, 'T', 1187, 0),
    TIMETZ(1266, "timetz", 12, false, 'D', 1270, 0),
    BIT(1560, "bit", -1, false, 'V', 1561, 0),
    VARBIT(1562, "varbit", -1, false, 'V', 1563, 0),
    NUMERIC(1700, "numeric", -1, false, 'N', 1231, 0),
    REFCURSOR(1790, "refcursor", -1, false, 'U', 2201, 0),
    REGPROCEDURE(2202, "regprocedure", 4, true, 'N', 2207, 0),
    REGOPER(2203, "regoper", 4, true, 'N', 2208, 0),
    REGOPERATOR(2204, "regoperator", 4, true, 'N', 2209, 0),
    REGCLASS(2205, "regclass", 4, true, 'N', 2210, 0),
    REGTYPE(2206, "regtype", 4, true, 'N', 2211, 0),
    RECORD(2249, "record", -1, false, 'P', 2287, 0),
    CSTRING(2275, "cstring", -2, false, 'P', 1263, 0),
    ANY(2276, "any", 4, true, 'P', 0, 0),
    ANYARRAY(2277, "anyarray", -1, false, 'P', 0, 0),
    VOID(2278, "void", 4, true, 'P', 0, 0),
    TRIGGER(2279, "trigger", 4, true, 'P', 0, 0),
    ANYELEMENT(2283, "anyelement", 4, true, 'P', 0, 0),
    UUID(2950, "uuid", 16, false, 'U', 2951, 0),
    JSONB(3802, "jsonb", -1, false, 'U', 3807, 0),
    REGNAMESPACE(4089, "regnamespace", 4, true, 'N', 4090, 0),
    REGROLE(4096, "regrole", 4, true, 'N', 4097, 0),

    // Array types (typcategory 'A'); typelem is the element type.
    BOOL_ARRAY(1000, "_bool", -1, false, 'A', 0, 16),
    BYTEA_ARRAY(1001, "_bytea", -1, false, 'A', 0, 17),
    CHAR_ARRAY(1002, "_char", -1, false, 'A', 0, 18),
    NAME_ARRAY(1003, "_name", -1, false, 'A', 0, 19),
    INT2_ARRAY(1005, "_int2", -1, false, 'A', 0, 21),
    INT4_ARRAY(1007, "_int4", -1, false, 'A', 0, 23),
    TEXT_ARRAY(1009, "_text", -1, false, 'A', 0, 25),
    BPCHAR_ARRAY(1014, "_bpchar", -1, false, 'A', 0, 1042),
    VARCHAR_ARRAY(1015, "_varchar", -1, false, 'A', 0, 1043),
    INT8_ARRAY(1016, "_int8", -1, false, 'A', 0, 20),
    FLOAT4_ARRAY(1021, "_float4", -1, false, 'A', 0, 700),
    FLOAT8_ARRAY(1022, "_float8", -1, false, 'A', 0, 701),
    OID_ARRAY(1028, "_oid", -1, false, 'A', 0, 26),
    DATE_ARRAY(1182, "_date", -1, false, 'A', 0, 1082),
    TIME_ARRAY(1183, "_time", -1, false, 'A', 0, 1083),
    TIMESTAMP_ARRAY(1115, "_timestamp", -1, false, 'A', 0, 1114),
    TIMESTAMPTZ_ARRAY(1185, "_timestamptz", -1, false, 'A', 0, 1184),
    INTERVAL_ARRAY(1187, "_interval", -1, false, 'A', 0, 1186),
    NUMERIC_ARRAY(1231, "_numeric", -1, false, 'A', 0, 1700),
    UUID_ARRAY(2951, "_uuid", -1, false, 'A', 0, 2950),
    JSON_ARRAY(199, "_json", -1, false, 'A', 0, 114),
    JSONB_ARRAY(3807, "_jsonb", -1, false, 'A', 0, 3802);

    private final int oid;
    private final String typname;
    private final short typlen;
    private final boolean typbyval;
    private final char typcategory;
    private final int typarray;
    private final int typelem;

    BuiltinType(int oid, String typname, int typlen, boolean typbyval, char typcategory, int typarray, int typelem) {
        this.oid = oid;
        this.typname = typname;
        this.typlen = (short) typlen;
        this.typbyval = typbyval;
        this.typcategory = typcategory;
        this.typarray = typarray;
        this.typelem = typelem;
    }

    private static final Map<Integer, BuiltinType> BY_OID = new HashMap<>();
    private static final Map<String, BuiltinType> BY_NAME = new HashMap<>();

    static {
        for (BuiltinType t : values()) {
            BY_OID.put(t.oid, t);
            BY_NAME.put(t.typname, t);
        }
    }

    /** The type with this OID, or null if it is not built in. */
    public static BuiltinType byOid(int oid) { return BY_OID.get(oid); }

    /** The type with this pg_type.typname (e.g. "int4", "_text"), or null. */
    public static BuiltinType byName(String typname) { return BY_NAME.get(typname); }

    public int oid() { return oid; }
    public String typname() { return typname; }
    /** pg_type.typlen: bytes for fixed-length types, -1 varlena, -2 C string. */
    public short typlen() { return typlen; }
    public boolean typbyval() { return typbyval; }
    public char typcategory() { return typcategory; }
    /** OID of the array type whose element is this type, or 0. */
    public int typarray() { return typarray; }
    /** For array types (and name, int2vector, oidvector), the element type OID; otherwise 0. */
    public int typelem() { return typelem; }
}
