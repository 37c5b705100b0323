package org.pgjava.catalog.rows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.bootstrap.CatalogColumn;
import org.pgjava.catalog.bootstrap.CatalogShape;

/**
 * Builds the pg_class, pg_type, pg_attribute and pg_attrdef rows that DDL writes for user tables, with
 * the values PostgreSQL 15's heap_create_with_catalog, AddNewRelationType, AddNewAttributeTuples and
 * ATExecAddColumn write (checked against a real server's rows in TableRowsTest). initdb and DDL share
 * this one place.
 *
 * <p>pgjava creates no TOAST tables, so reltoastrelid is 0 where PostgreSQL would create one.
 *
 * <p>Entry points: {@link #newTable(NewTableDefinition)}, {@link #addColumn(Object[], ColumnDefinition)},
 * {@link #attributeRow(long, short, ColumnDefinition)}, {@link #attrdefRow(long, long, short, String)}.
 */
public final class TableRows {
    /** pg_am OID of the heap access method. */
    public static final long HEAP_AM_OID = 2;
    /** pg_proc OIDs of the composite-type and array-type I/O functions. */
    public static final long RECORD_IN = 2290, RECORD_OUT = 2291, RECORD_RECV = 2402, RECORD_SEND = 2403,
            ARRAY_IN = 750, ARRAY_OUT = 751, ARRAY_RECV = 2400, ARRAY_SEND = 2401, ARRAY_TYPANALYZE = 3816,
            ARRAY_SUBSCRIPT_HANDLER = 6179;
    /** NAMEDATALEN - 1: the longest name in bytes. */
    public static final int MAX_NAME_BYTES = 63;

    private final CatalogShape pgClass;
    private final CatalogShape pgType;
    private final CatalogShape pgAttribute;
    private final CatalogShape pgAttrdef;

    /** Row builders over the catalog shapes in {@code data}. */
    public TableRows(BootstrapData data) {
        this.pgClass = data.shape(BootstrapCatalog.PG_CLASS);
        this.pgType = data.shape(BootstrapCatalog.PG_TYPE);
        this.pgAttribute = data.shape(BootstrapCatalog.PG_ATTRIBUTE);
        this.pgAttrdef = data.shape(BootstrapCatalog.PG_ATTRDEF);
    }

    /**
     * The rows CREATE TABLE inserts: pg_class, the composite row type and its array type, and
     * pg_attribute for every user and system column.
     */
    public NewTableRows newTable(NewTableDefinition t) {
        Object[] classRow = CatalogRow.of(pgClass)
                .set("oid", t.relationOid()).set("relname", t.relname()).set("relnamespace", t.namespaceOid())
                .set("reltype", t.rowTypeOid()).set("reloftype", 0L).set("relowner", t.ownerOid())
                .set("relam", HEAP_AM_OID).set("relfilenode", t.relfilenode()).set("reltablespace", 0L)
                .set("relpages", 0).set("reltuples", -1f).set("relallvisible", 0).set("reltoastrelid", 0L)
                .set("relhasindex", false).set("relisshared", false)
                .set("relpersistence", String.valueOf(t.persistence())).set("relkind", "r")
                .set("relnatts", (short) t.columns().size()).set("relchecks", (short) 0)
                .set("relhasrules", false).set("relhastriggers", false).set("relhassubclass", false)
                .set("relrowsecurity", false).set("relforcerowsecurity", false).set("relispopulated", true)
                .set("relreplident", "d").set("relispartition", false).set("relrewrite", 0L)
                .set("relfrozenxid", t.frozenXid()).set("relminmxid", t.minMultiXact())
                .build();
        Object[] rowType = typeRow(t.rowTypeOid(), t.relname(), t.namespaceOid(), t.ownerOid())
                .set("typtype", "c").set("typcategory", "C").set("typrelid", t.relationOid())
                .set("typsubscript", 0L).set("typelem", 0L).set("typarray", t.arrayTypeOid())
                .set("typinput", RECORD_IN).set("typoutput", RECORD_OUT).set("typreceive", RECORD_RECV)
                .set("typsend", RECORD_SEND).set("typanalyze", 0L).build();
        Object[] arrayType = typeRow(t.arrayTypeOid(), t.arrayTypeName(), t.namespaceOid(), t.ownerOid())
                .set("typtype", "b").set("typcategory", "A").set("typrelid", 0L)
                .set("typsubscript", ARRAY_SUBSCRIPT_HANDLER).set("typelem", t.rowTypeOid()).set("typarray", 0L)
                .set("typinput", ARRAY_IN).set("typoutput", ARRAY_OUT).set("typreceive", ARRAY_RECV)
                .set("typsend", ARRAY_SEND).set("typanalyze", ARRAY_TYPANALYZE).build();
        List<Object[]> attributes = new ArrayList<>();
        short attnum = 1;
        for (ColumnDefinition c : t.columns()) {
            attributes.add(attributeRow(t.relationOid(), attnum++, c));
        }
        attributes.addAll(systemAttributeRows(t.relationOid()));
        return new NewTableRows(classRow, rowType, arrayType, attributes);
    }

    private CatalogRow typeRow(long oid, String name, long namespace, long owner) {
        return CatalogRow.of(pgType).set("oid", oid).set("typname", name).set("typnamespace", namespace)
                .set("typowner", owner).set("typlen", (short) -1).set("typbyval", false)
                .set("typispreferred", false).set("typisdefined", true).set("typdelim", ",")
                .set("typmodin", 0L).set("typmodout", 0L).set("typalign", "d").set("typstorage", "x")
                .set("typnotnull", false).set("typbasetype", 0L).set("typtypmod", -1).set("typndims", 0)
                .set("typcollation", 0L);
    }

    /** The pg_attribute row of user column {@code attnum} of relation {@code relationOid}. */
    public Object[] attributeRow(long relationOid, short attnum, ColumnDefinition c) {
        return CatalogRow.of(pgAttribute)
                .set("attrelid", relationOid).set("attname", c.name()).set("atttypid", c.type().oid())
                .set("attstattarget", -1).set("attlen", c.type().length()).set("attnum", attnum)
                .set("attndims", c.dimensions()).set("attcacheoff", -1).set("atttypmod", c.typmod())
                .set("attbyval", c.type().byValue()).set("attalign", String.valueOf(c.type().align()))
                .set("attstorage", String.valueOf(c.type().storage())).set("attcompression", "")
                .set("attnotnull", c.notNull()).set("atthasdef", c.hasDefault()).set("atthasmissing", false)
                .set("attidentity", "").set("attgenerated", "").set("attisdropped", false)
                .set("attislocal", true).set("attinhcount", 0).set("attcollation", c.collation())
                .build();
    }

    /** The six system-column pg_attribute rows (ctid -1 .. tableoid -6) of a user table. */
    public List<Object[]> systemAttributeRows(long relationOid) {
        List<Object[]> rows = new ArrayList<>();
        for (CatalogColumn s : pgClass.systemColumns()) {
            rows.add(CatalogRow.of(pgAttribute)
                    .set("attrelid", relationOid).set("attname", s.name()).set("atttypid", s.typeOid())
                    .set("attstattarget", 0).set("attlen", s.length()).set("attnum", s.number())
                    .set("attndims", 0).set("attcacheoff", -1).set("atttypmod", -1)
                    .set("attbyval", s.byValue()).set("attalign", String.valueOf(s.align()))
                    .set("attstorage", String.valueOf(s.storage())).set("attcompression", "")
                    .set("attnotnull", true).set("atthasdef", false).set("atthasmissing", false)
                    .set("attidentity", "").set("attgenerated", "").set("attisdropped", false)
                    .set("attislocal", true).set("attinhcount", 0).set("attcollation", 0L)
                    .build());
        }
        return rows;
    }

    /**
     * ALTER TABLE ADD COLUMN: the table's pg_class row with relnatts raised by one, and the new column's
     * pg_attribute row (attnum = old relnatts + 1).
     *
     * @param pgClassRow the table's current pg_class row (not changed)
     */
    public AddColumnRows addColumn(Object[] pgClassRow, ColumnDefinition column) {
        CatalogRow classRow = CatalogRow.from(pgClass, pgClassRow);
        short attnum = (short) ((Short) classRow.get("relnatts") + 1);
        classRow.set("relnatts", attnum);
        Object[] attribute = attributeRow((Long) classRow.get("oid"), attnum, column);
        return new AddColumnRows(classRow.build(), attribute);
    }

    /** The rows ADD COLUMN writes: the updated pg_class row and the new pg_attribute row. */
    public record AddColumnRows(Object[] pgClass, Object[] pgAttribute) {
    }

    /**
     * A pg_attrdef row: the default expression of column {@code attnum} of {@code relationOid}.
     *
     * @param adbin the expression in the form pgjava stores node trees in (pg_node_tree text)
     */
    public Object[] attrdefRow(long oid, long relationOid, short attnum, String adbin) {
        return CatalogRow.of(pgAttrdef).set("oid", oid).set("adrelid", relationOid).set("adnum", attnum)
                .set("adbin", adbin).build();
    }

    /**
     * The array type name PostgreSQL's makeArrayTypeName tries first: "_" + the type name, cut to 63 bytes
     * on a character boundary. (When that name is taken PostgreSQL prepends more underscores; the caller
     * checks for collisions.)
     */
    public static String defaultArrayTypeName(String typeName) {
        String name = "_" + typeName;
        while (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        return name;
    }
}
