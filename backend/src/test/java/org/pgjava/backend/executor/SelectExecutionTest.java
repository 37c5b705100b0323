package org.pgjava.backend.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.optimizer.Planner;
import org.pgjava.backend.parser.Parser;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** End-to-end: parse, analyze, plan, execute; expected texts are PostgreSQL 15's (checked on the reference). */
class SelectExecutionTest {
    private final FakeSession session = new FakeSession();

    private PlannedStatement plan(String sql) {
        return Planner.plan(Parser.parse(sql).get(0), null, session);
    }

    /** All rows as "a|b|c" strings (NULL as empty), like psql -At. */
    private List<String> rows(String sql) {
        PlannedStatement p = plan(sql);
        List<String> out = new ArrayList<>();
        try (QueryRun r = p.start(new Object[0], session)) {
            Object[] row;
            while ((row = r.next()) != null) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        sb.append('|');
                    }
                    if (row[i] != null) {
                        sb.append(TypeIO.output(p.resultColumns().get(i).typeOid(), row[i], session));
                    }
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    private String one(String sql) {
        List<String> r = rows(sql);
        assertEquals(1, r.size(), sql);
        return r.get(0);
    }

    private PgException error(String sql) {
        return assertThrows(PgException.class, () -> rows(sql), sql);
    }

    @Test
    void arithmetic() {
        assertEquals("7|9|3|-3|1|-1", one("select 1 + 2 * 3, (1 + 2) * 3, 7 / 2, -7 / 2, 7 % 3, -7 % 3"));
        assertEquals("-2147483648|2147483648|-2147483649", one("select -2147483648, 2147483648, -2147483648 - 1::int8"));
        assertEquals("0.33333333333333333333|2.5000000000000000|3.375|1.5|33333333333333333333",
                one("select 1/3::numeric, 10::numeric/4, 1.5*2.25, 7.5 % 2, 1e20/3"));
        assertEquals("1.4142135623730950|1024.0000000000000000|6.2500000000000000|1.4142135623730950",
                one("select 2::numeric ^ 0.5, 2::numeric ^ 10, 2.5 ^ 2, 2 ^ 0.5"));
        assertEquals("0.30000000000000004|1e+100|1e-07|Infinity|NaN|-0",
                one("select 0.1::float8 + 0.2, 1e100::float8, 1e-7::float8, 'Infinity'::float8, 'NaN'::float8, '-0'::float8"));
        assertEquals("3|7|4", one("select @ -5 + 2, |/ 49::float8, -2^2"));
    }

    @Test
    void overflowAndDivisionErrors() {
        assertEquals("integer out of range", error("select 2147483647 + 1").getMessage());
        assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, error("select 2147483647 + 1").sqlState());
        assertEquals("bigint out of range", error("select 9223372036854775807 + 1").getMessage());
        assertEquals("smallint out of range", error("select 32767::int2 + 1::int2").getMessage());
        assertEquals(SqlState.DIVISION_BY_ZERO, error("select 1 / 0").sqlState());
        assertEquals("division by zero", error("select 1.0 / 0").getMessage());
        assertEquals("division by zero", error("select 1::float8 / 0").getMessage());
        assertEquals("value out of range: overflow", error("select 1e308::float8 * 10").getMessage());
        assertEquals("integer out of range", error("select (-2147483648)::int4 / -1").getMessage());
        assertEquals("0", one("select (-2147483648)::int4 % -1"));
    }

    @Test
    void operatorResolutionErrors() {
        PgException e = error("select 1 + 'a'::text");
        assertEquals(SqlState.UNDEFINED_FUNCTION, e.sqlState());
        assertEquals("operator does not exist: integer + text", e.getMessage());
        assertEquals("No operator matches the given name and argument types. You might need to add explicit type casts.", e.hint());
        assertEquals(10, e.position());
        e = error("select 'a' + 'b'");
        assertEquals(SqlState.AMBIGUOUS_FUNCTION, e.sqlState());
        assertEquals("operator is not unique: unknown + unknown", e.getMessage());
        assertEquals(12, e.position());
        e = error("select -'a'::text");
        assertEquals("operator does not exist: - text", e.getMessage());
        assertEquals(8, e.position());
        e = error("select foo(1)");
        assertEquals("function foo(integer) does not exist", e.getMessage());
        assertEquals(8, e.position());
        e = error("select 'abc'::int");
        assertEquals(SqlState.INVALID_TEXT_REPRESENTATION, e.sqlState());
        assertEquals(8, e.position());
        e = error("select case when true then 1 else 'a' end");
        assertEquals("invalid input syntax for type integer: \"a\"", e.getMessage());
        e = error("select coalesce(1, 'a'::text)");
        assertEquals(SqlState.DATATYPE_MISMATCH, e.sqlState());
        assertEquals("COALESCE types integer and text cannot be matched", e.getMessage());
        assertEquals(SqlState.UNDEFINED_COLUMN, error("select x").sqlState());
        assertEquals("argument of NOT must be type boolean, not type integer", error("select not 1").getMessage());
        assertEquals(SqlState.UNDEFINED_OBJECT, error("select 1::foo").sqlState());
        assertEquals("relation \"t\" does not exist", error("select 1 from t").getMessage());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, error("select to_char(1)").sqlState());
    }

    @Test
    void logicAndPredicates() {
        assertEquals("|f|t||", one("select true and null, false and null, true or null, false or null, not null::bool"));
        assertEquals("|t|t|f|t|t", one("select null = null, null is null, 1 is not null, null::int is distinct from null, 1 is distinct from 2, 1 is not distinct from 1"));
        assertEquals("t|t|t", one("select 1 between 0 and 2, 3 not between 0 and 2, 2 between symmetric 3 and 1"));
        assertEquals("t|f|t|t|", one("select 1 in (1, 2), 3 in (1, 2), 3 not in (1, 2), 1 in (null, 1), 3 not in (1, null)"));
        assertEquals("t|t|t|f|t|t", one("select 'abc' like 'a%', 'abc' like 'a__', 'ABC' ilike 'a%', 'abc' not like '%c', 'a%c' like 'a\\%c', 'a%c' like 'a#%c' escape '#'"));
        assertEquals("b|two", one("select case when 1 > 2 then 'a' when 2 > 1 then 'b' else 'c' end, case 2 when 1 then 'one' when 2 then 'two' end"));
        assertEquals("1|1.5|", one("select coalesce(null, 1, 2), coalesce(null::int, 1.5), coalesce(null, null)"));
        assertEquals("|1|a", one("select nullif(1, 1), nullif(1, 2), nullif('a', 'b')"));
        assertEquals("3|1|b", one("select greatest(1, 2.5, 3), least(1, 2, null), greatest('a', 'b')"));
        assertEquals("ab|a1|1a||1.5x", one("select 'a' || 'b', 'a' || 1, 1 || 'a', 'a' || null, 1.5 || 'x'"));
    }

    @Test
    void columnNamesAndTypes() {
        PlannedStatement p = plan("select 1, 1::int, 'a'::varchar(3), version(), case when true then 1 end, coalesce(1), "
                + "current_user, 1 as x, 'a', 1.5, 4294967296, pg_sleep(0)");
        List<ResultColumn> c = p.resultColumns();
        assertEquals(List.of("?column?", "int4", "varchar", "version", "case", "coalesce", "current_user", "x", "?column?",
                "?column?", "?column?", "pg_sleep"), c.stream().map(ResultColumn::name).toList());
        assertEquals(List.of(23, 23, 1043, 25, 23, 23, 19, 23, 25, 1700, 20, 2278),
                c.stream().map(ResultColumn::typeOid).toList());
        assertEquals(7, c.get(2).typeMod());
        assertEquals(4, c.get(0).typeLen());
        assertEquals("column1|column2", String.join("|", plan("values (1, 'a')").resultColumns().stream().map(ResultColumn::name).toList()));
    }

    @Test
    void functions() {
        assertTrue(one("select version()").startsWith("PostgreSQL 15."));
        assertEquals("alice|bob|alice|db1|public|4242", one("select current_user, session_user, user, current_database(), current_schema, pg_backend_pid()"));
        assertEquals("1", one("select current_setting('extra_float_digits')"));
        assertEquals("", one("select current_setting('nosuch', true)"));
        assertEquals(SqlState.UNDEFINED_OBJECT, error("select current_setting('nosuch')").sqlState());
        assertEquals("ell|ello|h|2|x|aa", one("select substring('hello' from 2 for 3), substring('hello', 2), substr('hello', 0, 2), position('e' in 'hello'), trim('  x  '), trim(leading 'x' from 'xxaa')"));
        assertEquals("a12.5|a,b,3", one("select concat('a', 1, null, 2.5), concat_ws(',', 'a', null, 'b', 3)"));
        assertEquals("3|-3|2.57|1200|2|4", one("select round(2.5), round(-2.5), round(2.567, 2), round(1234.5, -2), round(2.5::float8), round(3.5::float8)"));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, error("select set_config('a', 'b', false)").sqlState());
        assertEquals("integer|unknown|unknown|character|regtype|23|t|integerx|\"char\"",
                one("select pg_typeof(1), pg_typeof('a'), pg_typeof(null), pg_typeof('a'::char(3)), pg_typeof(pg_typeof(1)), "
                        + "pg_typeof(1)::oid, pg_typeof(1) = 'integer'::regtype, pg_typeof(1)::text || 'x', pg_typeof('x'::\"char\")"));
        assertEquals("integer|integer|\"char\"|character varying|99999",
                one("select 23::regtype, 'pg_catalog.int4'::regtype, '\"char\"'::regtype, 'character varying'::regtype, 99999::regtype"));
        assertEquals(SqlState.UNDEFINED_OBJECT, error("select 'foo'::regtype").sqlState());
        assertEquals("t|36", one("select 'a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid < 'f0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid, "
                + "length(gen_random_uuid()::text)"));
    }

    @Test
    void valuesLimitOffsetWhere() {
        assertEquals(List.of("1|a", "2|b"), rows("values (1, 'a'), (2, 'b')"));
        assertEquals(List.of("1", "2.5", ""), rows("values (1), (2.5), (null)"));
        assertEquals(List.of("2", "3"), rows("values (1), (2), (3) offset 1"));
        assertEquals(List.of("1"), rows("values (1), (2) limit 1"));
        assertEquals(List.of(), rows("select 1 where false"));
        assertEquals("VALUES types integer and text cannot be matched", error("values (1), ('a'::text)").getMessage());
        assertEquals(List.of("3|c", "2|b", "1|a"), rows("values (3, 'c'), (1, 'a'), (2, 'b') order by 2 desc"));
        assertEquals("OFFSET must not be negative", error("select 1 offset -1").getMessage());
    }

    @Test
    void setOperationsAndOrderBy() {
        assertEquals(List.of("2", "1"), rows("select 1 union select 2 order by 1 desc"));
        assertEquals(List.of("1", "1"), rows("select 1 union all select 1"));
        assertEquals(List.of("1", "2", ""), rows("values (2),(1),(null) order by 1"));
        assertEquals(List.of("", "1"), rows("select null union select 1 order by 1 nulls first"));
        assertEquals(List.of("2|b"), rows("values (1,'a') union values (1,'a'), (2, 'b') order by 2 desc limit 1"));
        assertEquals(List.of("1", "3"), rows("values (1), (2), (2), (3) except select 2"));
        assertEquals(List.of("1", "2", "3"), rows("values (1), (2), (2), (3) except all values (2)"));
        assertEquals(List.of("1", "1"), rows("values (1), (1), (2) intersect all values (1), (1), (1)"));
        assertEquals(List.of("1.5", "1"), rows("select 1.5 as x union select 1 order by x desc"));
        PgException e = error("select 1 as a union select 'x'");
        assertEquals("invalid input syntax for type integer: \"x\"", e.getMessage());
        assertEquals(28, e.position());
        assertEquals("UNION types integer and text cannot be matched", error("select 1 union select 'a'::text").getMessage());
        assertEquals("each UNION query must have the same number of columns", error("select 1 union select 2, 3").getMessage());
        e = error("select 1 order by 2");
        assertEquals(SqlState.INVALID_COLUMN_REFERENCE, e.sqlState());
        assertEquals("ORDER BY position 2 is not in select list", e.getMessage());
        assertEquals(19, e.position());
        assertEquals("invalid UNION/INTERSECT/EXCEPT ORDER BY clause", error("select 1 union select 2 order by 1+1").getMessage());
        assertEquals(SqlState.DIVISION_BY_ZERO, error("select 1 order by 1/0").sqlState());
        assertEquals("column \"x\" does not exist", error("select 1 order by x").getMessage());
        PlannedStatement p = plan("select 1 union select '2'");
        assertEquals(23, p.resultColumns().get(0).typeOid());
        assertEquals(25, plan("select 'a' union select 'b'").resultColumns().get(0).typeOid());
    }

    @Test
    void planIsReusableAndParametersAreInferred() {
        PlannedStatement p = Planner.plan(Parser.parse("select $1 + 1, $2, $3::numeric").get(0), new int[0], session);
        assertArrayEquals(new int[] {23, 25, 1700}, p.parameterTypes());
        for (int i = 0; i < 3; i++) {
            try (QueryRun r = p.start(new Object[] {i, "x", null}, session)) {
                Object[] row = r.next();
                assertEquals(i + 1, row[0]);
                assertEquals("x", row[1]);
                assertNull(row[2]);
                assertNull(r.next());
                assertEquals("SELECT 1", r.commandTag());
            }
        }
        PlannedStatement typed = Planner.plan(Parser.parse("select $1").get(0), new int[] {20}, session);
        assertEquals(20, typed.resultColumns().get(0).typeOid());
        assertEquals("there is no parameter $1", error("select $1").getMessage());
    }

    @Test
    void constantsAreFoldedWhilePlanning() {
        // plan() raises errors of constant expressions before any row (PostgreSQL: while planning)
        PgException e = assertThrows(PgException.class, () -> plan("select 1/0"));
        assertEquals(SqlState.DIVISION_BY_ZERO, e.sqlState());
        // analyze() defers them to finishPlanning (PostgreSQL plans at Bind) ...
        PlannedStatement deferred = Planner.analyze(Parser.parse("select 1/0").get(0), new int[0], session);
        assertEquals(1, deferred.resultColumns().size());
        assertThrows(PgException.class, () -> deferred.finishPlanning(session));
        // ... but analysis errors still come from analyze()
        assertThrows(PgException.class, () -> Planner.analyze(Parser.parse("select 1 + 'a'::text").get(0), new int[0], session));
        // arms that constants rule out are not folded; volatile functions are not evaluated at plan time
        assertEquals("1", one("select case when 1 > 2 then 1/0 else 1 end"));
        assertEquals("f", one("select false and 1/0 = 1"));
        assertEquals(SqlState.DIVISION_BY_ZERO, assertThrows(PgException.class,
                () -> plan("select case when random() > 2 then 1/0 else 1 end")).sqlState());
        PlannedStatement r = plan("select random()");
        Object a = r.start(new Object[0], session).next()[0];
        Object b = r.start(new Object[0], session).next()[0];
        assertTrue(!a.equals(b));
    }

    @Test
    void pgSleepChecksForInterrupts() {
        session.interruptChecks = 0;
        long t0 = System.nanoTime();
        assertEquals("", one("select pg_sleep(0.05)"));
        assertTrue(System.nanoTime() - t0 >= 45_000_000L);
        assertTrue(session.interruptChecks >= 5, "checks: " + session.interruptChecks);
        session.cancelRequested = true;
        assertEquals(SqlState.QUERY_CANCELED, error("select pg_sleep(10)").sqlState());
    }
}
