package org.pgjava.catalog.rows;

/**
 * One database as CREATE DATABASE (or initdb) defines it: the fields of its pg_database row.
 *
 * @param oid              pg_database.oid
 * @param name             datname
 * @param ownerOid         datdba
 * @param encoding         encoding (PostgreSQL's pg_enc number: 6 = UTF8, 0 = SQL_ASCII)
 * @param localeProvider   datlocprovider: 'c' libc, 'i' ICU
 * @param collate          datcollate (LC_COLLATE, e.g. "C" or "en_US.UTF-8")
 * @param ctype            datctype (LC_CTYPE)
 * @param isTemplate       datistemplate
 * @param allowConnections datallowconn
 * @param connectionLimit  datconnlimit (-1 = no limit)
 * @param frozenXid        datfrozenxid
 * @param minMultiXact     datminmxid
 * @param tablespaceOid    dattablespace (1663 pg_default)
 * @param acl              datacl in aclitem text form, or null for the default privileges
 */
public record DatabaseDefinition(long oid, String name, long ownerOid, int encoding, char localeProvider,
                                 String collate, String ctype, boolean isTemplate, boolean allowConnections,
                                 int connectionLimit, long frozenXid, long minMultiXact, long tablespaceOid,
                                 String[] acl) {
}
