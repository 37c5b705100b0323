package org.pgjava.backend.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.optimizer.Planner;
import org.pgjava.backend.parser.Parser;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.ModifyResult;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * INSERT / UPDATE / DELETE / CREATE TABLE / DROP TABLE / ALTER TABLE / CHECKPOINT end to end against the
 * in-memory storage double; expected texts and positions are PostgreSQL 15's (checked on the reference).
 */
class ModifyExecutionTest {
    private final FakeSession session = new FakeSession();
    private final InMemoryTables storage = new InMemoryTables();
    private final List<PgException> notices = new ArrayList<>();
    private String lastTag;

    @BeforeEach
    void setUp() {
        session.relations = storage;
        run("create table t (a int not null, b text default 'x', c numeric(5,2), d varchar(3))");
    }

    private PlannedStatement plan(String sql, int[] paramTypes) {
        return paramTypes == null ? Planner.plan(Parser.parse(sql).get(0), null, session, Parser::parseExpression)
                : Planner.analyze(Parser.parse(sql).get(0), paramTypes, session, Parser::parseExpression);
    }

    private List<String> run(String sql, Object... params) {
        PlannedStatement p = plan(sql, params.length == 0 ? null : new int[0]);
        List<String> out = new ArrayList<>();
        try (QueryRun r = p.start(params, session)) {
            notices.addAll(r.takeNotices());
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
            lastTag = r.commandTag();
        }
        return out;
    }

    private PgException fails(String sql) {
        return assertThrows(PgException.class, () -> run(sql));
    }

    private void assertError(String sql, SqlState state, String message, int position) {
        PgException e = fails(sql);
        assertEquals(message, e.getMessage());
        assertEquals(state, e.sqlState());
        assertEquals(position, e.position(), "position of " + message);
    }

    @Test
    void insertValuesDefaultsAndReturning() {
        assertEquals(List.of("1|y|2.50|ab"), run("insert into t values (1, 'y', 2.5, 'ab') returning *"));
        assertEquals("INSERT 0 1", lastTag);
        assertEquals(List.of(), run("insert into t (a) values (2), (3)"));
        assertEquals("INSERT 0 2", lastTag);
        assertEquals(List.of("5|x"), run("insert into t values (4, default) returning a + 1, b as bee"));
        assertEquals(List.of("1|y|2.50|ab", "2|x||", "3|x||", "4|x||"), run("select * from t"));
        PlannedStatement p = plan("insert into t values (9) returning a + 1 as q, b, *", null);
        List<ResultColumn> cols = p.resultColumns();
        assertEquals("q", cols.get(0).name());
        assertEquals(0, cols.get(0).tableOid());
        assertEquals(storage.tables.get("t").oid, cols.get(1).tableOid());
        assertEquals(2, cols.get(1).columnNumber());
        assertEquals(1, cols.get(2).columnNumber());
        assertEquals(1700, cols.get(4).typeOid());
        assertEquals((5 << 16 | 2) + 4, cols.get(4).typeMod());
    }

    @Test
    void insertSelectAndDefaultValues() {
        run("create table n (a int default 7, b text)");
        run("insert into n default values");
        assertEquals("INSERT 0 1", lastTag);
        run("insert into n (b, a) select 'z', 3 union all select 'w', 4 order by 2");
        assertEquals("INSERT 0 2", lastTag);
        run("insert into n select a + 10 from n where a < 5");
        assertEquals(List.of("7|", "3|z", "4|w", "13|", "14|"), run("select * from n"));
    }

    @Test
    void insertErrorsAsPostgres() {
        assertError("insert into t values (1,2,3,4,5)", SqlState.SYNTAX_ERROR, "INSERT has more expressions than target columns", 31);
        assertError("insert into t (a, b) values (1)", SqlState.SYNTAX_ERROR, "INSERT has more target columns than expressions", 19);
        assertError("insert into t (a) values (1, 2)", SqlState.SYNTAX_ERROR, "INSERT has more expressions than target columns", 30);
        assertError("insert into t (zz) values (1)", SqlState.UNDEFINED_COLUMN, "column \"zz\" of relation \"t\" does not exist", 16);
        assertError("insert into t (a, a) values (1, 2)", SqlState.DUPLICATE_COLUMN, "column \"a\" specified more than once", 19);
        assertError("insert into t (a) values (true)", SqlState.DATATYPE_MISMATCH,
                "column \"a\" is of type integer but expression is of type boolean", 27);
        assertEquals("You will need to rewrite or cast the expression.", fails("insert into t (a) values (true)").hint());
        assertError("insert into t (a) select 'x'::text", SqlState.DATATYPE_MISMATCH,
                "column \"a\" is of type integer but expression is of type text", 26);
        assertError("insert into t values ('x')", SqlState.INVALID_TEXT_REPRESENTATION,
                "invalid input syntax for type integer: \"x\"", 23);
        assertError("insert into t(a) values (1), (2,3)", SqlState.SYNTAX_ERROR, "VALUES lists must all be the same length", 31);
        assertError("insert into t (a) values (default + 1)", SqlState.SYNTAX_ERROR, "DEFAULT is not allowed in this context", 27);
        assertError("insert into t values (1) returning zz", SqlState.UNDEFINED_COLUMN, "column \"zz\" does not exist", 36);
        assertError("insert into w values (1)", SqlState.UNDEFINED_TABLE, "relation \"w\" does not exist", 13);
        assertError("insert into t values (sum(1))", SqlState.GROUPING_ERROR, "aggregate functions are not allowed in VALUES", 23);
        assertError("insert into t (a.x) values (1)", SqlState.DATATYPE_MISMATCH,
                "cannot assign to field \"x\" of column \"a\" because its type integer is not a composite type", 16);
        assertError("insert into t select 1, 2, 3, 4, 5", SqlState.SYNTAX_ERROR, "INSERT has more expressions than target columns", 34);
        assertError("insert into t (a, b) select 1", SqlState.SYNTAX_ERROR, "INSERT has more target columns than expressions", 19);
    }

    @Test
    void notNullViolationReportsTheFailingRow() {
        PgException e = fails("insert into t values (null)");
        assertEquals(SqlState.NOT_NULL_VIOLATION, e.sqlState());
        assertEquals("null value in column \"a\" of relation \"t\" violates not-null constraint", e.getMessage());
        assertEquals("Failing row contains (null, x, null, null).", e.detail());
        assertEquals("public", e.schemaName());
        assertEquals("t", e.tableName());
        assertEquals("a", e.columnName());
        run("insert into t values (1, 'y', 2.5, 'ab')");
        e = fails("update t set a = null");
        assertEquals("Failing row contains (null, y, 2.50, ab).", e.detail());
        String longText = "x".repeat(70);
        e = fails("insert into t (b) values ('" + longText + "')");
        assertEquals("Failing row contains (null, " + "x".repeat(64) + "..., null, null).", e.detail());
    }

    @Test
    void typmodsAreEnforcedOnAssignment() {
        PgException e = fails("insert into t values (1, default, 1.234, 'abcd')");
        assertEquals(SqlState.STRING_DATA_RIGHT_TRUNCATION, e.sqlState());
        assertEquals("value too long for type character varying(3)", e.getMessage());
        assertEquals(List.of("1.23"), run("insert into t (a, c) values (1, 1.234) returning c"));
    }

    @Test
    void updateSetWhereReturning() {
        run("insert into t (a, b) values (1, 'p'), (2, 'q'), (3, 'r')");
        assertEquals(List.of("2|x", "3|x"), run("update t set a = a + 1, b = default where a < 3 returning a, b"));
        assertEquals("UPDATE 2", lastTag);
        assertEquals(List.of("5"), run("update t x set (a, b) = (5, 'z') where x.b = 'r' returning a"));
        assertEquals(List.of(), run("update t set a = 0 where false"));
        assertEquals("UPDATE 0", lastTag);
        assertEquals(List.of("2|x", "3|x", "5|z"), run("select a, b from t order by a"));
    }

    @Test
    void updateErrorsAsPostgres() {
        assertError("update t set zz = 1", SqlState.UNDEFINED_COLUMN, "column \"zz\" of relation \"t\" does not exist", 14);
        assertError("update t set a = 'q'", SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type integer: \"q\"", 18);
        assertError("update t set a = 1, a = 2", SqlState.SYNTAX_ERROR, "multiple assignments to same column \"a\"", 0);
        assertError("update t x set a = 1 where t.a = 1", SqlState.UNDEFINED_TABLE,
                "invalid reference to FROM-clause entry for table \"t\"", 28);
        assertEquals("Perhaps you meant to reference the table alias \"x\".", fails("update t x set a = 1 where t.a = 1").hint());
        assertError("update t set (a, b) = (1)", SqlState.FEATURE_NOT_SUPPORTED,
                "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression", 24);
        assertError("update t set (a, b) = (1, 2, 3)", SqlState.SYNTAX_ERROR, "number of columns does not match number of values", 23);
        assertError("update t set a = sum(a)", SqlState.GROUPING_ERROR, "aggregate functions are not allowed in UPDATE", 18);
        assertError("delete from t where sum(a) > 1", SqlState.GROUPING_ERROR, "aggregate functions are not allowed in WHERE", 21);
        assertError("update t set a = 1 from t", SqlState.FEATURE_NOT_SUPPORTED, "UPDATE ... FROM is not supported yet", 20);
    }

    @Test
    void deleteWhereReturning() {
        run("insert into t (a) values (1), (2), (3)");
        assertEquals(List.of("2|x||"), run("delete from t as q where q.a = 2 returning *"));
        assertEquals("DELETE 1", lastTag);
        run("delete from t");
        assertEquals("DELETE 2", lastTag);
        assertEquals(List.of(), run("select * from t"));
    }

    @Test
    void concurrentOutcomesFollowReadCommitted() {
        run("insert into t (a) values (1), (2), (3)");
        InMemoryTables.Table t = storage.tables.get("t");
        // row 0 was updated by someone else to a = 10 (still qualifies), row 1 to a = 20 (no longer does),
        // row 2 was deleted
        t.versions.add(new Object[] {10, "x", null, null});
        t.versions.add(new Object[] {20, "x", null, null});
        t.interfere.put(0L, new ModifyResult.ConcurrentlyUpdated(3, new Object[] {10, "x", null, null}));
        t.interfere.put(1L, new ModifyResult.ConcurrentlyUpdated(4, new Object[] {20, "x", null, null}));
        t.interfere.put(2L, new ModifyResult.ConcurrentlyDeleted());
        t.invisibleToScans.add(3); // the newer versions are not in this command's snapshot
        t.invisibleToScans.add(4);
        List<String> r = run("update t set b = 'n' where a < 15 or a = 1 returning a, b");
        // row 0: retried on version 3 (a=10 qualifies); row 1: a=20 fails the re-check; row 2: deleted
        assertEquals(List.of("10|n"), r);
        assertEquals("UPDATE 1", lastTag);
    }

    @Test
    void selfModifiedRowsAreSkipped() {
        run("insert into t (a) values (1)");
        storage.tables.get("t").interfere.put(0L, new ModifyResult.SelfModified());
        assertEquals(List.of(), run("delete from t returning a"));
        assertEquals("DELETE 0", lastTag);
    }

    @Test
    void parametersInValuesWhereAndSet() {
        PlannedStatement p = plan("insert into t (a, b) values ($1, $2)", new int[0]);
        assertArrayEquals(new int[] {23, 25}, p.parameterTypes());
        run("insert into t (a, b) values ($1, $2)", 7, "seven");
        PlannedStatement u = plan("update t set b = $1 where a = $2 returning b", new int[0]);
        assertArrayEquals(new int[] {25, 23}, u.parameterTypes());
        assertEquals(List.of("eight"), run("update t set b = $1 where a = $2 returning b", "eight", 7));
        assertEquals(List.of("7"), run("delete from t where a = $1 returning a", 7));
    }

    @Test
    void readOnlyTransactionsRefuseChanges() {
        session.settings.put("transaction_read_only", "on");
        assertError("insert into t values (1)", SqlState.READ_ONLY_SQL_TRANSACTION,
                "cannot execute INSERT in a read-only transaction", 0);
        assertError("create table w2 (a int)", SqlState.READ_ONLY_SQL_TRANSACTION,
                "cannot execute CREATE TABLE in a read-only transaction", 0);
        run("checkpoint");
        assertEquals("CHECKPOINT", lastTag);
        assertEquals(1, storage.checkpoints);
    }

    @Test
    void createDropAlterTable() {
        run("create table u (a float(3), b decimal, c char, d bpchar, e \"char\", f timestamp(3) with time zone,"
                + " g double precision, h character varying(5), i numeric(10, 2), j date, k timestamp, l bigint,"
                + " m smallint, n bytea, o uuid, p oid, q name, r boolean, s real, t text, v int4, w integer)");
        assertEquals("CREATE TABLE", lastTag);
        var cols = storage.tables.get("u").tableColumns();
        int[][] expected = {{700, -1}, {1700, -1}, {1042, 5}, {1042, -1}, {18, -1}, {1184, 3}, {701, -1}, {1043, 9},
                {1700, (10 << 16 | 2) + 4}, {1082, -1}, {1114, -1}, {20, -1}, {21, -1}, {17, -1}, {2950, -1}, {26, -1},
                {19, -1}, {16, -1}, {700, -1}, {25, -1}, {23, -1}, {23, -1}};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i][0], cols.get(i).typeOid(), "type of " + cols.get(i).name());
            assertEquals(expected[i][1], cols.get(i).typmod(), "typmod of " + cols.get(i).name());
        }
        run("create table if not exists u (a int)");
        assertEquals(1, notices.size());
        assertEquals("relation \"u\" already exists, skipping", notices.get(0).getMessage());
        assertEquals(Severity.NOTICE, notices.get(0).severity());
        assertEquals(SqlState.DUPLICATE_TABLE, notices.get(0).sqlState());
        assertError("create table u (a int)", SqlState.DUPLICATE_TABLE, "relation \"u\" already exists", 0);
        assertError("create table v (a foo)", SqlState.UNDEFINED_OBJECT, "type \"foo\" does not exist", 19);
        assertError("create table v (a int, a text)", SqlState.DUPLICATE_COLUMN, "column \"a\" specified more than once", 0);
        assertError("create table v (a int default 'x')", SqlState.INVALID_TEXT_REPRESENTATION,
                "invalid input syntax for type integer: \"x\"", 31);
        assertError("create table v (a int default b)", SqlState.FEATURE_NOT_SUPPORTED,
                "cannot use column reference in DEFAULT expression", 31);
        assertError("create table v (a serial)", SqlState.FEATURE_NOT_SUPPORTED,
                "serial columns are not supported yet (they need sequences)", 19);
        assertError("create table v (a int primary key)", SqlState.FEATURE_NOT_SUPPORTED,
                "PRIMARY KEY constraints are not supported yet (they need indexes or constraint checking)", 23);
        assertError("create table v (a text(5))", SqlState.SYNTAX_ERROR, "type modifier is not allowed for type \"text\"", 19);
        assertFalse(storage.tables.containsKey("v"));

        notices.clear();
        run("drop table if exists nothere, u, s.x");
        assertEquals("DROP TABLE", lastTag);
        assertEquals(List.of("table \"nothere\" does not exist, skipping", "schema \"s\" does not exist, skipping"),
                notices.stream().map(Throwable::getMessage).toList());
        assertFalse(storage.tables.containsKey("u"));
        assertError("drop table nothere", SqlState.UNDEFINED_TABLE, "table \"nothere\" does not exist", 0);
    }

    @Test
    void alterTableAddColumn() {
        run("insert into t (a) values (1)");
        run("alter table t add column e int default 7");
        assertEquals("ALTER TABLE", lastTag);
        assertEquals(List.of("1|7"), run("select a, e from t"));
        run("insert into t (a) values (2)");
        assertEquals(List.of("1|7", "2|7"), run("select a, e from t"));
        assertError("alter table t add column a int", SqlState.DUPLICATE_COLUMN, "column \"a\" of relation \"t\" already exists", 0);
        notices.clear();
        run("alter table t add column if not exists a int");
        run("alter table if exists nothere add column e int");
        assertEquals(List.of("column \"a\" of relation \"t\" already exists, skipping", "relation \"nothere\" does not exist, skipping"),
                notices.stream().map(Throwable::getMessage).toList());
        assertError("alter table nothere add column e int", SqlState.UNDEFINED_TABLE, "relation \"nothere\" does not exist", 0);
    }

    @Test
    void viewsCannotBeChanged() {
        session.relations = (schema, name) -> name.equals("v") ? new org.pgjava.backend.utils.relation.RelationSource() {
            public String schemaName() { return "pg_catalog"; }
            public String name() { return "v"; }
            public int tableOid() { return 1; }
            public List<org.pgjava.backend.utils.relation.RelationColumn> columns() {
                return List.of(new org.pgjava.backend.utils.relation.RelationColumn("a", 23, -1));
            }
            public org.pgjava.backend.utils.relation.RowScan openScan(org.pgjava.backend.utils.SessionContext s) {
                return () -> null;
            }
        } : null;
        PgException e = fails("insert into v values (1)");
        assertEquals(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, e.sqlState());
        assertEquals("cannot insert into view \"v\"", e.getMessage());
        assertEquals("To enable inserting into the view, provide an INSTEAD OF INSERT trigger or an unconditional ON INSERT DO INSTEAD rule.", e.hint());
        assertEquals("cannot delete from view \"v\"", fails("delete from v").getMessage());
        assertEquals("cannot update view \"v\"", fails("update v set a = 1").getMessage());
        assertTrue(fails("create table q (a int)").getMessage().startsWith("CREATE TABLE is not supported yet"));
    }
}
