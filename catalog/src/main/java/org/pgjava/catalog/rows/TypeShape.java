package org.pgjava.catalog.rows;

import org.pgjava.catalog.bootstrap.CatalogShape;

/**
 * What a column takes from its type's pg_type row: attlen, attbyval, attalign, attstorage and the
 * default attcollation.
 *
 * @param oid       pg_type.oid
 * @param length    typlen
 * @param byValue   typbyval
 * @param align     typalign
 * @param storage   typstorage
 * @param collation typcollation (0 = not collatable; 100 = default collation; 950 = "C" for name)
 */
public record TypeShape(long oid, short length, boolean byValue, char align, char storage, long collation) {

    /** The shape of the type described by a pg_type row laid out as {@code pgType}. */
    public static TypeShape fromPgTypeRow(CatalogShape pgType, Object[] row) {
        return new TypeShape((Long) row[pgType.index("oid")], (Short) row[pgType.index("typlen")],
                (Boolean) row[pgType.index("typbyval")], ((String) row[pgType.index("typalign")]).charAt(0),
                ((String) row[pgType.index("typstorage")]).charAt(0), (Long) row[pgType.index("typcollation")]);
    }
}
