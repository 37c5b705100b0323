package org.pgjava.backend.parser;

import java.util.List;
import org.pgjava.conf.errors.PgException;

/**
 * Entry point of the hand-written recursive-descent parser for PostgreSQL's SQL dialect.
 * (Contract; the implementation is being built in this package.)
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
     *                     {@code syntax error at end of input}
     */
    public static List<RawStatement> parse(String query) {
        throw PgException.notSupported("the SQL parser is not built yet");
    }
}
