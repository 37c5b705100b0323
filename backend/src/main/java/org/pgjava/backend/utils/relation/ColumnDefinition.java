package org.pgjava.backend.utils.relation;

/**
 * A column as CREATE TABLE or ALTER TABLE ADD COLUMN defines it, already analyzed: the type name resolved
 * to an OID and typmod exactly as PostgreSQL does (int -> int4/-1, varchar(10) -> varchar/14,
 * numeric(5,2) -> numeric/327686, timestamp(3) -> timestamp/3), the default expression checked (it
 * coerces to the column's type) and kept as SQL text.
 *
 * @param name        the column name (case-folded identifier)
 * @param typeOid     pg_type OID
 * @param typmod      atttypmod, -1 if none
 * @param notNull     NOT NULL was declared
 * @param defaultExpr the DEFAULT expression as SQL text (the text as written), or null; stored as is and
 *                    handed back in {@link TableColumn#defaultExpr()}
 */
public record ColumnDefinition(String name, int typeOid, int typmod, boolean notNull, String defaultExpr) {
}
