package org.pgjava.backend.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.nodes.DiscardStmt;
import org.pgjava.backend.nodes.ExprNode;
import org.pgjava.backend.nodes.Node;
import org.pgjava.backend.nodes.SelectStmt;
import org.pgjava.backend.nodes.TransactionStmt;
import org.pgjava.backend.nodes.VariableSetStmt;
import org.pgjava.backend.nodes.VariableShowStmt;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

class ParserTest {
    private static Node one(String sql) {
        List<RawStatement> l = Parser.parse(sql);
        assertEquals(1, l.size());
        return l.get(0).stmt();
    }

    private static PgException err(String sql) {
        return assertThrows(PgException.class, () -> Parser.parse(sql));
    }

    @Test
    void multipleStatementsKeepTheirText() {
        String q = " select 1;; SET x = 1 ;show x";
        List<RawStatement> l = Parser.parse(q);
        assertEquals(3, l.size());
        assertEquals("select 1", q.substring(l.get(0).location(), l.get(0).location() + l.get(0).length()));
        assertEquals("SET x = 1 ", q.substring(l.get(1).location(), l.get(1).location() + l.get(1).length()));
        assertEquals("show x", q.substring(l.get(2).location(), l.get(2).location() + l.get(2).length()));
        assertTrue(Parser.parse("  ;; -- nothing\n").isEmpty());
    }

    @Test
    void syntaxErrorPositions() {
        PgException e = err("select 1 2");
        assertEquals(SqlState.SYNTAX_ERROR, e.sqlState());
        assertEquals("syntax error at or near \"2\"", e.getMessage());
        assertEquals(10, e.position());
        e = err("select 1 +");
        assertEquals("syntax error at end of input", e.getMessage());
        assertEquals(11, e.position());
        assertEquals(1, err("selec 1").position());
        assertEquals("syntax error at or near \"selec\"", err("selec 1").getMessage());
        assertEquals(20, err("select 1; select 2 3").position());
        assertEquals("syntax error at or near \"'b'\"", err("select 'a' 'b'").getMessage());
        assertEquals("syntax error at or near \"<\"", err("select 1 < 2 < 3").getMessage());
        assertEquals("syntax error at or near \"..\"", err("select 1..2").getMessage());
        assertEquals("syntax error at end of input", err("select (1").getMessage());
    }

    @Test
    void unsupportedStatementsAre0A000() {
        for (String s : new String[] {"create index i on t (a)", "insert into t values (1) on conflict do nothing",
                "update t set a=1 from u", "delete from t using u", "drop view t", "explain select 1", "copy t from stdin",
                "vacuum", "grant all on t to x", "prepare p as select 1", "execute p", "deallocate p", "listen c",
                "notify c", "alter table t drop b"}) {
            PgException e = err(s);
            assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState(), s);
            assertTrue(e.getMessage().endsWith("is not supported yet"), e.getMessage());
        }
    }

    @Test
    void setShowReset() {
        VariableSetStmt s = (VariableSetStmt) one("SET search_path TO public, 'My Schema'");
        assertEquals(VariableSetStmt.Kind.SET_VALUE, s.kind());
        assertEquals("search_path", s.name());
        assertEquals(List.of("public", "My Schema"), s.args());
        s = (VariableSetStmt) one("set local statement_timeout = -5");
        assertTrue(s.isLocal());
        assertEquals(List.of("-5"), s.args());
        assertEquals(VariableSetStmt.Kind.SET_DEFAULT, ((VariableSetStmt) one("set DateStyle to default")).kind());
        assertEquals("datestyle", ((VariableSetStmt) one("set DateStyle to default")).name());
        s = (VariableSetStmt) one("SET TIME ZONE 'UTC'");
        assertEquals("timezone", s.name());
        assertEquals(List.of("UTC"), s.args());
        assertEquals(VariableSetStmt.Kind.SET_DEFAULT, ((VariableSetStmt) one("set time zone local")).kind());
        s = (VariableSetStmt) one("SET NAMES 'UTF8'");
        assertEquals("client_encoding", s.name());
        s = (VariableSetStmt) one("SET SCHEMA 'x'");
        assertEquals("search_path", s.name());
        s = (VariableSetStmt) one("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY");
        assertEquals("session_characteristics", s.name());
        assertEquals(List.of("default_transaction_isolation", "serializable", "default_transaction_read_only", "on"), s.args());
        s = (VariableSetStmt) one("set transaction read write not deferrable");
        assertEquals("transaction", s.name());
        assertEquals(List.of("transaction_read_only", "off", "transaction_deferrable", "off"), s.args());
        s = (VariableSetStmt) one("set transaction isolation level read committed");
        assertEquals("transaction_isolation", s.name());
        assertEquals(List.of("read committed"), s.args());
        s = (VariableSetStmt) one("set session characteristics as transaction read only");
        assertEquals("default_transaction_read_only", s.name());
        assertEquals(List.of("on"), s.args());
        s = (VariableSetStmt) one("set application_name = on");
        assertEquals(List.of("on"), s.args());
        assertEquals(VariableSetStmt.Kind.RESET_ALL, ((VariableSetStmt) one("RESET ALL")).kind());
        assertEquals("timezone", ((VariableSetStmt) one("reset time zone")).name());
        assertEquals("RESET", ((VariableSetStmt) one("reset x")).commandTag());
        assertEquals("all", ((VariableShowStmt) one("SHOW ALL")).name());
        assertEquals("timezone", ((VariableShowStmt) one("show time zone")).name());
        assertEquals("transaction_isolation", ((VariableShowStmt) one("show transaction isolation level")).name());
        assertEquals("session_authorization", ((VariableShowStmt) one("show session authorization")).name());
        assertEquals("MixedCase", ((VariableShowStmt) one("show \"MixedCase\"")).name());
        assertEquals("syntax error at end of input", err("set x to").getMessage());
    }

    @Test
    void transactionStatements() {
        TransactionStmt t = (TransactionStmt) one("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY DEFERRABLE");
        assertEquals(TransactionStmt.Kind.BEGIN, t.kind());
        assertEquals(List.of("isolation level repeatable read", "read only", "deferrable"), t.modes());
        assertEquals(TransactionStmt.Kind.BEGIN, ((TransactionStmt) one("begin work")).kind());
        assertEquals("START TRANSACTION", ((TransactionStmt) one("start transaction read write")).commandTag());
        TransactionStmt c = (TransactionStmt) one("commit and chain");
        assertEquals(TransactionStmt.Kind.COMMIT, c.kind());
        assertTrue(c.chain());
        assertEquals(TransactionStmt.Kind.COMMIT, ((TransactionStmt) one("END TRANSACTION")).kind());
        assertEquals(TransactionStmt.Kind.ROLLBACK, ((TransactionStmt) one("abort")).kind());
        assertEquals(false, ((TransactionStmt) one("rollback and no chain")).chain());
        TransactionStmt r = (TransactionStmt) one("ROLLBACK TRANSACTION TO SAVEPOINT Sp1");
        assertEquals(TransactionStmt.Kind.ROLLBACK_TO, r.kind());
        assertEquals("sp1", r.savepointName());
        assertEquals("x", ((TransactionStmt) one("rollback to x")).savepointName());
        assertEquals(TransactionStmt.Kind.SAVEPOINT, ((TransactionStmt) one("savepoint a")).kind());
        assertEquals(TransactionStmt.Kind.RELEASE, ((TransactionStmt) one("release savepoint a")).kind());
        assertEquals("a", ((TransactionStmt) one("release a")).savepointName());
        assertEquals(TransactionStmt.Kind.PREPARE, ((TransactionStmt) one("prepare transaction 'g'")).kind());
        assertEquals(TransactionStmt.Kind.COMMIT_PREPARED, ((TransactionStmt) one("commit prepared 'g'")).kind());
        assertEquals(DiscardStmt.Target.ALL, ((DiscardStmt) one("DISCARD ALL")).target());
        assertEquals(DiscardStmt.Target.TEMP, ((DiscardStmt) one("discard temporary")).target());
        assertEquals("syntax error at end of input", err("savepoint").getMessage());
    }

    @Test
    void expressionPrecedence() {
        SelectStmt s = (SelectStmt) one("select 1 + 2 * 3, -2 ^ 2, not a = b, a is null is null, 2 between 1 and 3 = true");
        ExprNode.Op add = (ExprNode.Op) s.targetList().get(0).value();
        assertEquals("+", add.name());
        assertEquals("*", ((ExprNode.Op) add.right()).name());
        ExprNode.Op pow = (ExprNode.Op) s.targetList().get(1).value();
        assertEquals("^", pow.name());
        assertEquals("-2", ((ExprNode.Const) pow.left()).value()); // negation folded into the constant
        ExprNode.Bool not = (ExprNode.Bool) s.targetList().get(2).value();
        assertInstanceOf(ExprNode.Op.class, not.args().get(0));
        assertInstanceOf(ExprNode.NullTest.class, s.targetList().get(3).value());
        assertInstanceOf(ExprNode.Op.class, s.targetList().get(4).value());
    }

    @Test
    void targetLabels() {
        SelectStmt s = (SelectStmt) one("select 1 as x, 2 y, 3 \"Z\", 4 as \"select\", 5 and, 6");
        assertEquals("x", s.targetList().get(0).name());
        assertEquals("y", s.targetList().get(1).name());
        assertEquals("Z", s.targetList().get(2).name());
        assertEquals("select", s.targetList().get(3).name());
        assertEquals("and", s.targetList().get(4).name());
        assertEquals(null, s.targetList().get(5).name());
        assertEquals("syntax error at or near \"day\"", err("select 1 day").getMessage());
    }

    @Test
    void valuesAndClauses() {
        SelectStmt v = (SelectStmt) one("values (1, 'a'), (2, 'b') limit 1 offset 1");
        assertEquals(2, v.valuesLists().size());
        assertInstanceOf(ExprNode.Const.class, v.limit());
        SelectStmt s = (SelectStmt) one("select a from t where a > 1 group by a having a < 3 order by a desc nulls first");
        assertEquals(1, s.fromClause().size());
        assertEquals(1, s.orderBy().size());
        assertTrue(s.orderBy().get(0).descending());
        SelectStmt u = (SelectStmt) one("select 1 union all select 2 intersect select 3");
        assertEquals(SelectStmt.SetOp.UNION, u.setOp());
        assertEquals(SelectStmt.SetOp.INTERSECT, u.right().setOp());
    }

    @Test
    void fromItemsAndJoins() {
        SelectStmt s = (SelectStmt) one("select * from public.emp as e (i, n) left outer join dept d on e.dept = d.dname, "
                + "generate_series(1, 3) with ordinality g(v, o), (values (1)) v(x)");
        assertEquals(3, s.fromClause().size());
        org.pgjava.backend.nodes.JoinExpr j = (org.pgjava.backend.nodes.JoinExpr) s.fromClause().get(0);
        assertEquals(org.pgjava.backend.nodes.JoinExpr.JoinType.LEFT, j.type());
        org.pgjava.backend.nodes.RangeVar e = (org.pgjava.backend.nodes.RangeVar) j.left();
        assertEquals(List.of("public", "emp"), e.names());
        assertEquals("e", e.alias());
        assertEquals(List.of("i", "n"), e.colAliases());
        org.pgjava.backend.nodes.RangeFunction f = (org.pgjava.backend.nodes.RangeFunction) s.fromClause().get(1);
        assertTrue(f.ordinality());
        assertEquals(List.of("v", "o"), f.colAliases());
        org.pgjava.backend.nodes.RangeSubselect v = (org.pgjava.backend.nodes.RangeSubselect) s.fromClause().get(2);
        assertEquals("v", v.alias());
        SelectStmt c = (SelectStmt) one("select 1 from a cross join b inner join c on true right join d on false");
        org.pgjava.backend.nodes.JoinExpr top = (org.pgjava.backend.nodes.JoinExpr) c.fromClause().get(0);
        assertEquals(org.pgjava.backend.nodes.JoinExpr.JoinType.RIGHT, top.type());
        for (String sql : new String[] {"select * from emp join dept", "select * from emp cross join", "select * from emp e(",
                "select * from (select 1) as"}) {
            PgException x = err(sql);
            assertEquals("syntax error at end of input", x.getMessage(), sql);
        }
        assertEquals(org.pgjava.conf.errors.SqlState.FEATURE_NOT_SUPPORTED, err("select * from a natural join b").sqlState());
        assertEquals(org.pgjava.conf.errors.SqlState.FEATURE_NOT_SUPPORTED, err("select * from a join b using (x)").sqlState());
        assertEquals(org.pgjava.conf.errors.SqlState.FEATURE_NOT_SUPPORTED, err("select * from a, lateral (select 1) x").sqlState());
    }
}
