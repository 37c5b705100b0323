package org.pgjava.backend.nodes;

import org.pgjava.backend.nodes.Node;

/**
 * One statement as the parser returns it, with where it sits in the query string.
 *
 * @param stmt      the statement's syntax tree
 * @param location  0-based character offset of the statement's first token in the query string
 * @param length    length in characters up to (not including) the terminating ';', or to the end
 */
public record RawStatement(Node stmt, int location, int length) {
}
