package org.pgjava.backend.nodes;

/**
 * A column definition of CREATE TABLE or ALTER TABLE ADD COLUMN with the constraints pgjava builds (NOT
 * NULL, NULL, DEFAULT); the parser rejects the others (0A000).
 *
 * @param name          the column name
 * @param type          its type as written
 * @param notNull       NOT NULL was written
 * @param defaultExpr   the DEFAULT expression, or null
 * @param defaultText   the DEFAULT expression's source text exactly as written, or null
 * @param location      0-based offset of the column name
 */
public record ColumnDef(String name, TypeName type, boolean notNull, ExprNode defaultExpr, String defaultText,
                        int location) implements Node {
}
