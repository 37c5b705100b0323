package org.pgjava.catalog.authfile;

/**
 * One database as the postmaster needs it for connection checks (a pg_database row, reduced).
 *
 * @param oid              pg_database.oid
 * @param name             datname
 * @param ownerOid         datdba
 * @param allowConnections datallowconn
 * @param isTemplate       datistemplate
 * @param connLimit        datconnlimit (-1 = no limit)
 */
public record DatabaseEntry(int oid, String name, int ownerOid, boolean allowConnections, boolean isTemplate,
                            int connLimit) {
}
