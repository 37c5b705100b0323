package org.pgjava.backend.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

class LexerTest {
    private static List<Token> lex(String s) {
        return Lexer.tokenize(s);
    }

    private static PgException err(String s) {
        return assertThrows(PgException.class, () -> Lexer.tokenize(s));
    }

    @Test
    void identifiersFoldUnlessQuoted() {
        List<Token> t = lex("SeLeCt \"MiXed\" a$b _x");
        assertEquals("select", t.get(0).text());
        assertFalse(t.get(0).quoted());
        assertEquals("MiXed", t.get(1).text());
        assertTrue(t.get(1).quoted());
        assertEquals("a$b", t.get(2).text());
        assertEquals("_x", t.get(3).text());
        assertEquals(Token.Kind.EOF, t.get(4).kind());
        assertEquals(21, t.get(4).start());
    }

    @Test
    void stringsEscapesAndDollarQuotes() {
        assertEquals("it's", lex("'it''s'").get(0).text());
        assertEquals("a\\nb", lex("'a\\nb'").get(0).text()); // standard_conforming_strings on
        assertEquals("a\nb\tA'", lex("E'a\\nb\\t\\x41\\''").get(0).text());
        assertEquals("ab", lex("'a'\n  'b'").get(0).text());
        assertEquals(Token.Kind.SCONST, lex("'a' 'b'").get(1).kind()); // no continuation without newline
        assertEquals("x'y", lex("$$x'y$$").get(0).text());
        assertEquals("a$$b", lex("$tag$a$$b$tag$").get(0).text());
        assertEquals(Token.Kind.BCONST, lex("B'101'").get(0).kind());
        assertEquals(Token.Kind.XCONST, lex("x'1F'").get(0).kind());
        assertEquals("\u00e9", lex("E'\\u00e9'").get(0).text());
    }

    @Test
    void unicodeEscapes() {
        List<Token> t = lex("U&'d\\0061t\\+000061' u&'d!0061t' UESCAPE '!' U&\"d\\0061t\"");
        assertEquals("data", t.get(0).text());
        assertEquals("dat", t.get(1).text());
        assertEquals(Token.Kind.IDENT, t.get(2).kind());
        assertEquals("dat", t.get(2).text());
        PgException e = err("select U&'\\006'");
        assertEquals("invalid Unicode escape", e.getMessage());
        assertEquals(11, e.position());
        assertEquals("invalid Unicode escape character at or near \"'ab'\"", err("select U&'a' UESCAPE 'ab'").getMessage());
    }

    @Test
    void numbers() {
        List<Token> t = lex("1 2147483647 2147483648 1.5 .5 5. 1e3 1.5E-2");
        assertEquals(Token.Kind.ICONST, t.get(0).kind());
        assertEquals(Token.Kind.ICONST, t.get(1).kind());
        assertEquals(Token.Kind.FCONST, t.get(2).kind());
        for (int i = 3; i < 8; i++) {
            assertEquals(Token.Kind.FCONST, t.get(i).kind(), t.get(i).text());
        }
        // 1..2 is 1 then ..
        List<Token> d = lex("1..2");
        assertEquals("1", d.get(0).text());
        assertEquals(Token.Kind.DOT_DOT, d.get(1).kind());
    }

    @Test
    void operatorRules() {
        List<Token> t = lex("a+-b");
        assertEquals("+", t.get(1).text());
        assertEquals("-", t.get(2).text());
        assertEquals("@-", lex("3 @- 2").get(1).text()); // @ keeps the trailing minus
        assertEquals("<>", lex("1 != 2").get(1).text());
        assertEquals(Token.Kind.TYPECAST, lex("1::int").get(1).kind());
        assertEquals("*", lex("3 *-2").get(1).text());
        List<Token> c = lex("1 +-- comment\n 2");
        assertEquals("+", c.get(1).text());
        assertEquals("2", c.get(2).text());
        assertEquals("2", lex("/* a /* nested */ b */ 2").get(0).text());
    }

    @Test
    void parametersAndPositions() {
        List<Token> t = lex("select $12");
        assertEquals(Token.Kind.PARAM, t.get(1).kind());
        assertEquals("12", t.get(1).text());
        assertEquals(7, t.get(1).start());
    }

    @Test
    void errorsHavePostgresTextsAndPositions() {
        PgException e = err("select 'abc");
        assertEquals(SqlState.SYNTAX_ERROR, e.sqlState());
        assertEquals("unterminated quoted string at or near \"'abc\"", e.getMessage());
        assertEquals(8, e.position());
        assertEquals("unterminated quoted identifier at or near \"\"abc\"", err("select \"abc").getMessage());
        assertEquals("unterminated dollar-quoted string at or near \"$$abc\"", err("select $$abc").getMessage());
        assertEquals("unterminated /* comment at or near \"/* abc\"", err("select /* abc").getMessage());
        assertEquals("zero-length delimited identifier at or near \"\"\"\"", err("select \"\"").getMessage());
        PgException j = err("select 123abc");
        assertEquals("trailing junk after numeric literal at or near \"123abc\"", j.getMessage());
        assertEquals(8, j.position());
        assertEquals("trailing junk after numeric literal at or near \"1.5e+\"", err("select 1.5e+").getMessage());
        assertEquals("trailing junk after numeric literal at or near \"0x1F\"", err("select 0x1F").getMessage());
        assertEquals("trailing junk after numeric literal at or near \"12a\"", err("select 12a.b").getMessage());
        assertEquals("trailing junk after parameter at or near \"$1abc\"", err("select $1abc").getMessage());
    }
}
