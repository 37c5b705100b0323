package org.pgjava.backend.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.optimizer.Planner;
import org.pgjava.backend.optimizer.analyze.Types;
import org.pgjava.backend.parser.Parser;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.backend.utils.relation.RowScan;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * FROM clauses end to end over real relation sources (two small fixed tables served by an in-test
 * RelationResolver) and generate_series. Expected outputs and errors were obtained from PostgreSQL 15 with
 * the same tables: {@code create table emp(id int4, name text, dept varchar(10), salary numeric, boss int4);
 * insert into emp values (1,'ann','eng',100.50,null),(2,'bob','eng',80,1),(3,'cid','ops',null,1),
 * (4,'dee',null,95,2),(5,'eve','ops',70,3); create table dept(dname text, floor int2);
 * insert into dept values ('eng',1),('ops',2),('hr',3);}
 */
class FromClauseTest {
    private static final int EMP_OID = 16400;
    private static final int DEPT_OID = 16410;

    /** A fixed in-memory relation; counts its scans so tests can see run-time state is per execution. */
    private static final class FixedRelation implements RelationSource {
        private final String name;
        private final int oid;
        private final List<RelationColumn> columns;
        private final List<Object[]> rows;
        int scansOpened;
        int scansClosed;

        FixedRelation(String name, int oid, List<RelationColumn> columns, List<Object[]> rows) {
            this.name = name;
            this.oid = oid;
            this.columns = columns;
            this.rows = rows;
        }

        @Override
        public String schemaName() {
            return "public";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int tableOid() {
            return oid;
        }

        @Override
        public List<RelationColumn> columns() {
            return columns;
        }

        @Override
        public RowScan openScan(SessionContext session) {
            scansOpened++;
            return new RowScan() {
                private int next;

                @Override
                public Object[] next() {
                    return next < rows.size() ? rows.get(next++) : null;
                }

                @Override
                public void close() {
                    scansClosed++;
                }
            };
        }
    }

    private static Object[] row(Object... v) {
        return v;
    }

    private final FixedRelation emp = new FixedRelation("emp", EMP_OID, List.of(
            new RelationColumn("id", Types.INT4, -1), new RelationColumn("name", Types.TEXT, -1),
            new RelationColumn("dept", Types.VARCHAR, 14), new RelationColumn("salary", Types.NUMERIC, -1),
            new RelationColumn("boss", Types.INT4, -1)), List.of(
            row(1, "ann", "eng", new BigDecimal("100.50"), null),
            row(2, "bob", "eng", new BigDecimal("80"), 1),
            row(3, "cid", "ops", null, 1),
            row(4, "dee", null, new BigDecimal("95"), 2),
            row(5, "eve", "ops", new BigDecimal("70"), 3)));
    private final FixedRelation dept = new FixedRelation("dept", DEPT_OID, List.of(
            new RelationColumn("dname", Types.TEXT, -1), new RelationColumn("floor", Types.INT2, -1)), List.of(
            row("eng", (short) 1), row("ops", (short) 2), row("hr", (short) 3)));
    /** pg_stat_activity-like column types: xid (no ordering), inet, timestamptz (OIDs 28, 869, 1184). */
    private final FixedRelation xact = new FixedRelation("xact", 16430, List.of(
            new RelationColumn("x", Types.XID, -1), new RelationColumn("addr", Types.INET, -1),
            new RelationColumn("ts", Types.TIMESTAMPTZ, -1)), List.of(
            row(7L, new org.pgjava.backend.utils.adt.Inet(new byte[] {10, 0, 0, 2}, 32), 2_000_000L),
            row(5L, null, 1_000_000L),
            row(null, new org.pgjava.backend.utils.adt.Inet(new byte[] {10, 0, 0, 1}, 32), null)));

    /** A relation with a column of a type pgjava cannot handle yet (interval, OID 1186). */
    private final FixedRelation act = new FixedRelation("act", 16420, List.of(
            new RelationColumn("pid", Types.INT4, -1), new RelationColumn("backend_start", 1186, -1)),
            List.<Object[]>of(row(7, null), row(9, null)));
    private final FakeSession session = new FakeSession();

    FromClauseTest() {
        session.relations = (schema, name) -> {
            if (schema != null && !schema.equals("public")) {
                return null;
            }
            return switch (name) {
                case "emp" -> emp;
                case "dept" -> dept;
                case "act" -> act;
                case "xact" -> xact;
                default -> null;
            };
        };
    }

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
                assertEquals(p.resultColumns().size(), row.length, sql);
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

    private PgException error(String sql) {
        return assertThrows(PgException.class, () -> rows(sql), sql);
    }

    @Test
    void scanAndStar() {
        assertEquals(List.of("1|ann|eng|100.50|", "2|bob|eng|80|1", "3|cid|ops||1", "4|dee||95|2", "5|eve|ops|70|3"),
                rows("select * from emp"));
        assertEquals(List.of("ann"), rows("select name from public.emp where id = 1"));
        assertEquals(List.of("ann"), rows("select public.emp.name from public.emp where id = 1"));
        assertEquals(List.of("bob"), rows("select emp.name from public.emp where id = 2"));
        assertEquals(List.of("dee|40", "eve|50"), rows("select t.* from (select name, id * 10 as x from emp where id > 3) t"));
        assertEquals(5, emp.scansOpened);
        assertEquals(5, emp.scansClosed);
    }

    @Test
    void whereWithThreeValuedLogic() {
        assertEquals(List.of("ann|100.50", "dee|95", "bob|80"),
                rows("select name, salary from emp where salary > 75 order by salary desc"));
        assertEquals(List.of("1|ann", "2|bob", "3|cid"),
                rows("select id, name from emp where dept = 'eng' or salary is null order by 1"));
        assertEquals(List.of("bob", "eve"), rows("select name from emp where not (salary > 90)"));
        assertEquals(List.of(), rows("select 1 from emp where null"));
        PgException e = error("select 1 from emp where 1");
        assertEquals(SqlState.DATATYPE_MISMATCH, e.sqlState());
        assertEquals("argument of WHERE must be type boolean, not type integer", e.getMessage());
        assertEquals(25, e.position());
        e = error("select 1 from emp where 'x'");
        assertEquals("invalid input syntax for type boolean: \"x\"", e.getMessage());
        assertEquals(25, e.position());
    }

    @Test
    void orderByNullsAndTypes() {
        assertEquals(List.of("eve|70", "bob|80", "dee|95", "ann|100.50", "cid|"),
                rows("select name, salary from emp order by salary"));
        assertEquals(List.of("cid|", "ann|100.50", "dee|95", "bob|80", "eve|70"),
                rows("select name, salary from emp order by salary desc"));
        assertEquals(List.of("cid|", "eve|70", "bob|80", "dee|95", "ann|100.50"),
                rows("select name, salary from emp order by salary nulls first, id"));
        assertEquals(List.of("eve", "cid", "bob", "ann", "dee"), rows("select name from emp order by dept desc nulls last, name desc"));
        assertEquals(List.of("BOB|160", "ANN|201.00"), rows("select upper(name) n, salary * 2 from emp where id < 3 order by n desc"));
        assertEquals(List.of("1"), rows("select x.id from emp x order by salary desc nulls last limit 1"));
        PgException e = error("select name from emp order by 3");
        assertEquals(SqlState.INVALID_COLUMN_REFERENCE, e.sqlState());
        assertEquals("ORDER BY position 3 is not in select list", e.getMessage());
        e = error("select name from emp order by nosuch");
        assertEquals("column \"nosuch\" does not exist", e.getMessage());
        assertEquals(31, e.position());
    }

    @Test
    void limitOffsetDistinct() {
        assertEquals(List.of("bob", "cid"), rows("select name from emp order by id limit 2 offset 1"));
        assertEquals(5, rows("select name from emp order by id limit all").size());
        assertEquals(List.of("eve"), rows("select name from emp order by id offset 4"));
        assertEquals(List.of("eng", "ops", ""), rows("select distinct dept from emp order by dept"));
        assertEquals(SqlState.INVALID_ROW_COUNT_IN_LIMIT_CLAUSE, error("select 1 from emp limit -1").sqlState());
        assertEquals("OFFSET must not be negative", error("select 1 from emp offset -1").getMessage());
        PgException e = error("select distinct dept from emp order by salary");
        assertEquals("for SELECT DISTINCT, ORDER BY expressions must appear in select list", e.getMessage());
        assertEquals(40, e.position());
    }

    @Test
    void joins() {
        assertEquals(List.of("ann|", "bob|ann", "cid|ann", "dee|bob", "eve|cid"),
                rows("select e.name, b.name as boss from emp e left join emp b on e.boss = b.id order by e.id"));
        assertEquals(List.of("bob|ann", "cid|ann", "dee|bob", "eve|cid"),
                rows("select e.name, b.name from emp e join emp b on e.boss = b.id order by 1"));
        assertEquals(List.of("ann|1", "bob|1", "cid|2", "eve|2", "|3"),
                rows("select e.name, d.floor from emp e right join dept d on e.dept = d.dname order by d.floor, e.name"));
        assertEquals(List.of("ann|hr", "bob|hr", "cid|hr", "dee|hr", "eve|hr"),
                rows("select name, dname from emp cross join dept where floor = 3 order by name"));
        assertEquals(List.of("3|cid|ops||1|ops|2", "5|eve|ops|70|3|ops|2"),
                rows("select * from emp e, dept d where e.dept = d.dname and d.floor = 2 order by e.id"));
        assertEquals(45, rows("select * from emp e cross join dept d, dept x").size());
        PgException e = error("select * from emp e join dept d on dname");
        assertEquals("argument of JOIN/ON must be type boolean, not type text", e.getMessage());
        assertEquals(36, e.position());
        assertEquals(List.of("ann|eng", "bob|eng", "cid|ops", "dee|", "eve|ops", "|hr"),
                rows("select e.name, d.dname from emp e full join dept d on e.dept = d.dname order by 1, 2"));
        assertEquals(List.of("1|", "2|2", "3|3", "|4", "|5"),
                rows("select a, b from generate_series(1,3) a full join generate_series(2,5) b on a = b order by a nulls last, b"));
        assertEquals(List.of("15"), rows("select count(*) from emp full join dept on true"));
        e = error("select * from emp full join dept on dname = 'x' and id > 0");
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals("FULL JOIN is only supported with merge-joinable or hash-joinable join conditions", e.getMessage());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, error("select * from emp full join dept on dname = dept or id > 3").sqlState());
    }

    @Test
    void columnReferenceErrors() {
        PgException e = error("select x from emp");
        assertEquals(SqlState.UNDEFINED_COLUMN, e.sqlState());
        assertEquals("column \"x\" does not exist", e.getMessage());
        assertNull(e.hint());
        assertEquals(8, e.position());
        e = error("select emp.x from emp");
        assertEquals("column emp.x does not exist", e.getMessage());
        e = error("select nme from emp");
        assertEquals("Perhaps you meant to reference the column \"emp.name\".", e.hint());
        e = error("select e.nme from emp e");
        assertEquals("column e.nme does not exist", e.getMessage());
        assertEquals("Perhaps you meant to reference the column \"e.name\".", e.hint());
        e = error("select emp.id from emp e");
        assertEquals(SqlState.UNDEFINED_TABLE, e.sqlState());
        assertEquals("invalid reference to FROM-clause entry for table \"emp\"", e.getMessage());
        assertEquals("Perhaps you meant to reference the table alias \"e\".", e.hint());
        e = error("select id from emp a, emp b");
        assertEquals(SqlState.AMBIGUOUS_COLUMN, e.sqlState());
        assertEquals("column reference \"id\" is ambiguous", e.getMessage());
        assertEquals(8, e.position());
        e = error("select * from emp, emp");
        assertEquals(SqlState.DUPLICATE_ALIAS, e.sqlState());
        assertEquals("table name \"emp\" specified more than once", e.getMessage());
        e = error("select a.* from emp");
        assertEquals("missing FROM-clause entry for table \"a\"", e.getMessage());
        e = error("select f.id from emp e join emp f on e.id = g.id");
        assertEquals("missing FROM-clause entry for table \"g\"", e.getMessage());
        assertEquals(45, e.position());
    }

    @Test
    void relationNamesAndAliases() {
        PgException e = error("select * from nosuch");
        assertEquals(SqlState.UNDEFINED_TABLE, e.sqlState());
        assertEquals("relation \"nosuch\" does not exist", e.getMessage());
        assertEquals(15, e.position());
        assertEquals("relation \"pg_catalog.nosuch\" does not exist", error("select * from pg_catalog.nosuch").getMessage());
        assertEquals("improper qualified name (too many dotted names): a.b.c.d", error("select * from a.b.c.d").getMessage());
        e = error("select * from (values (1,2)) t(a,b,c)");
        assertEquals("table \"t\" has 2 columns available but 3 columns specified", e.getMessage());
        assertEquals(List.of("1|2"), rows("select * from (values (1,2)) t(a)"));
        e = error("select * from (select 1)");
        assertEquals(SqlState.SYNTAX_ERROR, e.sqlState());
        assertEquals("subquery in FROM must have an alias", e.getMessage());
        assertEquals("For example, FROM (SELECT ...) [AS] foo.", e.hint());
        assertEquals(15, e.position());
        assertEquals(List.of("2|", "1|x"), rows("select a, b from (values (1, 'x'), (2, null)) as t(a, b) order by b nulls first"));
        assertEquals(List.of("1|ann"), rows("select i, n from emp as e(i, n) where i = 1"));
    }

    @Test
    void resultColumnsCarryTheirOrigin() {
        PlannedStatement p = plan("select name, id * 2, e.salary, d.* from emp e, (select dname, 1 as one from dept) d");
        List<ResultColumn> c = p.resultColumns();
        assertEquals(new ResultColumn("name", EMP_OID, (short) 2, Types.TEXT, (short) -1, -1), c.get(0));
        assertEquals(new ResultColumn("?column?", 0, (short) 0, Types.INT4, (short) 4, -1), c.get(1));
        assertEquals(EMP_OID, c.get(2).tableOid());
        assertEquals(4, c.get(2).columnNumber());
        assertEquals(DEPT_OID, c.get(3).tableOid());
        assertEquals(1, c.get(3).columnNumber());
        assertEquals(0, c.get(4).tableOid());
        assertEquals(14, plan("select dept from emp").resultColumns().get(0).typeMod());
    }

    @Test
    void planIsReusableAndScansAreClosed() {
        PlannedStatement p = plan("select name from emp where id > 3 order by id");
        for (int i = 0; i < 2; i++) {
            List<String> out = new ArrayList<>();
            try (QueryRun r = p.start(new Object[0], session)) {
                for (Object[] row; (row = r.next()) != null; ) {
                    out.add((String) row[0]);
                }
                assertEquals("SELECT 2", r.commandTag());
            }
            assertEquals(List.of("dee", "eve"), out);
        }
        assertEquals(2, emp.scansOpened);
        assertEquals(2, emp.scansClosed);
        // streaming: a LIMIT stops the scan early and close() releases it
        try (QueryRun r = plan("select id from emp limit 1").start(new Object[0], session)) {
            assertEquals(1, r.next()[0]);
            assertNull(r.next());
        }
        assertEquals(3, emp.scansClosed);
    }

    /** generate_series: outputs from PostgreSQL 15. */
    @Test
    void generateSeries() {
        assertEquals(List.of("1", "2", "3", "4", "5"), rows("select * from generate_series(1,5)"));
        assertEquals(List.of("5", "3", "1"), rows("select * from generate_series(5,1,-2)"));
        assertEquals(List.of(), rows("select * from generate_series(1,0)"));
        assertEquals(List.of("2147483645", "2147483647"), rows("select * from generate_series(2147483645,2147483647,2)"));
        assertEquals(List.of("-2147483647", "-2147483648"), rows("select * from generate_series(-2147483647,-2147483648,-1)"));
        assertEquals(List.of("9223372036854775806", "9223372036854775807"),
                rows("select * from generate_series(9223372036854775806,9223372036854775807)"));
        assertEquals(List.of("2|4", "4|16"), rows("select g, g*g from generate_series(1,4) g where g % 2 = 0"));
        assertEquals(List.of("3|3", "2|2", "1|1"), rows("select * from generate_series(1,3) with ordinality as t(v, n) order by v desc"));
        assertEquals(List.of("0.1", "0.2", "0.3"), rows("select * from generate_series(0.1, 0.35, 0.1)"));
        assertEquals(List.of("1.0", "1.5", "2.0", "2.5"), rows("select * from generate_series(1.0,2.5,0.5)"));
        assertEquals(List.of("1", "1.5", "2.0", "2.5"), rows("select * from generate_series(1,2.50,0.5)"));
        assertEquals(List.of(), rows("select * from generate_series(1, 3, null)"));
        assertEquals(List.of("bigint"), rows("select pg_typeof(g) from generate_series(1::int8, 1) g"));
        assertEquals(List.of("numeric", "numeric"), rows("select pg_typeof(g) from generate_series(1, 2.0) g"));
        assertEquals(List.of("1|1", "2|1", "1|2", "2|2"),
                rows("select a.g, b.g from generate_series(1,2) a(g), generate_series(1,2) b(g) order by 2, 1"));
        assertEquals(10, rows("select 1 from generate_series(1,10) a, generate_series(1,10) b where a.a = b.b").size());
        assertEquals(List.of("1|", "2|2", "3|3"),
                rows("select a, b from generate_series(1,3) a left join generate_series(2,4) b on a = b order by a"));
        assertEquals(List.of("8", "7", "6"), rows("select * from generate_series(1,10) x order by x desc limit 3 offset 2"));
        assertEquals(List.of("0", "1", "2"), rows("select distinct x % 3 from generate_series(1,10) x order by 1"));
        assertEquals(List.of("3", "2", "1"), rows("select * from generate_series(1,3) t order by -t"));
        assertEquals(List.of("1", "2"), rows("select generate_series from generate_series(1,2) with ordinality"));
        assertEquals(List.of("3"), rows("select * from generate_series(1, 1000000000) g limit 1 offset 2"));
    }

    @Test
    void generateSeriesErrors() {
        PgException e = error("select * from generate_series(1,3,0)");
        assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.sqlState());
        assertEquals("step size cannot equal zero", e.getMessage());
        assertEquals("start value cannot be NaN", error("select * from generate_series('NaN'::numeric,3)").getMessage());
        assertEquals("stop value cannot be NaN", error("select * from generate_series(1,'NaN'::numeric)").getMessage());
        assertEquals("step size cannot be NaN", error("select * from generate_series(1,3,'NaN'::numeric)").getMessage());
        assertEquals("start value cannot be infinity", error("select * from generate_series('Infinity'::numeric,3)").getMessage());
        assertEquals("stop value cannot be infinity", error("select * from generate_series(1,'-infinity'::numeric)").getMessage());
        assertEquals("step size cannot be infinity", error("select * from generate_series(1,3,'infinity'::numeric)").getMessage());
        e = error("select * from generate_series('1','3')");
        assertEquals(SqlState.AMBIGUOUS_FUNCTION, e.sqlState());
        assertEquals("function generate_series(unknown, unknown) is not unique", e.getMessage());
        assertEquals(15, e.position());
        e = error("select * from generate_series(1.5::float8,3)");
        assertEquals(SqlState.UNDEFINED_FUNCTION, e.sqlState());
        assertEquals("function generate_series(double precision, integer) does not exist", e.getMessage());
        assertEquals("No function matches the given name and argument types. You might need to add explicit type casts.", e.hint());
        e = error("select * from generate_series(1,2) as g(a,b,c)");
        assertEquals("table \"g\" has 1 columns available but 3 columns specified", e.getMessage());
        e = error("select x from generate_series(1,2) g");
        assertEquals("column \"x\" does not exist", e.getMessage());
        assertNull(e.hint());
        assertEquals("column g.x does not exist", error("select g.x from generate_series(1,2) g").getMessage());
    }

    @Test
    void selectOneStaysCheap() {
        assertEquals(List.of("1"), rows("select 1"));
        assertEquals(0, emp.scansOpened);
    }

    /** Aggregates, GROUP BY and HAVING: outputs and errors from PostgreSQL 15. */
    @Test
    void aggregates() {
        assertEquals(List.of("5|4|345.50|70|100.50|86.3750000000000000"),
                rows("select count(*), count(salary), sum(salary), min(salary), max(salary), avg(salary) from emp"));
        assertEquals(List.of("eng|2|3|1.5000000000000000|ann|bob", "ops|2|8|4.0000000000000000|cid|eve",
                "|1|4|4.0000000000000000|dee|dee"),
                rows("select dept, count(*), sum(id), avg(id), min(name), max(name) from emp group by dept order by dept"));
        assertEquals(List.of("0|||"), rows("select count(*), sum(id), avg(id), min(id) from emp where false"));
        assertEquals(List.of("eng|2", "ops|2"),
                rows("select dept, count(*) from emp group by dept having count(*) > 1 order by 2 desc, 1"));
        assertEquals(List.of("0|2", "1|3"), rows("select id % 2 as odd, count(*) from emp group by id % 2 order by odd"));
        assertEquals(List.of("0|2", "1|3"), rows("select id % 2, count(*) from emp group by 1 order by 1"));
        assertEquals(List.of("1"), rows("select count(*)"));
        assertEquals(List.of("5050|50.5000000000000000"), rows("select sum(x), avg(x) from generate_series(1,100) x"));
        assertEquals(List.of("6|2|6|2.0000000000000000"),
                rows("select sum(x::float4), avg(x::float8), sum(x::int8), avg(x::int2) from generate_series(1,3) x"));
        assertEquals(List.of(), rows("select count(*) from emp having count(*) > 10"));
        assertEquals(List.of("eng|100.50", "ops|70", "|95"), rows("select dept d, max(salary) from emp group by d order by d"));
        assertEquals(List.of("1", "1", "1"), rows("select 1 from emp group by dept"));
        assertEquals(List.of("ops|text"), rows("select max(dept), pg_typeof(max(dept)) from emp"));
        assertEquals(List.of("1"), rows("select min(x) from generate_series(1,3) x order by max(x)"));
        PlannedStatement p = plan("select dept, count(*) from emp group by dept");
        assertEquals(EMP_OID, p.resultColumns().get(0).tableOid());
        assertEquals(3, p.resultColumns().get(0).columnNumber());
        assertEquals(Types.INT8, p.resultColumns().get(1).typeOid());
    }

    @Test
    void aggregateErrors() {
        PgException e = error("select name, count(*) from emp");
        assertEquals(SqlState.GROUPING_ERROR, e.sqlState());
        assertEquals("column \"emp.name\" must appear in the GROUP BY clause or be used in an aggregate function", e.getMessage());
        assertEquals(8, e.position());
        assertEquals("column \"e.name\" must appear in the GROUP BY clause or be used in an aggregate function",
                error("select e.name from emp e group by dept").getMessage());
        e = error("select count(*) from emp order by name");
        assertEquals(35, e.position());
        e = error("select count(*) from emp where count(*) > 1");
        assertEquals("aggregate functions are not allowed in WHERE", e.getMessage());
        assertEquals(32, e.position());
        assertEquals("aggregate functions are not allowed in JOIN conditions",
                error("select * from emp join dept on count(*) > 0").getMessage());
        e = error("select sum(name) from emp");
        assertEquals(SqlState.UNDEFINED_FUNCTION, e.sqlState());
        assertEquals("function sum(text) does not exist", e.getMessage());
        assertEquals(8, e.position());
        e = error("select sum('1') from emp");
        assertEquals("function sum(unknown) is not unique", e.getMessage());
        assertEquals("function upper() does not exist", error("select upper(*) from emp").getMessage());
        assertEquals("function sum() does not exist", error("select sum(*) from emp").getMessage());
        e = error("select upper(distinct name) from emp");
        assertEquals(SqlState.WRONG_OBJECT_TYPE, e.sqlState());
        assertEquals("DISTINCT specified, but upper is not an aggregate function", e.getMessage());
        e = error("select count(sum(id)) from emp");
        assertEquals("aggregate function calls cannot be nested", e.getMessage());
        assertEquals(14, e.position());
        assertEquals(List.of("2|6|2.0000000000000000|3"),
                rows("select count(distinct dept), sum(distinct boss), avg(distinct boss), count(distinct boss) from emp"));
        assertEquals(List.of("3|3"), rows("select count(distinct x % 3), sum(distinct x % 3) from generate_series(1,10) x"));
    }

    @Test
    void unsupportedColumnTypesOnlyMatterWhenUsed() {
        assertEquals(List.of("9", "7"), rows("select pid from act where pid > 0 order by pid desc"));
        PgException e = error("select * from act");
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals(8, e.position());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, error("select backend_start from act").sqlState());
    }

    @Test
    void parametersInFromQueries() {
        PlannedStatement p = Planner.analyze(Parser.parse(
                "select name from (select * from emp where id > $2) t where id <> $1 order by id limit $3").get(0),
                new int[] {0}, session);
        assertEquals(Types.INT4, p.parameterTypes()[0]);
        assertEquals(Types.INT4, p.parameterTypes()[1]);
        assertEquals(Types.INT8, p.parameterTypes()[2]);
        for (int run = 0; run < 2; run++) {
            List<String> out = new ArrayList<>();
            try (QueryRun r = p.start(new Object[] {4, 2 + run, 5L}, session)) {
                for (Object[] row; (row = r.next()) != null; ) {
                    out.add((String) row[0]);
                }
            }
            assertEquals(run == 0 ? List.of("cid", "eve") : List.of("eve"), out);
        }
    }

    @Test
    void combinations() {
        assertEquals(List.of("5|5|eve|ops|70|3", "4|4|dee||95|2"), rows("select id, * from emp order by id desc limit 2"));
        assertEquals(List.of("ann", "bob"), rows("select name from emp group by name order by count(*) desc, name limit 2"));
        assertEquals(List.of("5", "3"), rows("select count(*) from emp union all select count(*) from dept"));
        assertEquals(List.of("1"), rows("select distinct 1"));
        assertEquals(List.of("-5", "-4"), rows("select id * -1 as id from emp order by id limit 2"));
        assertEquals(List.of("ann", "bob", "cid", "dee", "eng", "eve", "hr", "ops"),
                rows("select name from emp union select dname from dept order by 1"));
        assertEquals(List.of("eng|2", "ops|2", "hr|0"), rows("select d.dname, count(e.id) from dept d left join emp e "
                + "on e.dept = d.dname group by d.dname order by 2 desc, 1"));
        assertEquals(List.of("1|ann|eng|100.50||1"),
                rows("select e.* , d.floor from emp e, dept d where d.dname = e.dept and e.id = 1"));
    }

    @Test
    void xidInetTimestamptzColumns() {
        session.settings.put("timezone", "UTC");
        assertEquals(List.of("5||2000-01-01 00:00:01+00", "|10.0.0.1|", "7|10.0.0.2|2000-01-01 00:00:02+00"),
                rows("select * from xact order by addr nulls first"));
        assertEquals(List.of("5"), rows("select x from xact where x = 5 and ts <= ts"));
        assertEquals(List.of("7|2000-01-01 00:00:02+00"), rows("select x, max(ts) from xact where x <> 5 group by x"));
        assertEquals(List.of("2000-01-01 00:00:01+00"), rows("select ts::text from xact where x = 5"));
        PgException e = error("select x from xact order by 1");
        assertEquals("could not identify an ordering operator for type xid", e.getMessage());
        assertEquals("Use an explicit ordering operator or modify the query.", e.hint());
    }
}
