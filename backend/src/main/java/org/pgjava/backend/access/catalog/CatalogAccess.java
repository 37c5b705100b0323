package org.pgjava.backend.access.catalog;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.pgjava.backend.access.heap.HeapColumn;
import org.pgjava.backend.access.heap.HeapRelation;
import org.pgjava.backend.access.heap.HeapTable;
import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.backend.utils.relation.TableScan;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.bootstrap.CatalogShape;

/**
 * One backend's access to the system catalogs of its database: scans with the transaction manager's
 * catalog snapshot (every committed change and this transaction's earlier commands), and catalog row
 * inserts, updates and deletes as ordinary WAL-logged heap changes of the current transaction. Catalog
 * files are {@link HeapTable}s over {@link CatalogTupleCodec}'s stored form.
 *
 * <p>Entry points: {@link #scan(BootstrapCatalog, Predicate)}, {@link #insert}, {@link #update},
 * {@link #delete}, {@link #catalogRelation(BootstrapCatalog)}, {@link #codec(BootstrapCatalog)}.
 *
 * <p>Process-safety: the session thread only.
 */
public final class CatalogAccess {
    private final BootstrapData data;
    private final TransactionManager tm;
    private final int databaseOid;
    private final Map<BootstrapCatalog, CatalogTupleCodec> codecs = new EnumMap<>(BootstrapCatalog.class);
    private final Map<BootstrapCatalog, HeapRelation> relations = new EnumMap<>(BootstrapCatalog.class);

    /**
     * @param data        the catalog shapes
     * @param tm          the session's transaction manager
     * @param databaseOid the database this backend is connected to
     */
    public CatalogAccess(BootstrapData data, TransactionManager tm, int databaseOid) {
        this.data = data;
        this.tm = tm;
        this.databaseOid = databaseOid;
        for (BootstrapCatalog c : BootstrapCatalog.values()) {
            CatalogTupleCodec codec = new CatalogTupleCodec(data.shape(c));
            codecs.put(c, codec);
            List<TableColumn> columns = new ArrayList<>();
            CatalogShape shape = data.shape(c);
            for (int i = 0; i < shape.columnCount(); i++) {
                RelationColumn sql = codec.sqlColumns().get(i);
                columns.add(new TableColumn(sql.name(), sql.typeOid(), -1, shape.columns().get(i).notNull(), null, false));
            }
            List<HeapColumn> storage = codec.descriptor().columns();
            relations.put(c, new HeapRelation((int) c.oid(), "pg_catalog", c.relname(),
                    CatalogStorage.locator(c, databaseOid), columns, storage, null));
        }
    }

    /** The catalog shapes. */
    public BootstrapData data() {
        return data;
    }

    /** The session's transaction manager. */
    public TransactionManager transactions() {
        return tm;
    }

    /** The database OID. */
    public int databaseOid() {
        return databaseOid;
    }

    /** The codec of a catalog. */
    public CatalogTupleCodec codec(BootstrapCatalog catalog) {
        return codecs.get(catalog);
    }

    /** The heap relation of a catalog (SQL-visible columns as {@link CatalogTupleCodec#sqlColumns()}). */
    public HeapRelation catalogRelation(BootstrapCatalog catalog) {
        return relations.get(catalog);
    }

    private HeapTable table(BootstrapCatalog catalog) {
        return new HeapTable(relations.get(catalog), tm);
    }

    /**
     * The rows of {@code catalog} the catalog snapshot sees that satisfy {@code filter} (given rows in
     * the catalog representation), in physical order. Must run inside a transaction.
     */
    public List<CatalogTuple> scan(BootstrapCatalog catalog, Predicate<Object[]> filter) {
        CatalogTupleCodec codec = codecs.get(catalog);
        List<CatalogTuple> out = new ArrayList<>();
        try (TableScan scan = table(catalog).scan(tm.catalogSnapshot())) {
            for (Object[] stored; (stored = scan.next()) != null; ) {
                Object[] row = codec.fromStored(stored);
                if (filter.test(row)) {
                    out.add(new CatalogTuple(scan.ctid(), row));
                }
            }
        }
        return out;
    }

    /** Inserts a catalog row (catalog representation) in the current command; returns its ctid. */
    public long insert(BootstrapCatalog catalog, Object[] row) {
        return table(catalog).insert(codecs.get(catalog).toStored(row));
    }

    /** Replaces the row version {@code ctid} (simple_heap_update: a concurrent change is XX000). */
    public long update(BootstrapCatalog catalog, long ctid, Object[] row) {
        return table(catalog).simpleUpdate(ctid, codecs.get(catalog).toStored(row));
    }

    /** Deletes the row version {@code ctid} (simple_heap_delete). */
    public void delete(BootstrapCatalog catalog, long ctid) {
        table(catalog).simpleDelete(ctid);
    }

    /** Index of {@code column} in {@code catalog}'s rows. */
    public int index(BootstrapCatalog catalog, String column) {
        return data.shape(catalog).index(column);
    }
}
