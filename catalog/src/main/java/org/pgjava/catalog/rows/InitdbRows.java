package org.pgjava.catalog.rows;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgjava.catalog.BuiltinType;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.bootstrap.CatalogColumn;
import org.pgjava.catalog.bootstrap.CatalogShape;
import org.pgjava.catalog.bootstrap.CatalogValues;

/**
 * The rows pgjava's initdb writes into each bootstrap catalog: PostgreSQL 15's own rows
 * ({@link BootstrapData#referenceRows}) with the changes pgjava's storage needs, each documented here
 * and in docs/catalog/README.md:
 * <ol>
 *   <li>aclitem texts name the chosen bootstrap superuser;</li>
 *   <li>pg_class of the catalogs: relfilenode = OID (no relation mapper), relpages 0, reltuples -1,
 *       relallvisible 0, relhasindex false and reltoastrelid 0 (no indexes or TOAST tables yet),
 *       relfrozenxid = the chosen frozen xid, relminmxid 1;</li>
 *   <li>pg_type: the types of {@link BuiltinType}, the array types and element types they name, and the
 *       bootstrap catalogs' row types with their array types — no other PostgreSQL type;</li>
 *   <li>pg_proc: only the functions those pg_type rows and pg_am name (type I/O, subscripting,
 *       typmod, analyze and access-method handlers);</li>
 *   <li>pg_database: template1 (1), template0 (4), postgres (5) with the chosen encoding and locale;</li>
 *   <li>pg_authid: PostgreSQL's predefined roles plus the bootstrap superuser from the auth file;</li>
 *   <li>pg_namespace: pg_catalog (11), pg_toast (99), public (2200, owned by pg_database_owner 6171);
 *       no information_schema;</li>
 *   <li>pg_attrdef: empty.</li>
 * </ol>
 *
 * <p>Entry points: {@link #rows(BootstrapCatalog)}, {@link #all()}, {@link #typeShape(long)}.
 */
public final class InitdbRows {
    private final BootstrapData data;
    private final InitdbParameters parameters;
    private final Map<BootstrapCatalog, List<Object[]>> rows = new EnumMap<>(BootstrapCatalog.class);

    /** Computes every bootstrap catalog's rows for these initdb choices. */
    public InitdbRows(BootstrapData data, InitdbParameters parameters) {
        this.data = data;
        this.parameters = parameters;
        for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
            List<Object[]> list = new ArrayList<>();
            for (Object[] row : data.referenceRows(catalog)) {
                list.add(substituteSuperuser(data.shape(catalog), row));
            }
            rows.put(catalog, list);
        }
        adjustPgClass();
        rows.put(BootstrapCatalog.PG_TYPE, selectTypes(rows.get(BootstrapCatalog.PG_TYPE)));
        rows.put(BootstrapCatalog.PG_PROC, selectProcs(rows.get(BootstrapCatalog.PG_PROC)));
        rows.put(BootstrapCatalog.PG_DATABASE, databases(rows.get(BootstrapCatalog.PG_DATABASE)));
        rows.get(BootstrapCatalog.PG_AUTHID).add(0, new RoleRows(data).pgAuthidRow(parameters.superuser()));
        for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
            CatalogShape shape = data.shape(catalog);
            for (Object[] row : rows.get(catalog)) {
                CatalogRow.from(shape, row).build();
            }
        }
    }

    /** The rows of one catalog in column order (fresh copies). */
    public List<Object[]> rows(BootstrapCatalog catalog) {
        List<Object[]> copy = new ArrayList<>();
        for (Object[] row : rows.get(catalog)) {
            copy.add(row.clone());
        }
        return copy;
    }

    /** Every catalog's rows. */
    public Map<BootstrapCatalog, List<Object[]>> all() {
        Map<BootstrapCatalog, List<Object[]>> all = new EnumMap<>(BootstrapCatalog.class);
        for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
            all.put(catalog, rows(catalog));
        }
        return all;
    }

    /**
     * The column-relevant shape of a type initdb writes (for building user columns of built-in types).
     *
     * @return the shape, or null when initdb writes no pg_type row with this OID
     */
    public TypeShape typeShape(long typeOid) {
        CatalogShape pgType = data.shape(BootstrapCatalog.PG_TYPE);
        for (Object[] row : rows.get(BootstrapCatalog.PG_TYPE)) {
            if ((Long) row[pgType.index("oid")] == typeOid) {
                return TypeShape.fromPgTypeRow(pgType, row);
            }
        }
        return null;
    }

    private Object[] substituteSuperuser(CatalogShape shape, Object[] row) {
        String name = CatalogValues.aclRoleName(parameters.superuser().name());
        for (int i = 0; i < row.length; i++) {
            CatalogColumn column = shape.columns().get(i);
            if (column.typeOid() == CatalogValues.ACLITEM_ARRAY && row[i] != null) {
                String[] acl = ((String[]) row[i]).clone();
                for (int j = 0; j < acl.length; j++) {
                    acl[j] = acl[j].replace(BootstrapData.SUPERUSER_PLACEHOLDER, name);
                }
                row[i] = acl;
            }
        }
        return row;
    }

    private void adjustPgClass() {
        CatalogShape shape = data.shape(BootstrapCatalog.PG_CLASS);
        List<Object[]> adjusted = new ArrayList<>();
        for (Object[] row : rows.get(BootstrapCatalog.PG_CLASS)) {
            adjusted.add(CatalogRow.from(shape, row)
                    .set("relfilenode", row[shape.index("oid")]).set("relpages", 0).set("reltuples", -1f)
                    .set("relallvisible", 0).set("reltoastrelid", 0L).set("relhasindex", false)
                    .set("relfrozenxid", parameters.frozenXid()).set("relminmxid", 1L).build());
        }
        rows.put(BootstrapCatalog.PG_CLASS, adjusted);
    }

    private List<Object[]> selectTypes(List<Object[]> all) {
        CatalogShape shape = data.shape(BootstrapCatalog.PG_TYPE);
        Set<Long> wanted = new HashSet<>();
        for (BuiltinType t : BuiltinType.values()) {
            wanted.add((long) t.oid());
        }
        for (BootstrapCatalog c : BootstrapCatalog.values()) {
            wanted.add(c.rowTypeOid());
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Object[] row : all) {
                long oid = (Long) row[shape.index("oid")];
                long elem = (Long) row[shape.index("typelem")];
                long array = (Long) row[shape.index("typarray")];
                if (wanted.contains(oid)) {
                    grew |= elem != 0 && wanted.add(elem);
                    grew |= array != 0 && wanted.add(array);
                }
            }
        }
        List<Object[]> selected = new ArrayList<>();
        for (Object[] row : all) {
            if (wanted.remove((Long) row[shape.index("oid")])) {
                selected.add(row);
            }
        }
        if (!wanted.isEmpty()) {
            throw new IllegalStateException("types without a PostgreSQL 15 pg_type row in the bootstrap data: "
                    + wanted + " (rerun scripts/catalog/generate_bootstrap.py)");
        }
        return selected;
    }

    private List<Object[]> selectProcs(List<Object[]> all) {
        CatalogShape pgType = data.shape(BootstrapCatalog.PG_TYPE);
        CatalogShape pgAm = data.shape(BootstrapCatalog.PG_AM);
        CatalogShape pgProc = data.shape(BootstrapCatalog.PG_PROC);
        Set<Long> referenced = new HashSet<>();
        for (Object[] row : rows.get(BootstrapCatalog.PG_TYPE)) {
            for (String column : List.of("typinput", "typoutput", "typreceive", "typsend", "typmodin",
                    "typmodout", "typanalyze", "typsubscript")) {
                referenced.add((Long) row[pgType.index(column)]);
            }
        }
        for (Object[] row : rows.get(BootstrapCatalog.PG_AM)) {
            referenced.add((Long) row[pgAm.index("amhandler")]);
        }
        referenced.remove(0L);
        List<Object[]> selected = new ArrayList<>();
        for (Object[] row : all) {
            if (referenced.remove((Long) row[pgProc.index("oid")])) {
                selected.add(row);
            }
        }
        if (!referenced.isEmpty()) {
            throw new IllegalStateException("functions missing from the bootstrap data: " + referenced);
        }
        return selected;
    }

    private List<Object[]> databases(List<Object[]> reference) {
        CatalogShape shape = data.shape(BootstrapCatalog.PG_DATABASE);
        DatabaseRows builder = new DatabaseRows(data);
        List<Object[]> result = new ArrayList<>();
        for (Object[] row : reference) {
            result.add(builder.pgDatabaseRow(new DatabaseDefinition((Long) row[shape.index("oid")],
                    (String) row[shape.index("datname")], RoleRows.BOOTSTRAP_SUPERUSER_OID,
                    parameters.encoding(), parameters.localeProvider(), parameters.collate(),
                    parameters.ctype(), (Boolean) row[shape.index("datistemplate")],
                    (Boolean) row[shape.index("datallowconn")], (Integer) row[shape.index("datconnlimit")],
                    parameters.frozenXid(), 1L, (Long) row[shape.index("dattablespace")],
                    (String[]) row[shape.index("datacl")])));
        }
        return result;
    }
}
