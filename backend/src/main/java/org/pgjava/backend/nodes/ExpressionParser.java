package org.pgjava.backend.nodes;

/**
 * Parses SQL text holding one expression into a raw syntax tree: how the analyzer reads column defaults
 * stored as text (the analyzer sits after the parser in the pipeline, so the traffic cop hands it the
 * parser's {@code Parser::parseExpression}).
 */
@FunctionalInterface
public interface ExpressionParser {
    /**
     * @return the expression's syntax tree, locations being offsets into {@code text}
     * @throws org.pgjava.conf.errors.PgException 42601 when the text is not exactly one expression
     */
    ExprNode parse(String text);
}
