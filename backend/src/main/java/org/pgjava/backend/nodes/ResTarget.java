package org.pgjava.backend.nodes;

/** One select-list entry: an expression with an optional alias ({@code name} null when none). */
public record ResTarget(String name, ExprNode value, int location) implements Node {
}
