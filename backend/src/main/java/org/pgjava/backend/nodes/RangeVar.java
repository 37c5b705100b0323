package org.pgjava.backend.nodes;

import java.util.List;

/** A FROM-clause table reference [schema.]name [[AS] alias]. */
public record RangeVar(List<String> names, String alias, int location) implements Node {
}
