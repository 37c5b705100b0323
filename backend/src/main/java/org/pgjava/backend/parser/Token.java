package org.pgjava.backend.parser;

/**
 * One lexical token of PostgreSQL's SQL dialect as {@link Lexer} produces it.
 *
 * @param kind     the token class
 * @param text     for IDENT: the identifier (folded to lower case unless quoted); for SCONST/BCONST/XCONST:
 *                 the processed string value; for ICONST/FCONST: the digits as written; for OP: the
 *                 operator ("!=" already turned into "<>"); for PARAM: the number; else the source text
 * @param quoted   IDENT only: true for a "quoted" identifier (never a keyword)
 * @param start    0-based character offset of the token's first character in the query string
 * @param end      offset just past the token's last character
 */
public record Token(Kind kind, String text, boolean quoted, int start, int end) {

    /** Token classes; single-character punctuation has its own kind. */
    public enum Kind {
        IDENT, SCONST, BCONST, XCONST, ICONST, FCONST, PARAM, OP,
        TYPECAST, DOT_DOT, COLON_EQUALS, EQUALS_GREATER,
        LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, SEMICOLON, COLON, DOT,
        EOF
    }

    /** True for an unquoted identifier spelled {@code kw} (lower case): how keywords are recognised. */
    public boolean isKeyword(String kw) {
        return kind == Kind.IDENT && !quoted && text.equals(kw);
    }

    /** True for an operator token with exactly this text. */
    public boolean isOp(String op) {
        return kind == Kind.OP && text.equals(op);
    }
}
