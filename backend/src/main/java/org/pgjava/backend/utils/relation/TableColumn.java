package org.pgjava.backend.utils.relation;

/**
 * One attribute of a {@link ModifiableTable}, as pg_attribute and pg_attrdef describe it. Attribute
 * numbers are positional: entry {@code i} of {@link ModifiableTable#tableColumns()} is attnum {@code i + 1}.
 *
 * @param name        attname; for a dropped column anything (PostgreSQL's "........pg.dropped.N........")
 * @param typeOid     atttypid (0 allowed for a dropped column)
 * @param typmod      atttypmod, -1 if none
 * @param notNull     attnotnull: INSERT and UPDATE raise 23502 for a NULL here
 * @param defaultExpr the column default as SQL expression text that {@code Parser.parseExpression} accepts
 *                    (the text CREATE TABLE / ADD COLUMN handed to {@link CatalogWriter}, or
 *                    pg_get_expr(adbin) output), or null when the column has no default. The analyzer parses
 *                    it, and coerces it to (typeOid, typmod) in assignment context, anew for each statement
 * @param dropped     attisdropped: the column is invisible to SQL (not in {@code *}, not nameable) but
 *                    still occupies its slot in every row array
 */
public record TableColumn(String name, int typeOid, int typmod, boolean notNull, String defaultExpr,
                          boolean dropped) {
    /** The scan-level description ({@link RelationSource#columns()}) of this attribute. */
    public RelationColumn relationColumn() {
        return new RelationColumn(name, typeOid, typmod);
    }
}
