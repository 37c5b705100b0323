package org.pgjava.backend.optimizer.analyze;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.pgjava.backend.executor.AggCall;
import org.pgjava.backend.executor.ResultPlan;
import org.pgjava.backend.executor.RowSource;
import org.pgjava.backend.executor.ScanNode;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.nodes.ExprNode;
import org.pgjava.backend.nodes.JoinExpr;
import org.pgjava.backend.nodes.RangeFunction;
import org.pgjava.backend.nodes.RangeSubselect;
import org.pgjava.backend.nodes.RangeVar;
import org.pgjava.backend.nodes.Node;
import org.pgjava.backend.nodes.ResTarget;
import org.pgjava.backend.nodes.SelectStmt;
import org.pgjava.backend.nodes.SortBy;
import org.pgjava.backend.nodes.TypeName;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.ModifiableTable;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Semantic analysis (PostgreSQL's parse_analyze: parse_target, parse_expr, parse_oper, parse_func,
 * parse_coerce): resolves names, types, operators, functions and implicit casts, and compiles each
 * expression into an {@link Expr} evaluator tree. Unknown-type string literals are converted to the type
 * the context asks for (errors point at the literal); parameters without a client-given type take the
 * type of their first coercion (unknown ones become text).
 *
 * <p>Entry point: {@link #analyzeSelect(SelectStmt)}; then {@link #paramTypes()}. One instance per
 * statement analysis; not thread-safe.
 */
public final class Analyzer {
    /** The analyzed form of a FROM-less SELECT, VALUES, or a set operation of those. */
    public record Query(List<String> columnNames, List<Integer> columnTypes, List<Integer> columnTypmods,
                        RowSource source, List<ResultPlan.SortKey> sort, Expr limit, Expr offset,
                        int[] columnTableOids, short[] columnNumbers, List<Comparator<Object>> distinctOrders) {
    }

    /**
     * One FROM-clause entry in scope (PostgreSQL's RangeTblEntry as parse_relation sees it): its reference
     * name, columns, where its columns sit in the scan's row, and each column's table OID / attnum (0 when
     * the column is not read straight from a relation).
     */
    private static final class RangeEntry {
        String refname;
        /** The relation's own name for a relation entry (even when aliased), else null. */
        String relname;
        String schema;
        List<String> colNames;
        int[] types;
        int[] typmods;
        int[] tableOids;
        short[] attnums;
        int offset;
        int location;
    }

    /** A FROM item under construction: its scan and its entries (offsets relative to the scan's row). */
    private record FromItem(ScanNode scan, List<RangeEntry> entries) {
    }

    /** A query part under construction: a leaf (rows) or a set operation; column types may still change. */
    private static final class Part {
        List<String> names;
        int[] types;
        int[] typmods;
        List<Expr[]> rows;
        List<ExprNode[]> nodes;
        Expr where;
        Part left;
        Part right;
        RowSource.Kind kind;
        boolean all;
        ScanNode from;
        ScanNode groupInput;
        Grouping grouping;
        int[] tableOids;
        short[] attnums;
        boolean distinct;
    }

    private final SessionContext ctx;
    /** The FROM entries visible to column references now; null when there is no FROM clause. */
    private List<RangeEntry> scope;
    /** Every FROM entry of the query level being analyzed, in creation order (p_rtable), for error hints. */
    private List<RangeEntry> rtable = new ArrayList<>();
    /** The grouped query level being analyzed (GROUP BY / aggregates), or null. */
    private Grouping grouping;
    /** Where aggregates are not allowed right now ("WHERE", "JOIN conditions", ...), or null. */
    private String aggForbidden;
    private int[] paramTypes;
    private final boolean paramsAllowed;
    /** Set while analyzing an expression that may not name columns ("DEFAULT expression"), else null. */
    private String columnRefsForbiddenIn;

    /**
     * @param clientParamTypes OIDs given by the client for $1..$n (0 = infer, more parameters than listed
     *                         may be used and are inferred); null when the statement may have no
     *                         parameters at all (simple Query protocol): then $n is 42P02
     */
    public Analyzer(int[] clientParamTypes, SessionContext ctx) {
        this.ctx = ctx;
        this.paramsAllowed = clientParamTypes != null;
        this.paramTypes = clientParamTypes == null ? new int[0] : clientParamTypes.clone();
    }

    /** The final parameter types: inferred where the client gave none, unknown ones as text. */
    public int[] paramTypes() {
        int[] out = paramTypes.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 || out[i] == Types.UNKNOWN) {
                out[i] = Types.TEXT;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ statements

    /** Analyzes a FROM-less SELECT, VALUES, or set operation. @throws PgException analysis errors; 0A000 for what is not built */
    public Query analyzeSelect(SelectStmt s) {
        List<RangeEntry> saved = scope;
        List<RangeEntry> savedTable = rtable;
        Grouping savedGrouping = grouping;
        String savedForbidden = aggForbidden;
        scope = null;
        rtable = new ArrayList<>();
        grouping = null;
        aggForbidden = null;
        try {
            return analyzeSelectInScope(s);
        } finally {
            scope = saved;
            rtable = savedTable;
            grouping = savedGrouping;
            aggForbidden = savedForbidden;
        }
    }

    private Query analyzeSelectInScope(SelectStmt s) {
        Expr limit = s.limit() == null ? null : limitValue(s.limit(), "LIMIT");
        Expr offset = s.offset() == null ? null : limitValue(s.offset(), "OFFSET");
        Part p = analyzePart(s, true);
        for (int c = 0; c < p.types.length; c++) {
            if (p.types[c] == Types.UNKNOWN) {
                coerceColumn(p, c, Types.TEXT, null);
            }
        }
        List<ResultPlan.SortKey> sort = sortKeys(s, p);
        List<Integer> types = new ArrayList<>();
        List<Integer> typmods = new ArrayList<>();
        for (int c = 0; c < p.types.length; c++) {
            types.add(p.types[c]);
            typmods.add(p.typmods[c]);
        }
        int n = p.types.length;
        List<Comparator<Object>> distinctOrders = null;
        if (p.distinct) {
            distinctOrders = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                Comparator<Object> cmp = Operators.equalityOrder(p.types[c]);
                if (cmp == null) {
                    throw PgException.error(SqlState.UNDEFINED_FUNCTION, "could not identify an equality operator for type "
                            + TypeIO.typeName(p.types[c]));
                }
                distinctOrders.add(cmp);
            }
        }
        int[] oids = p.tableOids != null ? p.tableOids : new int[n];
        short[] atts = p.attnums != null ? p.attnums : new short[n];
        return new Query(List.copyOf(p.names), types, typmods, build(p), sort, limit, offset, oids, atts, distinctOrders);
    }

    private RowSource build(Part p) {
        if (p.grouping != null) {
            Grouping g = p.grouping;
            List<Comparator<Object>> orders = new ArrayList<>();
            for (Expr k : g.keys) {
                Comparator<Object> cmp = Operators.equalityOrder(k.type);
                if (cmp == null) {
                    throw PgException.error(SqlState.UNDEFINED_FUNCTION, "could not identify an equality operator for type "
                            + TypeIO.typeName(k.type));
                }
                orders.add(cmp);
            }
            ScanNode agg = new ScanNode.Agg(p.groupInput, g.keys.toArray(new Expr[0]), orders, g.aggs.toArray(new AggCall[0]));
            return new RowSource.From(agg, p.where, p.rows.get(0));
        }
        if (p.from != null) {
            return new RowSource.From(p.from, p.where, p.rows.get(0));
        }
        if (p.rows != null) {
            return new RowSource.Rows(p.rows.toArray(new Expr[0][]), p.where);
        }
        List<Comparator<Object>> orders = new ArrayList<>();
        for (int c = 0; c < p.types.length; c++) {
            Comparator<Object> cmp = Operators.equalityOrder(p.types[c]);
            if (cmp == null) {
                throw PgException.error(SqlState.UNDEFINED_FUNCTION, "could not identify an equality operator for type "
                        + TypeIO.typeName(p.types[c]));
            }
            orders.add(cmp);
        }
        return new RowSource.SetOp(p.kind, p.all, build(p.left), build(p.right), orders);
    }

    private Part analyzePart(SelectStmt s, boolean top) {
        if (!top && (!s.orderBy().isEmpty() || s.limit() != null || s.offset() != null)) {
            throw PgException.notSupported("ORDER BY, LIMIT or OFFSET inside a set operation is not supported yet")
                    .withPosition(s.location() + 1);
        }
        if (s.setOp() != SelectStmt.SetOp.NONE) {
            return setOperation(s);
        }
        scope = null;
        grouping = null;
        aggForbidden = null;
        if (s.valuesLists() != null) {
            return analyzeValues(s);
        }
        if (!s.fromClause().isEmpty() || !s.groupBy().isEmpty() || s.having() != null || hasAggregate(s)) {
            return analyzeFromSelect(s);
        }
        if (!s.groupBy().isEmpty() || s.having() != null) {
            throw PgException.notSupported("GROUP BY and HAVING are not supported yet").withPosition(s.location() + 1);
        }
        if (s.distinct() != null && !s.distinct().isEmpty()) {
            throw PgException.notSupported("DISTINCT ON is not supported yet").withPosition(s.location() + 1);
        }
        int n = s.targetList().size();
        Part p = new Part();
        p.names = new ArrayList<>();
        p.types = new int[n];
        p.typmods = new int[n];
        Expr[] row = new Expr[n];
        ExprNode[] nodes = new ExprNode[n];
        int i = 0;
        for (ResTarget t : s.targetList()) {
            if (t.value() instanceof ExprNode.ColumnRef cr && cr.fields().get(cr.fields().size() - 1).equals("*")) {
                throw PgException.error(SqlState.SYNTAX_ERROR, "SELECT * with no tables specified is not valid")
                        .withPosition(cr.location() + 1);
            }
            Expr e = analyze(t.value());
            row[i] = e;
            nodes[i] = t.value();
            p.names.add(t.name() != null ? t.name() : figureColname(t.value()));
            p.types[i] = e.type;
            p.typmods[i] = e.typmod;
            i++;
        }
        if (s.whereClause() != null) {
            p.where = coerceToBool(analyze(s.whereClause()), s.whereClause(), "WHERE");
        }
        p.rows = new ArrayList<>();
        p.rows.add(row);
        p.nodes = new ArrayList<>();
        p.nodes.add(nodes);
        p.distinct = s.distinct() != null;
        return p;
    }

    private Part setOperation(SelectStmt s) {
        String what = s.setOp().name();
        Part l = analyzePart(s.left(), false);
        Part r = analyzePart(s.right(), false);
        if (l.types.length != r.types.length) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "each " + what + " query must have the same number of columns")
                    .withPosition(firstLocation(r) + 1);
        }
        Part p = new Part();
        p.names = l.names;
        p.types = new int[l.types.length];
        p.typmods = new int[l.types.length];
        p.left = l;
        p.right = r;
        p.kind = RowSource.Kind.valueOf(what);
        p.all = s.all();
        for (int c = 0; c < p.types.length; c++) {
            int lt = l.types[c];
            int rt = r.types[c];
            int type;
            if (lt == rt) {
                type = lt;
            } else if (lt == Types.UNKNOWN) {
                type = rt;
            } else if (rt == Types.UNKNOWN) {
                type = lt;
            } else {
                ExprNode rn = firstNode(r, c);
                if (Types.category(lt) != Types.category(rt)) {
                    throw PgException.error(SqlState.DATATYPE_MISMATCH, what + " types " + TypeIO.typeName(lt) + " and "
                            + TypeIO.typeName(rt) + " cannot be matched").withPosition(leftmost(rn) + 1);
                }
                boolean lPref = Types.isPreferred(lt);
                type = !lPref && Casts.canCast(lt, rt, Casts.Context.IMPLICIT) && !Casts.canCast(rt, lt, Casts.Context.IMPLICIT) ? rt : lt;
                if (!Casts.canCast(lt, type, Casts.Context.IMPLICIT) || !Casts.canCast(rt, type, Casts.Context.IMPLICIT)) {
                    throw PgException.error(SqlState.CANNOT_COERCE, what + " could not convert type "
                            + TypeIO.typeName(type == lt ? rt : lt) + " to " + TypeIO.typeName(type)).withPosition(leftmost(rn) + 1);
                }
            }
            if (type != Types.UNKNOWN) {
                coerceColumn(l, c, type, what);
                coerceColumn(r, c, type, what);
            }
            p.types[c] = type;
            p.typmods[c] = l.typmods[c] == r.typmods[c] && lt == rt ? l.typmods[c] : -1;
        }
        return p;
    }

    private static ExprNode firstNode(Part p, int col) {
        return p.nodes != null ? p.nodes.get(0)[col] : firstNode(p.left, col);
    }

    private static int firstLocation(Part p) {
        return leftmost(firstNode(p, 0));
    }

    private void coerceColumn(Part p, int col, int type, String what) {
        if (p.types[col] == type) {
            return;
        }
        if (p.rows != null) {
            for (int r = 0; r < p.rows.size(); r++) {
                p.rows.get(r)[col] = coerce(p.rows.get(r)[col], type, -1, Casts.Context.IMPLICIT, leftmost(p.nodes.get(r)[col]), what);
            }
        } else {
            coerceColumn(p.left, col, type, what);
            coerceColumn(p.right, col, type, what);
        }
        p.types[col] = type;
        p.typmods[col] = -1;
    }

    private List<ResultPlan.SortKey> sortKeys(SelectStmt s, Part p) {
        List<ResultPlan.SortKey> keys = new ArrayList<>();
        boolean setOp = p.rows == null;
        for (SortBy sb : s.orderBy()) {
            int col = -1;
            ExprNode e = sb.expr();
            if (e instanceof ExprNode.Const c && c.kind() == ExprNode.ConstKind.INTEGER) {
                long pos = Long.parseLong(c.value());
                if (pos < 1 || pos > p.types.length) {
                    throw PgException.error(SqlState.INVALID_COLUMN_REFERENCE, "ORDER BY position " + pos + " is not in select list")
                            .withPosition(c.location() + 1);
                }
                col = (int) pos - 1;
            } else if (e instanceof ExprNode.ColumnRef cr && cr.fields().size() == 1) {
                String name = cr.fields().get(0);
                for (int i = 0; i < p.names.size(); i++) {
                    if (p.names.get(i).equals(name)) {
                        if (col >= 0 && p.from != null && sameColumn(p.rows.get(0)[col], p.rows.get(0)[i])) {
                            continue;
                        }
                        if (col >= 0) {
                            throw PgException.error(SqlState.AMBIGUOUS_COLUMN, "ORDER BY \"" + name + "\" is ambiguous")
                                    .withPosition(cr.location() + 1);
                        }
                        col = i;
                    }
                }
            }
            if (col < 0) {
                if (setOp) {
                    if (e instanceof ExprNode.ColumnRef cr && cr.fields().size() == 1) {
                        throw PgException.error(SqlState.UNDEFINED_COLUMN, "column \"" + cr.fields().get(0) + "\" does not exist")
                                .withPosition(cr.location() + 1);
                    }
                    throw PgException.notSupported("invalid UNION/INTERSECT/EXCEPT ORDER BY clause")
                            .withDetail("Only result column names can be used, not expressions or functions.")
                            .withHint("Add the expression/function to every SELECT, or move the UNION into a FROM clause.")
                            .withPosition(leftmost(e) + 1);
                }
                if (p.from != null) {
                    if (p.distinct) {
                        throw PgException.error(SqlState.INVALID_COLUMN_REFERENCE,
                                "for SELECT DISTINCT, ORDER BY expressions must appear in select list").withPosition(leftmost(e) + 1);
                    }
                    Expr junk = analyze(e);
                    Expr[] row = p.rows.get(0);
                    int idx = -1;
                    for (int i = 0; i < p.types.length; i++) {
                        if (sameColumn(row[i], junk)) {
                            idx = i;
                        }
                    }
                    if (idx < 0) {
                        if (junk.type == Types.UNKNOWN) {
                            junk = coerce(junk, Types.TEXT, -1, Casts.Context.IMPLICIT, leftmost(e), null);
                        }
                        row = Arrays.copyOf(row, row.length + 1);
                        row[row.length - 1] = junk;
                        p.rows.set(0, row);
                        idx = row.length - 1;
                    }
                    keys.add(sortKey(sb, idx, junk.type, e));
                    continue;
                }
                if (s.valuesLists() != null && mentionsColumns(e)) {
                    throw PgException.notSupported("ORDER BY expressions over VALUES columns are not supported yet")
                            .withPosition(leftmost(e) + 1);
                }
                // Without FROM the expression is the same for every row: it cannot change the order, but it is
                // still computed (and folded, so 1/0 fails as in PostgreSQL): keep it as an always-true filter.
                Expr junk = new Expr.Test(Types.BOOL, v -> Boolean.TRUE, analyze(e));
                p.where = p.where == null ? junk : new Expr.And(List.of(p.where, junk));
                continue;
            }
            keys.add(sortKey(sb, col, p.types[col], e));
        }
        return keys;
    }

    private static ResultPlan.SortKey sortKey(SortBy sb, int col, int type, ExprNode e) {
        Comparator<Object> cmp = Operators.comparator(type);
        if (cmp == null) {
            throw PgException.error(SqlState.UNDEFINED_FUNCTION, "could not identify an ordering operator for type "
                    + TypeIO.typeName(type)).withHint("Use an explicit ordering operator or modify the query.")
                    .withPosition(leftmost(e) + 1);
        }
        boolean nullsFirst = sb.nullsFirst() != null ? sb.nullsFirst() : sb.descending();
        return new ResultPlan.SortKey(col, sb.descending(), nullsFirst, cmp);
    }

    /** Two column references to the same input column (an ORDER BY expression that is already a result column). */
    private static boolean sameColumn(Expr a, Expr b) {
        return a instanceof Expr.Var x && b instanceof Expr.Var y && x.index() == y.index();
    }

    private static boolean mentionsColumns(ExprNode e) {
        return switch (e) {
            case ExprNode.ColumnRef c -> true;
            case ExprNode.Op o -> (o.left() != null && mentionsColumns(o.left())) || mentionsColumns(o.right());
            case ExprNode.FuncCall f -> f.args().stream().anyMatch(Analyzer::mentionsColumns);
            case ExprNode.TypeCast t -> mentionsColumns(t.arg());
            default -> true; // conservative: anything else may contain columns
        };
    }

    /** transformLimitClause: coerced to bigint by assignment rules. */
    private Expr limitValue(ExprNode n, String clause) {
        String saved = aggForbidden;
        aggForbidden = clause;
        Expr e;
        try {
            e = analyze(n);
        } finally {
            aggForbidden = saved;
        }
        if (e.type != Types.UNKNOWN && !Casts.canCast(e.type, Types.INT8, Casts.Context.ASSIGNMENT)) {
            throw PgException.error(SqlState.DATATYPE_MISMATCH, "argument of " + clause + " must be type bigint, not type "
                    + TypeIO.typeName(e.type)).withPosition(leftmost(n) + 1);
        }
        return coerce(e, Types.INT8, -1, Casts.Context.ASSIGNMENT, leftmost(n), clause);
    }

    private Part analyzeValues(SelectStmt s) {
        List<List<ExprNode>> raw = s.valuesLists();
        int ncols = raw.get(0).size();
        for (List<ExprNode> r : raw) {
            if (r.size() != ncols) {
                throw PgException.error(SqlState.SYNTAX_ERROR, "VALUES lists must all be the same length")
                        .withPosition(leftmost(r.get(0)) + 1);
            }
        }
        Part p = new Part();
        p.rows = new ArrayList<>();
        p.nodes = new ArrayList<>();
        aggForbidden = "VALUES";
        for (List<ExprNode> r : raw) {
            Expr[] row = new Expr[ncols];
            for (int c = 0; c < ncols; c++) {
                row[c] = analyze(r.get(c));
            }
            p.rows.add(row);
            p.nodes.add(r.toArray(new ExprNode[0]));
        }
        p.names = new ArrayList<>();
        p.types = new int[ncols];
        p.typmods = new int[ncols];
        for (int c = 0; c < ncols; c++) {
            List<Expr> col = new ArrayList<>();
            List<ExprNode> nodes = new ArrayList<>();
            for (int k = 0; k < p.rows.size(); k++) {
                col.add(p.rows.get(k)[c]);
                nodes.add(raw.get(k).get(c));
            }
            int type = selectCommonType(col, nodes, "VALUES");
            int typmod = commonTypmod(col, type);
            for (int k = 0; k < p.rows.size(); k++) {
                p.rows.get(k)[c] = coerce(p.rows.get(k)[c], type, -1, Casts.Context.IMPLICIT, leftmost(nodes.get(k)), "VALUES");
            }
            p.names.add("column" + (c + 1));
            p.types[c] = type;
            p.typmods[c] = typmod;
        }
        return p;
    }

    // ------------------------------------------------------------------ FROM

    /** A SELECT with a FROM clause: scans, joins, WHERE, target list (with * expansion). */
    private Part analyzeFromSelect(SelectStmt s) {
        if (s.distinct() != null && !s.distinct().isEmpty()) {
            throw PgException.notSupported("DISTINCT ON is not supported yet").withPosition(s.location() + 1);
        }
        ScanNode scan = null;
        List<RangeEntry> entries = new ArrayList<>();
        int width = 0;
        for (Node n : s.fromClause()) {
            FromItem item = fromItem(n);
            for (RangeEntry e : item.entries()) {
                e.offset += width;
                checkDuplicateAlias(entries, e);
                entries.add(e);
            }
            width += item.scan().width();
            scan = scan == null ? item.scan() : new ScanNode.NestLoop(scan, item.scan(), null, false);
        }
        if (scan == null) {
            scan = new ScanNode.OneRow();
        }
        scope = entries;
        Part p = new Part();
        Expr where = null;
        if (s.whereClause() != null) {
            String saved = aggForbidden;
            aggForbidden = "WHERE";
            try {
                where = coerceToBool(analyze(s.whereClause()), s.whereClause(), "WHERE");
            } finally {
                aggForbidden = saved;
            }
        }
        boolean grouped = !s.groupBy().isEmpty() || s.having() != null || hasAggregate(s);
        if (grouped) {
            p.groupInput = where == null ? scan : new ScanNode.Filter(scan, where);
            p.grouping = groupKeys(s);
            grouping = p.grouping;
        } else {
            p.where = where;
            p.from = scan;
        }
        List<Expr> targets = new ArrayList<>();
        List<ExprNode> nodes = new ArrayList<>();
        p.names = new ArrayList<>();
        for (ResTarget t : s.targetList()) {
            if (t.value() instanceof ExprNode.ColumnRef cr && cr.fields().get(cr.fields().size() - 1).equals("*")) {
                if (s.fromClause().isEmpty()) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "SELECT * with no tables specified is not valid")
                            .withPosition(cr.location() + 1);
                }
                for (RangeEntry e : starEntries(cr)) {
                    for (int c = 0; c < e.colNames.size(); c++) {
                        if (e.colNames.get(c).isEmpty()) {
                            continue; // a dropped column
                        }
                        requireSupported(e.types[c], cr.location());
                        targets.add(grouped ? analyze(new ExprNode.ColumnRef(List.of(e.refname, e.colNames.get(c)), cr.location()))
                                : new Expr.Var(e.types[c], e.typmods[c], e.offset + c));
                        nodes.add(cr);
                        p.names.add(e.colNames.get(c));
                    }
                }
                continue;
            }
            targets.add(analyze(t.value()));
            nodes.add(t.value());
            p.names.add(t.name() != null ? t.name() : figureColname(t.value()));
        }
        int n = targets.size();
        p.types = new int[n];
        p.typmods = new int[n];
        p.tableOids = new int[n];
        p.attnums = new short[n];
        for (int i = 0; i < n; i++) {
            Expr e = targets.get(i);
            p.types[i] = e.type;
            p.typmods[i] = e.typmod;
            if (e instanceof Expr.Var v) {
                int input = grouped ? (v.index() < p.grouping.keyVarIndex.length ? p.grouping.keyVarIndex[v.index()] : -1) : v.index();
                for (RangeEntry re : entries) {
                    int c = input - re.offset;
                    if (input >= 0 && c >= 0 && c < re.colNames.size()) {
                        p.tableOids[i] = re.tableOids[c];
                        p.attnums[i] = re.attnums[c];
                    }
                }
            }
        }
        if (s.having() != null) {
            p.where = coerceToBool(analyze(s.having()), s.having(), "HAVING");
        }
        p.rows = new ArrayList<>();
        p.rows.add(targets.toArray(new Expr[0]));
        p.nodes = new ArrayList<>();
        p.nodes.add(nodes.toArray(new ExprNode[0]));
        p.distinct = s.distinct() != null;
        return p;
    }

    // ------------------------------------------------------------------ grouping and aggregates

    /** GROUP BY keys and the aggregates found so far for one grouped query level. */
    private static final class Grouping {
        final List<String> keyTexts = new ArrayList<>();
        final List<Expr> keys = new ArrayList<>();
        int[] keyVarIndex = new int[0];
        final List<AggCall> aggs = new ArrayList<>();
        boolean insideAgg;
    }

    private static boolean isAggregateName(ExprNode.FuncCall f) {
        List<String> names = f.name();
        boolean schemaOk = names.size() == 1 || (names.size() == 2 && names.get(0).equals("pg_catalog"));
        if (!schemaOk) {
            return false;
        }
        return switch (names.get(names.size() - 1)) {
            case "count", "sum", "avg", "min", "max" -> true;
            default -> false;
        };
    }

    private static boolean hasAggregate(SelectStmt s) {
        for (ResTarget t : s.targetList()) {
            if (containsAggregate(t.value())) {
                return true;
            }
        }
        for (SortBy sb : s.orderBy()) {
            if (containsAggregate(sb.expr())) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAggregate(ExprNode n) {
        if (n == null) {
            return false;
        }
        return switch (n) {
            case ExprNode.FuncCall f -> isAggregateName(f) || f.args().stream().anyMatch(Analyzer::containsAggregate);
            case ExprNode.Op o -> containsAggregate(o.left()) || containsAggregate(o.right());
            case ExprNode.Bool b -> b.args().stream().anyMatch(Analyzer::containsAggregate);
            case ExprNode.SpecialFunc f -> f.args().stream().anyMatch(Analyzer::containsAggregate);
            case ExprNode.TypeCast t -> containsAggregate(t.arg());
            case ExprNode.Case c -> containsAggregate(c.arg()) || containsAggregate(c.defaultResult())
                    || c.whens().stream().anyMatch(w -> containsAggregate(w.condition()) || containsAggregate(w.result()));
            case ExprNode.NullTest t -> containsAggregate(t.arg());
            case ExprNode.BooleanTest t -> containsAggregate(t.arg());
            case ExprNode.Distinct d -> containsAggregate(d.left()) || containsAggregate(d.right());
            case ExprNode.Between b -> containsAggregate(b.arg()) || containsAggregate(b.low()) || containsAggregate(b.high());
            case ExprNode.InList in -> containsAggregate(in.arg()) || in.list().stream().anyMatch(Analyzer::containsAggregate);
            case ExprNode.Like l -> containsAggregate(l.arg()) || containsAggregate(l.pattern()) || containsAggregate(l.escape());
            default -> false;
        };
    }

    /** A syntax tree's text without locations, to recognise a GROUP BY expression written again. */
    private static String normalized(ExprNode n) {
        String t = n.toString();
        StringBuilder sb = new StringBuilder(t.length());
        int i = 0;
        while (i < t.length()) {
            if (t.startsWith("location=", i)) {
                i += "location=".length();
                while (i < t.length() && (t.charAt(i) == '-' || Character.isDigit(t.charAt(i)))) {
                    i++;
                }
                continue;
            }
            sb.append(t.charAt(i++));
        }
        return sb.toString();
    }

    /** transformGroupClause: keys by input column, output-column position or name, or expression. */
    private Grouping groupKeys(SelectStmt s) {
        Grouping g = new Grouping();
        String saved = aggForbidden;
        aggForbidden = "GROUP BY";
        try {
            List<Integer> varIdx = new ArrayList<>();
            for (ExprNode k : s.groupBy()) {
                ExprNode node = k;
                if (k instanceof ExprNode.Const c && c.kind() == ExprNode.ConstKind.INTEGER) {
                    long pos = Long.parseLong(c.value());
                    if (pos < 1 || pos > s.targetList().size()) {
                        throw PgException.error(SqlState.INVALID_COLUMN_REFERENCE, "GROUP BY position " + pos + " is not in select list")
                                .withPosition(c.location() + 1);
                    }
                    node = s.targetList().get((int) pos - 1).value();
                } else if (k instanceof ExprNode.ColumnRef cr && cr.fields().size() == 1 && !inputColumnExists(cr.fields().get(0))) {
                    for (ResTarget t : s.targetList()) {
                        if (cr.fields().get(0).equals(t.name())) {
                            node = t.value();
                            break;
                        }
                    }
                }
                if (node instanceof ExprNode.ColumnRef cr && cr.fields().get(cr.fields().size() - 1).equals("*")) {
                    throw PgException.notSupported("GROUP BY * is not supported yet").withPosition(cr.location() + 1);
                }
                Expr e = analyze(node);
                if (e.type == Types.UNKNOWN) {
                    e = coerce(e, Types.TEXT, -1, Casts.Context.IMPLICIT, leftmost(node), null);
                }
                g.keys.add(e);
                g.keyTexts.add(normalized(node));
                varIdx.add(e instanceof Expr.Var v ? v.index() : -1);
            }
            g.keyVarIndex = varIdx.stream().mapToInt(Integer::intValue).toArray();
        } finally {
            aggForbidden = saved;
        }
        return g;
    }

    private boolean inputColumnExists(String col) {
        for (RangeEntry e : scope) {
            if (e.colNames.contains(col)) {
                return true;
            }
        }
        return false;
    }

    /**
     * In a grouped query: an expression equal to a GROUP BY key becomes a reference to the key's column of
     * the aggregation's output; a column reference elsewhere is 42803; an aggregate call is compiled into
     * an {@link AggCall}. Returns null when the node is neither (its parts are analyzed as usual).
     */
    private Expr groupedRef(ExprNode n) {
        Grouping g = grouping;
        if (!g.keys.isEmpty() && !(n instanceof ExprNode.Const) && !(n instanceof ExprNode.ParamRef)) {
            String text = normalized(n);
            for (int i = 0; i < g.keys.size(); i++) {
                if (g.keyTexts.get(i).equals(text)) {
                    Expr k = g.keys.get(i);
                    return new Expr.Var(k.type, k.typmod, i);
                }
            }
        }
        if (n instanceof ExprNode.FuncCall f && isAggregateName(f)) {
            return aggregate(f);
        }
        if (n instanceof ExprNode.ColumnRef c) {
            Expr e = columnRef(c);
            int idx = ((Expr.Var) e).index();
            for (int i = 0; i < g.keyVarIndex.length; i++) {
                if (g.keyVarIndex[i] == idx) {
                    Expr k = g.keys.get(i);
                    return new Expr.Var(k.type, k.typmod, i);
                }
            }
            String qualified = null;
            for (RangeEntry re : scope) {
                int col = idx - re.offset;
                if (col >= 0 && col < re.colNames.size()) {
                    qualified = re.refname + "." + re.colNames.get(col);
                }
            }
            throw PgException.error(SqlState.GROUPING_ERROR, "column \"" + qualified
                    + "\" must appear in the GROUP BY clause or be used in an aggregate function").withPosition(c.location() + 1);
        }
        return null;
    }

    /** count/sum/avg/min/max: resolves the argument type and registers the call with the grouping. */
    private Expr aggregate(ExprNode.FuncCall f) {
        String name = f.name().get(f.name().size() - 1);
        if (grouping == null || grouping.insideAgg) {
            if (grouping != null) {
                throw PgException.error(SqlState.GROUPING_ERROR, "aggregate function calls cannot be nested")
                        .withPosition(f.location() + 1);
            }
            throw PgException.error(SqlState.GROUPING_ERROR, "aggregate functions are not allowed in "
                    + (aggForbidden != null ? aggForbidden : "this context")).withPosition(f.location() + 1);
        }
        Grouping g = grouping;
        AggCall call;
        if (f.star()) {
            if (!name.equals("count")) {
                throw PgException.error(SqlState.UNDEFINED_FUNCTION, "function " + name + "() does not exist")
                        .withHint("No function matches the given name and argument types. You might need to add explicit type casts.")
                        .withPosition(f.location() + 1);
            }
            call = new AggCall(AggCall.Kind.COUNT_STAR, null, Types.INT8, null);
        } else {
            List<Expr> args = new ArrayList<>();
            g.insideAgg = true;
            try {
                for (ExprNode a : f.args()) {
                    args.add(analyze(a));
                }
            } finally {
                g.insideAgg = false;
            }
            int[] actual = new int[args.size()];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = args.get(i).type;
            }
            if (args.size() != 1) {
                throw PgException.error(SqlState.UNDEFINED_FUNCTION, "function " + signature(name, actual) + " does not exist")
                        .withHint("No function matches the given name and argument types. You might need to add explicit type casts.")
                        .withPosition(f.location() + 1);
            }
            Expr arg = args.get(0);
            int t = arg.type;
            if (name.equals("count")) {
                call = new AggCall(AggCall.Kind.COUNT, arg, Types.INT8, null);
            } else {
                if (t == Types.UNKNOWN) {
                    throw PgException.error(SqlState.AMBIGUOUS_FUNCTION, "function " + signature(name, actual) + " is not unique")
                            .withHint("Could not choose a best candidate function. You might need to add explicit type casts.")
                            .withPosition(f.location() + 1);
                }
                call = switch (name) {
                    case "sum" -> switch (t) {
                        case Types.INT2, Types.INT4 -> new AggCall(AggCall.Kind.SUM_INT, arg, Types.INT8, null);
                        case Types.INT8, Types.NUMERIC -> new AggCall(AggCall.Kind.SUM_NUMERIC, arg, Types.NUMERIC, null);
                        case Types.FLOAT4 -> new AggCall(AggCall.Kind.SUM_FLOAT4, arg, Types.FLOAT4, null);
                        case Types.FLOAT8 -> new AggCall(AggCall.Kind.SUM_FLOAT8, arg, Types.FLOAT8, null);
                        default -> null;
                    };
                    case "avg" -> switch (t) {
                        case Types.INT2, Types.INT4, Types.INT8, Types.NUMERIC -> new AggCall(AggCall.Kind.AVG_NUMERIC, arg, Types.NUMERIC, null);
                        case Types.FLOAT4, Types.FLOAT8 -> new AggCall(AggCall.Kind.AVG_FLOAT, arg, Types.FLOAT8, null);
                        default -> null;
                    };
                    default -> {
                        if (t == Types.VARCHAR || t == Types.NAME) {
                            arg = coerce(arg, Types.TEXT, -1, Casts.Context.IMPLICIT, leftmost(f.args().get(0)), null);
                            t = Types.TEXT;
                        }
                        Comparator<Object> cmp = Operators.comparator(t);
                        yield cmp == null || t == Types.BYTEA || t == Types.UUID ? null
                                : new AggCall(name.equals("min") ? AggCall.Kind.MIN : AggCall.Kind.MAX, arg, t, cmp);
                    }
                };
                if (call == null) {
                    throw PgException.error(SqlState.UNDEFINED_FUNCTION, "function " + signature(name, actual) + " does not exist")
                            .withHint("No function matches the given name and argument types. You might need to add explicit type casts.")
                            .withPosition(f.location() + 1);
                }
            }
        }
        if (f.distinct()) {
            Comparator<Object> eq = Operators.equalityOrder(call.arg().type);
            if (eq == null) {
                throw PgException.error(SqlState.UNDEFINED_FUNCTION, "could not identify an equality operator for type "
                        + TypeIO.typeName(call.arg().type)).withPosition(f.location() + 1);
            }
            call = new AggCall(call.kind(), call.arg(), call.resultType(), call.order(), eq);
        }
        g.aggs.add(call);
        return new Expr.Var(call.resultType(), -1, g.keys.size() + g.aggs.size() - 1);
    }

    private static void checkDuplicateAlias(List<RangeEntry> entries, RangeEntry e) {
        for (RangeEntry o : entries) {
            if (o.refname.equals(e.refname)) {
                throw PgException.error(SqlState.DUPLICATE_ALIAS, "table name \"" + e.refname + "\" specified more than once");
            }
        }
    }

    /** The entries {@code *} or {@code t.*} expands to. */
    private List<RangeEntry> starEntries(ExprNode.ColumnRef cr) {
        if (cr.fields().size() == 1) {
            return scope;
        }
        List<String> qual = cr.fields().subList(0, cr.fields().size() - 1);
        return List.of(findEntry(qual, cr.location()));
    }

    private RangeEntry findEntry(List<String> qual, int location) {
        String table = qual.get(qual.size() - 1);
        String schema = qual.size() >= 2 ? qual.get(qual.size() - 2) : null;
        if (qual.size() > 3) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "improper qualified name (too many dotted names): "
                    + String.join(".", qual)).withPosition(location + 1);
        }
        for (RangeEntry e : scope) {
            if (e.refname.equals(table) && (schema == null || schema.equals(e.schema))) {
                return e;
            }
        }
        for (RangeEntry e : rtable) {
            if (table.equals(e.relname)) {
                PgException ex = PgException.error(SqlState.UNDEFINED_TABLE, "invalid reference to FROM-clause entry for table \""
                        + table + "\"").withPosition(location + 1);
                if (!e.refname.equals(table) && scope.contains(e)) {
                    ex.withHint("Perhaps you meant to reference the table alias \"" + e.refname + "\".");
                } else {
                    ex.withHint("There is an entry for table \"" + e.refname + "\", but it cannot be referenced from this part of the query.");
                }
                throw ex;
            }
        }
        throw PgException.error(SqlState.UNDEFINED_TABLE, "missing FROM-clause entry for table \"" + table + "\"")
                .withPosition(location + 1);
    }

    /**
     * errorMissingColumn: 42703 with PostgreSQL's fuzzy-match HINT (searchRangeTableForCol /
     * updateFuzzyAttrMatchState: Levenshtein distance at most 3 and at most half the typed name's length,
     * plus the distance between a typed qualifier and each entry's name; one or two best matches).
     */
    private PgException missingColumn(String qualifier, String col, int location) {
        PgException ex = PgException.error(SqlState.UNDEFINED_COLUMN, qualifier != null
                ? "column " + qualifier + "." + col + " does not exist" : "column \"" + col + "\" does not exist")
                .withPosition(location + 1);
        final int maxFuzzy = 3;
        int distance = maxFuzzy + 1;
        RangeEntry first = null;
        String firstCol = null;
        RangeEntry second = null;
        String secondCol = null;
        RangeEntry exact = null;
        boolean givenUp = false;
        for (RangeEntry e : rtable) {
            int penalty = qualifier == null ? 0 : Math.min(levenshtein(qualifier, e.refname), maxFuzzy + 1);
            if (e.colNames.contains(col)) {
                if (exact == null) {
                    exact = e;
                }
                continue;
            }
            for (String actual : e.colNames) {
                if (penalty > distance) {
                    break;
                }
                int d = levenshtein(actual, col);
                if (d > col.length() / 2) {
                    continue;
                }
                d += penalty;
                if (d < distance) {
                    distance = d;
                    first = e;
                    firstCol = actual;
                    second = null;
                    secondCol = null;
                    givenUp = false;
                } else if (d == distance) {
                    if (second != null) {
                        first = null;
                        second = null;
                        givenUp = true;
                    } else if (first != null) {
                        second = e;
                        secondCol = actual;
                    } else if (!givenUp) {
                        first = e;
                        firstCol = actual;
                    }
                }
            }
        }
        if (exact != null) {
            ex.withHint("There is a column named \"" + col + "\" in table \"" + exact.refname
                    + "\", but it cannot be referenced from this part of the query.");
        } else if (first != null && second == null) {
            ex.withHint("Perhaps you meant to reference the column \"" + first.refname + "." + firstCol + "\".");
        } else if (first != null) {
            ex.withHint("Perhaps you meant to reference the column \"" + first.refname + "." + firstCol
                    + "\" or the column \"" + second.refname + "." + secondCol + "\".");
        }
        return ex;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** transformColumnRef over the current scope. */
    private Expr columnRef(ExprNode.ColumnRef c) {
        List<String> f = c.fields();
        String col = f.get(f.size() - 1);
        if (col.equals("*")) {
            throw PgException.notSupported("row expansion (*) in expressions is not supported yet").withPosition(c.location() + 1);
        }
        if (f.size() == 1) {
            Expr found = null;
            for (RangeEntry e : scope) {
                int i = e.colNames.indexOf(col);
                if (i >= 0) {
                    if (found != null || e.colNames.lastIndexOf(col) != i) {
                        throw PgException.error(SqlState.AMBIGUOUS_COLUMN, "column reference \"" + col + "\" is ambiguous")
                                .withPosition(c.location() + 1);
                    }
                    requireSupported(e.types[i], c.location());
                    found = new Expr.Var(e.types[i], e.typmods[i], e.offset + i);
                }
            }
            if (found != null) {
                return found;
            }
            for (RangeEntry e : scope) {
                if (e.refname.equals(col)) {
                    throw PgException.notSupported("whole-row references are not supported yet").withPosition(c.location() + 1);
                }
            }
            throw missingColumn(null, col, c.location());
        }
        RangeEntry e = findEntry(f.subList(0, f.size() - 1), c.location());
        int i = e.colNames.indexOf(col);
        if (i < 0) {
            throw missingColumn(f.get(f.size() - 2), col, c.location());
        }
        if (e.colNames.lastIndexOf(col) != i) {
            throw PgException.error(SqlState.AMBIGUOUS_COLUMN, "column reference \"" + col + "\" is ambiguous")
                    .withPosition(c.location() + 1);
        }
        requireSupported(e.types[i], c.location());
        return new Expr.Var(e.types[i], e.typmods[i], e.offset + i);
    }

    private FromItem fromItem(Node n) {
        return switch (n) {
            case RangeVar rv -> relationItem(rv);
            case RangeFunction rf -> functionItem(rf);
            case RangeSubselect rs -> subselectItem(rs);
            case JoinExpr j -> joinItem(j);
            default -> throw PgException.notSupported("this kind of FROM item is not supported yet");
        };
    }

    private FromItem relationItem(RangeVar rv) {
        RelationSource src = resolveRelation(rv);
        RangeEntry e = relationEntry(rv, src);
        return new FromItem(new ScanNode.Relation(src), List.of(e));
    }

    /**
     * Finds the relation a RangeVar names.
     * @throws PgException 42601 too many dotted names, 0A000 cross-database, 42P01 with position when none
     */
    RelationSource resolveRelation(RangeVar rv) {
        List<String> names = rv.names();
        if (names.size() > 3) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "improper qualified name (too many dotted names): "
                    + String.join(".", names)).withPosition(rv.location() + 1);
        }
        if (names.size() == 3 && !names.get(0).equals(ctx.databaseName())) {
            throw PgException.notSupported("cross-database references are not implemented: " + String.join(".", names))
                    .withPosition(rv.location() + 1);
        }
        String schema = names.size() >= 2 ? names.get(names.size() - 2) : null;
        String name = names.get(names.size() - 1);
        RelationSource src = ctx.relations().resolve(schema, name);
        if (src == null) {
            throw PgException.error(SqlState.UNDEFINED_TABLE, "relation \"" + (schema == null ? "" : schema + ".") + name
                    + "\" does not exist").withPosition(rv.location() + 1);
        }
        return src;
    }

    /**
     * The range-table entry of a relation (added to the range table, not to the scope); its columns sit
     * at offsets 0.. of the row. Dropped columns of a {@link ModifiableTable} keep their slot but get the
     * empty name, so they can be neither named nor expanded by {@code *}.
     */
    private RangeEntry relationEntry(RangeVar rv, RelationSource src) {
        String name = rv.names().get(rv.names().size() - 1);
        List<RelationColumn> cols = src.columns();
        List<TableColumn> tableCols = src instanceof ModifiableTable mt ? mt.tableColumns() : null;
        RangeEntry e = new RangeEntry();
        e.refname = rv.alias() != null ? rv.alias() : name;
        e.schema = rv.alias() != null ? null : src.schemaName();
        e.location = rv.location();
        int n = cols.size();
        e.types = new int[n];
        e.typmods = new int[n];
        e.tableOids = new int[n];
        e.attnums = new short[n];
        List<String> colNames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RelationColumn c = cols.get(i);
            colNames.add(tableCols != null && tableCols.get(i).dropped() ? "" : c.name());
            e.types[i] = c.typeOid();
            e.typmods[i] = c.typmod();
            e.tableOids[i] = src.tableOid();
            e.attnums[i] = (short) (i + 1);
        }
        e.relname = name;
        e.colNames = applyColumnAliases(colNames, rv.colAliases(), e.refname, rv.location());
        rtable.add(e);
        return e;
    }

    private static List<String> applyColumnAliases(List<String> names, List<String> aliases, String refname, int location) {
        if (aliases.size() > names.size()) {
            throw PgException.error(SqlState.INVALID_COLUMN_REFERENCE, "table \"" + refname + "\" has " + names.size()
                    + " columns available but " + aliases.size() + " columns specified").withPosition(location + 1);
        }
        List<String> out = new ArrayList<>(names);
        for (int i = 0; i < aliases.size(); i++) {
            out.set(i, aliases.get(i));
        }
        return out;
    }

    private static final List<int[]> SERIES_SIGNATURES = List.of(
            new int[] {Types.INT4, Types.INT4}, new int[] {Types.INT4, Types.INT4, Types.INT4},
            new int[] {Types.INT8, Types.INT8}, new int[] {Types.INT8, Types.INT8, Types.INT8},
            new int[] {Types.NUMERIC, Types.NUMERIC}, new int[] {Types.NUMERIC, Types.NUMERIC, Types.NUMERIC});

    private FromItem functionItem(RangeFunction rf) {
        ExprNode.FuncCall f = rf.call();
        List<String> names = f.name();
        String name = names.get(names.size() - 1);
        boolean schemaOk = names.size() == 1 || (names.size() == 2 && names.get(0).equals("pg_catalog"));
        ScanNode.Function scan;
        int type;
        int typmod = -1;
        String savedForbidden = aggForbidden;
        aggForbidden = "functions in FROM";
        try {
        if (schemaOk && name.equals("generate_series") && !f.star() && !f.distinct()) {
            List<Expr> args = new ArrayList<>();
            for (ExprNode a : f.args()) {
                args.add(analyze(a));
            }
            int[] actual = new int[args.size()];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = args.get(i).type;
            }
            List<int[]> sigs = new ArrayList<>();
            for (int[] sig : SERIES_SIGNATURES) {
                if (sig.length == actual.length) {
                    sigs.add(sig);
                }
            }
            int k = sigs.isEmpty() ? -1 : Resolver.select(sigs, actual, false);
            if (k == -2) {
                throw PgException.error(SqlState.AMBIGUOUS_FUNCTION, "function " + signature(name, actual) + " is not unique")
                        .withHint("Could not choose a best candidate function. You might need to add explicit type casts.")
                        .withPosition(f.location() + 1);
            }
            if (k < 0) {
                throw PgException.error(SqlState.UNDEFINED_FUNCTION, "function " + signature(String.join(".", names), actual)
                        + " does not exist")
                        .withHint("No function matches the given name and argument types. You might need to add explicit type casts.")
                        .withPosition(f.location() + 1);
            }
            type = sigs.get(k)[0];
            Expr[] conv = new Expr[args.size()];
            for (int i = 0; i < conv.length; i++) {
                conv[i] = coerce(args.get(i), type, -1, Casts.Context.IMPLICIT, leftmost(f.args().get(i)), null);
            }
            ScanNode.FunctionKind kind = type == Types.INT4 ? ScanNode.FunctionKind.SERIES_INT4
                    : type == Types.INT8 ? ScanNode.FunctionKind.SERIES_INT8 : ScanNode.FunctionKind.SERIES_NUMERIC;
            scan = new ScanNode.Function(kind, conv, rf.ordinality());
        } else {
            Expr call = analyze(f);
            if (call.type == Types.UNKNOWN) {
                call = coerce(call, Types.TEXT, -1, Casts.Context.IMPLICIT, f.location(), null);
            }
            type = call.type;
            typmod = call.typmod;
            scan = new ScanNode.Function(ScanNode.FunctionKind.SCALAR, new Expr[] {call}, rf.ordinality());
        }
        } finally {
            aggForbidden = savedForbidden;
        }
        RangeEntry e = new RangeEntry();
        e.refname = rf.alias() != null ? rf.alias() : name;
        e.location = rf.location();
        List<String> colNames = new ArrayList<>();
        colNames.add(rf.alias() != null ? rf.alias() : name);
        int w = rf.ordinality() ? 2 : 1;
        e.types = new int[w];
        e.typmods = new int[w];
        e.types[0] = type;
        e.typmods[0] = typmod;
        if (rf.ordinality()) {
            colNames.add("ordinality");
            e.types[1] = Types.INT8;
            e.typmods[1] = -1;
        }
        e.tableOids = new int[w];
        e.attnums = new short[w];
        e.colNames = applyColumnAliases(colNames, rf.colAliases(), e.refname, rf.location());
        rtable.add(e);
        return new FromItem(scan, List.of(e));
    }

    private FromItem subselectItem(RangeSubselect rs) {
        if (rs.alias() == null) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "subquery in FROM must have an alias")
                    .withHint("For example, FROM (SELECT ...) [AS] foo.").withPosition(rs.location() + 1);
        }
        Query q = analyzeSelect(rs.subquery());
        int n = q.columnNames().size();
        List<org.pgjava.backend.executor.ResultColumn> cols = new ArrayList<>();
        RangeEntry e = new RangeEntry();
        e.refname = rs.alias();
        e.location = rs.location();
        e.types = new int[n];
        e.typmods = new int[n];
        e.tableOids = q.columnTableOids().clone();
        e.attnums = q.columnNumbers().clone();
        for (int i = 0; i < n; i++) {
            int type = q.columnTypes().get(i);
            e.types[i] = type;
            e.typmods[i] = q.columnTypmods().get(i);
            cols.add(new org.pgjava.backend.executor.ResultColumn(q.columnNames().get(i), e.tableOids[i], e.attnums[i], type,
                    Types.typlen(type), e.typmods[i]));
        }
        e.colNames = applyColumnAliases(q.columnNames(), rs.colAliases(), e.refname, rs.location());
        rtable.add(e);
        ResultPlan plan = new ResultPlan(new int[0], cols, q.source(), q.sort(), q.limit(), q.offset(), q.distinctOrders());
        return new FromItem(new ScanNode.Subquery(plan, n), List.of(e));
    }

    /**
     * PostgreSQL plans FULL JOIN only with merge- or hash-joinable conditions: ON TRUE, or an AND of
     * {@code a = b} where one side uses only columns of the left input and the other only of the right.
     * Anything else is its 0A000, which pgjava reproduces although its nested loop could run it.
     */
    private void checkFullJoinQuals(ExprNode quals, List<RangeEntry> left, List<RangeEntry> right, int location) {
        List<ExprNode> conjuncts = new ArrayList<>();
        flattenAnd(quals, conjuncts);
        for (ExprNode c : conjuncts) {
            if (c instanceof ExprNode.Const k && k.kind() == ExprNode.ConstKind.BOOLEAN && k.value().equals("t")) {
                continue;
            }
            boolean ok = false;
            if (c instanceof ExprNode.Op o && o.name().equals("=") && o.left() != null
                    && containsColumnRef(o.left()) && containsColumnRef(o.right())) {
                ok = (onlyUses(o.left(), left) && onlyUses(o.right(), right))
                        || (onlyUses(o.left(), right) && onlyUses(o.right(), left));
            }
            if (!ok) {
                throw PgException.notSupported("FULL JOIN is only supported with merge-joinable or hash-joinable join conditions");
            }
        }
    }

    private static void flattenAnd(ExprNode n, List<ExprNode> out) {
        if (n instanceof ExprNode.Bool b && b.op() == ExprNode.BoolOp.AND) {
            for (ExprNode a : b.args()) {
                flattenAnd(a, out);
            }
        } else {
            out.add(n);
        }
    }

    /** True when the expression analyzes with only {@code entries} in scope (all its columns are theirs). */
    private boolean onlyUses(ExprNode n, List<RangeEntry> entries) {
        List<RangeEntry> saved = scope;
        scope = entries;
        try {
            analyze(n);
            return true;
        } catch (PgException e) {
            return false;
        } finally {
            scope = saved;
        }
    }

    private static boolean containsColumnRef(ExprNode n) {
        if (n == null) {
            return false;
        }
        return switch (n) {
            case ExprNode.ColumnRef c -> true;
            case ExprNode.FuncCall f -> f.args().stream().anyMatch(Analyzer::containsColumnRef);
            case ExprNode.Op o -> containsColumnRef(o.left()) || containsColumnRef(o.right());
            case ExprNode.Bool b -> b.args().stream().anyMatch(Analyzer::containsColumnRef);
            case ExprNode.SpecialFunc f -> f.args().stream().anyMatch(Analyzer::containsColumnRef);
            case ExprNode.TypeCast t -> containsColumnRef(t.arg());
            case ExprNode.Case c -> containsColumnRef(c.arg()) || containsColumnRef(c.defaultResult())
                    || c.whens().stream().anyMatch(w -> containsColumnRef(w.condition()) || containsColumnRef(w.result()));
            case ExprNode.NullTest t -> containsColumnRef(t.arg());
            case ExprNode.BooleanTest t -> containsColumnRef(t.arg());
            case ExprNode.Distinct d -> containsColumnRef(d.left()) || containsColumnRef(d.right());
            case ExprNode.Between b -> containsColumnRef(b.arg()) || containsColumnRef(b.low()) || containsColumnRef(b.high());
            case ExprNode.InList in -> containsColumnRef(in.arg()) || in.list().stream().anyMatch(Analyzer::containsColumnRef);
            case ExprNode.Like l -> containsColumnRef(l.arg()) || containsColumnRef(l.pattern()) || containsColumnRef(l.escape());
            default -> false;
        };
    }

    private FromItem joinItem(JoinExpr j) {
        FromItem l = fromItem(j.left());
        FromItem r = fromItem(j.right());
        boolean right = j.type() == JoinExpr.JoinType.RIGHT;
        // RIGHT JOIN runs as a LEFT JOIN with the sides swapped; column references go through the entries'
        // offsets, so the row layout does not matter to them.
        FromItem outer = right ? r : l;
        FromItem inner = right ? l : r;
        int shift = outer.scan().width();
        for (RangeEntry e : inner.entries()) {
            e.offset += shift;
        }
        List<RangeEntry> entries = new ArrayList<>();
        for (RangeEntry e : l.entries()) {
            checkDuplicateAlias(entries, e);
            entries.add(e);
        }
        for (RangeEntry e : r.entries()) {
            checkDuplicateAlias(entries, e);
            entries.add(e);
        }
        Expr quals = null;
        if (j.quals() != null) {
            List<RangeEntry> saved = scope;
            scope = entries;
            try {
                aggForbidden = "JOIN conditions";
                quals = coerceToBool(analyze(j.quals()), j.quals(), "JOIN/ON");
            } finally {
                scope = saved;
                aggForbidden = null;
            }
        }
        boolean outerJoin = j.type() != JoinExpr.JoinType.INNER;
        boolean full = j.type() == JoinExpr.JoinType.FULL;
        if (full && j.quals() != null) {
            checkFullJoinQuals(j.quals(), l.entries(), r.entries(), j.location());
        }
        return new FromItem(new ScanNode.NestLoop(outer.scan(), inner.scan(), quals, outerJoin, full), entries);
    }

    // ------------------------------------------------------------------ column names

    /** FigureColname: the result column label PostgreSQL gives an expression without an alias. */
    public static String figureColname(ExprNode n) {
        String[] name = {null};
        int strength = figure(n, name);
        return strength == 0 ? "?column?" : name[0];
    }

    private static int figure(ExprNode n, String[] name) {
        if (n == null) {
            return 0;
        }
        switch (n) {
            case ExprNode.ColumnRef c: {
                String last = c.fields().get(c.fields().size() - 1);
                if (!last.equals("*")) {
                    name[0] = last;
                    return 2;
                }
                return 0;
            }
            case ExprNode.FuncCall f:
                name[0] = f.name().get(f.name().size() - 1);
                return 2;
            case ExprNode.TypeCast t: {
                int s = figure(t.arg(), name);
                if (s <= 1) {
                    name[0] = t.type().baseName();
                    return 1;
                }
                return s;
            }
            case ExprNode.Case c: {
                int s = figure(c.defaultResult(), name);
                if (s <= 1) {
                    name[0] = "case";
                    return 1;
                }
                return s;
            }
            case ExprNode.SpecialFunc f:
                name[0] = f.name();
                return 2;
            case ExprNode.SqlValueFunction f:
                name[0] = f.name();
                return 2;
            default:
                return 0;
        }
    }

    /** The location PostgreSQL reports for an expression (exprLocation: leftmost token). */
    static int leftmost(ExprNode n) {
        return switch (n) {
            case ExprNode.Op o -> o.left() == null ? o.location() : Math.min(o.location(), leftmost(o.left()));
            case ExprNode.Bool b -> b.op() == ExprNode.BoolOp.NOT ? b.location() : leftmost(b.args().get(0));
            case ExprNode.TypeCast t -> Math.min(t.location(), leftmost(t.arg()));
            case ExprNode.NullTest t -> leftmost(t.arg());
            case ExprNode.BooleanTest t -> leftmost(t.arg());
            case ExprNode.Distinct d -> leftmost(d.left());
            case ExprNode.Between b -> leftmost(b.arg());
            case ExprNode.InList in -> leftmost(in.arg());
            case ExprNode.Like l -> leftmost(l.arg());
            default -> n.location();
        };
    }

    // ------------------------------------------------------------------ hooks for ModifyAnalyzer

    /** An analyzed target list (RETURNING): names, expressions, and each column's table OID / attnum (or 0). */
    record TargetList(List<String> names, List<Expr> exprs, int[] tableOids, short[] attnums) {
    }

    /**
     * Makes the target relation of INSERT/UPDATE/DELETE the only entry in scope (PostgreSQL's
     * p_target_nsitem): column references then read the table's row, slot {@code attnum - 1}.
     */
    void enterTargetRelation(RangeVar rv, RelationSource src) {
        RangeEntry e = relationEntry(rv, src);
        e.refname = rv.alias() != null ? rv.alias() : e.relname;
        e.schema = rv.alias() != null ? null : src.schemaName();
        List<RangeEntry> s = new ArrayList<>();
        s.add(e);
        scope = s;
    }

    /** Leaves the target relation's scope (VALUES items of INSERT cannot name its columns). */
    void leaveScope() {
        scope = null;
    }

    /**
     * Analyzes an expression in a clause where aggregates are not allowed: {@code clause} names it in
     * 42803 {@code aggregate functions are not allowed in <clause>}.
     */
    Expr analyzeNoAggregates(ExprNode n, String clause) {
        String saved = aggForbidden;
        aggForbidden = clause;
        try {
            return analyze(n);
        } finally {
            aggForbidden = saved;
        }
    }

    /** A WHERE clause: boolean, no aggregates. */
    Expr analyzeWhere(ExprNode where) {
        String saved = aggForbidden;
        aggForbidden = "WHERE";
        try {
            return coerceToBool(analyze(where), where, "WHERE");
        } finally {
            aggForbidden = saved;
        }
    }

    /**
     * A stored or new column default: no columns ({@code 0A000 cannot use column reference in DEFAULT
     * expression}), no aggregates, no scope.
     */
    Expr analyzeDefault(ExprNode n) {
        List<RangeEntry> savedScope = scope;
        String saved = aggForbidden;
        scope = null;
        aggForbidden = "DEFAULT expressions";
        columnRefsForbiddenIn = "DEFAULT expression";
        try {
            return analyze(n);
        } finally {
            scope = savedScope;
            aggForbidden = saved;
            columnRefsForbiddenIn = null;
        }
    }

    /** A RETURNING list over the current scope, {@code *} expanded to the visible columns. */
    TargetList analyzeReturning(List<ResTarget> targets) {
        String saved = aggForbidden;
        aggForbidden = "RETURNING";
        try {
            List<String> names = new ArrayList<>();
            List<Expr> exprs = new ArrayList<>();
            List<int[]> origin = new ArrayList<>();
            for (ResTarget t : targets) {
                if (t.value() instanceof ExprNode.ColumnRef cr && cr.fields().get(cr.fields().size() - 1).equals("*")) {
                    for (RangeEntry e : starEntries(cr)) {
                        for (int c = 0; c < e.colNames.size(); c++) {
                            if (e.colNames.get(c).isEmpty()) {
                                continue;
                            }
                            requireSupported(e.types[c], cr.location());
                            exprs.add(new Expr.Var(e.types[c], e.typmods[c], e.offset + c));
                            names.add(e.colNames.get(c));
                            origin.add(new int[] {e.tableOids[c], e.attnums[c]});
                        }
                    }
                    continue;
                }
                Expr x = analyze(t.value());
                exprs.add(x);
                names.add(t.name() != null ? t.name() : figureColname(t.value()));
                int[] o = {0, 0};
                if (x instanceof Expr.Var v) {
                    for (RangeEntry e : scope) {
                        int c = v.index() - e.offset;
                        if (c >= 0 && c < e.colNames.size()) {
                            o = new int[] {e.tableOids[c], e.attnums[c]};
                        }
                    }
                }
                origin.add(o);
            }
            int[] oids = new int[exprs.size()];
            short[] attnums = new short[exprs.size()];
            for (int i = 0; i < oids.length; i++) {
                oids[i] = origin.get(i)[0];
                attnums[i] = (short) origin.get(i)[1];
            }
            return new TargetList(List.copyOf(names), List.copyOf(exprs), oids, attnums);
        } finally {
            aggForbidden = saved;
        }
    }

    /** The session this analysis runs for. */
    SessionContext session() {
        return ctx;
    }

    // ------------------------------------------------------------------ expressions

    /** Analyzes one expression. */
    public Expr analyze(ExprNode n) {
        if (grouping != null && !grouping.insideAgg) {
            Expr g = groupedRef(n);
            if (g != null) {
                return g;
            }
        } else if (n instanceof ExprNode.FuncCall f && isAggregateName(f)) {
            return aggregate(f);
        }
        switch (n) {
            case ExprNode.Const c:
                return constant(c);
            case ExprNode.ParamRef p:
                return param(p);
            case ExprNode.ColumnRef c:
                if (scope != null) {
                    return columnRef(c);
                }
                if (columnRefsForbiddenIn != null) {
                    throw PgException.notSupported("cannot use column reference in " + columnRefsForbiddenIn)
                            .withPosition(c.location() + 1);
                }
                if (c.fields().size() > 1) {
                    throw PgException.error(SqlState.UNDEFINED_TABLE, "missing FROM-clause entry for table \""
                            + c.fields().get(c.fields().size() - 2) + "\"").withPosition(c.location() + 1);
                }
                throw PgException.error(SqlState.UNDEFINED_COLUMN, "column \"" + String.join(".", c.fields()) + "\" does not exist")
                        .withPosition(c.location() + 1);
            case ExprNode.Op o:
                return operator(o);
            case ExprNode.Bool b:
                return bool(b);
            case ExprNode.TypeCast t:
                return typeCast(t);
            case ExprNode.FuncCall f:
                return function(f);
            case ExprNode.SqlValueFunction f:
                return sqlValueFunction(f);
            case ExprNode.SpecialFunc f:
                return specialFunc(f);
            case ExprNode.Case c:
                return caseExpr(c);
            case ExprNode.NullTest t: {
                Expr a = analyze(t.arg());
                boolean not = t.isNot();
                return new Expr.Test(Types.BOOL, not ? v -> v != null : v -> v == null, a);
            }
            case ExprNode.BooleanTest t: {
                String what = switch (t.kind()) {
                    case IS_TRUE -> "IS TRUE";
                    case IS_NOT_TRUE -> "IS NOT TRUE";
                    case IS_FALSE -> "IS FALSE";
                    case IS_NOT_FALSE -> "IS NOT FALSE";
                    case IS_UNKNOWN -> "IS UNKNOWN";
                    case IS_NOT_UNKNOWN -> "IS NOT UNKNOWN";
                };
                Expr a = coerceToBool(analyze(t.arg()), t.arg(), what);
                Expr.Fn1 f = switch (t.kind()) {
                    case IS_TRUE -> v -> v == Boolean.TRUE;
                    case IS_NOT_TRUE -> v -> v != Boolean.TRUE;
                    case IS_FALSE -> v -> v == Boolean.FALSE;
                    case IS_NOT_FALSE -> v -> v != Boolean.FALSE;
                    case IS_UNKNOWN -> v -> v == null;
                    case IS_NOT_UNKNOWN -> v -> v != null;
                };
                return new Expr.Test(Types.BOOL, f, a);
            }
            case ExprNode.Distinct d: {
                Expr l = analyze(d.left());
                Expr r = analyze(d.right());
                Resolved op = resolveBinary("=", l, r, d.left(), d.right(), d.location());
                return new Expr.Distinct(op.left, op.right, op.def.fn(), !d.not() ? false : true);
            }
            case ExprNode.Between b:
                return between(b);
            case ExprNode.InList in:
                return inList(in);
            case ExprNode.Like l:
                return like(l);
            case ExprNode.SetToDefault d:
                throw PgException.error(SqlState.SYNTAX_ERROR, "DEFAULT is not allowed in this context")
                        .withPosition(d.location() + 1);
        }
    }

    private Expr constant(ExprNode.Const c) {
        switch (c.kind()) {
            case INTEGER: {
                String v = c.value();
                try {
                    long x = Long.parseLong(v);
                    if (x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE) {
                        return new Expr.Const(Types.INT4, -1, (int) x);
                    }
                    return new Expr.Const(Types.INT8, -1, x);
                } catch (NumberFormatException e) {
                    return new Expr.Const(Types.NUMERIC, -1, TypeIO.input(Types.NUMERIC, v, ctx));
                }
            }
            case NUMERIC:
                return new Expr.Const(Types.NUMERIC, -1, TypeIO.input(Types.NUMERIC, c.value(), ctx));
            case STRING:
                return new UnknownConst(c.value(), c.location());
            case BOOLEAN:
                return new Expr.Const(Types.BOOL, -1, c.value().equals("t"));
            case NULL:
                return new UnknownConst(null, c.location());
            default:
                throw PgException.notSupported("bit string constants are not supported yet").withPosition(c.location() + 1);
        }
    }

    /** A string or NULL literal of type unknown, remembered with its location for coercion errors. */
    static final class UnknownConst extends Expr {
        final String value;
        final int location;

        UnknownConst(String value, int location) {
            super(Types.UNKNOWN, -1);
            this.value = value;
            this.location = location;
        }

        @Override
        public Object eval(org.pgjava.backend.executor.expr.ExprContext c) {
            return value;
        }

        @Override
        public boolean isConst() {
            return true;
        }
    }

    private Expr param(ExprNode.ParamRef p) {
        int n = p.number();
        if (n < 1 || n > 65535 || (!paramsAllowed && n > paramTypes.length)) {
            throw PgException.error(SqlState.UNDEFINED_PARAMETER, "there is no parameter $" + n).withPosition(p.location() + 1);
        }
        if (n > paramTypes.length) {
            paramTypes = Arrays.copyOf(paramTypes, n);
        }
        int t = paramTypes[n - 1];
        if (t == 0) {
            paramTypes[n - 1] = Types.UNKNOWN;
            t = Types.UNKNOWN;
        }
        if (!Types.isSupported(t)) {
            throw PgException.notSupported("parameters of type " + TypeIO.typeName(t) + " are not supported yet")
                    .withPosition(p.location() + 1);
        }
        return new Expr.Param(t, n - 1);
    }

    // ------------------------------------------------------------------ coercion

    /**
     * Coerces an expression to a type (coerce_to_target_type), applying a typmod if given.
     * @param what     for error messages of implicit coercions (e.g. "CASE"), may be null
     * @throws PgException 42846 cannot cast / 42804 mismatch, or the literal's input error at its location
     */
    Expr coerce(Expr e, int target, int typmod, Casts.Context cc, int location, String what) {
        if (e.type == target && (typmod < 0 || e.typmod == typmod)) {
            return e;
        }
        if (e instanceof UnknownConst u) {
            Object v;
            if (u.value == null) {
                v = null;
            } else {
                requireSupported(target, location);
                try {
                    v = TypeIO.input(target, u.value, ctx);
                    v = Casts.applyTypmod(target, typmod, v, cc == Casts.Context.EXPLICIT);
                } catch (PgException ex) {
                    if (ex.position() == 0) {
                        ex.withPosition(u.location + 1);
                    }
                    throw ex;
                }
            }
            return new Expr.Const(target, typmod, v);
        }
        if (e instanceof Expr.Param p && e.type == Types.UNKNOWN) {
            int idx = paramIndex(p);
            requireSupported(target, location);
            paramTypes[idx] = target;
            Expr np = new Expr.Param(target, idx);
            return typmod >= 0 ? withTypmod(np, target, typmod, cc) : np;
        }
        if (e.type == Types.UNKNOWN) {
            // an unknown-typed non-constant (e.g. CASE of unknowns already resolved elsewhere): treat as text
            e = new Expr.Unary(Types.TEXT, -1, a -> a, e);
            if (target == Types.TEXT && typmod < 0) {
                return e;
            }
        }
        if (!Casts.canCast(e.type, target, cc)) {
            if (cc == Casts.Context.EXPLICIT || Casts.castContext(e.type, target) == 0) {
                throw PgException.error(SqlState.CANNOT_COERCE, "cannot cast type " + TypeIO.typeName(e.type) + " to "
                        + TypeIO.typeName(target)).withPosition(location + 1);
            }
            throw PgException.error(SqlState.DATATYPE_MISMATCH, "cannot cast type " + TypeIO.typeName(e.type) + " to "
                    + TypeIO.typeName(target)).withPosition(location + 1);
        }
        requireSupported(target, location);
        Expr out;
        int from = e.type;
        if (from == target) {
            out = e;
        } else if (Casts.isIoCast(from, target)) {
            if (Types.isStringLike(target)) {
                out = new Expr.Call(target, (a, c) -> {
                    String s = TypeIO.output(from, a[0], c.session());
                    return target == Types.NAME ? TypeIO.truncateName(s) : s;
                }, List.of(e), true, true);
            } else {
                out = new Expr.Call(target, (a, c) -> TypeIO.input(target,
                        from == Types.BPCHAR ? Casts.rtrimSpaces((String) a[0]) : (String) a[0], c.session()), List.of(e), true, true);
            }
        } else if (Casts.sessionCastFunction(from, target) != null) {
            out = new Expr.Call(target, Casts.sessionCastFunction(from, target), List.of(e), true, false);
        } else {
            Expr.Fn1 fn = Casts.castFunction(from, target);
            out = fn == null ? new Expr.Unary(target, -1, a -> a, e) : new Expr.Unary(target, -1, fn, e);
        }
        return typmod >= 0 ? withTypmod(out, target, typmod, cc) : out;
    }

    private static Expr withTypmod(Expr e, int target, int typmod, Casts.Context cc) {
        boolean explicit = cc == Casts.Context.EXPLICIT;
        return new Expr.Unary(target, typmod, a -> Casts.applyTypmod(target, typmod, a, explicit), e);
    }

    private static int paramIndex(Expr.Param p) {
        return p.index();
    }

    private static void requireSupported(int type, int location) {
        if (!Types.isSupported(type)) {
            throw PgException.notSupported("type " + TypeIO.typeName(type) + " is not supported yet").withPosition(location + 1);
        }
    }

    private Expr coerceToBool(Expr e, ExprNode n, String construct) {
        if (e.type == Types.BOOL) {
            return e;
        }
        if (e.type == Types.UNKNOWN) {
            return coerce(e, Types.BOOL, -1, Casts.Context.IMPLICIT, leftmost(n), construct);
        }
        throw PgException.error(SqlState.DATATYPE_MISMATCH, "argument of " + construct + " must be type boolean, not type "
                + TypeIO.typeName(e.type)).withPosition(leftmost(n) + 1);
    }

    /** select_common_type (parse_coerce.c) for CASE/COALESCE/VALUES/GREATEST/LEAST. */
    int selectCommonType(List<Expr> exprs, List<ExprNode> nodes, String context) {
        int ptype = 0;
        char pcat = 0;
        boolean ppreferred = false;
        for (int i = 0; i < exprs.size(); i++) {
            int t = exprs.get(i).type;
            if (t == Types.UNKNOWN) {
                continue;
            }
            if (ptype == 0) {
                ptype = t;
                pcat = Types.category(t);
                ppreferred = Types.isPreferred(t);
                continue;
            }
            if (t == ptype) {
                continue;
            }
            char cat = Types.category(t);
            if (cat != pcat) {
                throw PgException.error(SqlState.DATATYPE_MISMATCH, context + " types " + TypeIO.typeName(ptype) + " and "
                        + TypeIO.typeName(t) + " cannot be matched").withPosition(leftmost(nodes.get(i)) + 1);
            }
            if (!ppreferred && Casts.canCast(ptype, t, Casts.Context.IMPLICIT) && !Casts.canCast(t, ptype, Casts.Context.IMPLICIT)) {
                ptype = t;
                ppreferred = Types.isPreferred(t);
            }
        }
        if (ptype == 0) {
            return Types.TEXT;
        }
        for (int i = 0; i < exprs.size(); i++) {
            int t = exprs.get(i).type;
            if (t != Types.UNKNOWN && !Casts.canCast(t, ptype, Casts.Context.IMPLICIT)) {
                throw PgException.error(SqlState.CANNOT_COERCE, context + " could not convert type " + TypeIO.typeName(t)
                        + " to " + TypeIO.typeName(ptype)).withPosition(leftmost(nodes.get(i)) + 1);
            }
        }
        return ptype;
    }

    private static int commonTypmod(List<Expr> exprs, int type) {
        int tm = -2;
        for (Expr e : exprs) {
            if (e.type != type) {
                return -1;
            }
            if (tm == -2) {
                tm = e.typmod;
            } else if (tm != e.typmod) {
                return -1;
            }
        }
        return tm == -2 ? -1 : tm;
    }

    // ------------------------------------------------------------------ operators

    private record Resolved(Operators.OpDef def, Expr left, Expr right) {
    }

    private Resolved resolveBinary(String name, Expr l, Expr r, ExprNode ln, ExprNode rn, int location) {
        List<Operators.OpDef> cands = Operators.candidates(name, false);
        List<int[]> sigs = new ArrayList<>(cands.size());
        for (Operators.OpDef d : cands) {
            sigs.add(d.argTypes());
        }
        int k = Resolver.select(sigs, new int[] {l.type, r.type}, true);
        if (k == -2) {
            throw PgException.error(SqlState.AMBIGUOUS_FUNCTION, "operator is not unique: " + TypeIO.typeName(l.type) + " "
                    + name + " " + TypeIO.typeName(r.type))
                    .withHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
                    .withPosition(location + 1);
        }
        if (k < 0) {
            throw noOperator(name, l.type, r.type, location);
        }
        Operators.OpDef d = cands.get(k);
        if (d.fn() == null) {
            throw PgException.notSupported("operator " + name + " on type " + TypeIO.typeName(d.left()) + " is not supported yet")
                    .withPosition(location + 1);
        }
        Expr lc = coerce(l, d.left(), -1, Casts.Context.IMPLICIT, leftmost(ln), null);
        Expr rc = coerce(r, d.right(), -1, Casts.Context.IMPLICIT, leftmost(rn), null);
        return new Resolved(d, lc, rc);
    }

    private static PgException noOperator(String name, int lt, int rt, int location) {
        if (!Types.isSupported(lt) || !Types.isSupported(rt)) {
            return PgException.notSupported("operators on type " + TypeIO.typeName(Types.isSupported(lt) ? rt : lt)
                    + " are not supported yet").withPosition(location + 1);
        }
        return PgException.error(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + TypeIO.typeName(lt) + " "
                + name + " " + TypeIO.typeName(rt))
                .withHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
                .withPosition(location + 1);
    }

    private Expr operator(ExprNode.Op o) {
        if (o.left() == null) {
            Expr a = analyze(o.right());
            List<Operators.OpDef> cands = Operators.candidates(o.name(), true);
            List<int[]> sigs = new ArrayList<>();
            for (Operators.OpDef d : cands) {
                sigs.add(d.argTypes());
            }
            int k = Resolver.select(sigs, new int[] {a.type}, false);
            if (k == -2) {
                throw PgException.error(SqlState.AMBIGUOUS_FUNCTION, "operator is not unique: " + o.name() + " " + TypeIO.typeName(a.type))
                        .withHint("Could not choose a best candidate operator. You might need to add an explicit type cast.")
                        .withPosition(o.location() + 1);
            }
            if (k < 0) {
                throw PgException.error(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + o.name() + " " + TypeIO.typeName(a.type))
                        .withHint("No operator matches the given name and argument type. You might need to add an explicit type cast.")
                        .withPosition(o.location() + 1);
            }
            Operators.OpDef d = cands.get(k);
            if (d.fn() == null) {
                throw PgException.notSupported("operator " + o.name() + " on type " + TypeIO.typeName(d.right()) + " is not supported yet")
                        .withPosition(o.location() + 1);
            }
            Expr ac = coerce(a, d.right(), -1, Casts.Context.IMPLICIT, leftmost(o.right()), null);
            Expr.Fn2 fn = d.fn();
            return new Expr.Unary(d.result(), -1, v -> fn.apply(null, v), ac);
        }
        Expr l = analyze(o.left());
        Expr r = analyze(o.right());
        if (o.name().equals("||") && l.type != Types.BYTEA && r.type != Types.BYTEA) {
            boolean lStr = Types.category(l.type) == 'S';
            boolean rStr = Types.category(r.type) == 'S';
            if ((lStr && r.type != Types.UNKNOWN && !rStr) || (rStr && l.type != Types.UNKNOWN && !lStr)
                    || (lStr && rStr)) {
                Expr lc = coerce(l, Types.TEXT, -1, Casts.Context.EXPLICIT, leftmost(o.left()), null);
                Expr rc = coerce(r, Types.TEXT, -1, Casts.Context.EXPLICIT, leftmost(o.right()), null);
                return new Expr.Binary(Types.TEXT, (a, b) -> (String) a + (String) b, lc, rc);
            }
            if ((lStr && r.type == Types.UNKNOWN) || (rStr && l.type == Types.UNKNOWN)) {
                Expr lc = coerce(l, Types.TEXT, -1, Casts.Context.IMPLICIT, leftmost(o.left()), null);
                Expr rc = coerce(r, Types.TEXT, -1, Casts.Context.IMPLICIT, leftmost(o.right()), null);
                return new Expr.Binary(Types.TEXT, (a, b) -> (String) a + (String) b, lc, rc);
            }
            if (l.type == Types.UNKNOWN && r.type != Types.UNKNOWN && Types.category(r.type) != 'A'
                    || r.type == Types.UNKNOWN && l.type != Types.UNKNOWN && Types.category(l.type) != 'A') {
                // text || anynonarray / anynonarray || text
                Expr lc = coerce(l, Types.TEXT, -1, Casts.Context.EXPLICIT, leftmost(o.left()), null);
                Expr rc = coerce(r, Types.TEXT, -1, Casts.Context.EXPLICIT, leftmost(o.right()), null);
                return new Expr.Binary(Types.TEXT, (a, b) -> (String) a + (String) b, lc, rc);
            }
        }
        Resolved res = resolveBinary(o.name(), l, r, o.left(), o.right(), o.location());
        return new Expr.Binary(res.def.result(), res.def.fn(), res.left, res.right);
    }

    private Expr bool(ExprNode.Bool b) {
        String what = b.op().name();
        List<Expr> args = new ArrayList<>();
        for (ExprNode a : b.args()) {
            args.add(coerceToBool(analyze(a), a, what));
        }
        return switch (b.op()) {
            case AND -> new Expr.And(args);
            case OR -> new Expr.Or(args);
            case NOT -> new Expr.Test(Types.BOOL, v -> v == null ? null : !(Boolean) v, args.get(0));
        };
    }

    private Expr between(ExprNode.Between b) {
        ExprNode a = b.arg();
        int loc = b.location();
        if (!b.symmetric()) {
            if (!b.not()) {
                return new Expr.And(List.of(cmp(">=", a, b.low(), loc), cmp("<=", a, b.high(), loc)));
            }
            return new Expr.Or(List.of(cmp("<", a, b.low(), loc), cmp(">", a, b.high(), loc)));
        }
        if (!b.not()) {
            return new Expr.Or(List.of(new Expr.And(List.of(cmp(">=", a, b.low(), loc), cmp("<=", a, b.high(), loc))),
                    new Expr.And(List.of(cmp(">=", a, b.high(), loc), cmp("<=", a, b.low(), loc)))));
        }
        return new Expr.And(List.of(new Expr.Or(List.of(cmp("<", a, b.low(), loc), cmp(">", a, b.high(), loc))),
                new Expr.Or(List.of(cmp("<", a, b.high(), loc), cmp(">", a, b.low(), loc)))));
    }

    private Expr cmp(String op, ExprNode l, ExprNode r, int loc) {
        return analyze(new ExprNode.Op(op, l, r, loc));
    }

    private Expr inList(ExprNode.InList in) {
        List<Expr> parts = new ArrayList<>();
        for (ExprNode x : in.list()) {
            parts.add(cmp(in.not() ? "<>" : "=", in.arg(), x, in.location()));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return in.not() ? new Expr.And(parts) : new Expr.Or(parts);
    }

    private Expr like(ExprNode.Like l) {
        String op = (l.not() ? "!" : "") + (l.caseInsensitive() ? "~~*" : "~~");
        ExprNode pattern = l.pattern();
        if (l.escape() != null) {
            pattern = new ExprNode.FuncCall(List.of("like_escape"), List.of(l.pattern(), l.escape()), false, false, leftmost(l.pattern()));
        }
        return analyze(new ExprNode.Op(op, l.arg(), pattern, l.location()));
    }

    // ------------------------------------------------------------------ casts and types

    /** Resolves a TypeName to (oid, typmod). @throws PgException 42704 unknown type, 0A000 not built */
    public int[] resolveTypeName(TypeName tn) {
        List<String> names = tn.names();
        String base = tn.baseName();
        if (names.size() > 2 || (names.size() == 2 && !names.get(0).equals("pg_catalog"))) {
            if (names.size() == 2) {
                throw PgException.error(SqlState.UNDEFINED_OBJECT, "type \"" + String.join(".", names) + "\" does not exist");
            }
            if (names.size() == 3) {
                throw PgException.notSupported("cross-database references are not implemented: " + String.join(".", names));
            }
            throw PgException.error(SqlState.SYNTAX_ERROR, "improper qualified name (too many dotted names): "
                    + String.join(".", names)).withPosition(tn.location() + 1);
        }
        if (tn.arrayDims() > 0) {
            throw PgException.notSupported("array types are not supported yet").withPosition(tn.location() + 1);
        }
        int oid = switch (base) {
            case "int2" -> Types.INT2;
            case "int4" -> Types.INT4;
            case "int8" -> Types.INT8;
            case "float4" -> Types.FLOAT4;
            case "float8" -> Types.FLOAT8;
            case "numeric" -> Types.NUMERIC;
            case "text" -> Types.TEXT;
            case "varchar" -> Types.VARCHAR;
            case "bpchar" -> Types.BPCHAR;
            case "bool" -> Types.BOOL;
            case "name" -> Types.NAME;
            case "oid" -> Types.OID;
            case "char" -> Types.CHAR;
            case "bytea" -> Types.BYTEA;
            case "unknown" -> Types.UNKNOWN;
            case "void" -> Types.VOID;
            case "uuid" -> Types.UUID;
            case "regtype" -> Types.REGTYPE;
            case "date" -> org.pgjava.catalog.BuiltinType.DATE.oid();
            case "timestamp" -> org.pgjava.catalog.BuiltinType.TIMESTAMP.oid();
            case "timestamptz" -> org.pgjava.catalog.BuiltinType.TIMESTAMPTZ.oid();
            case "serial", "serial4", "bigserial", "serial8", "smallserial", "serial2" -> {
                if (names.size() == 1) {
                    throw PgException.notSupported("serial columns are not supported yet (they need sequences)")
                            .withPosition(tn.location() + 1);
                }
                throw PgException.error(SqlState.UNDEFINED_OBJECT, "type \"" + base + "\" does not exist")
                        .withPosition(tn.location() + 1);
            }
            default -> {
                int builtin = Types.oidOfTypeName(base);
                if (builtin != 0 && Types.isSupported(builtin)) {
                    yield builtin;
                }
                org.pgjava.catalog.BuiltinType bt = org.pgjava.catalog.BuiltinType.byName(base);
                if (bt != null || base.equals("timetz") || base.equals("time") || base.equals("interval")
                        || base.equals("timestamp") || base.equals("timestamptz") || base.equals("date")) {
                    throw PgException.notSupported("type " + base + " is not supported yet").withPosition(tn.location() + 1);
                }
                throw PgException.error(SqlState.UNDEFINED_OBJECT, "type \"" + base + "\" does not exist")
                        .withPosition(tn.location() + 1);
            }
        };
        int typmod = -1;
        List<ExprNode> mods = tn.typmods();
        if (!mods.isEmpty()) {
            int[] vals = new int[mods.size()];
            for (int i = 0; i < vals.length; i++) {
                if (!(mods.get(i) instanceof ExprNode.Const c) || c.kind() != ExprNode.ConstKind.INTEGER) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "type modifiers must be simple constants or identifiers")
                            .withPosition(mods.get(i).location() + 1);
                }
                vals[i] = Integer.parseInt(c.value());
            }
            try {
                typmod = Types.typmodIn(oid, vals, new ArrayList<>());
            } catch (PgException ex) {
                throw ex.withPosition(tn.location() + 1);
            }
        }
        return new int[] {oid, typmod};
    }

    private Expr typeCast(ExprNode.TypeCast t) {
        int[] ty = resolveTypeName(t.type());
        Expr a = analyze(t.arg());
        int loc = t.arg() instanceof ExprNode.Const c && c.kind() == ExprNode.ConstKind.STRING ? c.location() : t.location();
        return coerce(a, ty[0], ty[1], Casts.Context.EXPLICIT, loc, null);
    }

    // ------------------------------------------------------------------ functions

    private Expr sqlValueFunction(ExprNode.SqlValueFunction f) {
        return switch (f.name()) {
            case "current_user", "user", "current_role" ->
                    new Expr.Call(Types.NAME, (a, c) -> c.session().currentUser(), List.of(), false);
            case "session_user" -> new Expr.Call(Types.NAME, (a, c) -> c.session().sessionUser(), List.of(), false);
            case "current_catalog" -> new Expr.Call(Types.NAME, (a, c) -> c.session().databaseName(), List.of(), false);
            case "current_schema" -> new Expr.Call(Types.NAME, (a, c) -> "public", List.of(), false);
            default -> {
                Expr dt = Functions.dateTimeValueFunction(f.name(), f.precision());
                if (dt == null) {
                    throw PgException.notSupported(f.name() + " is not supported yet").withPosition(f.location() + 1);
                }
                yield dt;
            }
        };
    }

    private Expr specialFunc(ExprNode.SpecialFunc f) {
        String ctxName = f.name().toUpperCase(java.util.Locale.ROOT);
        if (f.name().equals("nullif")) {
            Expr l = analyze(f.args().get(0));
            Expr r = analyze(f.args().get(1));
            Resolved res = resolveBinary("=", l, r, f.args().get(0), f.args().get(1), f.location());
            return new Expr.NullIf(res.left.type, res.left.typmod, res.left, res.right, res.def.fn());
        }
        List<Expr> args = new ArrayList<>();
        for (ExprNode a : f.args()) {
            args.add(analyze(a));
        }
        int type = selectCommonType(args, f.args(), ctxName);
        int typmod = commonTypmod(args, type);
        List<Expr> coerced = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            coerced.add(coerce(args.get(i), type, -1, Casts.Context.IMPLICIT, leftmost(f.args().get(i)), ctxName));
        }
        if (f.name().equals("coalesce")) {
            return new Expr.Coalesce(type, typmod, coerced);
        }
        Comparator<Object> cmp = Operators.comparator(type);
        if (cmp == null) {
            throw PgException.error(SqlState.UNDEFINED_FUNCTION, "could not identify a comparison function for type "
                    + TypeIO.typeName(type)).withPosition(f.location() + 1);
        }
        return new Expr.MinMax(type, typmod, coerced, cmp, f.name().equals("greatest"));
    }

    private Expr caseExpr(ExprNode.Case c) {
        List<Expr> conds = new ArrayList<>();
        List<Expr> results = new ArrayList<>();
        List<ExprNode> resultNodes = new ArrayList<>();
        for (ExprNode.CaseWhen w : c.whens()) {
            Expr cond;
            if (c.arg() != null) {
                cond = analyze(new ExprNode.Op("=", c.arg(), w.condition(), w.location()));
                cond = coerceToBool(cond, w.condition(), "CASE/WHEN");
            } else {
                cond = coerceToBool(analyze(w.condition()), w.condition(), "CASE/WHEN");
            }
            conds.add(cond);
            results.add(analyze(w.result()));
            resultNodes.add(w.result());
        }
        Expr def = null;
        List<Expr> all = new ArrayList<>();
        List<ExprNode> allNodes = new ArrayList<>();
        if (c.defaultResult() != null) {
            def = analyze(c.defaultResult());
            all.add(def);
            allNodes.add(c.defaultResult());
        }
        all.addAll(results);
        allNodes.addAll(resultNodes);
        int type = selectCommonType(all, allNodes, "CASE");
        int typmod = commonTypmod(all, type);
        List<Expr> coerced = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            coerced.add(coerce(results.get(i), type, -1, Casts.Context.IMPLICIT, leftmost(resultNodes.get(i)), "CASE"));
        }
        if (def != null) {
            def = coerce(def, type, -1, Casts.Context.IMPLICIT, leftmost(c.defaultResult()), "CASE");
        }
        return new Expr.Case(type, typmod, conds, coerced, def);
    }

    private Expr function(ExprNode.FuncCall f) {
        List<String> names = f.name();
        String name = names.get(names.size() - 1);
        boolean schemaOk = names.size() == 1 || (names.size() == 2 && names.get(0).equals("pg_catalog"));
        List<Expr> args = new ArrayList<>();
        for (ExprNode a : f.args()) {
            args.add(analyze(a));
        }
        if (f.distinct()) {
            throw PgException.error(SqlState.WRONG_OBJECT_TYPE, "DISTINCT specified, but " + String.join(".", names)
                    + " is not an aggregate function").withPosition(f.location() + 1);
        }
        if (schemaOk && name.equals("pg_typeof") && args.size() == 1) {
            long oid = args.get(0).type;
            Expr arg = args.get(0);
            return new Expr.Call(Types.REGTYPE, (a, c) -> oid, List.of(arg), false, false);
        }
        if (schemaOk && name.equals("like_escape") && args.size() == 2) {
            Expr p = coerce(args.get(0), Types.TEXT, -1, Casts.Context.IMPLICIT, leftmost(f.args().get(0)), null);
            Expr e = coerce(args.get(1), Types.TEXT, -1, Casts.Context.IMPLICIT, leftmost(f.args().get(1)), null);
            return new Expr.Binary(Types.TEXT, (a, b) -> likeEscape((String) a, (String) b), p, e);
        }
        List<Functions.FuncDef> cands = schemaOk ? Functions.candidates(name) : List.of();
        int[] actual = new int[args.size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = args.get(i).type;
        }
        // variadic "any" functions
        for (Functions.FuncDef d : cands) {
            if (d.variadicText() && args.size() >= d.args().length && args.size() >= 1) {
                List<Expr> conv = new ArrayList<>();
                for (int i = 0; i < args.size(); i++) {
                    conv.add(coerce(args.get(i), Types.TEXT, -1, i < d.args().length ? Casts.Context.IMPLICIT : Casts.Context.EXPLICIT,
                            leftmost(f.args().get(i)), null));
                }
                return new Expr.Call(d.result(), d.fn(), conv, d.strict(), d.immutable());
            }
        }
        List<Functions.FuncDef> fixed = new ArrayList<>();
        List<int[]> sigs = new ArrayList<>();
        for (Functions.FuncDef d : cands) {
            if (!d.variadicText() && d.args().length == args.size()) {
                fixed.add(d);
                sigs.add(d.args());
            }
        }
        int k = Resolver.select(sigs, actual, false);
        if (k == -2) {
            throw PgException.error(SqlState.AMBIGUOUS_FUNCTION, "function " + signature(name, actual) + " is not unique")
                    .withHint("Could not choose a best candidate function. You might need to add explicit type casts.")
                    .withPosition(f.location() + 1);
        }
        if (k < 0) {
            if (schemaOk && args.size() == 1) {
                Expr cast = functionStyleCast(name, args.get(0), f);
                if (cast != null) {
                    return cast;
                }
            }
            if (schemaOk && (Functions.isKnownUnsupported(name) || name.equals("set_config"))) {
                throw PgException.notSupported("function " + name + " is not supported yet").withPosition(f.location() + 1);
            }
            throw PgException.error(SqlState.UNDEFINED_FUNCTION, "function " + signature(names.size() == 1 ? name
                    : String.join(".", names), actual) + " does not exist")
                    .withHint("No function matches the given name and argument types. You might need to add explicit type casts.")
                    .withPosition(f.location() + 1);
        }
        Functions.FuncDef d = fixed.get(k);
        List<Expr> conv = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            conv.add(coerce(args.get(i), d.args()[i], -1, Casts.Context.IMPLICIT, leftmost(f.args().get(i)), null));
        }
        return new Expr.Call(d.result(), d.fn(), conv, d.strict(), d.immutable());
    }

    private Expr functionStyleCast(String name, Expr arg, ExprNode.FuncCall f) {
        int target = switch (name) {
            case "int2" -> Types.INT2;
            case "int4" -> Types.INT4;
            case "int8" -> Types.INT8;
            case "float4" -> Types.FLOAT4;
            case "float8" -> Types.FLOAT8;
            case "numeric" -> Types.NUMERIC;
            case "text" -> Types.TEXT;
            case "varchar" -> Types.VARCHAR;
            case "bpchar" -> Types.BPCHAR;
            case "bool" -> Types.BOOL;
            case "name" -> Types.NAME;
            case "oid" -> Types.OID;
            case "char" -> Types.CHAR;
            case "regtype" -> Types.REGTYPE;
            default -> 0;
        };
        if (target == 0) {
            return null;
        }
        char cc = Casts.castContext(arg.type, target);
        if (cc == 0 || (Casts.isIoCast(arg.type, target) && arg.type != Types.UNKNOWN && !Types.isStringLike(target))) {
            return null;
        }
        return coerce(arg, target, -1, Casts.Context.EXPLICIT, f.location(), null);
    }

    private static String signature(String name, int[] types) {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < types.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(TypeIO.typeName(types[i]));
        }
        return sb.append(')').toString();
    }

    /** like_escape: rewrites a pattern with a custom escape character into backslash-escape form. */
    static String likeEscape(String pattern, String esc) {
        if (esc.codePointCount(0, esc.length()) > 1) {
            throw PgException.error(SqlState.INVALID_ESCAPE_SEQUENCE, "invalid escape string")
                    .withHint("Escape string must be empty or one character.");
        }
        StringBuilder sb = new StringBuilder();
        if (esc.isEmpty()) {
            for (char ch : pattern.toCharArray()) {
                if (ch == '\\') {
                    sb.append("\\\\");
                } else {
                    sb.append(ch);
                }
            }
            return sb.toString();
        }
        char e = esc.charAt(0);
        if (e == '\\') {
            return pattern;
        }
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == e) {
                i++;
                if (i >= pattern.length()) {
                    throw PgException.error(SqlState.INVALID_ESCAPE_SEQUENCE, "LIKE pattern must not end with escape character");
                }
                sb.append('\\').append(pattern.charAt(i));
            } else if (ch == '\\') {
                sb.append("\\\\");
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
