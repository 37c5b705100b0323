package org.pgjava.backend.optimizer.analyze;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pgjava.backend.executor.ModifyPlan;
import org.pgjava.backend.executor.PlannedStatement;
import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.backend.executor.ResultPlan;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.nodes.AssignTarget;
import org.pgjava.backend.nodes.DeleteStmt;
import org.pgjava.backend.nodes.ExprNode;
import org.pgjava.backend.nodes.ExpressionParser;
import org.pgjava.backend.nodes.InsertStmt;
import org.pgjava.backend.nodes.RangeVar;
import org.pgjava.backend.nodes.ResTarget;
import org.pgjava.backend.nodes.SelectStmt;
import org.pgjava.backend.nodes.UpdateStmt;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.ModifiableTable;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Analysis of INSERT, UPDATE and DELETE (PostgreSQL's transformInsertStmt / transformUpdateStmt /
 * transformDeleteStmt with parse_target's checkInsertTargets and transformAssignedExpr): resolves the
 * target table, the target columns, the row source, defaults (stored as SQL text, parsed with the
 * {@link ExpressionParser} the traffic cop supplies), assignment coercion to each column's type and typmod,
 * WHERE and RETURNING, and builds the {@link ModifyPlan}.
 *
 * <p>Entry points: {@link #insert}, {@link #update}, {@link #delete}. One instance per statement, sharing
 * the statement's {@link Analyzer} (so parameter types are inferred across all clauses).
 */
public final class ModifyAnalyzer {
    private final Analyzer analyzer;
    private final ExpressionParser expressionParser;

    public ModifyAnalyzer(Analyzer analyzer, ExpressionParser expressionParser) {
        this.analyzer = analyzer;
        this.expressionParser = expressionParser;
    }

    // ------------------------------------------------------------------ INSERT

    /** @throws PgException every analysis error of INSERT, with PostgreSQL's texts and positions */
    public ModifyPlan insert(InsertStmt s) {
        ModifiableTable table = targetTable(s.relation(), "insert into", "INSERT");
        List<TableColumn> cols = table.tableColumns();
        int width = cols.size();
        // checkInsertTargets
        List<Integer> targets = new ArrayList<>();
        if (s.columns().isEmpty()) {
            for (int i = 0; i < width; i++) {
                if (!cols.get(i).dropped()) {
                    targets.add(i);
                }
            }
        } else {
            Set<Integer> seen = new HashSet<>();
            for (AssignTarget t : s.columns()) {
                int attno = findColumn(table, t);
                if (!seen.add(attno)) {
                    throw PgException.error(SqlState.DUPLICATE_COLUMN, "column \"" + t.name() + "\" specified more than once")
                            .withPosition(t.location() + 1);
                }
                targets.add(attno);
            }
        }
        ModifyPlan.InsertSource source;
        SelectStmt sel = s.select();
        if (sel == null) {
            source = new ModifyPlan.InsertSource.Rows(new Expr[][] {defaultRow(table, List.of(), List.of())});
        } else if (isPlainValues(sel)) {
            List<List<ExprNode>> rows = sel.valuesLists();
            int len = rows.get(0).size();
            for (List<ExprNode> r : rows) {
                if (r.size() != len) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "VALUES lists must all be the same length")
                            .withPosition(Analyzer.leftmost(r.get(0)) + 1);
                }
            }
            List<Integer> used = checkCounts(s, targets, len, i -> Analyzer.leftmost(rows.get(0).get(i)));
            Expr[][] out = new Expr[rows.size()][];
            for (int r = 0; r < rows.size(); r++) {
                List<Expr> values = new ArrayList<>();
                for (int i = 0; i < len; i++) {
                    ExprNode n = rows.get(r).get(i);
                    TableColumn c = cols.get(used.get(i));
                    if (n instanceof ExprNode.SetToDefault) {
                        values.add(defaultValue(table, c));
                    } else {
                        values.add(assign(analyzer.analyzeNoAggregates(n, "VALUES"), c, n));
                    }
                }
                out[r] = defaultRow(table, used, values);
            }
            source = new ModifyPlan.InsertSource.Rows(out);
        } else {
            Analyzer.Query q = analyzer.analyzeSelect(sel);
            int len = q.columnTypes().size();
            List<Integer> used = checkCounts(s, targets, len, i -> selectItemLocation(sel, i));
            List<Expr> values = new ArrayList<>();
            for (int i = 0; i < len; i++) {
                Expr v = new Expr.Var(q.columnTypes().get(i), q.columnTypmods().get(i), i);
                values.add(assign(v, cols.get(used.get(i)), null, selectItemLocation(sel, i)));
            }
            List<ResultColumn> qcols = new ArrayList<>();
            for (int i = 0; i < len; i++) {
                int type = q.columnTypes().get(i);
                qcols.add(new ResultColumn(q.columnNames().get(i), 0, (short) 0, type, Types.typlen(type),
                        q.columnTypmods().get(i)));
            }
            PlannedStatement sub = new ResultPlan(new int[0], qcols, q.source(), q.sort(), q.limit(), q.offset(),
                    q.distinctOrders());
            source = new ModifyPlan.InsertSource.Query(sub, defaultRow(table, used, values));
        }
        analyzer.enterTargetRelation(s.relation(), table);
        return finish(ModifyPlan.Kind.INSERT, table, s.returning(), source, null, null);
    }

    private static boolean isPlainValues(SelectStmt s) {
        return s.valuesLists() != null && s.setOp() == SelectStmt.SetOp.NONE && s.orderBy().isEmpty()
                && s.limit() == null && s.offset() == null;
    }

    /** Where the i-th output column of a sub-SELECT was written (for count and type errors). */
    private static int selectItemLocation(SelectStmt s, int i) {
        SelectStmt leaf = s;
        while (leaf.setOp() != SelectStmt.SetOp.NONE) {
            leaf = leaf.left();
        }
        if (leaf.valuesLists() != null && i < leaf.valuesLists().get(0).size()) {
            return Analyzer.leftmost(leaf.valuesLists().get(0).get(i));
        }
        if (leaf.targetList() != null && i < leaf.targetList().size()
                && !(leaf.targetList().get(i).value() instanceof ExprNode.ColumnRef cr
                && cr.fields().get(cr.fields().size() - 1).equals("*"))) {
            return Analyzer.leftmost(leaf.targetList().get(i).value());
        }
        return leaf.location();
    }

    /**
     * transformInsertRow's count checks; without a column list the targets are cut to the expressions.
     * @return the attribute indexes the expressions go to
     */
    private static List<Integer> checkCounts(InsertStmt s, List<Integer> targets, int exprs,
                                             java.util.function.IntUnaryOperator exprLocation) {
        if (exprs > targets.size()) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "INSERT has more expressions than target columns")
                    .withPosition(exprLocation.applyAsInt(targets.size()) + 1);
        }
        if (exprs < targets.size() && !s.columns().isEmpty()) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "INSERT has more target columns than expressions")
                    .withPosition(s.columns().get(exprs).location() + 1);
        }
        return targets.subList(0, exprs);
    }

    /** A full-width row: the given expressions at their attributes, defaults (or NULL) elsewhere. */
    private Expr[] defaultRow(ModifiableTable table, List<Integer> attnos, List<Expr> values) {
        List<TableColumn> cols = table.tableColumns();
        Expr[] row = new Expr[cols.size()];
        for (int i = 0; i < attnos.size(); i++) {
            row[attnos.get(i)] = values.get(i);
        }
        for (int i = 0; i < row.length; i++) {
            if (row[i] == null) {
                TableColumn c = cols.get(i);
                row[i] = c.dropped() ? new Expr.Const(c.typeOid(), -1, null) : defaultValue(table, c);
            }
        }
        return row;
    }

    /**
     * The column's default (build_column_default): its stored text parsed, analyzed without columns, and
     * coerced to the column in assignment context; a NULL constant when it has none. Errors carry no
     * position (the text is not part of the statement).
     */
    private Expr defaultValue(ModifiableTable table, TableColumn c) {
        if (c.defaultExpr() == null) {
            return new Expr.Const(c.typeOid(), c.typmod(), null);
        }
        try {
            ExprNode n = expressionParser.parse(c.defaultExpr());
            return assign(analyzer.analyzeDefault(n), c, n);
        } catch (PgException e) {
            throw e.withPosition(0);
        }
    }

    // ------------------------------------------------------------------ UPDATE / DELETE

    /** @throws PgException every analysis error of UPDATE */
    public ModifyPlan update(UpdateStmt s) {
        ModifiableTable table = targetTable(s.relation(), "update", "UPDATE");
        List<TableColumn> cols = table.tableColumns();
        analyzer.enterTargetRelation(s.relation(), table);
        Expr[] assigned = new Expr[cols.size()];
        String duplicate = null;
        for (UpdateStmt.SetClause sc : s.set()) {
            int attno = findColumn(table, sc.target());
            TableColumn c = cols.get(attno);
            Expr v = sc.value() instanceof ExprNode.SetToDefault ? defaultValue(table, c)
                    : assign(analyzer.analyzeNoAggregates(sc.value(), "UPDATE"), c, sc.value());
            if (assigned[attno] != null && duplicate == null) {
                duplicate = c.name();
            }
            assigned[attno] = v;
        }
        if (duplicate != null) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "multiple assignments to same column \"" + duplicate + "\"");
        }
        Expr[] newRow = new Expr[cols.size()];
        for (int i = 0; i < newRow.length; i++) {
            TableColumn c = cols.get(i);
            newRow[i] = assigned[i] != null ? assigned[i] : new Expr.Var(c.typeOid(), c.typmod(), i);
        }
        Expr where = s.where() == null ? null : analyzer.analyzeWhere(s.where());
        return finish(ModifyPlan.Kind.UPDATE, table, s.returning(), null, where, newRow);
    }

    /** @throws PgException every analysis error of DELETE */
    public ModifyPlan delete(DeleteStmt s) {
        ModifiableTable table = targetTable(s.relation(), "delete from", "DELETE");
        analyzer.enterTargetRelation(s.relation(), table);
        Expr where = s.where() == null ? null : analyzer.analyzeWhere(s.where());
        return finish(ModifyPlan.Kind.DELETE, table, s.returning(), null, where, null);
    }

    // ------------------------------------------------------------------ shared

    private ModifyPlan finish(ModifyPlan.Kind kind, ModifiableTable table, List<ResTarget> returning,
                              ModifyPlan.InsertSource source, Expr where, Expr[] newRow) {
        List<ResultColumn> rcols = List.of();
        Expr[] ret = null;
        if (!returning.isEmpty()) {
            Analyzer.TargetList tl = analyzer.analyzeReturning(returning);
            ret = tl.exprs().toArray(new Expr[0]);
            rcols = new ArrayList<>();
            for (int i = 0; i < ret.length; i++) {
                int type = ret[i].type == Types.UNKNOWN ? Types.TEXT : ret[i].type;
                rcols.add(new ResultColumn(tl.names().get(i), tl.tableOids()[i], tl.attnums()[i], type,
                        Types.typlen(type), ret[i].typmod));
            }
        }
        return new ModifyPlan(kind, table, analyzer.paramTypes(), rcols, ret, source, where, newRow);
    }

    /**
     * The target relation, which must be a table the executor can change.
     * @throws PgException 42P01 with position; 55000 {@code cannot insert into view "v"} for anything else
     */
    private ModifiableTable targetTable(RangeVar rv, String verb, String command) {
        RelationSource src = analyzer.resolveRelation(rv);
        if (src instanceof ModifiableTable t) {
            return t;
        }
        String hintVerb = command.equals("INSERT") ? "inserting into" : command.equals("UPDATE") ? "updating" : "deleting from";
        throw PgException.error(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "cannot " + verb + " view \"" + src.name() + "\"")
                .withDetail("Views that do not select from a single table or view are not automatically updatable.")
                .withHint("To enable " + hintVerb + " the view, provide an INSTEAD OF " + command
                        + " trigger or an unconditional ON " + command + " DO INSTEAD rule.");
    }

    /**
     * The attribute index a target column names.
     * @throws PgException 42703 {@code column "c" of relation "t" does not exist}; 42804 for a field
     *         selection on a non-composite column
     */
    private static int findColumn(ModifiableTable table, AssignTarget t) {
        List<TableColumn> cols = table.tableColumns();
        for (int i = 0; i < cols.size(); i++) {
            TableColumn c = cols.get(i);
            if (!c.dropped() && c.name().equals(t.name())) {
                if (!t.fields().isEmpty()) {
                    throw PgException.error(SqlState.DATATYPE_MISMATCH, "cannot assign to field \"" + t.fields().get(0)
                            + "\" of column \"" + c.name() + "\" because its type " + TypeIO.typeName(c.typeOid())
                            + " is not a composite type").withPosition(t.location() + 1);
                }
                return i;
            }
        }
        throw PgException.error(SqlState.UNDEFINED_COLUMN, "column \"" + t.name() + "\" of relation \"" + table.name()
                + "\" does not exist").withPosition(t.location() + 1);
    }

    private Expr assign(Expr e, TableColumn c, ExprNode node) {
        return assign(e, c, node, node == null ? -1 : Analyzer.leftmost(node));
    }

    /**
     * transformAssignedExpr: 42804 {@code column "c" is of type X but expression is of type Y} with HINT
     * {@code You will need to rewrite or cast the expression.} when no assignment cast exists; else the
     * coerced expression.
     */
    private Expr assign(Expr e, TableColumn c, ExprNode node, int location) {
        if (e.type != Types.UNKNOWN && e.type != c.typeOid() && !Casts.canCast(e.type, c.typeOid(), Casts.Context.ASSIGNMENT)) {
            PgException ex = PgException.error(SqlState.DATATYPE_MISMATCH, "column \"" + c.name() + "\" is of type "
                    + TypeIO.typeName(c.typeOid()) + " but expression is of type " + TypeIO.typeName(e.type))
                    .withHint("You will need to rewrite or cast the expression.");
            throw location >= 0 ? ex.withPosition(location + 1) : ex;
        }
        return coerceToColumnType(e, c.typeOid(), c.typmod(), location);
    }

    /**
     * Assignment coercion of a value to a column's (type, typmod), typmod enforced (varchar(n) length,
     * numeric(p,s) rounding, ...). THIS is the one place where the typmod-enforcing call goes: it calls the
     * existing {@code Analyzer.coerce} (which applies {@code Casts.applyTypmod}) now; the lead switches it
     * to the types helper's entry point.
     */
    Expr coerceToColumnType(Expr e, int type, int typmod, int location) {
        return analyzer.coerce(e, type, typmod, Casts.Context.ASSIGNMENT, Math.max(location, 0), null);
    }
}
