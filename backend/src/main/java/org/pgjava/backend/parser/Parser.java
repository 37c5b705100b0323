package org.pgjava.backend.parser;

import org.pgjava.backend.nodes.RawStatement;
import java.util.List;
import org.pgjava.backend.utils.StackDepth;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Entry point of the hand-written recursive-descent parser for PostgreSQL's SQL dialect: {@link Lexer}
 * turns the string into tokens, {@link SqlParser} builds the raw syntax trees (parser/nodes). Analysis
 * (names, types, operators) happens later, in {@code parser.analyze.Analyzer}, called by the planner.
 */
public final class Parser {
    private Parser() {
    }

    /**
     * Splits and parses a query string into statements. Empty statements (";;") are dropped; an
     * all-blank string returns an empty list (the protocol answers EmptyQueryResponse).
     *
     * @throws PgException 42601 syntax_error with the 1-based character position of the offending token,
     *                     message as PostgreSQL's: {@code syntax error at or near "x"} /
     *                     {@code syntax error at end of input}; 0A000 for statements not built yet
     */
    public static List<RawStatement> parse(String query) {
        try {
            return new SqlParser(query).parseAll();
        } catch (StackOverflowError e) {
            throw StackDepth.limitExceeded();
        }
    }

    /**
     * Parses a string holding exactly one expression, such as a column default stored as SQL text
     * ({@code TableColumn.defaultExpr}). Locations in the result are offsets into {@code expression}.
     *
     * @throws PgException 42601 when it is not exactly one expression
     */
    public static org.pgjava.backend.nodes.ExprNode parseExpression(String expression) {
        try {
            return new SqlParser(expression).parseWholeExpression();
        } catch (StackOverflowError e) {
            throw StackDepth.limitExceeded();
        }
    }
}
