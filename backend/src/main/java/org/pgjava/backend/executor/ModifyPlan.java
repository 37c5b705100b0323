package org.pgjava.backend.executor;

import java.util.ArrayList;
import java.util.List;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.executor.expr.ExprContext;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.ModifiableTable;
import org.pgjava.backend.utils.relation.ModifyResult;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.backend.utils.relation.TableScan;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Plan of INSERT, UPDATE or DELETE on one {@link ModifiableTable} (PostgreSQL's ModifyTable over a
 * Result/ValuesScan, a sub-query, or a SeqScan with a filter). Read-only after planning like every plan;
 * {@link #start} runs the whole statement (all rows changed, RETURNING rows collected) and returns a run
 * that serves the RETURNING rows and the tag {@code INSERT 0 n} / {@code UPDATE n} / {@code DELETE n}.
 *
 * <p>Row layout: every expression of {@code newRow} and {@code returning} reads the table's row
 * (slot {@code attnum - 1}) through {@link ExprContext#row}; INSERT's source expressions read nothing
 * ({@link InsertSource.Rows}) or the sub-query's output row ({@link InsertSource.Query}).
 *
 * <p>Per row: compute the new row (already coerced to the column types and typmods by the analyzer's
 * expressions), check NOT NULL (23502 with the failing row), hand it to the table, evaluate RETURNING over
 * the stored row (INSERT, UPDATE) or the deleted row (DELETE). UPDATE and DELETE act on
 * {@link ModifyResult}: Done counts, SelfModified and ConcurrentlyDeleted skip, ConcurrentlyUpdated
 * re-checks the WHERE on the newest version and retries there (READ COMMITTED EvalPlanQual, simplified
 * to the target row).
 */
public final class ModifyPlan implements PlannedStatement {

    /** The statement kind. */
    public enum Kind { INSERT, UPDATE, DELETE }

    /** Where INSERT's rows come from. */
    public sealed interface InsertSource {
        /** VALUES rows (or DEFAULT VALUES): each row one expression per attribute, read no input row. */
        record Rows(Expr[][] rows) implements InsertSource {
        }

        /** A sub-query; {@code projection} (one expression per attribute) reads its output row. */
        record Query(PlannedStatement query, Expr[] projection) implements InsertSource {
        }
    }

    private final Kind kind;
    private final ModifiableTable table;
    private final int[] paramTypes;
    private final List<ResultColumn> returningColumns;
    private Expr[] returning;
    private InsertSource insertSource;
    private Expr where;
    private Expr[] newRow;
    private boolean folded;

    /**
     * @param returningColumns the RowDescription of RETURNING, empty without RETURNING
     * @param returning        RETURNING expressions over the table row, or null without RETURNING
     * @param insertSource     INSERT's rows; null for UPDATE and DELETE
     * @param where            UPDATE/DELETE qualification over the table row, or null for all rows
     * @param newRow           UPDATE: one expression per attribute over the old row; null otherwise
     */
    public ModifyPlan(Kind kind, ModifiableTable table, int[] paramTypes, List<ResultColumn> returningColumns,
                      Expr[] returning, InsertSource insertSource, Expr where, Expr[] newRow) {
        this.kind = kind;
        this.table = table;
        this.paramTypes = paramTypes.clone();
        this.returningColumns = List.copyOf(returningColumns);
        this.returning = returning;
        this.insertSource = insertSource;
        this.where = where;
        this.newRow = newRow;
    }

    @Override
    public int[] parameterTypes() {
        return paramTypes.clone();
    }

    @Override
    public List<ResultColumn> resultColumns() {
        return returningColumns;
    }

    /** True with RETURNING (even when every row was filtered out). */
    @Override
    public boolean returnsRows() {
        return returning != null;
    }

    @Override
    public void finishPlanning(SessionContext ctx) {
        if (folded) {
            return;
        }
        try {
            ExprContext fc = new ExprContext(new Object[0], ctx);
            Expr[] r = returning == null ? null : fold(returning, fc);
            InsertSource src = insertSource;
            if (src instanceof InsertSource.Rows rows) {
                Expr[][] f = new Expr[rows.rows().length][];
                for (int i = 0; i < f.length; i++) {
                    f[i] = fold(rows.rows()[i], fc);
                }
                src = new InsertSource.Rows(f);
            } else if (src instanceof InsertSource.Query q) {
                q.query().finishPlanning(ctx);
                src = new InsertSource.Query(q.query(), fold(q.projection(), fc));
            }
            Expr w = where == null ? null : where.fold(fc);
            Expr[] n = newRow == null ? null : fold(newRow, fc);
            returning = r;
            insertSource = src;
            where = w;
            newRow = n;
            folded = true;
        } catch (StackOverflowError e) {
            throw org.pgjava.backend.utils.StackDepth.limitExceeded();
        }
    }

    private static Expr[] fold(Expr[] exprs, ExprContext fc) {
        Expr[] out = new Expr[exprs.length];
        for (int i = 0; i < exprs.length; i++) {
            out[i] = exprs[i].fold(fc);
        }
        return out;
    }

    /**
     * 25006 {@code cannot execute <tag> in a read-only transaction} when transaction_read_only is on.
     */
    static void checkReadWrite(SessionContext ctx, String commandName) {
        String ro;
        try {
            ro = ctx.setting("transaction_read_only");
        } catch (PgException e) {
            return; // a session without the setting is never read-only
        }
        if ("on".equals(ro)) {
            throw PgException.error(SqlState.READ_ONLY_SQL_TRANSACTION,
                    "cannot execute " + commandName + " in a read-only transaction");
        }
    }

    /**
     * Runs the statement to completion.
     *
     * @throws PgException 25006 read-only transaction; 08P01 too few parameters; 23502 NOT NULL; every
     *         error of the expressions and of the table (40001, 40P01, ...)
     */
    @Override
    public QueryRun start(Object[] params, SessionContext ctx) {
        finishPlanning(ctx);
        Object[] p = params == null ? new Object[0] : params;
        if (p.length < paramTypes.length) {
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + p.length
                    + " parameters, but prepared statement requires " + paramTypes.length);
        }
        checkReadWrite(ctx, kind.name());
        ExprContext ec = new ExprContext(p, ctx);
        List<Object[]> out = new ArrayList<>();
        long count;
        try {
            count = switch (kind) {
                case INSERT -> runInsert(ec, p, out);
                case UPDATE, DELETE -> runUpdateOrDelete(ec, out);
            };
        } catch (StackOverflowError e) {
            throw org.pgjava.backend.utils.StackDepth.limitExceeded();
        }
        String tag = switch (kind) {
            case INSERT -> "INSERT 0 " + count;
            case UPDATE -> "UPDATE " + count;
            case DELETE -> "DELETE " + count;
        };
        return new MaterializedRun(out, tag, List.of());
    }

    private long runInsert(ExprContext ec, Object[] params, List<Object[]> out) {
        long count = 0;
        SessionContext ctx = ec.session();
        if (insertSource instanceof InsertSource.Rows rows) {
            for (Expr[] r : rows.rows()) {
                ctx.checkForInterrupts();
                ec.row = null;
                insertOne(ec, evalAll(r, ec), out);
                count++;
            }
            return count;
        }
        InsertSource.Query q = (InsertSource.Query) insertSource;
        try (QueryRun sub = q.query().start(params, ctx)) {
            Object[] in;
            while ((in = sub.next()) != null) {
                ctx.checkForInterrupts();
                ec.row = in;
                insertOne(ec, evalAll(q.projection(), ec), out);
                count++;
            }
        }
        return count;
    }

    private void insertOne(ExprContext ec, Object[] row, List<Object[]> out) {
        checkNotNull(row, ec.session());
        table.insert(ec.session(), row);
        addReturning(ec, row, out);
    }

    private long runUpdateOrDelete(ExprContext ec, List<Object[]> out) {
        long count = 0;
        SessionContext ctx = ec.session();
        try (TableScan scan = table.openTableScan(ctx)) {
            Object[] row;
            while ((row = scan.next()) != null) {
                ctx.checkForInterrupts();
                if (!qualifies(ec, row)) {
                    continue;
                }
                long ctid = scan.ctid();
                while (true) {
                    Object[] changed = kind == Kind.UPDATE ? computeNewRow(ec, row) : row;
                    ModifyResult r = kind == Kind.UPDATE ? table.update(ctx, ctid, changed) : table.delete(ctx, ctid);
                    if (r instanceof ModifyResult.Done) {
                        count++;
                        addReturning(ec, changed, out);
                        break;
                    }
                    if (r instanceof ModifyResult.ConcurrentlyUpdated u) {
                        // EvalPlanQual, simplified: re-check the qualification on the newest version only
                        row = u.newValues();
                        ctid = u.newCtid();
                        if (!qualifies(ec, row)) {
                            break;
                        }
                        continue;
                    }
                    break; // SelfModified or ConcurrentlyDeleted: skip the row
                }
            }
        }
        return count;
    }

    private boolean qualifies(ExprContext ec, Object[] row) {
        if (where == null) {
            return true;
        }
        ec.row = row;
        return where.eval(ec) == Boolean.TRUE;
    }

    private Object[] computeNewRow(ExprContext ec, Object[] oldRow) {
        ec.row = oldRow;
        Object[] n = evalAll(newRow, ec);
        checkNotNull(n, ec.session());
        return n;
    }

    private static Object[] evalAll(Expr[] exprs, ExprContext ec) {
        Object[] v = new Object[exprs.length];
        for (int i = 0; i < exprs.length; i++) {
            v[i] = exprs[i].eval(ec);
        }
        return v;
    }

    private void addReturning(ExprContext ec, Object[] row, List<Object[]> out) {
        if (returning == null) {
            return;
        }
        ec.row = row;
        out.add(evalAll(returning, ec));
    }

    /**
     * ExecConstraints' NOT NULL part: 23502 {@code null value in column "c" of relation "t" violates
     * not-null constraint}, DETAIL {@code Failing row contains (...).}, with schema, table and column fields.
     */
    private void checkNotNull(Object[] row, SessionContext ctx) {
        List<TableColumn> cols = table.tableColumns();
        for (int i = 0; i < cols.size(); i++) {
            TableColumn c = cols.get(i);
            if (c.notNull() && !c.dropped() && row[i] == null) {
                throw PgException.error(SqlState.NOT_NULL_VIOLATION, "null value in column \"" + c.name()
                        + "\" of relation \"" + table.name() + "\" violates not-null constraint")
                        .withDetail("Failing row contains " + describeRow(row, ctx) + ".")
                        .withSchema(table.schemaName()).withTable(table.name()).withColumn(c.name());
            }
        }
    }

    /** Maximum characters of one value in a row description (ExecBuildSlotValueDescription's maxfieldlen). */
    private static final int MAX_FIELD_LENGTH = 64;

    /** {@code (v1, v2, ...)} as ExecBuildSlotValueDescription: null for NULL, long values cut to 64 chars + "...". */
    String describeRow(Object[] row, SessionContext ctx) {
        StringBuilder sb = new StringBuilder("(");
        List<TableColumn> cols = table.tableColumns();
        boolean first = true;
        for (int i = 0; i < cols.size(); i++) {
            TableColumn c = cols.get(i);
            if (c.dropped()) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            if (row[i] == null) {
                sb.append("null");
            } else {
                String v = TypeIO.output(c.typeOid(), row[i], ctx);
                if (v.codePointCount(0, v.length()) > MAX_FIELD_LENGTH) {
                    v = v.substring(0, v.offsetByCodePoints(0, MAX_FIELD_LENGTH)) + "...";
                }
                sb.append(v);
            }
        }
        return sb.append(')').toString();
    }
}
