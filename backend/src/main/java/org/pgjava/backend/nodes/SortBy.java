package org.pgjava.backend.nodes;

/** ORDER BY item: {@code nullsFirst} null when not written. */
public record SortBy(ExprNode expr, boolean descending, Boolean nullsFirst, int location) implements Node {
}
