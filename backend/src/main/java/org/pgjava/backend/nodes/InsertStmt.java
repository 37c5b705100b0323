package org.pgjava.backend.nodes;

import java.util.List;

/**
 * {@code INSERT INTO t [AS a] [(cols)] {VALUES ... | SELECT ... | DEFAULT VALUES} [RETURNING ...]}.
 * VALUES rows may contain {@link ExprNode.SetToDefault} as whole items.
 *
 * @param relation  the target table (its alias, if any, names it in RETURNING)
 * @param columns   the column list, empty when not written
 * @param select    the row source (a VALUES or SELECT statement), or null for DEFAULT VALUES
 * @param returning the RETURNING list, empty when not written
 */
public record InsertStmt(RangeVar relation, List<AssignTarget> columns, SelectStmt select, List<ResTarget> returning,
                         int location) implements Node {
}
