package org.pgjava.backend.nodes;

/**
 * {@code ALTER TABLE [IF EXISTS] t ADD [COLUMN] [IF NOT EXISTS] column_definition}: the one ALTER TABLE
 * action built so far (the parser answers 0A000 for the others and for several actions in one statement).
 */
public record AlterTableStmt(RangeVar relation, boolean ifExists, ColumnDef addColumn, boolean ifNotExists,
                             int location) implements Node {
}
