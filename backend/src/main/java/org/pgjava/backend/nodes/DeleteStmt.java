package org.pgjava.backend.nodes;

import java.util.List;

/**
 * {@code DELETE FROM t [[AS] a] [WHERE ...] [RETURNING ...]}.
 *
 * @param where null when not written
 */
public record DeleteStmt(RangeVar relation, ExprNode where, List<ResTarget> returning, int location) implements Node {
}
