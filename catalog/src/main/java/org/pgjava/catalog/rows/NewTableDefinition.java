package org.pgjava.catalog.rows;

import java.util.List;

/**
 * Everything CREATE TABLE decides before its catalog rows are built. The OIDs are new ones the caller
 * took from the OID counter (PostgreSQL takes, in this order, the relation OID, the array type OID, then
 * the row type OID).
 *
 * @param relname         the table name
 * @param namespaceOid    relnamespace / typnamespace
 * @param ownerOid        relowner / typowner
 * @param relationOid     pg_class.oid
 * @param relfilenode     pg_class.relfilenode (pgjava: normally equal to relationOid)
 * @param rowTypeOid      pg_class.reltype = oid of the composite pg_type row
 * @param arrayTypeOid    oid of the row type's array type
 * @param arrayTypeName   the array type's name, normally {@link TableRows#defaultArrayTypeName(String)}
 * @param persistence     relpersistence: 'p' permanent, 'u' unlogged, 't' temporary
 * @param frozenXid       relfrozenxid (PostgreSQL: the creating transaction's RecentXmin)
 * @param minMultiXact    relminmxid (1 until multixacts exist)
 * @param columns         the user columns in order (attnum 1..n)
 */
public record NewTableDefinition(String relname, long namespaceOid, long ownerOid, long relationOid,
                                 long relfilenode, long rowTypeOid, long arrayTypeOid, String arrayTypeName,
                                 char persistence, long frozenXid, long minMultiXact,
                                 List<ColumnDefinition> columns) {
    public NewTableDefinition {
        columns = List.copyOf(columns);
    }
}
