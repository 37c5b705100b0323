package org.pgjava.backend.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pgjava.backend.nodes.AlterTableStmt;
import org.pgjava.backend.nodes.AssignTarget;
import org.pgjava.backend.nodes.CheckpointStmt;
import org.pgjava.backend.nodes.ColumnDef;
import org.pgjava.backend.nodes.CreateTableStmt;
import org.pgjava.backend.nodes.DeleteStmt;
import org.pgjava.backend.nodes.DiscardStmt;
import org.pgjava.backend.nodes.DropTableStmt;
import org.pgjava.backend.nodes.InsertStmt;
import org.pgjava.backend.nodes.UpdateStmt;
import org.pgjava.backend.nodes.ExprNode;
import org.pgjava.backend.nodes.Node;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.backend.nodes.JoinExpr;
import org.pgjava.backend.nodes.RangeFunction;
import org.pgjava.backend.nodes.RangeSubselect;
import org.pgjava.backend.nodes.RangeVar;
import org.pgjava.backend.nodes.ResTarget;
import org.pgjava.backend.nodes.SelectStmt;
import org.pgjava.backend.nodes.SortBy;
import org.pgjava.backend.nodes.TransactionStmt;
import org.pgjava.backend.nodes.TypeName;
import org.pgjava.backend.nodes.VariableSetStmt;
import org.pgjava.backend.nodes.VariableShowStmt;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The recursive-descent parser proper: one instance per query string, over the token list from
 * {@link Lexer}. Statement rules follow gram.y; expression precedence follows gram.y's %left/%right table
 * (lowest first): OR, AND, NOT, IS/ISNULL/NOTNULL, comparison (&lt; &gt; = &lt;= &gt;= &lt;&gt;, non-associative),
 * BETWEEN/IN/LIKE/ILIKE/SIMILAR, other operators, + -, * / %, ^, AT/COLLATE, unary minus, :: casts.
 *
 * <p>Entry point: {@link #parseAll()} (used by {@link Parser#parse}). Syntax errors are 42601 at the
 * offending token's start; statements PostgreSQL knows but pgjava has not built are 0A000.
 */
final class SqlParser {
    private final String src;
    private final List<Token> toks;
    private int p;

    SqlParser(String src) {
        this.src = src;
        this.toks = Lexer.tokenize(src);
    }

    // ------------------------------------------------------------------ token helpers

    private Token cur() {
        return toks.get(p);
    }

    private Token peekTok(int k) {
        int i = Math.min(p + k, toks.size() - 1);
        return toks.get(i);
    }

    private Token advance() {
        Token t = toks.get(p);
        if (t.kind() != Token.Kind.EOF) {
            p++;
        }
        return t;
    }

    private boolean isKw(String kw) {
        return cur().isKeyword(kw);
    }

    private boolean acceptKw(String kw) {
        if (cur().isKeyword(kw)) {
            p++;
            return true;
        }
        return false;
    }

    private Token expectKw(String kw) {
        if (!cur().isKeyword(kw)) {
            throw syntaxError(cur());
        }
        return advance();
    }

    private boolean is(Token.Kind k) {
        return cur().kind() == k;
    }

    private boolean accept(Token.Kind k) {
        if (cur().kind() == k) {
            p++;
            return true;
        }
        return false;
    }

    private Token expect(Token.Kind k) {
        if (cur().kind() != k) {
            throw syntaxError(cur());
        }
        return advance();
    }

    /** 42601 at the given token, with PostgreSQL's text. */
    PgException syntaxError(Token t) {
        if (t.kind() == Token.Kind.EOF) {
            return PgException.error(SqlState.SYNTAX_ERROR, "syntax error at end of input").withPosition(t.start() + 1);
        }
        return PgException.error(SqlState.SYNTAX_ERROR,
                "syntax error at or near \"" + src.substring(t.start(), t.end()) + "\"").withPosition(t.start() + 1);
    }

    private static PgException notSupported(String what, Token at) {
        return PgException.notSupported(what + " is not supported yet").withPosition(at.start() + 1);
    }

    /** 0A000 for a feature named in the plural ("subqueries are not supported yet"). */
    private static PgException notSupportedPlural(String what, Token at) {
        return PgException.notSupported(what + " are not supported yet").withPosition(at.start() + 1);
    }

    // ------------------------------------------------------------------ statements

    /**
     * Parses the whole string as one expression (a stored column default).
     * @throws PgException 42601 when the string is not exactly one expression
     */
    ExprNode parseWholeExpression() {
        ExprNode e = parseExpr();
        if (!is(Token.Kind.EOF)) {
            throw syntaxError(cur());
        }
        return e;
    }

    /** Parses every statement of the query string. */
    List<RawStatement> parseAll() {
        List<RawStatement> out = new ArrayList<>();
        while (true) {
            while (accept(Token.Kind.SEMICOLON)) {
                // empty statements are dropped
            }
            if (is(Token.Kind.EOF)) {
                return out;
            }
            Token first = cur();
            Node stmt = parseStatement();
            Token end = cur();
            if (end.kind() != Token.Kind.SEMICOLON && end.kind() != Token.Kind.EOF) {
                throw syntaxError(end);
            }
            int stop = end.kind() == Token.Kind.EOF ? src.length() : end.start();
            out.add(new RawStatement(stmt, first.start(), stop - first.start()));
        }
    }

    private Node parseStatement() {
        Token t = cur();
        if (t.kind() == Token.Kind.LPAREN) {
            return parseSelect();
        }
        if (t.kind() != Token.Kind.IDENT || t.quoted()) {
            throw syntaxError(t);
        }
        switch (t.text()) {
            case "select", "values", "with", "table":
                if (t.text().equals("with")) {
                    throw notSupported("WITH", t);
                }
                return parseSelect();
            case "set":
                return parseSet();
            case "reset":
                return parseReset();
            case "show":
                return parseShow();
            case "begin":
                return parseBegin();
            case "start":
                advance();
                expectKw("transaction");
                return new TransactionStmt(TransactionStmt.Kind.START, parseTransactionModes(), null, false, t.start());
            case "commit", "end":
                return parseCommitRollback(TransactionStmt.Kind.COMMIT);
            case "rollback", "abort":
                return parseCommitRollback(TransactionStmt.Kind.ROLLBACK);
            case "savepoint":
                advance();
                return new TransactionStmt(TransactionStmt.Kind.SAVEPOINT, List.of(), colId(), false, t.start());
            case "release":
                advance();
                acceptKw("savepoint");
                return new TransactionStmt(TransactionStmt.Kind.RELEASE, List.of(), colId(), false, t.start());
            case "discard":
                return parseDiscard();
            case "insert":
                return parseInsert();
            case "update":
                return parseUpdate();
            case "delete":
                return parseDelete();
            case "create":
                return parseCreate();
            case "drop":
                return parseDrop();
            case "alter":
                return parseAlter();
            case "checkpoint":
                advance();
                return new CheckpointStmt(t.start());
            case "prepare":
                if (peekTok(1).isKeyword("transaction")) {
                    advance();
                    advance();
                    Token gid = expect(Token.Kind.SCONST);
                    return new TransactionStmt(TransactionStmt.Kind.PREPARE, List.of(), gid.text(), false, t.start());
                }
                throw notSupported("PREPARE", t);
            default:
                if (Keywords.UNSUPPORTED_STATEMENTS.contains(t.text())) {
                    throw notSupported(t.text().toUpperCase(Locale.ROOT), t);
                }
                throw syntaxError(t);
        }
    }

    private String colId() {
        Token t = cur();
        if (!Keywords.isColId(t)) {
            throw syntaxError(t);
        }
        advance();
        return t.text();
    }

    private Node parseBegin() {
        Token t = advance();
        if (!acceptKw("work")) {
            acceptKw("transaction");
        }
        return new TransactionStmt(TransactionStmt.Kind.BEGIN, parseTransactionModes(), null, false, t.start());
    }

    /** transaction_mode_list: modes separated by commas or blanks, in PostgreSQL's lower-case words. */
    private List<String> parseTransactionModes() {
        List<String> modes = new ArrayList<>();
        while (true) {
            if (acceptKw("isolation")) {
                expectKw("level");
                modes.add("isolation level " + isolationLevel());
            } else if (isKw("read")) {
                advance();
                if (acceptKw("only")) {
                    modes.add("read only");
                } else if (acceptKw("write")) {
                    modes.add("read write");
                } else {
                    throw syntaxError(cur());
                }
            } else if (acceptKw("deferrable")) {
                modes.add("deferrable");
            } else if (isKw("not") && peekTok(1).isKeyword("deferrable")) {
                advance();
                advance();
                modes.add("not deferrable");
            } else {
                if (!modes.isEmpty() && is(Token.Kind.COMMA)) {
                    throw syntaxError(peekTok(1));
                }
                return modes;
            }
            if (accept(Token.Kind.COMMA)) {
                if (!(isKw("isolation") || isKw("read") || isKw("deferrable") || isKw("not"))) {
                    throw syntaxError(cur());
                }
            }
        }
    }

    private String isolationLevel() {
        if (acceptKw("serializable")) {
            return "serializable";
        }
        if (acceptKw("repeatable")) {
            expectKw("read");
            return "repeatable read";
        }
        if (acceptKw("read")) {
            if (acceptKw("committed")) {
                return "read committed";
            }
            expectKw("uncommitted");
            return "read uncommitted";
        }
        throw syntaxError(cur());
    }

    private Node parseCommitRollback(TransactionStmt.Kind kind) {
        Token t = advance();
        if (isKw("prepared") && (t.text().equals("commit") || t.text().equals("rollback"))) {
            advance();
            Token gid = expect(Token.Kind.SCONST);
            return new TransactionStmt(kind == TransactionStmt.Kind.COMMIT ? TransactionStmt.Kind.COMMIT_PREPARED
                    : TransactionStmt.Kind.ROLLBACK_PREPARED, List.of(), gid.text(), false, t.start());
        }
        if (!acceptKw("work")) {
            acceptKw("transaction");
        }
        if (kind == TransactionStmt.Kind.ROLLBACK && t.text().equals("rollback") && acceptKw("to")) {
            acceptKw("savepoint");
            return new TransactionStmt(TransactionStmt.Kind.ROLLBACK_TO, List.of(), colId(), false, t.start());
        }
        boolean chain = false;
        if (acceptKw("and")) {
            chain = !acceptKw("no");
            expectKw("chain");
        }
        return new TransactionStmt(kind, List.of(), null, chain, t.start());
    }

    private Node parseDiscard() {
        Token t = advance();
        DiscardStmt.Target target;
        if (acceptKw("all")) {
            target = DiscardStmt.Target.ALL;
        } else if (acceptKw("plans")) {
            target = DiscardStmt.Target.PLANS;
        } else if (acceptKw("sequences")) {
            target = DiscardStmt.Target.SEQUENCES;
        } else if (acceptKw("temp") || acceptKw("temporary")) {
            target = DiscardStmt.Target.TEMP;
        } else {
            throw syntaxError(cur());
        }
        return new DiscardStmt(target, t.start());
    }

    private Node parseShow() {
        Token t = advance();
        String name;
        if (isKw("time") && peekTok(1).isKeyword("zone")) {
            advance();
            advance();
            name = "timezone";
        } else if (isKw("transaction") && peekTok(1).isKeyword("isolation")) {
            advance();
            advance();
            expectKw("level");
            name = "transaction_isolation";
        } else if (isKw("session") && peekTok(1).isKeyword("authorization")) {
            advance();
            advance();
            name = "session_authorization";
        } else if (acceptKw("all")) {
            name = "all";
        } else {
            name = varName();
        }
        return new VariableShowStmt(name, t.start());
    }

    /** var_name: ColId ('.' ColId)*. */
    private String varName() {
        StringBuilder sb = new StringBuilder(colId());
        while (accept(Token.Kind.DOT)) {
            sb.append('.').append(colLabel());
        }
        return sb.toString();
    }

    private String colLabel() {
        Token t = cur();
        if (t.kind() != Token.Kind.IDENT) {
            throw syntaxError(t);
        }
        advance();
        return t.text();
    }

    private Node parseReset() {
        Token t = advance();
        if (acceptKw("all")) {
            return new VariableSetStmt(VariableSetStmt.Kind.RESET_ALL, null, List.of(), false, t.start());
        }
        String name;
        if (isKw("time") && peekTok(1).isKeyword("zone")) {
            advance();
            advance();
            name = "timezone";
        } else if (isKw("transaction") && peekTok(1).isKeyword("isolation")) {
            advance();
            advance();
            expectKw("level");
            name = "transaction_isolation";
        } else if (isKw("session") && peekTok(1).isKeyword("authorization")) {
            advance();
            advance();
            name = "session_authorization";
        } else {
            name = varName();
        }
        return new VariableSetStmt(VariableSetStmt.Kind.RESET, name, List.of(), false, t.start());
    }

    private Node parseSet() {
        Token t = advance();
        boolean local = false;
        if (acceptKw("local")) {
            local = true;
        } else if (isKw("session") && !peekTok(1).isKeyword("authorization")) {
            advance();
            if (acceptKw("characteristics")) {
                expectKw("as");
                expectKw("transaction");
                return transactionSet("session_characteristics", "default_", t.start());
            }
        }
        if (isKw("transaction") && !peekTok(1).isKeyword("to") && peekTok(1).kind() != Token.Kind.OP) {
            advance();
            if (isKw("snapshot")) {
                throw notSupported("SET TRANSACTION SNAPSHOT", cur());
            }
            return transactionSet("transaction", "", t.start());
        }
        if (isKw("time") && peekTok(1).isKeyword("zone")) {
            advance();
            advance();
            if (acceptKw("local") || acceptKw("default")) {
                return new VariableSetStmt(VariableSetStmt.Kind.SET_DEFAULT, "timezone", List.of(), local, t.start());
            }
            Token v = cur();
            if (v.kind() == Token.Kind.SCONST || v.kind() == Token.Kind.IDENT) {
                if (v.isKeyword("interval")) {
                    throw notSupported("SET TIME ZONE INTERVAL", v);
                }
                advance();
                return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, "timezone", List.of(v.text()), local, t.start());
            }
            return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, "timezone", List.of(numericOnly()), local, t.start());
        }
        if (isKw("names") && !peekTok(1).isKeyword("to") && !peekTok(1).isOp("=")) {
            advance();
            if (acceptKw("default") || is(Token.Kind.EOF) || is(Token.Kind.SEMICOLON)) {
                return new VariableSetStmt(VariableSetStmt.Kind.SET_DEFAULT, "client_encoding", List.of(), local, t.start());
            }
            Token v = cur();
            if (v.kind() != Token.Kind.SCONST && !Keywords.isColId(v)) {
                throw syntaxError(v);
            }
            advance();
            return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, "client_encoding", List.of(v.text()), local, t.start());
        }
        if (isKw("schema") && peekTok(1).kind() == Token.Kind.SCONST) {
            advance();
            return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, "search_path", List.of(advance().text()), local, t.start());
        }
        if (isKw("session") && peekTok(1).isKeyword("authorization")) {
            advance();
            advance();
            if (acceptKw("default")) {
                return new VariableSetStmt(VariableSetStmt.Kind.SET_DEFAULT, "session_authorization", List.of(), local, t.start());
            }
            Token v = cur();
            if (v.kind() != Token.Kind.SCONST && !Keywords.isColId(v)) {
                throw syntaxError(v);
            }
            advance();
            return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, "session_authorization", List.of(v.text()), local, t.start());
        }
        if (isKw("role") && !peekTok(1).isKeyword("to") && !peekTok(1).isOp("=")) {
            advance();
            Token v = cur();
            if (v.kind() != Token.Kind.SCONST && v.kind() != Token.Kind.IDENT) {
                throw syntaxError(v);
            }
            advance();
            return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, "role", List.of(v.text()), local, t.start());
        }
        String name = varName();
        if (acceptKw("from")) {
            expectKw("current");
            return new VariableSetStmt(VariableSetStmt.Kind.SET_CURRENT, name, List.of(), local, t.start());
        }
        if (!acceptKw("to") && !(cur().isOp("="))) {
            throw syntaxError(cur());
        }
        if (cur().isOp("=")) {
            advance();
        }
        if (acceptKw("default")) {
            return new VariableSetStmt(VariableSetStmt.Kind.SET_DEFAULT, name, List.of(), local, t.start());
        }
        List<String> args = new ArrayList<>();
        do {
            args.add(varValue());
        } while (accept(Token.Kind.COMMA));
        return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, name, List.copyOf(args), local, t.start());
    }

    /** var_value: a string, a word (incl. TRUE/FALSE/ON and non-reserved keywords), or a signed number. */
    private String varValue() {
        Token v = cur();
        if (v.kind() == Token.Kind.SCONST) {
            advance();
            return v.text();
        }
        if (v.kind() == Token.Kind.IDENT) {
            if (v.quoted() || v.text().equals("true") || v.text().equals("false") || v.text().equals("on")
                    || !Keywords.RESERVED.contains(v.text())) {
                advance();
                return v.text();
            }
            throw syntaxError(v);
        }
        return numericOnly();
    }

    private String numericOnly() {
        String sign = "";
        if (cur().isOp("+")) {
            advance();
        } else if (cur().isOp("-")) {
            advance();
            sign = "-";
        }
        Token v = cur();
        if (v.kind() != Token.Kind.ICONST && v.kind() != Token.Kind.FCONST) {
            throw syntaxError(v);
        }
        advance();
        return sign + v.text();
    }

    /**
     * SET TRANSACTION modes / SET SESSION CHARACTERISTICS AS TRANSACTION modes. With one mode this is the
     * plain setting, e.g. SET transaction_isolation = 'serializable' (or default_transaction_isolation for
     * SESSION CHARACTERISTICS). With several modes it is one VariableSetStmt named {@code stmtName}
     * ("transaction" or "session_characteristics") whose args are (setting name, value) pairs in the
     * order written, e.g. ["transaction_isolation", "serializable", "transaction_read_only", "on"].
     */
    private Node transactionSet(String stmtName, String prefix, int location) {
        List<String> modes = parseTransactionModes();
        if (modes.isEmpty()) {
            throw syntaxError(cur());
        }
        List<String> args = new ArrayList<>();
        for (String m : modes) {
            switch (m) {
                case "read only" -> { args.add(prefix + "transaction_read_only"); args.add("on"); }
                case "read write" -> { args.add(prefix + "transaction_read_only"); args.add("off"); }
                case "deferrable" -> { args.add(prefix + "transaction_deferrable"); args.add("on"); }
                case "not deferrable" -> { args.add(prefix + "transaction_deferrable"); args.add("off"); }
                default -> { args.add(prefix + "transaction_isolation"); args.add(m.substring("isolation level ".length())); }
            }
        }
        if (args.size() == 2) {
            return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, args.get(0), List.of(args.get(1)), false, location);
        }
        return new VariableSetStmt(VariableSetStmt.Kind.SET_VALUE, stmtName, List.copyOf(args), false, location);
    }

    // ------------------------------------------------------------------ SELECT

    /** select_stmt with set operations, ORDER BY, LIMIT/OFFSET. */
    private SelectStmt parseSelect() {
        SelectStmt s = parseSetOpUnionLevel();
        List<SortBy> order = List.of();
        ExprNode limit = null;
        ExprNode offset = null;
        if (isKw("order")) {
            advance();
            expectKw("by");
            order = new ArrayList<>();
            do {
                Token st = cur();
                ExprNode e = parseExpr();
                boolean desc = false;
                if (acceptKw("desc")) {
                    desc = true;
                } else if (!acceptKw("asc") && acceptKw("using")) {
                    throw notSupported("ORDER BY USING", st);
                }
                Boolean nullsFirst = null;
                if (acceptKw("nulls")) {
                    if (acceptKw("first")) {
                        nullsFirst = true;
                    } else {
                        expectKw("last");
                        nullsFirst = false;
                    }
                }
                order.add(new SortBy(e, desc, nullsFirst, st.start()));
            } while (accept(Token.Kind.COMMA));
        }
        for (int i = 0; i < 2; i++) {
            if (limit == null && acceptKw("limit")) {
                limit = acceptKw("all") ? new ExprNode.Const(ExprNode.ConstKind.NULL, null, -1) : parseExpr();
                if (is(Token.Kind.COMMA)) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "LIMIT #,# syntax is not supported")
                            .withHint("Use separate LIMIT and OFFSET clauses.").withPosition(cur().start() + 1);
                }
            } else if (offset == null && acceptKw("offset")) {
                offset = parseExpr();
                if (acceptKw("row") || acceptKw("rows")) {
                    // optional noise
                }
            } else if (isKw("fetch")) {
                throw notSupported("FETCH FIRST", cur());
            }
        }
        if (isKw("for")) {
            throw notSupported("FOR UPDATE/SHARE", cur());
        }
        if (!order.isEmpty() || limit != null || offset != null) {
            s = s.withSortLimit(List.copyOf(order), limit, offset);
        }
        return s;
    }

    private SelectStmt parseSetOpUnionLevel() {
        SelectStmt left = parseSetOpIntersectLevel();
        while (isKw("union") || isKw("except")) {
            Token op = advance();
            boolean all = acceptKw("all");
            if (!all) {
                acceptKw("distinct");
            }
            SelectStmt right = parseSetOpIntersectLevel();
            left = setOp(op.text().equals("union") ? SelectStmt.SetOp.UNION : SelectStmt.SetOp.EXCEPT, all, left, right, op);
        }
        return left;
    }

    private SelectStmt parseSetOpIntersectLevel() {
        SelectStmt left = parseSimpleSelect();
        while (isKw("intersect")) {
            Token op = advance();
            boolean all = acceptKw("all");
            if (!all) {
                acceptKw("distinct");
            }
            SelectStmt right = parseSimpleSelect();
            left = setOp(SelectStmt.SetOp.INTERSECT, all, left, right, op);
        }
        return left;
    }

    private static SelectStmt setOp(SelectStmt.SetOp op, boolean all, SelectStmt l, SelectStmt r, Token at) {
        return new SelectStmt(List.of(), List.of(), null, List.of(), null, List.of(), null, null, null, null, op, all,
                l, r, at.start());
    }

    private SelectStmt parseSimpleSelect() {
        Token t = cur();
        if (accept(Token.Kind.LPAREN)) {
            SelectStmt inner = parseSelect();
            expect(Token.Kind.RPAREN);
            return inner;
        }
        if (acceptKw("values")) {
            List<List<ExprNode>> rows = new ArrayList<>();
            do {
                expect(Token.Kind.LPAREN);
                List<ExprNode> row = new ArrayList<>();
                do {
                    row.add(parseExpr());
                } while (accept(Token.Kind.COMMA));
                expect(Token.Kind.RPAREN);
                rows.add(List.copyOf(row));
            } while (accept(Token.Kind.COMMA));
            return new SelectStmt(List.of(), List.of(), null, List.of(), null, List.of(), null, null, List.copyOf(rows),
                    null, SelectStmt.SetOp.NONE, false, null, null, t.start());
        }
        if (isKw("table")) {
            throw notSupported("TABLE", t);
        }
        expectKw("select");
        List<ExprNode> distinct = null;
        if (acceptKw("distinct")) {
            distinct = new ArrayList<>();
            if (acceptKw("on")) {
                expect(Token.Kind.LPAREN);
                do {
                    distinct.add(parseExpr());
                } while (accept(Token.Kind.COMMA));
                expect(Token.Kind.RPAREN);
            }
            distinct = List.copyOf(distinct);
        } else {
            acceptKw("all");
        }
        List<ResTarget> targets = new ArrayList<>();
        if (!endsTargetList()) {
            do {
                targets.add(parseTarget());
            } while (accept(Token.Kind.COMMA));
        }
        if (isKw("into")) {
            throw notSupported("SELECT INTO", cur());
        }
        List<Node> from = List.of();
        if (acceptKw("from")) {
            from = parseFromList();
        }
        ExprNode where = null;
        if (acceptKw("where")) {
            where = parseExpr();
        }
        List<ExprNode> groupBy = List.of();
        if (isKw("group")) {
            advance();
            expectKw("by");
            List<ExprNode> g = new ArrayList<>();
            do {
                g.add(parseExpr());
            } while (accept(Token.Kind.COMMA));
            groupBy = List.copyOf(g);
        }
        ExprNode having = null;
        if (acceptKw("having")) {
            having = parseExpr();
        }
        if (isKw("window")) {
            throw notSupported("WINDOW", cur());
        }
        return new SelectStmt(List.copyOf(targets), from, where, groupBy, having, List.of(), null, null, null, distinct,
                SelectStmt.SetOp.NONE, false, null, null, t.start());
    }

    private boolean endsTargetList() {
        Token t = cur();
        return switch (t.kind()) {
            case EOF, SEMICOLON, RPAREN -> true;
            case IDENT -> !t.quoted() && switch (t.text()) {
                case "from", "where", "group", "having", "order", "limit", "offset", "union", "intersect", "except",
                     "into", "window", "for", "fetch" -> true;
                default -> false;
            };
            default -> false;
        };
    }

    private ResTarget parseTarget() {
        Token t = cur();
        if (t.kind() == Token.Kind.OP && t.text().equals("*")) {
            advance();
            return new ResTarget(null, new ExprNode.ColumnRef(List.of("*"), t.start()), t.start());
        }
        ExprNode e = parseExpr();
        String name = null;
        if (acceptKw("as")) {
            Token l = cur();
            if (l.kind() != Token.Kind.IDENT) {
                throw syntaxError(l);
            }
            advance();
            name = l.text();
        } else if (Keywords.isBareLabel(cur()) && !endsTargetList()) {
            name = advance().text();
        }
        return new ResTarget(name, e, t.start());
    }

    private List<Node> parseFromList() {
        List<Node> items = new ArrayList<>();
        do {
            items.add(parseTableRef());
        } while (accept(Token.Kind.COMMA));
        return List.copyOf(items);
    }

    /** table_ref followed by any number of joined_table suffixes (left-associative). */
    private Node parseTableRef() {
        Node left = parseTablePrimary();
        while (true) {
            Token t = cur();
            JoinExpr.JoinType type;
            boolean cross = false;
            if (acceptKw("cross")) {
                expectKw("join");
                type = JoinExpr.JoinType.INNER;
                cross = true;
            } else if (isKw("natural")) {
                throw notSupported("NATURAL JOIN", t);
            } else if (acceptKw("join")) {
                type = JoinExpr.JoinType.INNER;
            } else if (acceptKw("inner")) {
                expectKw("join");
                type = JoinExpr.JoinType.INNER;
            } else if (isKw("left") || isKw("right") || isKw("full")) {
                String w = advance().text();
                acceptKw("outer");
                expectKw("join");
                type = switch (w) {
                    case "left" -> JoinExpr.JoinType.LEFT;
                    case "right" -> JoinExpr.JoinType.RIGHT;
                    default -> JoinExpr.JoinType.FULL;
                };
            } else {
                return left;
            }
            Node right = parseTablePrimary();
            ExprNode quals = null;
            if (!cross) {
                if (isKw("using")) {
                    throw notSupported("JOIN ... USING", cur());
                }
                expectKw("on");
                quals = parseExpr();
            }
            left = new JoinExpr(type, left, right, quals, t.start());
        }
    }

    private Node parseTablePrimary() {
        Token t = cur();
        if (isKw("lateral") || isKw("only")) {
            throw notSupported(t.text().toUpperCase(Locale.ROOT) + " in FROM", t);
        }
        if (is(Token.Kind.LPAREN)) {
            Token n = peekTok(1);
            if (!(n.kind() == Token.Kind.IDENT && !n.quoted() && (n.text().equals("select") || n.text().equals("values")))
                    && n.kind() != Token.Kind.LPAREN) {
                throw notSupported("this kind of FROM item", t);
            }
            advance();
            SelectStmt sub = parseSelect();
            expect(Token.Kind.RPAREN);
            String alias = null;
            List<String> cols = List.of();
            if (acceptKw("as") || (Keywords.isColId(cur()) && !endsTargetList() && !isJoinWord())) {
                alias = colId();
                cols = parseColumnAliases();
            }
            return new RangeSubselect(sub, alias, cols, t.start());
        }
        List<String> names = new ArrayList<>();
        names.add(colId());
        while (accept(Token.Kind.DOT)) {
            names.add(colLabel());
        }
        ExprNode.FuncCall call = null;
        boolean ordinality = false;
        if (is(Token.Kind.LPAREN)) {
            call = (ExprNode.FuncCall) parseFuncCall(names, t);
            if (isKw("with") && peekTok(1).kind() == Token.Kind.IDENT && peekTok(1).text().equals("ordinality")) {
                advance();
                advance();
                ordinality = true;
            }
        }
        String alias = null;
        List<String> cols = List.of();
        if (acceptKw("as")) {
            alias = colId();
            cols = parseColumnAliases();
        } else if (Keywords.isColId(cur()) && !endsTargetList() && !isJoinWord()) {
            alias = colId();
            cols = parseColumnAliases();
        }
        if (isKw("tablesample")) {
            throw notSupported("TABLESAMPLE", cur());
        }
        if (call != null) {
            return new RangeFunction(call, ordinality, alias, cols, t.start());
        }
        return new RangeVar(List.copyOf(names), alias, cols, t.start());
    }

    private List<String> parseColumnAliases() {
        if (!accept(Token.Kind.LPAREN)) {
            return List.of();
        }
        List<String> cols = new ArrayList<>();
        do {
            cols.add(colId());
        } while (accept(Token.Kind.COMMA));
        expect(Token.Kind.RPAREN);
        return List.copyOf(cols);
    }

    private boolean isJoinWord() {
        return isKw("join") || isKw("cross") || isKw("natural") || isKw("inner") || isKw("left") || isKw("right")
                || isKw("full") || isKw("tablesample");
    }

    // ------------------------------------------------------------------ INSERT / UPDATE / DELETE

    /** A target table name {@code [schema.]name} (no alias). */
    private RangeVar qualifiedName() {
        Token t = cur();
        List<String> names = new ArrayList<>();
        names.add(colId());
        while (accept(Token.Kind.DOT)) {
            names.add(colLabel());
        }
        return new RangeVar(List.copyOf(names), null, List.of(), t.start());
    }

    private static RangeVar withAlias(RangeVar rv, String alias) {
        return alias == null ? rv : new RangeVar(rv.names(), alias, List.of(), rv.location());
    }

    /** {@code ONLY} before a target table: accepted (pgjava has no inheritance, so ONLY changes nothing). */
    private void acceptOnly() {
        acceptKw("only");
    }

    /** {@code col[.field...]} as an assignment target; subscripts are 0A000. */
    private AssignTarget assignTarget() {
        Token t = cur();
        String name = colId();
        List<String> fields = new ArrayList<>();
        while (true) {
            if (accept(Token.Kind.DOT)) {
                fields.add(colLabel());
            } else if (is(Token.Kind.LBRACKET)) {
                throw notSupported("assignment to array elements", cur());
            } else {
                break;
            }
        }
        return new AssignTarget(name, List.copyOf(fields), t.start());
    }

    /** RETURNING target list (empty when absent). */
    private List<ResTarget> returningList() {
        if (!acceptKw("returning")) {
            return List.of();
        }
        List<ResTarget> targets = new ArrayList<>();
        do {
            targets.add(parseTarget());
        } while (accept(Token.Kind.COMMA));
        return List.copyOf(targets);
    }

    private Node parseInsert() {
        Token t = expectKw("insert");
        expectKw("into");
        RangeVar rel = qualifiedName();
        if (acceptKw("as")) {
            rel = withAlias(rel, colId());
        }
        List<AssignTarget> cols = List.of();
        if (is(Token.Kind.LPAREN) && !(peekTok(1).isKeyword("select") || peekTok(1).isKeyword("values")
                || peekTok(1).isKeyword("with") || peekTok(1).kind() == Token.Kind.LPAREN)) {
            advance();
            List<AssignTarget> c = new ArrayList<>();
            do {
                c.add(assignTarget());
            } while (accept(Token.Kind.COMMA));
            expect(Token.Kind.RPAREN);
            cols = List.copyOf(c);
        }
        if (isKw("overriding")) {
            throw notSupported("OVERRIDING", cur());
        }
        SelectStmt select;
        if (isKw("default")) {
            advance();
            expectKw("values");
            select = null;
        } else {
            Token st = cur();
            if (st.isKeyword("with")) {
                throw notSupported("WITH", st);
            }
            if (!(st.isKeyword("select") || st.isKeyword("values") || st.isKeyword("table") || is(Token.Kind.LPAREN))) {
                throw syntaxError(st);
            }
            select = parseSelect();
        }
        if (isKw("on")) {
            throw notSupported("ON CONFLICT", cur());
        }
        return new InsertStmt(rel, cols, select, returningList(), t.start());
    }

    private Node parseUpdate() {
        Token t = expectKw("update");
        acceptOnly();
        RangeVar rel = qualifiedName();
        if (acceptKw("as")) {
            rel = withAlias(rel, colId());
        } else if (!isKw("set") && Keywords.isColId(cur())) {
            rel = withAlias(rel, colId());
        }
        expectKw("set");
        List<UpdateStmt.SetClause> set = new ArrayList<>();
        do {
            if (is(Token.Kind.LPAREN)) {
                multiAssignment(set);
            } else {
                AssignTarget target = assignTarget();
                if (!(is(Token.Kind.OP) && cur().text().equals("="))) {
                    throw syntaxError(cur());
                }
                advance();
                set.add(new UpdateStmt.SetClause(target, parseExpr()));
            }
        } while (accept(Token.Kind.COMMA));
        if (isKw("from")) {
            throw notSupported("UPDATE ... FROM", cur());
        }
        ExprNode where = whereClause();
        return new UpdateStmt(rel, List.copyOf(set), where, returningList(), t.start());
    }

    /** {@code (a, b) = (e1, e2)} or {@code = ROW(e1, e2)}, split into one SetClause per column. */
    private void multiAssignment(List<UpdateStmt.SetClause> out) {
        expect(Token.Kind.LPAREN);
        List<AssignTarget> targets = new ArrayList<>();
        do {
            targets.add(assignTarget());
        } while (accept(Token.Kind.COMMA));
        expect(Token.Kind.RPAREN);
        if (!(is(Token.Kind.OP) && cur().text().equals("="))) {
            throw syntaxError(cur());
        }
        advance();
        Token src = cur();
        boolean row = false;
        if (src.isKeyword("row") && peekTok(1).kind() == Token.Kind.LPAREN) {
            advance();
            row = true;
        }
        List<ExprNode> values = new ArrayList<>();
        if (is(Token.Kind.LPAREN) && (row || !(peekTok(1).isKeyword("select") || peekTok(1).isKeyword("values")
                || peekTok(1).isKeyword("with")))) {
            int save = p;
            advance();
            ExprNode first = parseExpr();
            if (!row && is(Token.Kind.RPAREN)) {
                // a parenthesized single expression is not a row: rewind and parse it as an ordinary one
                p = save;
                ExprNode e = parseExpr();
                throw PgException.notSupported("source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression")
                        .withPosition(leftmostOf(e) + 1);
            }
            values.add(first);
            while (accept(Token.Kind.COMMA)) {
                values.add(parseExpr());
            }
            expect(Token.Kind.RPAREN);
        } else if (is(Token.Kind.LPAREN)) {
            throw notSupported("multiple-column UPDATE from a sub-SELECT", src);
        } else {
            ExprNode e = parseExpr();
            throw PgException.notSupported("source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression")
                    .withPosition(leftmostOf(e) + 1);
        }
        if (values.size() != targets.size()) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "number of columns does not match number of values")
                    .withPosition(src.start() + 1);
        }
        for (int i = 0; i < targets.size(); i++) {
            out.add(new UpdateStmt.SetClause(targets.get(i), values.get(i)));
        }
    }

    private static int leftmostOf(ExprNode e) {
        return e.location();
    }

    private ExprNode whereClause() {
        if (!acceptKw("where")) {
            return null;
        }
        if (isKw("current") && peekTok(1).isKeyword("of")) {
            throw notSupported("WHERE CURRENT OF", cur());
        }
        return parseExpr();
    }

    private Node parseDelete() {
        Token t = expectKw("delete");
        expectKw("from");
        acceptOnly();
        RangeVar rel = qualifiedName();
        if (acceptKw("as")) {
            rel = withAlias(rel, colId());
        } else if (Keywords.isColId(cur())) {
            rel = withAlias(rel, colId());
        }
        if (isKw("using")) {
            throw notSupported("DELETE ... USING", cur());
        }
        ExprNode where = whereClause();
        return new DeleteStmt(rel, where, returningList(), t.start());
    }

    // ------------------------------------------------------------------ CREATE / DROP / ALTER TABLE

    private Node parseCreate() {
        Token t = expectKw("create");
        Token k = cur();
        if (isKw("temp") || isKw("temporary") || isKw("unlogged") || isKw("global") || isKw("local")) {
            throw notSupported("CREATE " + k.text().toUpperCase(Locale.ROOT) + " TABLE", k);
        }
        expectTableAfter("CREATE", t);
        boolean ifNotExists = acceptIfNotExists();
        RangeVar rel = qualifiedName();
        if (isKw("as")) {
            throw notSupported("CREATE TABLE AS", cur());
        }
        if (isKw("of") || isKw("partition")) {
            throw notSupported("CREATE TABLE " + cur().text().toUpperCase(Locale.ROOT), cur());
        }
        expect(Token.Kind.LPAREN);
        List<ColumnDef> cols = new ArrayList<>();
        if (!is(Token.Kind.RPAREN)) {
            do {
                Token e = cur();
                if (e.isKeyword("constraint") || e.isKeyword("primary") || e.isKeyword("unique") || e.isKeyword("check")
                        || e.isKeyword("foreign") || e.isKeyword("exclude")) {
                    throw PgException.notSupported(
                            "table constraints are not supported yet (they need indexes or constraint checking)")
                            .withPosition(e.start() + 1);
                }
                if (e.isKeyword("like")) {
                    throw notSupported("CREATE TABLE ... LIKE", e);
                }
                cols.add(columnDef(rel));
            } while (accept(Token.Kind.COMMA));
        }
        expect(Token.Kind.RPAREN);
        Token o = cur();
        if (o.isKeyword("inherits") || o.isKeyword("partition") || o.isKeyword("with") || o.isKeyword("without")
                || o.isKeyword("on") || o.isKeyword("tablespace") || o.isKeyword("using")) {
            throw notSupported("CREATE TABLE ... " + o.text().toUpperCase(Locale.ROOT), o);
        }
        return new CreateTableStmt(rel, List.copyOf(cols), ifNotExists, t.start());
    }

    /** columnDef: ColId Typename ColQualList, with the column constraints pgjava builds. */
    private ColumnDef columnDef(RangeVar table) {
        Token nameTok = cur();
        String name = colId();
        org.pgjava.backend.nodes.TypeName type = parseTypeName();
        Boolean notNull = null;
        ExprNode def = null;
        String defText = null;
        String tableName = table.names().get(table.names().size() - 1);
        while (true) {
            Token c = cur();
            if (c.isKeyword("constraint")) {
                advance();
                colId();
                c = cur();
            }
            if (c.isKeyword("not") && peekTok(1).isKeyword("null")) {
                advance();
                advance();
                if (notNull != null && !notNull) {
                    throw conflictingNull(name, tableName, c);
                }
                notNull = true;
            } else if (c.isKeyword("null")) {
                advance();
                if (notNull != null && notNull) {
                    throw conflictingNull(name, tableName, c);
                }
                notNull = false;
            } else if (c.isKeyword("default")) {
                advance();
                if (def != null) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "multiple default values specified for column \""
                            + name + "\" of table \"" + tableName + "\"").withPosition(c.start() + 1);
                }
                Token start = cur();
                def = parseComparison();
                defText = src.substring(start.start(), toks.get(p - 1).end());
            } else if (c.isKeyword("primary") || c.isKeyword("unique") || c.isKeyword("references") || c.isKeyword("check")
                    || c.isKeyword("exclude")) {
                throw PgException.notSupported(c.text().toUpperCase(Locale.ROOT) + (c.isKeyword("primary") ? " KEY" : "")
                        + " constraints are not supported yet (they need indexes or constraint checking)")
                        .withPosition(c.start() + 1);
            } else if (c.isKeyword("generated")) {
                throw notSupported("GENERATED columns", c);
            } else if (c.isKeyword("collate")) {
                throw notSupported("COLLATE", c);
            } else if (c.isKeyword("deferrable") || c.isKeyword("initially")) {
                throw notSupported(c.text().toUpperCase(Locale.ROOT), c);
            } else {
                break;
            }
        }
        return new ColumnDef(name, type, notNull != null && notNull, def, defText, nameTok.start());
    }

    /**
     * The TABLE keyword after {@code verb} (CREATE, DROP, ALTER), consumed. Another object word (VIEW,
     * INDEX, ...) is 0A000 "VERB WORD is not supported yet" at the verb; anything else a syntax error.
     */
    private void expectTableAfter(String verb, Token verbToken) {
        Token k = cur();
        if (!isKw("table")) {
            if (k.kind() == Token.Kind.IDENT && !k.quoted()) {
                throw notSupported(verb + " " + k.text().toUpperCase(Locale.ROOT), verbToken);
            }
            throw syntaxError(k);
        }
        advance();
    }

    /** IF EXISTS, consumed when present. */
    private boolean acceptIfExists() {
        if (isKw("if") && peekTok(1).isKeyword("exists")) {
            advance();
            advance();
            return true;
        }
        return false;
    }

    /** IF NOT EXISTS, consumed when present (IF NOT without EXISTS is a syntax error at the next token). */
    private boolean acceptIfNotExists() {
        if (isKw("if") && peekTok(1).isKeyword("not")) {
            advance();
            advance();
            expectKw("exists");
            return true;
        }
        return false;
    }

    private PgException conflictingNull(String col, String table, Token at) {
        return PgException.error(SqlState.SYNTAX_ERROR, "conflicting NULL/NOT NULL declarations for column \"" + col
                + "\" of table \"" + table + "\"").withPosition(at.start() + 1);
    }

    private Node parseDrop() {
        Token t = expectKw("drop");
        expectTableAfter("DROP", t);
        boolean ifExists = acceptIfExists();
        List<List<String>> names = new ArrayList<>();
        do {
            names.add(qualifiedName().names());
        } while (accept(Token.Kind.COMMA));
        boolean cascade = false;
        if (acceptKw("cascade")) {
            cascade = true;
        } else {
            acceptKw("restrict");
        }
        return new DropTableStmt(List.copyOf(names), ifExists, cascade, t.start());
    }

    private Node parseAlter() {
        Token t = expectKw("alter");
        expectTableAfter("ALTER", t);
        boolean ifExists = acceptIfExists();
        acceptOnly();
        RangeVar rel = qualifiedName();
        Token action = cur();
        if (!acceptKw("add")) {
            if (action.kind() == Token.Kind.IDENT && !action.quoted()) {
                throw notSupported("ALTER TABLE ... " + action.text().toUpperCase(Locale.ROOT), action);
            }
            throw syntaxError(action);
        }
        Token c = cur();
        if (c.isKeyword("constraint") || c.isKeyword("primary") || c.isKeyword("unique") || c.isKeyword("check")
                || c.isKeyword("foreign") || c.isKeyword("exclude")) {
            throw PgException.notSupported(
                    "table constraints are not supported yet (they need indexes or constraint checking)")
                    .withPosition(c.start() + 1);
        }
        acceptKw("column");
        boolean ifNotExists = acceptIfNotExists();
        ColumnDef col = columnDef(rel);
        if (is(Token.Kind.COMMA)) {
            throw notSupported("more than one ALTER TABLE action", cur());
        }
        return new AlterTableStmt(rel, ifExists, col, ifNotExists, t.start());
    }

    // ------------------------------------------------------------------ expressions

    /** a_expr. */
    ExprNode parseExpr() {
        return parseOr();
    }

    /**
     * True when the keyword at the cursor cannot continue an expression because what follows it ends the
     * target (so it must be a bare column label, as in {@code SELECT 1 and}).
     */
    private boolean keywordIsLabel() {
        Token n = peekTok(1);
        return switch (n.kind()) {
            case EOF, SEMICOLON, COMMA, RPAREN -> true;
            case IDENT -> !n.quoted() && (n.text().equals("from") || n.text().equals("where") || n.text().equals("into"));
            default -> false;
        };
    }

    private ExprNode parseOr() {
        return parseBoolChain("or", ExprNode.BoolOp.OR, this::parseAnd);
    }

    private ExprNode parseAnd() {
        return parseBoolChain("and", ExprNode.BoolOp.AND, this::parseNot);
    }

    /**
     * {@code operand (keyword operand)*} as one n-ary Bool node (a single operand is returned as is); the
     * keyword does not continue the chain where it is a bare column label.
     */
    private ExprNode parseBoolChain(String keyword, ExprNode.BoolOp op, java.util.function.Supplier<ExprNode> operand) {
        ExprNode left = operand.get();
        if (!isKw(keyword) || keywordIsLabel()) {
            return left;
        }
        List<ExprNode> args = new ArrayList<>();
        args.add(left);
        int loc = cur().start();
        while (isKw(keyword) && !keywordIsLabel()) {
            advance();
            args.add(operand.get());
        }
        return new ExprNode.Bool(op, List.copyOf(args), loc);
    }

    private ExprNode parseNot() {
        if (isKw("not")) {
            Token t = advance();
            ExprNode arg = parseNot();
            return new ExprNode.Bool(ExprNode.BoolOp.NOT, List.of(arg), t.start());
        }
        return parseIs();
    }

    private ExprNode parseIs() {
        ExprNode e = parseComparison();
        while (true) {
            Token t = cur();
            if (t.isKeyword("isnull") && !keywordIsLabel()) {
                advance();
                e = new ExprNode.NullTest(e, false, t.start());
            } else if (t.isKeyword("notnull") && !keywordIsLabel()) {
                advance();
                e = new ExprNode.NullTest(e, true, t.start());
            } else if (t.isKeyword("is") && !keywordIsLabel()) {
                advance();
                boolean not = acceptKw("not");
                if (acceptKw("null")) {
                    e = new ExprNode.NullTest(e, not, t.start());
                } else if (acceptKw("true")) {
                    e = new ExprNode.BooleanTest(e, not ? ExprNode.BoolTestKind.IS_NOT_TRUE : ExprNode.BoolTestKind.IS_TRUE, t.start());
                } else if (acceptKw("false")) {
                    e = new ExprNode.BooleanTest(e, not ? ExprNode.BoolTestKind.IS_NOT_FALSE : ExprNode.BoolTestKind.IS_FALSE, t.start());
                } else if (acceptKw("unknown")) {
                    e = new ExprNode.BooleanTest(e, not ? ExprNode.BoolTestKind.IS_NOT_UNKNOWN : ExprNode.BoolTestKind.IS_UNKNOWN, t.start());
                } else if (acceptKw("distinct")) {
                    expectKw("from");
                    ExprNode r = parseComparison();
                    e = new ExprNode.Distinct(e, r, not, t.start());
                } else if (isKw("normalized") || isKw("document") || isKw("of") || isKw("json")) {
                    throw notSupported("IS " + cur().text().toUpperCase(Locale.ROOT), cur());
                } else {
                    throw syntaxError(cur());
                }
            } else {
                return e;
            }
        }
    }

    private static boolean isComparisonOp(Token t) {
        if (t.kind() != Token.Kind.OP) {
            return false;
        }
        return switch (t.text()) {
            case "<", ">", "=", "<=", ">=", "<>" -> true;
            default -> false;
        };
    }

    private ExprNode parseComparison() {
        ExprNode left = parseLikeLevel();
        if (isComparisonOp(cur())) {
            Token op = advance();
            if (isKw("any") || isKw("some") || isKw("all")) {
                throw notSupported(cur().text().toUpperCase(Locale.ROOT) + " (subquery or array)", cur());
            }
            ExprNode right = parseLikeLevel();
            left = new ExprNode.Op(op.text(), left, right, op.start());
            if (isComparisonOp(cur())) {
                throw syntaxError(cur());
            }
        }
        return left;
    }

    private ExprNode parseLikeLevel() {
        ExprNode left = parseOtherOp();
        Token t = cur();
        boolean not = false;
        int save = p;
        if (t.isKeyword("not") && (peekTok(1).isKeyword("between") || peekTok(1).isKeyword("in")
                || peekTok(1).isKeyword("like") || peekTok(1).isKeyword("ilike") || peekTok(1).isKeyword("similar"))) {
            advance();
            not = true;
        }
        Token k = cur();
        if (!not && k.kind() == Token.Kind.IDENT && !k.quoted() && keywordIsLabel()) {
            return left;
        }
        if (k.isKeyword("between")) {
            advance();
            boolean symmetric = false;
            if (acceptKw("symmetric")) {
                symmetric = true;
            } else {
                acceptKw("asymmetric");
            }
            ExprNode lo = parseOtherOp();
            expectKw("and");
            ExprNode hi = parseOtherOp();
            return new ExprNode.Between(left, lo, hi, not, symmetric, k.start());
        }
        if (k.isKeyword("in")) {
            advance();
            Token lp = expect(Token.Kind.LPAREN);
            if (isKw("select") || isKw("values") || isKw("with")) {
                throw notSupported("IN (subquery)", lp);
            }
            List<ExprNode> list = new ArrayList<>();
            do {
                list.add(parseExpr());
            } while (accept(Token.Kind.COMMA));
            expect(Token.Kind.RPAREN);
            return new ExprNode.InList(left, List.copyOf(list), not, k.start());
        }
        if (k.isKeyword("like") || k.isKeyword("ilike")) {
            advance();
            ExprNode pat = parseOtherOp();
            ExprNode esc = null;
            if (acceptKw("escape")) {
                esc = parseOtherOp();
            }
            return new ExprNode.Like(left, pat, esc, not, k.isKeyword("ilike"), k.start());
        }
        if (k.isKeyword("similar")) {
            throw notSupported("SIMILAR TO", k);
        }
        p = save;
        return left;
    }

    /** Operators that are not one of gram.y's named-precedence single characters: the generic "Op" class. */
    private static boolean isGenericOp(Token t) {
        if (t.kind() != Token.Kind.OP) {
            return false;
        }
        return switch (t.text()) {
            case "+", "-", "*", "/", "%", "^", "<", ">", "=", "<=", ">=", "<>" -> false;
            default -> true;
        };
    }

    private ExprNode parseOtherOp() {
        ExprNode left = parseAdd();
        while (isGenericOp(cur()) || (isKw("operator") && peekTok(1).kind() == Token.Kind.LPAREN)) {
            Token op = cur();
            String name = operatorName();
            ExprNode right = parseAdd();
            left = new ExprNode.Op(name, left, right, op.start());
        }
        return left;
    }

    /** Consumes an operator token or OPERATOR(schema.op) and returns the operator name. */
    private String operatorName() {
        Token t = advance();
        if (t.kind() == Token.Kind.OP) {
            return t.text();
        }
        expect(Token.Kind.LPAREN);
        while (is(Token.Kind.IDENT)) {
            advance();
            expect(Token.Kind.DOT);
        }
        Token op = cur();
        String name;
        if (op.kind() == Token.Kind.OP) {
            name = op.text();
        } else {
            throw syntaxError(op);
        }
        advance();
        expect(Token.Kind.RPAREN);
        return name;
    }

    private ExprNode parseAdd() {
        ExprNode left = parseMul();
        while (cur().isOp("+") || cur().isOp("-")) {
            Token op = advance();
            ExprNode right = parseMul();
            left = new ExprNode.Op(op.text(), left, right, op.start());
        }
        return left;
    }

    private ExprNode parseMul() {
        ExprNode left = parseExp();
        while (cur().isOp("*") || cur().isOp("/") || cur().isOp("%")) {
            Token op = advance();
            ExprNode right = parseExp();
            left = new ExprNode.Op(op.text(), left, right, op.start());
        }
        return left;
    }

    private ExprNode parseExp() {
        ExprNode left = parseAtCollate();
        while (cur().isOp("^")) {
            Token op = advance();
            ExprNode right = parseAtCollate();
            left = new ExprNode.Op(op.text(), left, right, op.start());
        }
        return left;
    }

    private ExprNode parseAtCollate() {
        ExprNode e = parseUnary();
        while (true) {
            if (isKw("at") && peekTok(1).isKeyword("time")) {
                throw notSupported("AT TIME ZONE", cur());
            }
            if (isKw("collate")) {
                throw notSupported("COLLATE", cur());
            }
            return e;
        }
    }

    private ExprNode parseUnary() {
        Token t = cur();
        if (t.isOp("-") || t.isOp("+")) {
            advance();
            ExprNode arg = parseUnary();
            if (t.text().equals("-")) {
                return negate(arg, t.start());
            }
            return new ExprNode.Op("+", null, arg, t.start());
        }
        if (isGenericOp(t) || (t.isKeyword("operator") && peekTok(1).kind() == Token.Kind.LPAREN)) {
            String name = operatorName();
            ExprNode arg = parseAdd();
            return new ExprNode.Op(name, null, arg, t.start());
        }
        return parsePostfix();
    }

    /** Unary minus, folded into numeric constants as PostgreSQL's doNegate does. */
    private static ExprNode negate(ExprNode arg, int loc) {
        if (arg instanceof ExprNode.Const c
                && (c.kind() == ExprNode.ConstKind.INTEGER || c.kind() == ExprNode.ConstKind.NUMERIC)) {
            String v = c.value();
            String neg = v.startsWith("-") ? v.substring(1) : "-" + v;
            return new ExprNode.Const(c.kind(), neg, loc);
        }
        return new ExprNode.Op("-", null, arg, loc);
    }

    private ExprNode parsePostfix() {
        ExprNode e = parsePrimary();
        while (true) {
            if (is(Token.Kind.TYPECAST)) {
                Token t = advance();
                TypeName tn = parseTypeName();
                e = new ExprNode.TypeCast(e, tn, t.start());
            } else if (is(Token.Kind.LBRACKET)) {
                throw notSupportedPlural("array subscripts", cur());
            } else {
                return e;
            }
        }
    }

    private ExprNode parsePrimary() {
        Token t = cur();
        switch (t.kind()) {
            case ICONST:
                advance();
                return new ExprNode.Const(ExprNode.ConstKind.INTEGER, t.text(), t.start());
            case FCONST: {
                advance();
                boolean integral = true;
                for (int i = 0; i < t.text().length(); i++) {
                    char c = t.text().charAt(i);
                    if (c < '0' || c > '9') {
                        integral = false;
                        break;
                    }
                }
                return new ExprNode.Const(integral ? ExprNode.ConstKind.INTEGER : ExprNode.ConstKind.NUMERIC, t.text(), t.start());
            }
            case SCONST:
                advance();
                return new ExprNode.Const(ExprNode.ConstKind.STRING, t.text(), t.start());
            case BCONST:
                advance();
                return new ExprNode.Const(ExprNode.ConstKind.BIT_STRING, t.text(), t.start());
            case XCONST:
                advance();
                return new ExprNode.Const(ExprNode.ConstKind.HEX_STRING, t.text(), t.start());
            case PARAM: {
                advance();
                int num;
                try {
                    num = Integer.parseInt(t.text());
                } catch (NumberFormatException ex) {
                    throw PgException.error(SqlState.UNDEFINED_PARAMETER, "there is no parameter $" + t.text())
                            .withPosition(t.start() + 1);
                }
                return new ExprNode.ParamRef(num, t.start());
            }
            case LPAREN: {
                advance();
                if (isKw("select") || isKw("values") || isKw("with")) {
                    throw notSupportedPlural("subqueries", t);
                }
                ExprNode e = parseExpr();
                if (is(Token.Kind.COMMA)) {
                    throw notSupportedPlural("row constructors", t);
                }
                expect(Token.Kind.RPAREN);
                if (is(Token.Kind.DOT) || is(Token.Kind.LBRACKET)) {
                    throw notSupportedPlural("field selection and subscripts", cur());
                }
                return e;
            }
            case IDENT:
                return parseIdentPrimary(t);
            default:
                throw syntaxError(t);
        }
    }

    private ExprNode parseIdentPrimary(Token t) {
        if (!t.quoted()) {
            switch (t.text()) {
                case "true":
                    advance();
                    return new ExprNode.Const(ExprNode.ConstKind.BOOLEAN, "t", t.start());
                case "false":
                    advance();
                    return new ExprNode.Const(ExprNode.ConstKind.BOOLEAN, "f", t.start());
                case "null":
                    advance();
                    return new ExprNode.Const(ExprNode.ConstKind.NULL, null, t.start());
                case "case":
                    return parseCase();
                case "default":
                    advance();
                    return new ExprNode.SetToDefault(t.start());
                case "cast": {
                    advance();
                    expect(Token.Kind.LPAREN);
                    ExprNode arg = parseExpr();
                    expectKw("as");
                    TypeName tn = parseTypeName();
                    expect(Token.Kind.RPAREN);
                    return new ExprNode.TypeCast(arg, tn, t.start());
                }
                case "current_user", "session_user", "user", "current_role", "current_catalog", "current_date":
                    advance();
                    return new ExprNode.SqlValueFunction(t.text(), -1, t.start());
                case "current_schema":
                    if (peekTok(1).kind() == Token.Kind.LPAREN) {
                        break;
                    }
                    advance();
                    return new ExprNode.SqlValueFunction(t.text(), -1, t.start());
                case "current_time", "current_timestamp", "localtime", "localtimestamp": {
                    advance();
                    int prec = -1;
                    if (accept(Token.Kind.LPAREN)) {
                        prec = Integer.parseInt(expect(Token.Kind.ICONST).text());
                        expect(Token.Kind.RPAREN);
                    }
                    return new ExprNode.SqlValueFunction(t.text(), prec, t.start());
                }
                case "coalesce", "greatest", "least", "nullif": {
                    advance();
                    expect(Token.Kind.LPAREN);
                    List<ExprNode> args = new ArrayList<>();
                    do {
                        args.add(parseExpr());
                    } while (accept(Token.Kind.COMMA));
                    expect(Token.Kind.RPAREN);
                    if (t.text().equals("nullif") && args.size() != 2) {
                        throw syntaxError(toks.get(p - 1));
                    }
                    return new ExprNode.SpecialFunc(t.text(), List.copyOf(args), t.start());
                }
                case "position":
                    if (peekTok(1).kind() == Token.Kind.LPAREN) {
                        return parsePosition(t);
                    }
                    break;
                case "substring":
                    if (peekTok(1).kind() == Token.Kind.LPAREN) {
                        return parseSubstring(t);
                    }
                    break;
                case "trim":
                    if (peekTok(1).kind() == Token.Kind.LPAREN) {
                        return parseTrim(t);
                    }
                    break;
                case "array", "row", "exists", "extract", "overlay", "treat", "normalize", "grouping",
                     "collation", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlparse", "xmlpi",
                     "xmlroot", "xmlserialize":
                    throw notSupported(t.text().toUpperCase(Locale.ROOT), t);
                case "interval", "time", "timestamp":
                    throw notSupported("type " + t.text(), t);
                default:
                    break;
            }
            // SQL-standard type keyword followed by a string: typed literal (int '1', double precision '2')
            if (isTypeKeywordStart(t)) {
                int save = p;
                TypeName tn = parseTypeName();
                if (is(Token.Kind.SCONST)) {
                    Token s = advance();
                    return new ExprNode.TypeCast(new ExprNode.Const(ExprNode.ConstKind.STRING, s.text(), s.start()), tn, t.start());
                }
                p = save;
                throw syntaxError(t);
            }
            if (Keywords.RESERVED.contains(t.text())) {
                throw syntaxError(t);
            }
        }
        // generic name: column ref, function call, or typed literal
        List<String> names = new ArrayList<>();
        names.add(t.text());
        advance();
        while (is(Token.Kind.DOT)) {
            advance();
            Token f = cur();
            if (f.isOp("*")) {
                advance();
                names.add("*");
                return new ExprNode.ColumnRef(List.copyOf(names), t.start());
            }
            if (f.kind() != Token.Kind.IDENT) {
                throw syntaxError(f);
            }
            advance();
            names.add(f.text());
        }
        if (is(Token.Kind.LPAREN)) {
            if (!t.quoted() && names.size() == 1 && !Keywords.isTypeFunctionName(t)) {
                throw syntaxError(cur());
            }
            return parseFuncCall(names, t);
        }
        if (is(Token.Kind.SCONST) && (t.quoted() || names.size() > 1 || Keywords.isTypeFunctionName(t))) {
            Token s = advance();
            TypeName tn = new TypeName(List.copyOf(names), List.of(), 0, t.start());
            return new ExprNode.TypeCast(new ExprNode.Const(ExprNode.ConstKind.STRING, s.text(), s.start()), tn, t.start());
        }
        if (!t.quoted() && names.size() == 1 && !Keywords.isColId(t)) {
            throw syntaxError(cur());
        }
        return new ExprNode.ColumnRef(List.copyOf(names), t.start());
    }

    private ExprNode parseFuncCall(List<String> names, Token t) {
        expect(Token.Kind.LPAREN);
        List<ExprNode> args = new ArrayList<>();
        boolean star = false;
        boolean distinct = false;
        if (cur().isOp("*")) {
            advance();
            star = true;
        } else if (!is(Token.Kind.RPAREN)) {
            if (acceptKw("distinct")) {
                distinct = true;
            } else {
                acceptKw("all");
            }
            if (isKw("variadic")) {
                throw notSupported("VARIADIC", cur());
            }
            do {
                if (cur().kind() == Token.Kind.IDENT && (peekTok(1).kind() == Token.Kind.EQUALS_GREATER
                        || peekTok(1).kind() == Token.Kind.COLON_EQUALS)) {
                    throw notSupportedPlural("named arguments", cur());
                }
                args.add(parseExpr());
            } while (accept(Token.Kind.COMMA));
            if (isKw("order")) {
                throw notSupported("ORDER BY in function arguments", cur());
            }
        }
        expect(Token.Kind.RPAREN);
        if (isKw("within") || isKw("filter") || isKw("over")) {
            throw notSupported(cur().text().toUpperCase(Locale.ROOT), cur());
        }
        return new ExprNode.FuncCall(List.copyOf(names), List.copyOf(args), star, distinct, t.start());
    }

    private ExprNode parsePosition(Token t) {
        advance();
        expect(Token.Kind.LPAREN);
        ExprNode sub = parseLikeLevelNoIn();
        expectKw("in");
        ExprNode str = parseLikeLevelNoIn();
        expect(Token.Kind.RPAREN);
        return new ExprNode.FuncCall(List.of("position"), List.of(str, sub), false, false, t.start());
    }

    /** b_expr-like operand for POSITION(a IN b): operators only, so IN is not taken as the IN predicate. */
    private ExprNode parseLikeLevelNoIn() {
        return parseOtherOp();
    }

    private ExprNode parseSubstring(Token t) {
        advance();
        expect(Token.Kind.LPAREN);
        ExprNode str = parseExpr();
        List<ExprNode> args = new ArrayList<>();
        args.add(str);
        if (accept(Token.Kind.COMMA)) {
            do {
                args.add(parseExpr());
            } while (accept(Token.Kind.COMMA));
        } else if (acceptKw("from")) {
            args.add(parseExpr());
            if (acceptKw("for")) {
                args.add(parseExpr());
            }
        } else if (acceptKw("for")) {
            ExprNode len = parseExpr();
            if (acceptKw("from")) {
                args.add(parseExpr());
                args.add(len);
            } else {
                args.add(new ExprNode.Const(ExprNode.ConstKind.INTEGER, "1", -1));
                args.add(len);
            }
        } else if (isKw("similar")) {
            throw notSupported("SUBSTRING SIMILAR", cur());
        }
        expect(Token.Kind.RPAREN);
        return new ExprNode.FuncCall(List.of("substring"), List.copyOf(args), false, false, t.start());
    }

    private ExprNode parseTrim(Token t) {
        advance();
        expect(Token.Kind.LPAREN);
        String fn = "btrim";
        if (acceptKw("both")) {
            fn = "btrim";
        } else if (acceptKw("leading")) {
            fn = "ltrim";
        } else if (acceptKw("trailing")) {
            fn = "rtrim";
        }
        List<ExprNode> args = new ArrayList<>();
        if (acceptKw("from")) {
            do {
                args.add(parseExpr());
            } while (accept(Token.Kind.COMMA));
        } else {
            ExprNode first = parseExpr();
            if (acceptKw("from")) {
                List<ExprNode> rest = new ArrayList<>();
                do {
                    rest.add(parseExpr());
                } while (accept(Token.Kind.COMMA));
                args.addAll(rest);
                args.add(first);
            } else {
                args.add(first);
                while (accept(Token.Kind.COMMA)) {
                    args.add(parseExpr());
                }
            }
        }
        expect(Token.Kind.RPAREN);
        return new ExprNode.FuncCall(List.of(fn), List.copyOf(args), false, false, t.start());
    }

    private ExprNode parseCase() {
        Token t = advance();
        ExprNode arg = null;
        if (!isKw("when")) {
            arg = parseExpr();
        }
        List<ExprNode.CaseWhen> whens = new ArrayList<>();
        while (isKw("when")) {
            Token w = advance();
            ExprNode cond = parseExpr();
            expectKw("then");
            ExprNode res = parseExpr();
            whens.add(new ExprNode.CaseWhen(cond, res, w.start()));
        }
        if (whens.isEmpty()) {
            throw syntaxError(cur());
        }
        ExprNode def = null;
        if (acceptKw("else")) {
            def = parseExpr();
        }
        expectKw("end");
        return new ExprNode.Case(arg, List.copyOf(whens), def, t.start());
    }

    // ------------------------------------------------------------------ type names

    private static boolean isTypeKeywordStart(Token t) {
        if (t.kind() != Token.Kind.IDENT || t.quoted()) {
            return false;
        }
        return switch (t.text()) {
            case "int", "integer", "smallint", "bigint", "real", "float", "double", "decimal", "dec", "numeric",
                 "boolean", "char", "character", "varchar", "national", "nchar", "bit" -> true;
            default -> false;
        };
    }

    /** Typename: SQL-standard spellings mapped to PostgreSQL's internal names, optional modifiers and []. */
    TypeName parseTypeName() {
        Token t = cur();
        if (acceptKw("setof")) {
            throw notSupported("SETOF", t);
        }
        List<String> names;
        List<ExprNode> mods = List.of();
        if (t.kind() != Token.Kind.IDENT) {
            throw syntaxError(t);
        }
        String w = t.quoted() ? null : t.text();
        if (w != null && isTypeKeywordStart(t)) {
            advance();
            switch (w) {
                case "int", "integer" -> names = List.of("pg_catalog", "int4");
                case "smallint" -> names = List.of("pg_catalog", "int2");
                case "bigint" -> names = List.of("pg_catalog", "int8");
                case "real" -> names = List.of("pg_catalog", "float4");
                case "double" -> {
                    expectKw("precision");
                    names = List.of("pg_catalog", "float8");
                }
                case "float" -> {
                    names = List.of("pg_catalog", "float8");
                    if (accept(Token.Kind.LPAREN)) {
                        Token n = expect(Token.Kind.ICONST);
                        expect(Token.Kind.RPAREN);
                        int prec = Integer.parseInt(n.text());
                        if (prec < 1) {
                            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                                    "precision for type float must be at least 1 bit").withPosition(n.start() + 1);
                        }
                        if (prec > 53) {
                            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                                    "precision for type float must be less than 54 bits").withPosition(n.start() + 1);
                        }
                        names = List.of("pg_catalog", prec <= 24 ? "float4" : "float8");
                    }
                }
                case "decimal", "dec", "numeric" -> {
                    names = List.of("pg_catalog", "numeric");
                    mods = typmods();
                }
                case "boolean" -> names = List.of("pg_catalog", "bool");
                case "bit" -> {
                    boolean varying = acceptKw("varying");
                    names = List.of("pg_catalog", varying ? "varbit" : "bit");
                    mods = typmods();
                }
                default -> { // char, character, varchar, national, nchar
                    if (w.equals("national")) {
                        if (!acceptKw("character")) {
                            expectKw("char");
                        }
                    }
                    boolean varying = w.equals("varchar") || acceptKw("varying");
                    names = List.of("pg_catalog", varying ? "varchar" : "bpchar");
                    mods = typmods();
                    if (!varying && mods.isEmpty()) {
                        mods = List.of(new ExprNode.Const(ExprNode.ConstKind.INTEGER, "1", -1));
                    }
                }
            }
        } else if (w != null && (w.equals("time") || w.equals("timestamp") || w.equals("interval"))) {
            advance();
            if (w.equals("interval")) {
                names = List.of("pg_catalog", "interval");
                mods = typmods();
            } else {
                mods = typmods();
                boolean tz = false;
                if (acceptKw("with")) {
                    expectKw("time");
                    expectKw("zone");
                    tz = true;
                } else if (acceptKw("without")) {
                    expectKw("time");
                    expectKw("zone");
                }
                names = List.of("pg_catalog", w.equals("time") ? (tz ? "timetz" : "time") : (tz ? "timestamptz" : "timestamp"));
            }
        } else {
            if (!t.quoted() && !Keywords.isTypeFunctionName(t)) {
                throw syntaxError(t);
            }
            advance();
            List<String> n = new ArrayList<>();
            n.add(t.text());
            while (accept(Token.Kind.DOT)) {
                n.add(colLabel());
            }
            names = List.copyOf(n);
            mods = typmods();
        }
        int dims = 0;
        while (true) {
            if (accept(Token.Kind.LBRACKET)) {
                if (is(Token.Kind.ICONST)) {
                    advance();
                }
                expect(Token.Kind.RBRACKET);
                dims++;
            } else if (isKw("array")) {
                advance();
                if (accept(Token.Kind.LBRACKET)) {
                    expect(Token.Kind.ICONST);
                    expect(Token.Kind.RBRACKET);
                }
                dims = Math.max(dims, 1);
            } else {
                break;
            }
        }
        return new TypeName(names, mods, dims, t.start());
    }

    private List<ExprNode> typmods() {
        if (!is(Token.Kind.LPAREN)) {
            return List.of();
        }
        advance();
        List<ExprNode> mods = new ArrayList<>();
        do {
            mods.add(parseExpr());
        } while (accept(Token.Kind.COMMA));
        expect(Token.Kind.RPAREN);
        return List.copyOf(mods);
    }
}
