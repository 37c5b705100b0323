package org.pgjava.catalog.bootstrap;

/**
 * The system catalogs pgjava's initdb creates, with PostgreSQL 15's OIDs. Each is an ordinary heap
 * table; its relfilenode equals its OID (pgjava has no relation mapper, see docs/catalog/README.md), and
 * shared catalogs live in pg_global (tablespace 1664, directory global/), the others in the database's
 * default tablespace (reltablespace 0, directory base/&lt;dboid&gt;/).
 *
 * <p>Entry points: {@link #oid()}, {@link #relfilenode()}, {@link #shared()}, {@link #byOid(long)}; the
 * columns and rows come from {@link BootstrapData}.
 */
public enum BootstrapCatalog {
    PG_TYPE(1247, "pg_type", false, 71),
    PG_ATTRIBUTE(1249, "pg_attribute", false, 75),
    PG_PROC(1255, "pg_proc", false, 81),
    PG_CLASS(1259, "pg_class", false, 83),
    PG_AUTHID(1260, "pg_authid", true, 2842),
    PG_DATABASE(1262, "pg_database", true, 1248),
    PG_TABLESPACE(1213, "pg_tablespace", true, 10056),
    PG_AM(2601, "pg_am", false, 10015),
    PG_ATTRDEF(2604, "pg_attrdef", false, 10001),
    PG_NAMESPACE(2615, "pg_namespace", false, 10047);

    /** pg_tablespace OID of pg_global, where shared catalogs live. */
    public static final long GLOBAL_TABLESPACE_OID = 1664;
    /** pg_tablespace OID of pg_default. */
    public static final long DEFAULT_TABLESPACE_OID = 1663;
    /** pg_namespace OID of pg_catalog. */
    public static final long PG_CATALOG_NAMESPACE = 11;

    private final long oid;
    private final String relname;
    private final boolean shared;
    private final long rowTypeOid;

    BootstrapCatalog(long oid, String relname, boolean shared, long rowTypeOid) {
        this.oid = oid;
        this.relname = relname;
        this.shared = shared;
        this.rowTypeOid = rowTypeOid;
    }

    /** pg_class.oid of the catalog. */
    public long oid() {
        return oid;
    }

    /** pg_class.relname. */
    public String relname() {
        return relname;
    }

    /** The file the catalog's main fork is stored in: equal to its OID in pgjava. */
    public long relfilenode() {
        return oid;
    }

    /** True for catalogs shared by all databases (relisshared): stored under global/. */
    public boolean shared() {
        return shared;
    }

    /** pg_class.reltablespace: 1664 (pg_global) for shared catalogs, 0 (the database's default) otherwise. */
    public long reltablespace() {
        return shared ? GLOBAL_TABLESPACE_OID : 0;
    }

    /** pg_class.reltype: the OID of the catalog's composite row type in pg_type. */
    public long rowTypeOid() {
        return rowTypeOid;
    }

    /** The catalog with this OID, or null. */
    public static BootstrapCatalog byOid(long oid) {
        for (BootstrapCatalog c : values()) {
            if (c.oid == oid) {
                return c;
            }
        }
        return null;
    }
}
