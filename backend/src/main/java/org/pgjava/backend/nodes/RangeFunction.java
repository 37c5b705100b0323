package org.pgjava.backend.nodes;

import java.util.List;

/**
 * A function call in FROM: {@code f(args) [WITH ORDINALITY] [[AS] alias [(col, ...)]]}, like PostgreSQL's
 * RangeFunction.
 *
 * @param alias      null when not written
 * @param colAliases column aliases (empty when not written)
 */
public record RangeFunction(ExprNode.FuncCall call, boolean ordinality, String alias, List<String> colAliases,
                            int location) implements Node {
}
