package org.pgjava.backend.nodes;

import java.util.List;

/** {@code CREATE TABLE [IF NOT EXISTS] [schema.]name (column definitions)}. */
public record CreateTableStmt(RangeVar relation, List<ColumnDef> columns, boolean ifNotExists, int location)
        implements Node {
}
