package org.pgjava.backend.optimizer;

import java.util.ArrayList;
import java.util.List;
import org.pgjava.backend.executor.PlannedStatement;
import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.backend.executor.ResultPlan;
import org.pgjava.backend.nodes.AlterTableStmt;
import org.pgjava.backend.nodes.CheckpointStmt;
import org.pgjava.backend.nodes.CreateTableStmt;
import org.pgjava.backend.nodes.DeleteStmt;
import org.pgjava.backend.nodes.DropTableStmt;
import org.pgjava.backend.nodes.ExpressionParser;
import org.pgjava.backend.nodes.InsertStmt;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.nodes.UpdateStmt;
import org.pgjava.backend.optimizer.analyze.ModifyAnalyzer;
import org.pgjava.backend.optimizer.analyze.TableDdlAnalyzer;
import org.pgjava.backend.optimizer.analyze.Analyzer;
import org.pgjava.backend.optimizer.analyze.Types;
import org.pgjava.backend.nodes.SelectStmt;
import org.pgjava.backend.nodes.UtilityStatement;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Turns a parsed, plannable statement (anything that is not a UtilityStatement) into a read-only
 * {@link PlannedStatement}: name and type resolution ({@link Analyzer}), then planning. SELECT, VALUES
 * and set operations become a {@link ResultPlan}; INSERT, UPDATE and DELETE a ModifyPlan
 * ({@link ModifyAnalyzer}); CREATE TABLE, DROP TABLE, ALTER TABLE and CHECKPOINT a CatalogCommandPlan
 * ({@link TableDdlAnalyzer}).
 */
public final class Planner {
    /**
     * Used by the overloads without an expression parser (SELECT-only callers): a stored column default
     * cannot be read without the parser, so naming one is 0A000.
     */
    private static final ExpressionParser NO_EXPRESSION_PARSER = text -> {
        throw PgException.notSupported("column defaults need the expression parser, which this caller did not supply");
    };

    private Planner() {
    }

    /**
     * Analyzes and plans a statement, evaluating constant expressions now (PostgreSQL raises errors in
     * constant expressions such as {@code 1/0} while planning, before any RowDescription).
     *
     * @param paramTypes OIDs the client specified for $1..$n (Parse message); 0 or missing entries are
     *                   inferred from context, and unknown ones default to text. Pass null for the simple
     *                   Query protocol, where a statement has no parameters ($1 is then 42P02
     *                   "there is no parameter $1", as in PostgreSQL)
     * @throws PgException analysis errors (42703, 42883, 42804, ...) with positions; 0A000 for what is not built
     */
    public static PlannedStatement plan(RawStatement stmt, int[] paramTypes, SessionContext ctx) {
        return plan(stmt, paramTypes, ctx, NO_EXPRESSION_PARSER);
    }

    /**
     * {@link #plan(RawStatement, int[], SessionContext)} with the parser for column defaults stored as SQL
     * text (INSERT and UPDATE need it for columns that have defaults): the traffic cop passes
     * {@code Parser::parseExpression}.
     */
    public static PlannedStatement plan(RawStatement stmt, int[] paramTypes, SessionContext ctx,
                                        ExpressionParser expressionParser) {
        PlannedStatement p = analyze(stmt, paramTypes, ctx, expressionParser);
        try {
            p.finishPlanning(ctx);
        } catch (StackOverflowError e) {
            throw org.pgjava.backend.utils.StackDepth.limitExceeded();
        }
        return p;
    }

    /**
     * Parse analysis only (what PostgreSQL does at Parse): names, types, operators, functions and
     * parameter types are resolved and their errors thrown; constant folding, and so run-time errors in
     * constant expressions, are deferred to the first {@link PlannedStatement#start} (PostgreSQL plans an
     * extended-protocol statement at Bind: call {@link PlannedStatement#finishPlanning} there). Same
     * parameters and errors as {@link #plan}.
     */
    public static PlannedStatement analyze(RawStatement stmt, int[] paramTypes, SessionContext ctx) {
        return analyze(stmt, paramTypes, ctx, NO_EXPRESSION_PARSER);
    }

    /** {@link #analyze(RawStatement, int[], SessionContext)} with the parser for stored column defaults. */
    public static PlannedStatement analyze(RawStatement stmt, int[] paramTypes, SessionContext ctx,
                                           ExpressionParser expressionParser) {
        if (stmt.stmt() instanceof UtilityStatement) {
            throw PgException.error(SqlState.INTERNAL_ERROR, "utility statements are not planned");
        }
        try {
            switch (stmt.stmt()) {
                case InsertStmt s:
                    return new ModifyAnalyzer(new Analyzer(paramTypes, ctx), expressionParser).insert(s);
                case UpdateStmt s:
                    return new ModifyAnalyzer(new Analyzer(paramTypes, ctx), expressionParser).update(s);
                case DeleteStmt s:
                    return new ModifyAnalyzer(new Analyzer(paramTypes, ctx), expressionParser).delete(s);
                case CreateTableStmt s:
                    return new TableDdlAnalyzer(new Analyzer(null, ctx)).createTable(s);
                case DropTableStmt s:
                    return new TableDdlAnalyzer(new Analyzer(null, ctx)).dropTable(s);
                case AlterTableStmt s:
                    return new TableDdlAnalyzer(new Analyzer(null, ctx)).alterTable(s);
                case CheckpointStmt s:
                    return new TableDdlAnalyzer(new Analyzer(null, ctx)).checkpoint();
                default:
                    break;
            }
        } catch (StackOverflowError e) {
            throw org.pgjava.backend.utils.StackDepth.limitExceeded();
        }
        if (!(stmt.stmt() instanceof SelectStmt select)) {
            throw PgException.notSupported("this statement is not supported yet").withPosition(stmt.location() + 1);
        }
        Analyzer analyzer = new Analyzer(paramTypes, ctx);
        Analyzer.Query q;
        try {
            q = analyzer.analyzeSelect(select);
        } catch (StackOverflowError e) {
            throw org.pgjava.backend.utils.StackDepth.limitExceeded();
        }
        List<ResultColumn> cols = new ArrayList<>(q.columnNames().size());
        for (int i = 0; i < q.columnNames().size(); i++) {
            int type = q.columnTypes().get(i);
            cols.add(new ResultColumn(q.columnNames().get(i), q.columnTableOids()[i], q.columnNumbers()[i], type,
                    Types.typlen(type), q.columnTypmods().get(i)));
        }
        return new ResultPlan(analyzer.paramTypes(), cols, q.source(), q.sort(), q.limit(), q.offset(), q.distinctOrders());
    }
}
