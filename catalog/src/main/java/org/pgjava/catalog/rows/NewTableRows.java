package org.pgjava.catalog.rows;

import java.util.List;

/**
 * The catalog rows one CREATE TABLE inserts, each an {@code Object[]} in its catalog's column order.
 *
 * @param pgClass       the table's pg_class row
 * @param rowType       the pg_type row of the table's composite row type (typtype 'c')
 * @param arrayType     the pg_type row of the row type's array type (typcategory 'A')
 * @param pgAttribute   the pg_attribute rows: user columns in attnum order, then the six system columns
 */
public record NewTableRows(Object[] pgClass, Object[] rowType, Object[] arrayType, List<Object[]> pgAttribute) {
    public NewTableRows {
        pgAttribute = List.copyOf(pgAttribute);
    }
}
