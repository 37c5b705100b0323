package org.pgjava.catalog.bootstrap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The column list of one system catalog, exactly as PostgreSQL 15's pg_attribute lists it: user columns
 * in attnum order (a row is an {@code Object[]} with one element per user column, index = attnum - 1)
 * and the six system columns (ctid -1, xmin -2, cmin -3, xmax -4, cmax -5, tableoid -6).
 *
 * <p>Entry points: {@link #columns()}, {@link #index(String)}, {@link #newRow()}.
 */
public final class CatalogShape {
    private final BootstrapCatalog catalog;
    private final List<CatalogColumn> columns;
    private final List<CatalogColumn> systemColumns;
    private final Map<String, Integer> indexByName = new HashMap<>();

    CatalogShape(BootstrapCatalog catalog, List<CatalogColumn> columns, List<CatalogColumn> systemColumns) {
        this.catalog = catalog;
        this.columns = List.copyOf(columns);
        this.systemColumns = List.copyOf(systemColumns);
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).number() != i + 1) {
                throw new IllegalStateException(catalog.relname() + ": column " + columns.get(i).name()
                        + " has attnum " + columns.get(i).number() + ", expected " + (i + 1));
            }
            indexByName.put(columns.get(i).name(), i);
        }
    }

    /** The catalog this shape belongs to. */
    public BootstrapCatalog catalog() {
        return catalog;
    }

    /** User columns in attnum order (element i has attnum i + 1). */
    public List<CatalogColumn> columns() {
        return columns;
    }

    /** System columns as pg_attribute lists them, attnum -1 (ctid) down to -6 (tableoid). */
    public List<CatalogColumn> systemColumns() {
        return systemColumns;
    }

    /** Number of user columns (pg_class.relnatts). */
    public int columnCount() {
        return columns.size();
    }

    /**
     * The row-array index of a user column.
     *
     * @throws IllegalArgumentException when the catalog has no such column
     */
    public int index(String columnName) {
        Integer i = indexByName.get(columnName);
        if (i == null) {
            throw new IllegalArgumentException(catalog.relname() + " has no column " + columnName);
        }
        return i;
    }

    /** An all-NULL row of this catalog's width. */
    public Object[] newRow() {
        return new Object[columns.size()];
    }
}
