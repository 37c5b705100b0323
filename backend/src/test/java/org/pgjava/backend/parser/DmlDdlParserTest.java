package org.pgjava.backend.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.nodes.AlterTableStmt;
import org.pgjava.backend.nodes.CheckpointStmt;
import org.pgjava.backend.nodes.CreateTableStmt;
import org.pgjava.backend.nodes.DeleteStmt;
import org.pgjava.backend.nodes.DropTableStmt;
import org.pgjava.backend.nodes.ExprNode;
import org.pgjava.backend.nodes.InsertStmt;
import org.pgjava.backend.nodes.Node;
import org.pgjava.backend.nodes.UpdateStmt;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** INSERT / UPDATE / DELETE / CREATE / DROP / ALTER TABLE / CHECKPOINT syntax; texts and positions as PostgreSQL 15. */
class DmlDdlParserTest {
    private static Node one(String sql) {
        return Parser.parse(sql).get(0).stmt();
    }

    private static PgException err(String sql) {
        return assertThrows(PgException.class, () -> Parser.parse(sql));
    }

    @Test
    void insertForms() {
        InsertStmt i = assertInstanceOf(InsertStmt.class, one("insert into s.t as x (a, b) values (1, default), ($1, 2) returning *, a + 1 as q"));
        assertEquals(List.of("s", "t"), i.relation().names());
        assertEquals("x", i.relation().alias());
        assertEquals(List.of("a", "b"), i.columns().stream().map(c -> c.name()).toList());
        assertEquals(2, i.select().valuesLists().size());
        assertInstanceOf(ExprNode.SetToDefault.class, i.select().valuesLists().get(0).get(1));
        assertEquals(2, i.returning().size());
        assertEquals("q", i.returning().get(1).name());
        InsertStmt d = assertInstanceOf(InsertStmt.class, one("INSERT INTO t DEFAULT VALUES"));
        assertNull(d.select());
        assertTrue(d.columns().isEmpty());
        InsertStmt s = assertInstanceOf(InsertStmt.class, one("insert into t (select 1)"));
        assertTrue(s.columns().isEmpty());
        assertEquals(1, s.select().targetList().size());
        assertEquals(List.of("f"), ((InsertStmt) one("insert into t (a.f) select 1")).columns().get(0).fields());
    }

    @Test
    void insertRefusals() {
        PgException e = err("insert into t values (1) on conflict do nothing");
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals(26, e.position());
        assertEquals(SqlState.SYNTAX_ERROR, err("insert into t").sqlState());
        assertEquals("syntax error at end of input", err("insert into t").getMessage());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, err("insert into t (a[1]) values (1)").sqlState());
    }

    @Test
    void updateForms() {
        UpdateStmt u = assertInstanceOf(UpdateStmt.class, one("update only t x set a = 1, (b, c) = (default, 3), d = d where a > 0 returning a"));
        assertEquals("x", u.relation().alias());
        assertEquals(List.of("a", "b", "c", "d"), u.set().stream().map(c -> c.target().name()).toList());
        assertInstanceOf(ExprNode.SetToDefault.class, u.set().get(1).value());
        assertInstanceOf(ExprNode.ColumnRef.class, u.set().get(3).value());
        assertTrue(u.where() != null);
        UpdateStmt r = assertInstanceOf(UpdateStmt.class, one("update t set (a, b) = row(1, 2)"));
        assertEquals(2, r.set().size());
        assertNull(r.relation().alias());
        PgException e = err("update w set (a, b) = (1)");
        assertEquals("source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression", e.getMessage());
        assertEquals(24, e.position());
        e = err("update w set (a, b) = (1, 2, 3)");
        assertEquals("number of columns does not match number of values", e.getMessage());
        assertEquals(23, e.position());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, err("update t set a = 1 where current of c").sqlState());
    }

    @Test
    void deleteForms() {
        DeleteStmt d = assertInstanceOf(DeleteStmt.class, one("delete from t as x where x.a = 1 returning x.a"));
        assertEquals("x", d.relation().alias());
        assertEquals(1, d.returning().size());
        DeleteStmt bare = assertInstanceOf(DeleteStmt.class, one("delete from t"));
        assertNull(bare.where());
        assertEquals("y", ((DeleteStmt) one("delete from t y")).relation().alias());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, err("delete from t using u").sqlState());
    }

    @Test
    void createTable() {
        CreateTableStmt c = assertInstanceOf(CreateTableStmt.class, one(
                "create table if not exists s.t (a int not null, b varchar(10) default 'x' || 'y' null, c double precision,"
                        + " d timestamp with time zone default now() not null, e numeric(5, 2) constraint nn not null)"));
        assertTrue(c.ifNotExists());
        assertEquals(List.of("s", "t"), c.relation().names());
        assertEquals(5, c.columns().size());
        assertTrue(c.columns().get(0).notNull());
        assertFalse(c.columns().get(1).notNull());
        assertEquals("'x' || 'y'", c.columns().get(1).defaultText());
        assertEquals(List.of("pg_catalog", "float8"), c.columns().get(2).type().names());
        assertEquals(List.of("pg_catalog", "timestamptz"), c.columns().get(3).type().names());
        assertEquals("now()", c.columns().get(3).defaultText());
        assertTrue(c.columns().get(3).notNull());
        assertTrue(c.columns().get(4).notNull());
        assertTrue(((CreateTableStmt) one("create table t ()")).columns().isEmpty());
    }

    @Test
    void createTableErrors() {
        PgException e = err("create table v1 (a int not null null)");
        assertEquals("conflicting NULL/NOT NULL declarations for column \"a\" of table \"v1\"", e.getMessage());
        assertEquals(SqlState.SYNTAX_ERROR, e.sqlState());
        assertEquals(33, e.position());
        e = err("create table v1 (a int default 1 default 2)");
        assertEquals("multiple default values specified for column \"a\" of table \"v1\"", e.getMessage());
        assertEquals(34, e.position());
        for (String sql : List.of("create table u (a int primary key)", "create table u (a int unique)",
                "create table u (a int check (a > 0))", "create table u (a int references t)",
                "create table u (a int, primary key (a))", "create temp table u (a int)", "create table u as select 1",
                "create index i on t (a)", "create table u (a int) inherits (t)")) {
            assertEquals(SqlState.FEATURE_NOT_SUPPORTED, err(sql).sqlState(), sql);
        }
    }

    @Test
    void dropAlterCheckpoint() {
        DropTableStmt d = assertInstanceOf(DropTableStmt.class, one("drop table if exists a, s.b cascade"));
        assertTrue(d.ifExists());
        assertTrue(d.cascade());
        assertEquals(List.of(List.of("a"), List.of("s", "b")), d.names());
        assertFalse(((DropTableStmt) one("drop table a restrict")).cascade());
        AlterTableStmt a = assertInstanceOf(AlterTableStmt.class, one("alter table if exists t add column if not exists c int default 7"));
        assertTrue(a.ifExists());
        assertTrue(a.ifNotExists());
        assertEquals("c", a.addColumn().name());
        assertEquals("7", a.addColumn().defaultText());
        assertEquals("d", ((AlterTableStmt) one("alter table t add d text")).addColumn().name());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, err("alter table t drop column a").sqlState());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, err("alter table t add column a int, add column b int").sqlState());
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, err("drop view v").sqlState());
        assertInstanceOf(CheckpointStmt.class, one("CHECKPOINT"));
    }

    @Test
    void defaultIsAnExpressionNodeAndStoredDefaultsParse() {
        assertInstanceOf(ExprNode.SetToDefault.class, ((org.pgjava.backend.nodes.SelectStmt) one("select default")).targetList().get(0).value());
        assertInstanceOf(ExprNode.Op.class, Parser.parseExpression("'x' || 'y'"));
        assertEquals(SqlState.SYNTAX_ERROR, assertThrows(PgException.class, () -> Parser.parseExpression("1 2")).sqlState());
    }
}
