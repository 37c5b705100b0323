package org.pgjava.catalog.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.bootstrap.CatalogShape;
import org.pgjava.catalog.bootstrap.CatalogValues;

/**
 * Compares the row builders with what PostgreSQL 15 wrote for
 * {@code CREATE TABLE pgjava_sample_t(a int4 NOT NULL, b text, c varchar(10), d numeric(10,2), e bool[], g name);
 * ALTER TABLE pgjava_sample_t ADD COLUMN f int8} (sample_table.tsv, from scripts/catalog/generate_bootstrap.py).
 */
class TableRowsTest {
    private final BootstrapData data = BootstrapData.load();
    private final TableRows builder = new TableRows(data);
    private final InitdbRows initdb = new InitdbRows(data, new InitdbParameters(
            new RoleEntry(10, "postgres", true, true, -1, null, null, List.of()), 6, 'c', "C", "C", 3));

    private List<Object[]> golden(BootstrapCatalog catalog) throws IOException {
        CatalogShape shape = data.shape(catalog);
        List<Object[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("sample_table.tsv"), StandardCharsets.UTF_8))) {
            for (String line : r.lines().toList()) {
                if (!line.startsWith(catalog.relname() + "\t")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                Object[] row = new Object[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    row[i - 1] = CatalogValues.parseCopyField(f[i], shape.columns().get(i - 1).typeOid());
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static void assertRow(CatalogShape shape, Object[] expected, Object[] actual) {
        for (int i = 0; i < expected.length; i++) {
            String what = shape.catalog().relname() + "." + shape.columns().get(i).name();
            if (expected[i] instanceof Object[] e) {
                assertArrayEquals(e, (Object[]) actual[i], what);
            } else {
                assertEquals(expected[i], actual[i], what);
            }
        }
    }

    @Test
    void createTableThenAddColumnMatchesPostgres() throws IOException {
        CatalogShape pgClass = data.shape(BootstrapCatalog.PG_CLASS);
        CatalogShape pgType = data.shape(BootstrapCatalog.PG_TYPE);
        CatalogShape pgAttribute = data.shape(BootstrapCatalog.PG_ATTRIBUTE);
        Object[] goldenClass = golden(BootstrapCatalog.PG_CLASS).get(0);
        List<Object[]> goldenTypes = golden(BootstrapCatalog.PG_TYPE);
        Object[] goldenArray = goldenTypes.stream().filter(r -> r[pgType.index("typcategory")].equals("A")).findFirst().orElseThrow();
        Object[] goldenRowType = goldenTypes.stream().filter(r -> r[pgType.index("typtype")].equals("c")).findFirst().orElseThrow();
        long relOid = (Long) goldenClass[pgClass.index("oid")];

        List<ColumnDefinition> columns = List.of(
                new ColumnDefinition("a", initdb.typeShape(23), -1, 0, true, false, 0),
                ColumnDefinition.of("b", initdb.typeShape(25)),
                new ColumnDefinition("c", initdb.typeShape(1043), 14, 0, false, false, 100),
                new ColumnDefinition("d", initdb.typeShape(1700), 655366, 0, false, false, 0),
                new ColumnDefinition("e", initdb.typeShape(1000), -1, 1, false, false, 0),
                ColumnDefinition.of("g", initdb.typeShape(19)));
        NewTableRows created = builder.newTable(new NewTableDefinition("pgjava_sample_t", 2200, 10, relOid, relOid,
                (Long) goldenRowType[pgType.index("oid")], (Long) goldenArray[pgType.index("oid")],
                TableRows.defaultArrayTypeName("pgjava_sample_t"), 'p',
                (Long) goldenClass[pgClass.index("relfrozenxid")], 1, columns));
        TableRows.AddColumnRows added = builder.addColumn(created.pgClass(), ColumnDefinition.of("f", initdb.typeShape(20)));

        // pgjava creates no TOAST table: the only documented difference.
        Object[] expectedClass = goldenClass.clone();
        expectedClass[pgClass.index("reltoastrelid")] = 0L;
        assertRow(pgClass, expectedClass, added.pgClass());
        assertEquals((short) 6, created.pgClass()[pgClass.index("relnatts")]);
        assertRow(pgType, goldenRowType, created.rowType());
        assertRow(pgType, goldenArray, created.arrayType());

        List<Object[]> goldenAttrs = golden(BootstrapCatalog.PG_ATTRIBUTE);
        List<Object[]> ours = new ArrayList<>(created.pgAttribute());
        ours.add(added.pgAttribute());
        ours.sort((x, y) -> Short.compare((Short) x[pgAttribute.index("attnum")], (Short) y[pgAttribute.index("attnum")]));
        assertEquals(goldenAttrs.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertRow(pgAttribute, goldenAttrs.get(i), ours.get(i));
        }
    }

    @Test
    void builderRejectsWrongValues() {
        CatalogShape pgClass = data.shape(BootstrapCatalog.PG_CLASS);
        assertThrows(IllegalArgumentException.class, () -> CatalogRow.of(pgClass).set("relnatts", 3));
        assertThrows(IllegalArgumentException.class, () -> CatalogRow.of(pgClass).set("nosuch", 3));
        assertThrows(IllegalStateException.class, () -> CatalogRow.of(pgClass).set("oid", 5L).build());
        Object[] attrdef = builder.attrdefRow(16400, 16389, (short) 2, "{CONST}");
        assertEquals(16389L, attrdef[data.shape(BootstrapCatalog.PG_ATTRDEF).index("adrelid")]);
    }

    @Test
    void arrayTypeNameIsCutTo63Bytes() {
        assertEquals("_t", TableRows.defaultArrayTypeName("t"));
        String longName = "é".repeat(31) + "x"; // 63 bytes
        String arrayName = TableRows.defaultArrayTypeName(longName);
        assertEquals("_" + "é".repeat(31), arrayName);
    }
}
