package org.pgjava.catalog.rows;

import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.bootstrap.CatalogShape;

/**
 * Builds pg_database rows (initdb's template1, template0, postgres; later CREATE DATABASE).
 * daticulocale and datcollversion stay NULL (pgjava has no ICU and records no collation versions).
 *
 * <p>Entry points: {@link #pgDatabaseRow(DatabaseDefinition)}.
 */
public final class DatabaseRows {
    private final CatalogShape pgDatabase;

    /** Row builder over the pg_database shape in {@code data}. */
    public DatabaseRows(BootstrapData data) {
        this.pgDatabase = data.shape(BootstrapCatalog.PG_DATABASE);
    }

    /** The pg_database row of one database. */
    public Object[] pgDatabaseRow(DatabaseDefinition d) {
        return CatalogRow.of(pgDatabase)
                .set("oid", d.oid()).set("datname", d.name()).set("datdba", d.ownerOid())
                .set("encoding", d.encoding()).set("datlocprovider", String.valueOf(d.localeProvider()))
                .set("datistemplate", d.isTemplate()).set("datallowconn", d.allowConnections())
                .set("datconnlimit", d.connectionLimit()).set("datfrozenxid", d.frozenXid())
                .set("datminmxid", d.minMultiXact()).set("dattablespace", d.tablespaceOid())
                .set("datcollate", d.collate()).set("datctype", d.ctype())
                .set("datacl", d.acl() == null ? null : d.acl().clone())
                .build();
    }
}
