package org.pgjava.backend.nodes;

import java.util.List;

/**
 * A sub-SELECT (or VALUES) in FROM: {@code (query) [AS] alias [(col, ...)]}, like PostgreSQL's RangeSubselect.
 *
 * @param alias      null when not written (PostgreSQL 15 then answers 42601)
 * @param colAliases column aliases (empty when not written)
 */
public record RangeSubselect(SelectStmt subquery, String alias, List<String> colAliases, int location)
        implements Node {
}
