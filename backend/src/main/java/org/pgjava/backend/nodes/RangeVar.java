package org.pgjava.backend.nodes;

import java.util.List;

/**
 * A FROM-clause table reference {@code [schema.]name [[AS] alias [(col, ...)]]}.
 *
 * @param alias      null when not written
 * @param colAliases column aliases (empty when not written)
 */
public record RangeVar(List<String> names, String alias, List<String> colAliases, int location) implements Node {
}
