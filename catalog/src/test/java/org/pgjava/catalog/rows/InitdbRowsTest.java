package org.pgjava.catalog.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pgjava.catalog.BuiltinType;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.bootstrap.CatalogShape;

class InitdbRowsTest {
    private final BootstrapData data = BootstrapData.load();
    private final RoleEntry admin = new RoleEntry(10, "Admin", true, true, -1, "SCRAM-SHA-256$x", null, List.of());
    private final InitdbRows initdb = new InitdbRows(data, new InitdbParameters(admin, 6, 'c', "C", "C",
            InitdbParameters.FIRST_NORMAL_XID));

    private Map<Long, Object[]> byOid(BootstrapCatalog catalog) {
        CatalogShape shape = data.shape(catalog);
        Map<Long, Object[]> map = new HashMap<>();
        for (Object[] row : initdb.rows(catalog)) {
            map.put((Long) row[shape.index("oid")], row);
        }
        return map;
    }

    private Object col(BootstrapCatalog catalog, Object[] row, String column) {
        return row[data.shape(catalog).index(column)];
    }

    @Test
    void namespacesTablespacesAccessMethods() {
        Map<Long, Object[]> ns = byOid(BootstrapCatalog.PG_NAMESPACE);
        assertEquals(Set.of(11L, 99L, 2200L), ns.keySet());
        assertEquals("public", col(BootstrapCatalog.PG_NAMESPACE, ns.get(2200L), "nspname"));
        assertEquals(6171L, col(BootstrapCatalog.PG_NAMESPACE, ns.get(2200L), "nspowner"));
        assertArrayEquals(new String[] {"Admin=UC/Admin", "=U/Admin"},
                (String[]) col(BootstrapCatalog.PG_NAMESPACE, ns.get(11L), "nspacl"));
        Map<Long, Object[]> ts = byOid(BootstrapCatalog.PG_TABLESPACE);
        assertEquals("pg_default", col(BootstrapCatalog.PG_TABLESPACE, ts.get(1663L), "spcname"));
        assertEquals("pg_global", col(BootstrapCatalog.PG_TABLESPACE, ts.get(1664L), "spcname"));
        Map<Long, Object[]> am = byOid(BootstrapCatalog.PG_AM);
        assertEquals("heap", col(BootstrapCatalog.PG_AM, am.get(2L), "amname"));
        assertEquals("t", col(BootstrapCatalog.PG_AM, am.get(2L), "amtype"));
        assertEquals(3L, col(BootstrapCatalog.PG_AM, am.get(2L), "amhandler"));
        assertEquals("btree", col(BootstrapCatalog.PG_AM, am.get(403L), "amname"));
        assertTrue(byOid(BootstrapCatalog.PG_PROC).containsKey(3L), "heap_tableam_handler row");
    }

    @Test
    void databasesAsInitdbMakesThem() {
        Map<Long, Object[]> db = byOid(BootstrapCatalog.PG_DATABASE);
        BootstrapCatalog d = BootstrapCatalog.PG_DATABASE;
        assertEquals("template1", col(d, db.get(1L), "datname"));
        assertEquals(true, col(d, db.get(1L), "datistemplate"));
        assertEquals(true, col(d, db.get(1L), "datallowconn"));
        assertEquals(false, col(d, db.get(4L), "datallowconn"));
        assertEquals(true, col(d, db.get(4L), "datistemplate"));
        assertEquals(false, col(d, db.get(5L), "datistemplate"));
        assertEquals(6, col(d, db.get(5L), "encoding"));
        assertEquals(1663L, col(d, db.get(5L), "dattablespace"));
        assertNull(col(d, db.get(5L), "datacl"));
        assertArrayEquals(new String[] {"=c/Admin", "Admin=CTc/Admin"}, (String[]) col(d, db.get(1L), "datacl"));
    }

    @Test
    void rolesPredefinedPlusSuperuser() {
        Map<Long, Object[]> roles = byOid(BootstrapCatalog.PG_AUTHID);
        BootstrapCatalog a = BootstrapCatalog.PG_AUTHID;
        assertEquals("Admin", col(a, roles.get(10L), "rolname"));
        assertEquals(true, col(a, roles.get(10L), "rolsuper"));
        assertEquals(true, col(a, roles.get(10L), "rolbypassrls"));
        assertEquals("SCRAM-SHA-256$x", col(a, roles.get(10L), "rolpassword"));
        assertEquals("pg_database_owner", col(a, roles.get(6171L), "rolname"));
        assertEquals(false, col(a, roles.get(6171L), "rolcanlogin"));
        assertEquals(13, roles.size());
        Object[] plain = new RoleRows(data).pgAuthidRow(new RoleEntry(16384, "bob", false, true, 3, null, null, List.of()));
        assertEquals(false, col(a, plain, "rolcreatedb"));
        assertEquals(true, col(a, plain, "rolinherit"));
        assertEquals(3, col(a, plain, "rolconnlimit"));
        assertThrows(IllegalArgumentException.class, () -> new InitdbParameters(
                new RoleEntry(11, "x", true, true, -1, null, null, List.of()), 6, 'c', "C", "C", 3));
    }

    @Test
    void everyBuiltinTypeHasItsPostgresRow() {
        Map<Long, Object[]> types = byOid(BootstrapCatalog.PG_TYPE);
        BootstrapCatalog t = BootstrapCatalog.PG_TYPE;
        for (BuiltinType b : BuiltinType.values()) {
            Object[] row = types.get((long) b.oid());
            assertNotNull(row, b.name());
            assertEquals(b.typname(), col(t, row, "typname"));
            assertEquals(11L, col(t, row, "typnamespace"));
            assertEquals(b.typlen(), col(t, row, "typlen"), b.name());
            assertEquals(b.typbyval(), col(t, row, "typbyval"), b.name());
            assertEquals(String.valueOf(b.typcategory()), col(t, row, "typcategory"), b.name());
            assertEquals((long) b.typelem(), col(t, row, "typelem"), b.name());
            assertEquals((long) b.typarray(), col(t, row, "typarray"), b.name());
        }
        Object[] int4 = types.get(23L);
        assertEquals(42L, col(t, int4, "typinput")); // int4in
        assertEquals(43L, col(t, int4, "typoutput")); // int4out
        assertEquals("i", col(t, int4, "typalign"));
        assertEquals("p", col(t, int4, "typstorage"));
        assertEquals(100L, col(t, types.get(25L), "typcollation"));
        Object[] pgClassType = types.get(83L);
        assertEquals("c", col(t, pgClassType, "typtype"));
        assertEquals(1259L, col(t, pgClassType, "typrelid"));
        assertTrue(types.containsKey(273L), "_pg_class");
        // every referenced element/array type is present
        for (Object[] row : types.values()) {
            for (String c : List.of("typelem", "typarray")) {
                long ref = (Long) col(t, row, c);
                assertTrue(ref == 0 || types.containsKey(ref), col(t, row, "typname") + "." + c);
            }
        }
        Set<Long> procs = byOid(BootstrapCatalog.PG_PROC).keySet();
        for (Object[] row : types.values()) {
            assertTrue(procs.contains((Long) col(t, row, "typinput")), "input of " + col(t, row, "typname"));
        }
        assertEquals(BuiltinType.INT4.typlen(), initdb.typeShape(23).length());
        assertNull(initdb.typeShape(999999));
    }

    @Test
    void catalogsInPgClassAndPgAttribute() {
        Map<Long, Object[]> classes = byOid(BootstrapCatalog.PG_CLASS);
        BootstrapCatalog c = BootstrapCatalog.PG_CLASS;
        assertEquals(BootstrapCatalog.values().length, classes.size());
        for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
            Object[] row = classes.get(catalog.oid());
            assertEquals(catalog.relname(), col(c, row, "relname"));
            assertEquals(11L, col(c, row, "relnamespace"));
            assertEquals(catalog.rowTypeOid(), col(c, row, "reltype"));
            assertEquals(10L, col(c, row, "relowner"));
            assertEquals(2L, col(c, row, "relam"));
            assertEquals(catalog.relfilenode(), col(c, row, "relfilenode"));
            assertEquals(catalog.reltablespace(), col(c, row, "reltablespace"));
            assertEquals(catalog.shared(), col(c, row, "relisshared"));
            assertEquals(0, col(c, row, "relpages"));
            assertEquals(-1f, col(c, row, "reltuples"));
            assertEquals(false, col(c, row, "relhasindex"));
            assertEquals("p", col(c, row, "relpersistence"));
            assertEquals("r", col(c, row, "relkind"));
            assertEquals((short) data.shape(catalog).columnCount(), col(c, row, "relnatts"));
            assertEquals(3L, col(c, row, "relfrozenxid"));
        }
        BootstrapCatalog a = BootstrapCatalog.PG_ATTRIBUTE;
        Map<Long, List<Object[]>> attrs = initdb.rows(a).stream()
                .collect(Collectors.groupingBy(r -> (Long) col(a, r, "attrelid")));
        for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
            assertEquals(data.shape(catalog).columnCount() + 6, attrs.get(catalog.oid()).size(), catalog.relname());
        }
        assertEquals(BootstrapCatalog.values().length, attrs.size());
    }
}
