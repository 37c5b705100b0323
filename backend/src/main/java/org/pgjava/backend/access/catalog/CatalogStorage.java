package org.pgjava.backend.access.catalog;

import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;

/**
 * Where a relation's files are: shared catalogs in global/ (tablespace pg_global 1664), everything else
 * in base/&lt;database OID&gt;/ (pg_default 1663). pgjava has no relation mapper: a catalog's relfilenode is
 * its OID (docs/catalog/README.md rule 4). Entry points: {@link #locator(BootstrapCatalog, int)},
 * {@link #locator(long, long, int)}, {@link #locatorsForInitdb}.
 */
public final class CatalogStorage {
    private CatalogStorage() {
    }

    /** The file of catalog {@code catalog} as seen from database {@code databaseOid}. */
    public static RelFileLocator locator(BootstrapCatalog catalog, int databaseOid) {
        return catalog.shared() ? RelFileLocator.global((int) catalog.relfilenode())
                : RelFileLocator.of(databaseOid, (int) catalog.relfilenode());
    }

    /**
     * The file of a relation from its pg_class row's reltablespace and relfilenode.
     *
     * @param reltablespace 0 (the database's default), 1663 or 1664 (pg_global)
     */
    public static RelFileLocator locator(long reltablespace, long relfilenode, int databaseOid) {
        if (reltablespace == BootstrapCatalog.GLOBAL_TABLESPACE_OID) {
            return RelFileLocator.global((int) relfilenode);
        }
        return RelFileLocator.of(databaseOid, (int) relfilenode);
    }

    /** Every file initdb writes for {@code catalog}: one in global/, or one per database. */
    public static List<RelFileLocator> locatorsForInitdb(BootstrapCatalog catalog, List<Integer> databaseOids) {
        if (catalog.shared()) {
            return List.of(locator(catalog, 0));
        }
        List<RelFileLocator> list = new ArrayList<>();
        for (int db : databaseOids) {
            list.add(locator(catalog, db));
        }
        return list;
    }
}
