package org.pgjava.catalog.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;

class BootstrapDataTest {
    private final BootstrapData data = BootstrapData.load();

    @Test
    void shapesMatchPostgres15ColumnCounts() {
        // relnatts of PostgreSQL 15's catalogs.
        int[][] expected = {{1259, 33}, {1249, 26}, {1247, 32}, {2615, 4}, {1262, 16}, {1260, 12}, {2604, 4},
                {1255, 30}, {1213, 5}, {2601, 4}};
        for (int[] e : expected) {
            assertEquals(e[1], data.shape(BootstrapCatalog.byOid(e[0])).columnCount(), "catalog " + e[0]);
        }
    }

    @Test
    void pgClassColumnsInAttnumOrderWithTypesAndLayout() {
        CatalogShape pgClass = data.shape(BootstrapCatalog.PG_CLASS);
        CatalogColumn oid = pgClass.columns().get(0);
        assertEquals("oid", oid.name());
        assertEquals(26, oid.typeOid());
        assertEquals(4, oid.length());
        assertEquals('i', oid.align());
        assertTrue(oid.notNull());
        CatalogColumn relname = pgClass.columns().get(1);
        assertEquals("relname", relname.name());
        assertEquals(64, relname.length());
        assertEquals('c', relname.align());
        assertEquals(950, relname.collation());
        assertEquals(10, pgClass.index("reltuples"));
        assertEquals(700, pgClass.columns().get(10).typeOid());
        CatalogColumn relacl = pgClass.columns().get(pgClass.index("relacl"));
        assertEquals(1034, relacl.typeOid());
        assertTrue(!relacl.notNull());
        assertThrows(IllegalArgumentException.class, () -> pgClass.index("nosuch"));
    }

    @Test
    void systemColumnsAsPostgresListsThem() {
        List<CatalogColumn> system = data.shape(BootstrapCatalog.PG_TYPE).systemColumns();
        assertEquals(List.of("ctid", "xmin", "cmin", "xmax", "cmax", "tableoid"),
                system.stream().map(CatalogColumn::name).toList());
        assertEquals(List.of((short) -1, (short) -2, (short) -3, (short) -4, (short) -5, (short) -6),
                system.stream().map(CatalogColumn::number).toList());
        assertEquals(27, system.get(0).typeOid());
        assertEquals(6, system.get(0).length());
        assertEquals('s', system.get(0).align());
    }

    @Test
    void referenceRowsAreTypedAsDocumented() {
        CatalogShape ns = data.shape(BootstrapCatalog.PG_NAMESPACE);
        Object[] catalog = data.referenceRows(BootstrapCatalog.PG_NAMESPACE).stream()
                .filter(r -> r[ns.index("oid")].equals(11L)).findFirst().orElseThrow();
        assertEquals("pg_catalog", catalog[ns.index("nspname")]);
        assertArrayEquals(new String[] {"@SUPERUSER@=UC/@SUPERUSER@", "=U/@SUPERUSER@"},
                (String[]) catalog[ns.index("nspacl")]);
        for (BootstrapCatalog c : BootstrapCatalog.values()) {
            CatalogShape shape = data.shape(c);
            for (Object[] row : data.referenceRows(c)) {
                for (int i = 0; i < row.length; i++) {
                    assertTrue(CatalogValues.isRepresentation(shape.columns().get(i).typeOid(), row[i]),
                            c + "." + shape.columns().get(i).name() + " = " + row[i]);
                }
            }
        }
    }

    @Test
    void copyTextAndArrayParsing() {
        assertEquals("a\tb\\c\n", CatalogValues.unescapeCopy("a\\tb\\\\c\\n"));
        assertEquals("A", CatalogValues.unescapeCopy("\\101"));
        assertEquals(List.of("a b", "x", "q\"z"), CatalogValues.parseArrayLiteral("{\"a b\",x,\"q\\\"z\"}"));
        assertNull(CatalogValues.parseArrayLiteral("{NULL,\"NULL\"}").get(0));
        assertEquals("NULL", CatalogValues.parseArrayLiteral("{NULL,\"NULL\"}").get(1));
        assertArrayEquals(new Long[] {23L, 25L}, (Long[]) CatalogValues.parseCopyField("23 25", CatalogValues.OIDVECTOR));
        assertEquals(4294967295L, CatalogValues.parseCopyField("4294967295", CatalogValues.OID));
        assertEquals("", CatalogValues.parseCopyField("", CatalogValues.CHAR));
        assertNull(CatalogValues.parseCopyField("\\N", CatalogValues.INT4));
        assertThrows(PgException.class, () -> CatalogValues.parseCopyField("x", 1186));
        assertThrows(IllegalArgumentException.class, () -> CatalogValues.parseArrayLiteral("{{1},{2}}"));
        assertEquals("\"Mixed Case\"", CatalogValues.aclRoleName("Mixed Case"));
        assertEquals("Admin_1", CatalogValues.aclRoleName("Admin_1"));
    }
}
