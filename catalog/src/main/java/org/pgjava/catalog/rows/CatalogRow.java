package org.pgjava.catalog.rows;

import org.pgjava.catalog.bootstrap.CatalogColumn;
import org.pgjava.catalog.bootstrap.CatalogShape;
import org.pgjava.catalog.bootstrap.CatalogValues;

/**
 * Fills one catalog row by column name and checks it before handing it out: every value must have the
 * Java representation {@link CatalogValues} documents for its column type, and every NOT NULL column
 * must be set. Row builders use it so that a misspelt column or a wrong type fails at once.
 *
 * <p>Entry points: {@link #of(CatalogShape)}, {@link #from(CatalogShape, Object[])}, {@link #set},
 * {@link #build()}.
 */
public final class CatalogRow {
    private final CatalogShape shape;
    private final Object[] values;

    private CatalogRow(CatalogShape shape, Object[] values) {
        this.shape = shape;
        this.values = values;
    }

    /** An all-NULL row of the catalog. */
    public static CatalogRow of(CatalogShape shape) {
        return new CatalogRow(shape, shape.newRow());
    }

    /** A row starting as a copy of {@code row} (which is not changed). */
    public static CatalogRow from(CatalogShape shape, Object[] row) {
        if (row.length != shape.columnCount()) {
            throw new IllegalArgumentException(shape.catalog().relname() + " row has " + row.length + " values");
        }
        return new CatalogRow(shape, row.clone());
    }

    /**
     * Sets one column.
     *
     * @throws IllegalArgumentException for an unknown column or a value of the wrong Java type
     */
    public CatalogRow set(String column, Object value) {
        int i = shape.index(column);
        CatalogColumn c = shape.columns().get(i);
        if (!CatalogValues.isRepresentation(c.typeOid(), value)) {
            throw new IllegalArgumentException(shape.catalog().relname() + "." + column + " (type " + c.typeOid()
                    + ") cannot hold " + value.getClass().getSimpleName() + " " + value);
        }
        values[i] = value;
        return this;
    }

    /** The current value of one column. */
    public Object get(String column) {
        return values[shape.index(column)];
    }

    /**
     * The finished row (a fresh array in column order).
     *
     * @throws IllegalStateException when a NOT NULL column is NULL or a value has the wrong Java type
     */
    public Object[] build() {
        for (int i = 0; i < values.length; i++) {
            CatalogColumn c = shape.columns().get(i);
            if (values[i] == null && c.notNull()) {
                throw new IllegalStateException(shape.catalog().relname() + "." + c.name() + " must not be NULL");
            }
            if (!CatalogValues.isRepresentation(c.typeOid(), values[i])) {
                throw new IllegalStateException(shape.catalog().relname() + "." + c.name() + " holds "
                        + values[i].getClass().getSimpleName());
            }
        }
        return values.clone();
    }
}
