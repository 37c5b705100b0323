package org.pgjava.backend.nodes;

import java.util.List;

/**
 * {@code UPDATE t [[AS] a] SET ... [WHERE ...] [RETURNING ...]}. Multiple-column items
 * {@code (a, b) = (1, 2)} are split by the parser into one {@link SetClause} per column.
 *
 * @param where null when not written
 */
public record UpdateStmt(RangeVar relation, List<SetClause> set, ExprNode where, List<ResTarget> returning,
                         int location) implements Node {

    /** One assignment {@code target = value}; {@code value} may be {@link ExprNode.SetToDefault}. */
    public record SetClause(AssignTarget target, ExprNode value) {
    }
}
