package org.pgjava.backend.nodes;

/**
 * Marker for every syntax-tree node the parser produces. Nodes are immutable records; each carries the
 * 0-based character offset of its first token ({@code location}, -1 if unknown) so errors can report a
 * position. Statement nodes that the traffic cop executes itself implement {@link UtilityStatement}.
 */
public interface Node {
}
