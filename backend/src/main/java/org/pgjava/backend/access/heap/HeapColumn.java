package org.pgjava.backend.access.heap;

import org.pgjava.catalog.BuiltinType;
import org.pgjava.conf.errors.PgException;

/**
 * One attribute of a {@link TupleDescriptor}: the type and the storage properties heap tuples need
 * (pg_attribute's atttypid, atttypmod, attlen, attbyval, attalign).
 *
 * @param typeOid  pg_type OID
 * @param typmod   type modifier (-1 if none); not used for storage, carried for the caller
 * @param typlen   bytes for a fixed-length type, -1 for varlena
 * @param typbyval pg_type.typbyval (informational: the Java value is always an object)
 * @param typalign 'c' (1), 's' (2), 'i' (4) or 'd' (8): alignment of the value within the tuple
 */
public record HeapColumn(int typeOid, int typmod, int typlen, boolean typbyval, char typalign) {
    public HeapColumn {
        if (typlen == 0 || typlen < -1) {
            throw new IllegalArgumentException("typlen " + typlen);
        }
        if (alignment(typalign) == 0) {
            throw new IllegalArgumentException("typalign " + typalign);
        }
    }

    /**
     * The column for a supported built-in type: typlen/typbyval from {@link BuiltinType}, typalign from
     * PostgreSQL's pg_type.dat.
     *
     * @throws PgException 0A000 for a type whose stored form is not built (arrays, interval, inet, jsonb, ...)
     */
    public static HeapColumn of(int typeOid, int typmod) {
        BuiltinType t = BuiltinType.byOid(typeOid);
        char align = switch (typeOid) {
            case 16, 18, 19, 2950 -> 'c';             // bool, "char", name, uuid
            case 21 -> 's';                            // int2
            case 20, 701, 1083, 1114, 1184 -> 'd';     // int8, float8, time, timestamp, timestamptz
            case 17, 23, 24, 25, 26, 28, 29, 114, 142, 194, 700, 1042, 1043, 1082, 1700, 1790,
                 2202, 2203, 2204, 2205, 2206, 4089, 4096 -> 'i';
            default -> 0;
        };
        if (t == null || align == 0) {
            throw PgException.notSupported("storing values of type "
                    + (t == null ? "with OID " + typeOid : t.typname()) + " in a table is not supported yet");
        }
        return new HeapColumn(typeOid, typmod, t.typlen(), t.typbyval(), align);
    }

    /** The alignment in bytes for a typalign code, 0 if the code is unknown. */
    public static int alignment(char typalign) {
        return switch (typalign) {
            case 'c' -> 1;
            case 's' -> 2;
            case 'i' -> 4;
            case 'd' -> 8;
            default -> 0;
        };
    }

    /** True for a variable-length (varlena) type. */
    public boolean isVarlena() {
        return typlen == -1;
    }
}
