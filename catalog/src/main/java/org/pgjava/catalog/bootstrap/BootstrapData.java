package org.pgjava.catalog.bootstrap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL 15's system-catalog shapes and the catalog rows of a freshly initdb'ed PostgreSQL 15, as
 * {@code scripts/catalog/generate_bootstrap.py} dumped them into the resources
 * {@code org/pgjava/catalog/bootstrap/<catalog>.tsv}. These are PostgreSQL's values unchanged (aclitem
 * texts name the bootstrap superuser as {@code @SUPERUSER@}); {@link InitdbRows} turns them into the rows
 * pgjava's initdb writes.
 *
 * <p>Immutable after {@link #load()}; callers keep the instance (no static cache). Row arrays handed
 * out are fresh copies.
 *
 * <p>Entry points: {@link #load()}, {@link #shape(BootstrapCatalog)}, {@link #referenceRows(BootstrapCatalog)}.
 */
public final class BootstrapData {
    /** The placeholder for the bootstrap superuser's name inside aclitem texts of the resources. */
    public static final String SUPERUSER_PLACEHOLDER = "@SUPERUSER@";

    private final Map<BootstrapCatalog, CatalogShape> shapes = new EnumMap<>(BootstrapCatalog.class);
    private final Map<BootstrapCatalog, List<Object[]>> rows = new EnumMap<>(BootstrapCatalog.class);

    private BootstrapData() {
    }

    /**
     * Reads every bootstrap resource and checks that each file's header matches the catalog's shape as
     * pg_attribute lists it.
     *
     * @throws IllegalStateException when a resource is missing or inconsistent (a build error)
     */
    public static BootstrapData load() {
        BootstrapData data = new BootstrapData();
        for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
            data.rows.put(catalog, readResource(catalog));
        }
        List<Object[]> attributes = data.rows.get(BootstrapCatalog.PG_ATTRIBUTE);
        CatalogShape attributeShape = headerShape(BootstrapCatalog.PG_ATTRIBUTE);
        for (BootstrapCatalog catalog : BootstrapCatalog.values()) {
            List<CatalogColumn> user = new ArrayList<>();
            List<CatalogColumn> system = new ArrayList<>();
            for (Object[] a : attributes) {
                if ((Long) a[attributeShape.index("attrelid")] != catalog.oid()) {
                    continue;
                }
                CatalogColumn column = columnFromAttribute(attributeShape, a);
                (column.number() > 0 ? user : system).add(column);
            }
            user.sort((x, y) -> Short.compare(x.number(), y.number()));
            system.sort((x, y) -> Short.compare(y.number(), x.number()));
            CatalogShape shape = new CatalogShape(catalog, user, system);
            List<String[]> header = readHeader(catalog);
            if (header.size() != user.size()) {
                throw new IllegalStateException(catalog.relname() + ": resource header and pg_attribute disagree");
            }
            for (int i = 0; i < header.size(); i++) {
                if (!header.get(i)[0].equals(user.get(i).name())
                        || Long.parseLong(header.get(i)[1]) != user.get(i).typeOid()) {
                    throw new IllegalStateException(catalog.relname() + ": column " + (i + 1) + " disagrees");
                }
            }
            data.shapes.put(catalog, shape);
        }
        return data;
    }

    /** Builds a column from a pg_attribute row laid out as {@code shape} (pg_attribute's own shape). */
    static CatalogColumn columnFromAttribute(CatalogShape shape, Object[] a) {
        return new CatalogColumn((String) a[shape.index("attname")], (Long) a[shape.index("atttypid")],
                (Short) a[shape.index("attlen")], (Short) a[shape.index("attnum")],
                (Boolean) a[shape.index("attbyval")], ((String) a[shape.index("attalign")]).charAt(0),
                ((String) a[shape.index("attstorage")]).charAt(0), (Boolean) a[shape.index("attnotnull")],
                (Long) a[shape.index("attcollation")]);
    }

    /** The catalog's columns (user and system) as PostgreSQL 15 defines them. */
    public CatalogShape shape(BootstrapCatalog catalog) {
        return shapes.get(catalog);
    }

    /**
     * The rows the reference PostgreSQL 15 holds for this catalog (filtered as the generator documents),
     * each a fresh {@code Object[]} in column order with {@link CatalogValues}' Java representations.
     */
    public List<Object[]> referenceRows(BootstrapCatalog catalog) {
        List<Object[]> copy = new ArrayList<>();
        for (Object[] row : rows.get(catalog)) {
            copy.add(row.clone());
        }
        return copy;
    }

    private static CatalogShape headerShape(BootstrapCatalog catalog) {
        List<CatalogColumn> columns = new ArrayList<>();
        short n = 1;
        for (String[] h : readHeader(catalog)) {
            columns.add(new CatalogColumn(h[0], Long.parseLong(h[1]), (short) 0, n++, false, 'c', 'p', false, 0));
        }
        return new CatalogShape(catalog, columns, List.of());
    }

    private static List<String> readLines(BootstrapCatalog catalog) {
        String name = catalog.relname() + ".tsv";
        try (InputStream in = BootstrapData.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource org/pgjava/catalog/bootstrap/" + name);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String[]> readHeader(BootstrapCatalog catalog) {
        String header = readLines(catalog).get(0);
        if (!header.startsWith("#")) {
            throw new IllegalStateException(catalog.relname() + ".tsv has no header line");
        }
        List<String[]> columns = new ArrayList<>();
        for (String c : header.substring(1).split("\t")) {
            int colon = c.lastIndexOf(':');
            columns.add(new String[] {c.substring(0, colon), c.substring(colon + 1)});
        }
        return columns;
    }

    private static List<Object[]> readResource(BootstrapCatalog catalog) {
        List<String[]> header = readHeader(catalog);
        List<String> lines = readLines(catalog);
        List<Object[]> result = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split("\t", -1);
            if (fields.length != header.size()) {
                throw new IllegalStateException(catalog.relname() + ".tsv: row with " + fields.length
                        + " fields, expected " + header.size() + ": " + line);
            }
            Object[] row = new Object[fields.length];
            for (int i = 0; i < fields.length; i++) {
                row[i] = CatalogValues.parseCopyField(fields[i], Long.parseLong(header.get(i)[1]));
            }
            result.add(row);
        }
        return result;
    }
}
