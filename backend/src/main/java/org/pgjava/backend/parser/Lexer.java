package org.pgjava.backend.parser;

import java.util.ArrayList;
import java.util.List;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * PostgreSQL 15's lexical rules (scan.l) for a whole query string: identifiers (unquoted ones folded to
 * lower case), quoted identifiers, string constants ('' doubling, E'' escapes, quote continuation across
 * newlines, dollar quotes, B'' and X'' bit strings), numbers (integers that do not fit int4 become FCONST,
 * as in PostgreSQL), parameters $n, operators with PostgreSQL's multi-character rules, and comments
 * ({@code --} and nested block comments). standard_conforming_strings is always on.
 *
 * <p>Entry point: {@link #tokenize(String)}. Errors are 42601 with PostgreSQL's texts and the 1-based
 * position of the offending token. No regular expressions: the scanner is a hand-written loop.
 */
public final class Lexer {
    private final String src;
    private final int n;
    private int pos;

    private Lexer(String src) {
        this.src = src;
        this.n = src.length();
    }

    /**
     * Scans the whole string. The returned list always ends with an EOF token whose start is the string
     * length.
     *
     * @throws PgException 42601 for unterminated strings/identifiers/comments, trailing junk after a number,
     *                     zero-length quoted identifiers; 0A000 for U&amp; strings
     */
    public static List<Token> tokenize(String query) {
        Lexer lx = new Lexer(query);
        List<Token> out = new ArrayList<>();
        while (true) {
            Token t = lx.next();
            out.add(t);
            if (t.kind() == Token.Kind.EOF) {
                return out;
            }
        }
    }

    private static PgException error(String msg, String near, int start) {
        return PgException.error(SqlState.SYNTAX_ERROR, msg + " at or near \"" + near + "\"").withPosition(start + 1);
    }

    static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean isIdentCont(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9') || c == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean isOpChar(char c) {
        return switch (c) {
            case '~', '!', '@', '#', '^', '&', '|', '`', '?', '+', '-', '*', '/', '%', '<', '>', '=' -> true;
            default -> false;
        };
    }

    /** Skips whitespace and comments; returns true if a newline was crossed. */
    private boolean skipWhitespace() {
        boolean newline = false;
        while (pos < n) {
            char c = src.charAt(pos);
            if (isSpace(c)) {
                if (c == '\n' || c == '\r') {
                    newline = true;
                }
                pos++;
            } else if (c == '-' && pos + 1 < n && src.charAt(pos + 1) == '-') {
                while (pos < n && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else if (c == '/' && pos + 1 < n && src.charAt(pos + 1) == '*') {
                int start = pos;
                int depth = 1;
                pos += 2;
                while (depth > 0) {
                    if (pos >= n) {
                        throw error("unterminated /* comment", src.substring(start), start);
                    }
                    char d = src.charAt(pos);
                    if (d == '/' && pos + 1 < n && src.charAt(pos + 1) == '*') {
                        depth++;
                        pos += 2;
                    } else if (d == '*' && pos + 1 < n && src.charAt(pos + 1) == '/') {
                        depth--;
                        pos += 2;
                    } else {
                        pos++;
                    }
                }
            } else {
                break;
            }
        }
        return newline;
    }

    private Token next() {
        skipWhitespace();
        if (pos >= n) {
            return new Token(Token.Kind.EOF, "", false, n, n);
        }
        int start = pos;
        char c = src.charAt(pos);
        // string constants with prefixes
        if ((c == 'e' || c == 'E') && peek(1) == '\'') {
            pos += 2;
            return new Token(Token.Kind.SCONST, quotedString(start, true), false, start, pos);
        }
        if ((c == 'n' || c == 'N') && peek(1) == '\'') {
            pos += 2;
            return new Token(Token.Kind.SCONST, quotedString(start, false), false, start, pos);
        }
        if ((c == 'b' || c == 'B') && peek(1) == '\'') {
            pos += 2;
            String v = quotedString(start, false);
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) != '0' && v.charAt(i) != '1') {
                    throw PgException.error(SqlState.SYNTAX_ERROR,
                            "\"" + v.charAt(i) + "\" is not a valid binary digit").withPosition(start + 1);
                }
            }
            return new Token(Token.Kind.BCONST, v, false, start, pos);
        }
        if ((c == 'x' || c == 'X') && peek(1) == '\'') {
            pos += 2;
            String v = quotedString(start, false);
            for (int i = 0; i < v.length(); i++) {
                if (Character.digit(v.charAt(i), 16) < 0) {
                    throw PgException.error(SqlState.SYNTAX_ERROR,
                            "\"" + v.charAt(i) + "\" is not a valid hexadecimal digit").withPosition(start + 1);
                }
            }
            return new Token(Token.Kind.XCONST, v, false, start, pos);
        }
        if ((c == 'u' || c == 'U') && peek(1) == '&' && (peek(2) == '\'' || peek(2) == '"')) {
            return unicodeEscaped(start);
        }
        if (c == '\'') {
            pos++;
            return new Token(Token.Kind.SCONST, quotedString(start, false), false, start, pos);
        }
        if (c == '"') {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= n) {
                    throw error("unterminated quoted identifier", src.substring(start), start);
                }
                char d = src.charAt(pos++);
                if (d == '"') {
                    if (pos < n && src.charAt(pos) == '"') {
                        sb.append('"');
                        pos++;
                    } else {
                        break;
                    }
                } else {
                    sb.append(d);
                }
            }
            if (sb.isEmpty()) {
                throw error("zero-length delimited identifier", src.substring(start, pos), start);
            }
            return new Token(Token.Kind.IDENT, truncateIdentifier(sb.toString()), true, start, pos);
        }
        if (c == '$') {
            if (pos + 1 < n && isDigit(src.charAt(pos + 1))) {
                pos++;
                while (pos < n && isDigit(src.charAt(pos))) {
                    pos++;
                }
                if (pos < n && isIdentCont(src.charAt(pos))) {
                    while (pos < n && isIdentCont(src.charAt(pos))) {
                        pos++;
                    }
                    throw error("trailing junk after parameter", src.substring(start, pos), start);
                }
                return new Token(Token.Kind.PARAM, src.substring(start + 1, pos), false, start, pos);
            }
            Token dq = dollarQuote(start);
            if (dq != null) {
                return dq;
            }
            throw PgException.error(SqlState.SYNTAX_ERROR, "syntax error at or near \"$\"").withPosition(start + 1);
        }
        if (isIdentStart(c)) {
            pos++;
            while (pos < n && isIdentCont(src.charAt(pos))) {
                pos++;
            }
            String raw = src.substring(start, pos);
            return new Token(Token.Kind.IDENT, truncateIdentifier(downcase(raw)), false, start, pos);
        }
        if (isDigit(c) || (c == '.' && pos + 1 < n && isDigit(src.charAt(pos + 1)))) {
            return number(start);
        }
        switch (c) {
            case '(': pos++; return simple(Token.Kind.LPAREN, start);
            case ')': pos++; return simple(Token.Kind.RPAREN, start);
            case '[': pos++; return simple(Token.Kind.LBRACKET, start);
            case ']': pos++; return simple(Token.Kind.RBRACKET, start);
            case ',': pos++; return simple(Token.Kind.COMMA, start);
            case ';': pos++; return simple(Token.Kind.SEMICOLON, start);
            case ':':
                if (peek(1) == ':') {
                    pos += 2;
                    return simple(Token.Kind.TYPECAST, start);
                }
                if (peek(1) == '=') {
                    pos += 2;
                    return simple(Token.Kind.COLON_EQUALS, start);
                }
                pos++;
                return simple(Token.Kind.COLON, start);
            case '.':
                if (peek(1) == '.') {
                    pos += 2;
                    return simple(Token.Kind.DOT_DOT, start);
                }
                pos++;
                return simple(Token.Kind.DOT, start);
            default:
                break;
        }
        if (isOpChar(c)) {
            return operator(start);
        }
        pos++;
        throw PgException.error(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + c + "\"").withPosition(start + 1);
    }

    private Token simple(Token.Kind kind, int start) {
        return new Token(kind, src.substring(start, pos), false, start, pos);
    }

    private char peek(int off) {
        int p = pos + off;
        return p < n ? src.charAt(p) : '\0';
    }

    /** ASCII-only lower-casing, as PostgreSQL's downcase_identifier does for multibyte encodings. */
    static String downcase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] cs = s.toCharArray();
                for (int j = i; j < cs.length; j++) {
                    if (cs[j] >= 'A' && cs[j] <= 'Z') {
                        cs[j] = (char) (cs[j] + ('a' - 'A'));
                    }
                }
                return new String(cs);
            }
        }
        return s;
    }

    /** Identifiers longer than NAMEDATALEN-1 (63) bytes are truncated, as PostgreSQL does (it also warns). */
    static String truncateIdentifier(String s) {
        if (s.length() < 64 && s.chars().allMatch(ch -> ch < 0x80)) {
            return s;
        }
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= 63) {
            return s;
        }
        int len = 63;
        while (len > 0 && (b[len] & 0xC0) == 0x80) {
            len--;
        }
        return new String(b, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Reads the body of a quoted string whose opening quote has been consumed (pos is just after it),
     * including continuation across whitespace with a newline ('a' \n 'b' = 'ab').
     */
    private String quotedString(int start, boolean escapes) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= n) {
                throw error("unterminated quoted string", src.substring(start), start);
            }
            char d = src.charAt(pos++);
            if (d == '\'') {
                if (pos < n && src.charAt(pos) == '\'') {
                    sb.append('\'');
                    pos++;
                    continue;
                }
                // quote continuation: whitespace containing a newline, then another quote
                int save = pos;
                boolean nl = false;
                while (pos < n && isSpace(src.charAt(pos))) {
                    if (src.charAt(pos) == '\n' || src.charAt(pos) == '\r') {
                        nl = true;
                    }
                    pos++;
                }
                if (nl && pos < n && src.charAt(pos) == '\'') {
                    pos++;
                    continue;
                }
                pos = save;
                return sb.toString();
            }
            if (escapes && d == '\\') {
                if (pos >= n) {
                    throw error("unterminated quoted string", src.substring(start), start);
                }
                char e = src.charAt(pos++);
                switch (e) {
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'v' -> sb.append((char) 0x0B);
                    case 'x' -> {
                        int v = 0;
                        int k = 0;
                        while (k < 2 && pos < n && Character.digit(src.charAt(pos), 16) >= 0) {
                            v = v * 16 + Character.digit(src.charAt(pos++), 16);
                            k++;
                        }
                        if (k == 0) {
                            sb.append('x');
                        } else {
                            appendByteEscape(sb, v, start);
                        }
                    }
                    case 'u', 'U' -> {
                        int digits = e == 'u' ? 4 : 8;
                        int v = 0;
                        for (int k = 0; k < digits; k++) {
                            if (pos >= n || Character.digit(src.charAt(pos), 16) < 0) {
                                throw PgException.error(SqlState.INVALID_ESCAPE_SEQUENCE, "invalid Unicode escape")
                                        .withHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX.").withPosition(pos + 1);
                            }
                            v = v * 16 + Character.digit(src.charAt(pos++), 16);
                        }
                        if (v == 0 || v > 0x10FFFF) {
                            throw PgException.error(SqlState.SYNTAX_ERROR, "invalid Unicode escape value").withPosition(start + 1);
                        }
                        sb.appendCodePoint(v);
                    }
                    default -> {
                        if (e >= '0' && e <= '7') {
                            int v = e - '0';
                            int k = 1;
                            while (k < 3 && pos < n && src.charAt(pos) >= '0' && src.charAt(pos) <= '7') {
                                v = v * 8 + (src.charAt(pos++) - '0');
                                k++;
                            }
                            appendByteEscape(sb, v & 0xFF, start);
                        } else {
                            sb.append(e);
                        }
                    }
                }
                continue;
            }
            sb.append(d);
        }
    }

    private static void appendByteEscape(StringBuilder sb, int v, int start) {
        if (v == 0) {
            throw PgException.error(SqlState.CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\": 0x00")
                    .withPosition(start + 1);
        }
        if (v >= 0x80) {
            throw PgException.notSupported("non-ASCII byte escapes in E'' strings are not supported yet").withPosition(start + 1);
        }
        sb.append((char) v);
    }

    /**
     * U&'...' string or U&"..." identifier, with an optional UESCAPE 'c' clause; escapes are \XXXX and
     * \+XXXXXX (or the chosen escape character), a doubled escape character stands for itself.
     */
    private Token unicodeEscaped(int start) {
        boolean ident = src.charAt(start + 2) == '"';
        pos = start + 3;
        int bodyStart = pos;
        String raw;
        if (ident) {
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= n) {
                    throw error("unterminated quoted identifier", src.substring(start), start);
                }
                char d = src.charAt(pos++);
                if (d == '"') {
                    if (pos < n && src.charAt(pos) == '"') {
                        sb.append('"');
                        pos++;
                    } else {
                        break;
                    }
                } else {
                    sb.append(d);
                }
            }
            raw = sb.toString();
        } else {
            raw = quotedString(start, false);
        }
        int end = pos;
        char esc = '\\';
        // optional UESCAPE 'c'
        int save = pos;
        skipWhitespace();
        if (pos + 7 <= n && src.regionMatches(true, pos, "uescape", 0, 7)
                && (pos + 7 == n || !isIdentCont(src.charAt(pos + 7)))) {
            pos += 7;
            skipWhitespace();
            if (pos < n && src.charAt(pos) == '\'') {
                int escStart = pos;
                pos++;
                String e = quotedString(escStart, false);
                if (e.length() != 1 || Character.digit(e.charAt(0), 16) >= 0 || e.charAt(0) == '+' || e.charAt(0) == '\''
                        || e.charAt(0) == '"' || isSpace(e.charAt(0))) {
                    throw error("invalid Unicode escape character", src.substring(escStart, pos), escStart);
                }
                esc = e.charAt(0);
                end = pos;
            } else {
                throw PgException.error(SqlState.SYNTAX_ERROR, "UESCAPE must be followed by a simple string literal")
                        .withPosition(pos + 1);
            }
        } else {
            pos = save;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch != esc) {
                out.append(ch);
                continue;
            }
            int errPos = bodyStart + i + 1;
            if (i + 1 < raw.length() && raw.charAt(i + 1) == esc) {
                out.append(esc);
                i++;
                continue;
            }
            int digits = 4;
            int k = i + 1;
            if (k < raw.length() && raw.charAt(k) == '+') {
                digits = 6;
                k++;
            }
            int v = 0;
            for (int j = 0; j < digits; j++) {
                if (k + j >= raw.length() || Character.digit(raw.charAt(k + j), 16) < 0) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "invalid Unicode escape")
                            .withHint("Unicode escapes must be \\XXXX or \\+XXXXXX.").withPosition(errPos);
                }
                v = v * 16 + Character.digit(raw.charAt(k + j), 16);
            }
            if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
                throw PgException.error(SqlState.SYNTAX_ERROR, "invalid Unicode escape value").withPosition(errPos);
            }
            out.appendCodePoint(v);
            i = k + digits - 1;
        }
        pos = end;
        if (ident) {
            if (out.isEmpty()) {
                throw error("zero-length delimited identifier", src.substring(start, end), start);
            }
            return new Token(Token.Kind.IDENT, truncateIdentifier(out.toString()), true, start, end);
        }
        return new Token(Token.Kind.SCONST, out.toString(), false, start, end);
    }

    /** Dollar-quoted string starting at '$'; null if this '$' does not open one. */
    private Token dollarQuote(int start) {
        int p = start + 1;
        if (p < n && isIdentStart(src.charAt(p))) {
            while (p < n && isIdentCont(src.charAt(p)) && src.charAt(p) != '$') {
                p++;
            }
        }
        if (p >= n || src.charAt(p) != '$') {
            return null;
        }
        String tag = src.substring(start, p + 1);
        int bodyStart = p + 1;
        int close = src.indexOf(tag, bodyStart);
        if (close < 0) {
            throw error("unterminated dollar-quoted string", src.substring(start), start);
        }
        pos = close + tag.length();
        return new Token(Token.Kind.SCONST, src.substring(bodyStart, close), false, start, pos);
    }

    private Token number(int start) {
        boolean isFloat = false;
        while (pos < n && isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos < n && src.charAt(pos) == '.' && !(pos + 1 < n && src.charAt(pos + 1) == '.')) {
            isFloat = true;
            pos++;
            while (pos < n && isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < n && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int p = pos + 1;
            if (p < n && (src.charAt(p) == '+' || src.charAt(p) == '-')) {
                p++;
            }
            if (p < n && isDigit(src.charAt(p))) {
                isFloat = true;
                pos = p;
                while (pos < n && isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else if (p > pos + 1) {
                pos = p;
                throw error("trailing junk after numeric literal", src.substring(start, pos), start);
            }
        }
        if (pos < n && isIdentStart(src.charAt(pos))) {
            while (pos < n && isIdentCont(src.charAt(pos))) {
                pos++;
            }
            throw error("trailing junk after numeric literal", src.substring(start, pos), start);
        }
        String text = src.substring(start, pos);
        if (!isFloat) {
            // integers that fit int4 are ICONST; larger ones are FCONST (the parser makes int8 or numeric)
            if (text.length() <= 10) {
                long v = Long.parseLong(text);
                if (v <= Integer.MAX_VALUE) {
                    return new Token(Token.Kind.ICONST, text, false, start, pos);
                }
            }
        }
        return new Token(Token.Kind.FCONST, text, false, start, pos);
    }

    private Token operator(int start) {
        int p = pos;
        while (p < n && isOpChar(src.charAt(p))) {
            // a comment start ends the operator
            if (p > pos && ((src.charAt(p) == '-' && p + 1 < n && src.charAt(p + 1) == '-')
                    || (src.charAt(p) == '/' && p + 1 < n && src.charAt(p + 1) == '*'))) {
                break;
            }
            if (p == pos && ((src.charAt(p) == '-' && p + 1 < n && src.charAt(p + 1) == '-')
                    || (src.charAt(p) == '/' && p + 1 < n && src.charAt(p + 1) == '*'))) {
                break;
            }
            p++;
        }
        int len = p - pos;
        if (len > 1) {
            // strip trailing + and - unless the operator contains one of ~ ! @ # ^ & | ` ? %
            boolean special = false;
            for (int i = pos; i < p; i++) {
                char ch = src.charAt(i);
                if (ch == '~' || ch == '!' || ch == '@' || ch == '#' || ch == '^' || ch == '&' || ch == '|'
                        || ch == '`' || ch == '?' || ch == '%') {
                    special = true;
                    break;
                }
            }
            if (!special) {
                while (len > 1 && (src.charAt(pos + len - 1) == '+' || src.charAt(pos + len - 1) == '-')) {
                    len--;
                }
            }
        }
        pos += len;
        String op = src.substring(start, pos);
        if (len == 2) {
            if (op.equals("=>")) {
                return new Token(Token.Kind.EQUALS_GREATER, op, false, start, pos);
            }
            if (op.equals("!=")) {
                return new Token(Token.Kind.OP, "<>", false, start, pos);
            }
        }
        if (op.length() > 63) {
            throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "operator too long").withPosition(start + 1);
        }
        return new Token(Token.Kind.OP, op, false, start, pos);
    }
}
