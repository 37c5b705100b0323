package org.pgjava.backend.access.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pgjava.backend.access.heap.HeapColumn;
import org.pgjava.backend.access.heap.HeapTable;
import org.pgjava.backend.access.heap.RelationStorage;
import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.CatalogWriter;
import org.pgjava.backend.utils.relation.ColumnDefinition;
import org.pgjava.backend.utils.relation.TableScan;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.rows.NewTableDefinition;
import org.pgjava.catalog.rows.NewTableRows;
import org.pgjava.catalog.rows.TableRows;
import org.pgjava.catalog.rows.TypeShape;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTag;

/**
 * CREATE TABLE, DROP TABLE, ALTER TABLE ADD COLUMN and CHECKPOINT over the heap catalogs (PostgreSQL's
 * heap_create_with_catalog, RemoveRelations/heap_drop_with_catalog, ATExecAddColumn). Every change is
 * part of the session's current transaction: catalog rows are WAL-logged heap changes, a created file is
 * deleted if the transaction aborts, a dropped table's file is deleted when it commits, and the changed
 * relations are invalidated in every backend's relation cache at commit ({@link CatalogInvalidation}).
 *
 * <p>Rules:
 * <ol>
 *   <li>CREATE TABLE serializes on (namespace, name): an OBJECT lock (database, pg_class, namespace,
 *       hash of the name) in AccessExclusiveLock until transaction end, then the existence check against
 *       the catalog snapshot (committed rows and this transaction's). PostgreSQL gets the same effect from
 *       the unique index on pg_class (relname, relnamespace).</li>
 *   <li>OIDs come from the shared OID counter (ObjectIds.newOid: floor 16384, NEXTOID WAL records), relation, array type, row type, as
 *       PostgreSQL; relfilenode = the relation OID.</li>
 *   <li>DROP and ADD COLUMN take AccessExclusiveLock on the relation, then re-read the catalogs (the table
 *       may have changed while waiting).</li>
 *   <li>pgjava-specific storage: pg_attrdef.adbin holds the default's SQL text (what the analyzer parses),
 *       not a node tree; pg_attribute.attmissingval holds a one-element array literal of the value's text
 *       output (PostgreSQL: a one-element array of the column type), stored as text.</li>
 * </ol>
 */
final class HeapCatalogWriter implements CatalogWriter {
    private static final long FIRST_NORMAL_OBJECT_ID = 16384;
    private static final int MAX_COLUMNS = 1600;

    private final CatalogRelations relations;
    private final CatalogAccess catalogs;
    private final TableRows tableRows;
    private final Map<Long, TypeShape> typeShapes = new HashMap<>();

    HeapCatalogWriter(CatalogRelations relations) {
        this.relations = relations;
        this.catalogs = relations.catalogs();
        this.tableRows = new TableRows(catalogs.data());
    }

    private TransactionManager tm() {
        return relations.tm();
    }

    /**
     * Before DROP or ALTER of {@code r}: a system catalog is 42501 {@code permission denied: "x" is a system
     * catalog}, a table the current role does not own 42501 {@code must be owner of table x}; then the
     * table's AccessExclusiveLock (until transaction end) and the invalidations that arrived while waiting
     * for it, so the caller re-reads the catalogs as they are now.
     */
    private void lockForAlteration(CachedRelation r) {
        if (r.oid() < FIRST_NORMAL_OBJECT_ID) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE,
                    "permission denied: \"" + r.name() + "\" is a system catalog");
        }
        relations.checkOwner(r);
        tm().storage().locks().lock(LockTag.relation(db(), (int) r.oid()), LockMode.ACCESS_EXCLUSIVE);
        relations.invalidation().accept();
    }

    private long newOid() {
        return org.pgjava.backend.access.xlog.ObjectIds.newOid(tm().storage());
    }

    /**
     * A new OID for a relation whose file does not exist yet (PostgreSQL's GetNewRelFileNumber): a file
     * left behind by a crash is never reused or overwritten.
     */
    private long newRelationOid() {
        while (true) {
            long oid = newOid();
            if (!tm().storage().smgr().exists(CatalogStorage.locator(0, oid, db()),
                    org.pgjava.backend.storage.ForkNumber.MAIN)) {
                return oid;
            }
        }
    }

    private int db() {
        return catalogs.databaseOid();
    }

    // ------------------------------------------------------------------ CREATE TABLE

    @Override
    public boolean createTable(SessionContext session, String schema, String name, List<ColumnDefinition> columns,
                               boolean ifNotExists) {
        relations.invalidation().accept();
        long nsp = creationNamespace(schema);
        checkCreatePrivilege(nsp, name);
        tm().storage().locks().lock(LockTag.object(db(), (int) BootstrapCatalog.PG_CLASS.oid(), (int) nsp,
                name.hashCode()), LockMode.ACCESS_EXCLUSIVE);
        relations.invalidation().accept();
        if (relations.findClass(nsp, name) != null) {
            if (ifNotExists) {
                return false;
            }
            throw PgException.error(SqlState.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
        }
        List<org.pgjava.catalog.rows.ColumnDefinition> defs = new ArrayList<>();
        for (ColumnDefinition c : columns) {
            HeapColumn.of(c.typeOid(), c.typmod()); // 0A000 for a type with no stored form
            TypeShape shape = typeShape(c.typeOid());
            defs.add(new org.pgjava.catalog.rows.ColumnDefinition(c.name(), shape, c.typmod(), 0, c.notNull(),
                    c.defaultExpr() != null, shape.collation()));
        }
        if (defs.size() > MAX_COLUMNS) {
            throw PgException.error(SqlState.TOO_MANY_COLUMNS, "tables can have at most 1600 columns");
        }
        long xid = tm().assignXid();
        long relOid = newRelationOid();
        long arrayOid = newOid();
        long rowTypeOid = newOid();
        NewTableRows rows = tableRows.newTable(new NewTableDefinition(name, nsp, relations.currentRoleOid(), relOid,
                relOid, rowTypeOid, arrayOid, TableRows.defaultArrayTypeName(name), 'p', xid, 1, defs));
        RelFileLocator locator = CatalogStorage.locator(0, relOid, db());
        RelationStorage.create(tm(), locator);
        catalogs.insert(BootstrapCatalog.PG_CLASS, rows.pgClass());
        catalogs.insert(BootstrapCatalog.PG_TYPE, rows.rowType());
        catalogs.insert(BootstrapCatalog.PG_TYPE, rows.arrayType());
        for (Object[] a : rows.pgAttribute()) {
            catalogs.insert(BootstrapCatalog.PG_ATTRIBUTE, a);
        }
        short attnum = 1;
        for (ColumnDefinition c : columns) {
            if (c.defaultExpr() != null) {
                catalogs.insert(BootstrapCatalog.PG_ATTRDEF, tableRows.attrdefRow(newOid(), relOid, attnum, c.defaultExpr()));
            }
            attnum++;
        }
        relations.invalidation().relationChanged(tm(), relOid);
        return true;
    }

    private long creationNamespace(String schema) {
        if (schema != null) {
            long nsp = relations.namespaceOid(schema);
            if (nsp < 0) {
                throw PgException.error(SqlState.INVALID_SCHEMA_NAME, "schema \"" + schema + "\" does not exist");
            }
            return nsp;
        }
        List<Long> path = relations.searchPathNamespaces();
        if (path.isEmpty()) {
            throw PgException.error(SqlState.INVALID_SCHEMA_NAME, "no schema has been selected to create in");
        }
        return path.getFirst();
    }

    private void checkCreatePrivilege(long nsp, String name) {
        if (nsp == CatalogRelations.PG_CATALOG) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE,
                    "permission denied to create \"pg_catalog." + name + "\"")
                    .withDetail("System catalog modifications are currently disallowed.");
        }
        if (relations.currentRoleIsSuperuser()) {
            return;
        }
        Object[] row = relations.namespaceRow(nsp);
        long owner = (Long) row[catalogs.index(BootstrapCatalog.PG_NAMESPACE, "nspowner")];
        long role = relations.currentRoleOid();
        if (owner == role || (owner == CatalogRelations.PG_DATABASE_OWNER && relations.databaseOwner() == role)) {
            return;
        }
        throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied for schema "
                + row[catalogs.index(BootstrapCatalog.PG_NAMESPACE, "nspname")]);
    }

    private TypeShape typeShape(long typeOid) {
        TypeShape shape = typeShapes.get(typeOid);
        if (shape == null) {
            int oidIx = catalogs.index(BootstrapCatalog.PG_TYPE, "oid");
            List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_TYPE, row -> (Long) row[oidIx] == typeOid);
            if (rows.isEmpty()) {
                throw PgException.error(SqlState.UNDEFINED_OBJECT, "type with OID " + typeOid + " does not exist");
            }
            shape = TypeShape.fromPgTypeRow(catalogs.data().shape(BootstrapCatalog.PG_TYPE), rows.getFirst().row());
            if (typeOid < FIRST_NORMAL_OBJECT_ID) {
                typeShapes.put(typeOid, shape);
            }
        }
        return shape;
    }

    // ------------------------------------------------------------------ DROP TABLE

    @Override
    public List<Skipped> dropTables(SessionContext session, List<QualifiedName> names, boolean ifExists,
                                    boolean cascade) {
        List<Skipped> skipped = new ArrayList<>();
        List<CachedRelation> targets = new ArrayList<>();
        for (QualifiedName n : names) {
            if (n.schema() != null && relations.namespaceOid(n.schema()) < 0) {
                if (ifExists) {
                    skipped.add(new Skipped(n, Missing.SCHEMA));
                    continue;
                }
                throw PgException.error(SqlState.INVALID_SCHEMA_NAME, "schema \"" + n.schema() + "\" does not exist");
            }
            CachedRelation r = relations.relationByName(n.schema(), n.name());
            if (r == null) {
                if (ifExists) {
                    skipped.add(new Skipped(n, Missing.TABLE));
                    continue;
                }
                throw PgException.error(SqlState.UNDEFINED_TABLE, "table \"" + n.name() + "\" does not exist");
            }
            lockForAlteration(r);
            if (relations.classRow(r.oid()) == null) {
                throw PgException.error(SqlState.UNDEFINED_TABLE, "table \"" + n.name() + "\" does not exist");
            }
            if (!targets.contains(r)) {
                targets.add(r);
            }
        }
        for (CachedRelation r : targets) {
            drop(r);
        }
        return skipped;
    }

    private void drop(CachedRelation r) {
        long oid = r.oid();
        CatalogTuple cls = relations.classRow(oid);
        long reltype = (Long) cls.row()[catalogs.index(BootstrapCatalog.PG_CLASS, "reltype")];
        catalogs.delete(BootstrapCatalog.PG_CLASS, cls.ctid());
        int typOid = catalogs.index(BootstrapCatalog.PG_TYPE, "oid");
        int typelem = catalogs.index(BootstrapCatalog.PG_TYPE, "typelem");
        for (CatalogTuple t : catalogs.scan(BootstrapCatalog.PG_TYPE,
                row -> (Long) row[typOid] == reltype || ((Long) row[typelem] == reltype && reltype != 0))) {
            catalogs.delete(BootstrapCatalog.PG_TYPE, t.ctid());
        }
        int attrelid = catalogs.index(BootstrapCatalog.PG_ATTRIBUTE, "attrelid");
        for (CatalogTuple t : catalogs.scan(BootstrapCatalog.PG_ATTRIBUTE, row -> (Long) row[attrelid] == oid)) {
            catalogs.delete(BootstrapCatalog.PG_ATTRIBUTE, t.ctid());
        }
        int adrelid = catalogs.index(BootstrapCatalog.PG_ATTRDEF, "adrelid");
        for (CatalogTuple t : catalogs.scan(BootstrapCatalog.PG_ATTRDEF, row -> (Long) row[adrelid] == oid)) {
            catalogs.delete(BootstrapCatalog.PG_ATTRDEF, t.ctid());
        }
        RelationStorage.drop(tm(), r.relation().locator());
        relations.invalidation().relationChanged(tm(), oid);
    }

    // ------------------------------------------------------------------ ALTER TABLE ADD COLUMN

    @Override
    public AddColumnResult addColumn(SessionContext session, String schema, String table, ColumnDefinition column,
                                     Object missingValue, boolean ifExists, boolean ifNotExists) {
        CachedRelation r = relations.relationByName(schema, table);
        if (r == null) {
            if (ifExists) {
                return AddColumnResult.TABLE_MISSING;
            }
            throw PgException.error(SqlState.UNDEFINED_TABLE, "relation \""
                    + (schema == null ? table : schema + "." + table) + "\" does not exist");
        }
        lockForAlteration(r);
        CatalogTuple cls = relations.classRow(r.oid());
        if (cls == null) {
            throw PgException.error(SqlState.UNDEFINED_TABLE, "relation \"" + table + "\" does not exist");
        }
        r = relations.relationByOid(r.oid());
        for (var c : r.relation().columns()) {
            if (!c.dropped() && c.name().equals(column.name())) {
                if (ifNotExists) {
                    return AddColumnResult.COLUMN_EXISTS;
                }
                throw PgException.error(SqlState.DUPLICATE_COLUMN, "column \"" + column.name()
                        + "\" of relation \"" + r.name() + "\" already exists");
            }
        }
        short relnatts = (Short) cls.row()[catalogs.index(BootstrapCatalog.PG_CLASS, "relnatts")];
        if (relnatts >= MAX_COLUMNS) {
            throw PgException.error(SqlState.TOO_MANY_COLUMNS, "tables can have at most 1600 columns");
        }
        HeapColumn.of(column.typeOid(), column.typmod());
        if (column.notNull() && missingValue == null && hasRows(r)) {
            throw PgException.error(SqlState.NOT_NULL_VIOLATION, "column \"" + column.name() + "\" of relation \""
                    + r.name() + "\" contains null values").withSchema(r.namespaceName()).withTable(r.name())
                    .withColumn(column.name());
        }
        TypeShape shape = typeShape(column.typeOid());
        TableRows.AddColumnRows rows = tableRows.addColumn(cls.row(), new org.pgjava.catalog.rows.ColumnDefinition(
                column.name(), shape, column.typmod(), 0, column.notNull(), column.defaultExpr() != null,
                shape.collation()));
        Object[] attribute = rows.pgAttribute();
        if (missingValue != null) {
            attribute[catalogs.index(BootstrapCatalog.PG_ATTRIBUTE, "atthasmissing")] = true;
            attribute[catalogs.index(BootstrapCatalog.PG_ATTRIBUTE, "attmissingval")] =
                    CatalogTupleCodec.arrayLiteral(new Object[] {TypeIO.output(column.typeOid(), missingValue, session)});
        }
        catalogs.update(BootstrapCatalog.PG_CLASS, cls.ctid(), rows.pgClass());
        catalogs.insert(BootstrapCatalog.PG_ATTRIBUTE, attribute);
        short attnum = (short) (relnatts + 1);
        if (column.defaultExpr() != null) {
            catalogs.insert(BootstrapCatalog.PG_ATTRDEF, tableRows.attrdefRow(newOid(), r.oid(), attnum, column.defaultExpr()));
        }
        relations.invalidation().relationChanged(tm(), r.oid());
        return AddColumnResult.ADDED;
    }

    private boolean hasRows(CachedRelation r) {
        try (TableScan scan = new HeapTable(r.relation(), tm()).scan(tm().catalogSnapshot())) {
            return scan.next() != null;
        }
    }

    // ------------------------------------------------------------------ CHECKPOINT

    @Override
    public void checkpoint(SessionContext session) {
        org.pgjava.backend.access.xlog.Checkpoints.checkpointCommand(tm().storage().attachment(),
                relations.currentRoleIsSuperuser(), session::checkForInterrupts);
    }
}
