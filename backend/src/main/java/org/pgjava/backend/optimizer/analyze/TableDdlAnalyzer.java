package org.pgjava.backend.optimizer.analyze;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pgjava.backend.executor.CatalogCommandPlan;
import org.pgjava.backend.executor.expr.Expr;
import org.pgjava.backend.executor.expr.ExprContext;
import org.pgjava.backend.nodes.AlterTableStmt;
import org.pgjava.backend.nodes.ColumnDef;
import org.pgjava.backend.nodes.CreateTableStmt;
import org.pgjava.backend.nodes.DropTableStmt;
import org.pgjava.backend.nodes.RangeVar;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.CatalogWriter;
import org.pgjava.backend.utils.relation.ColumnDefinition;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Analysis of CREATE TABLE, DROP TABLE, ALTER TABLE ADD COLUMN and CHECKPOINT (PostgreSQL's
 * parse_utilcmd transformCreateStmt / transformColumnDefinition and cookDefault, reduced): type names
 * resolved to (OID, typmod) with 42704 at the type's position, duplicate column names (42701), defaults
 * analyzed without columns and checked against the column type (42804), then a {@link CatalogCommandPlan}
 * whose action calls the {@link CatalogWriter} and turns its answers into PostgreSQL's notices.
 *
 * <p>Entry points: {@link #createTable}, {@link #dropTable}, {@link #alterTable}, {@link #checkpoint}.
 */
public final class TableDdlAnalyzer {
    private final Analyzer analyzer;

    /** @param analyzer a fresh analyzer without parameters (DDL has none: $n is 42P02) */
    public TableDdlAnalyzer(Analyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** An analyzed column: its catalog definition and its default's expression (null without one). */
    private record AnalyzedColumn(ColumnDefinition definition, Expr defaultValue) {
    }

    private AnalyzedColumn column(ColumnDef d) {
        int[] type = analyzer.resolveTypeName(d.type());
        Expr def = null;
        if (d.defaultExpr() != null) {
            Expr e = analyzer.analyzeDefault(d.defaultExpr());
            int location = Analyzer.leftmost(d.defaultExpr());
            if (e.type != Types.UNKNOWN && e.type != type[0] && !Casts.canCast(e.type, type[0], Casts.Context.ASSIGNMENT)) {
                throw PgException.error(SqlState.DATATYPE_MISMATCH, "column \"" + d.name() + "\" is of type "
                        + TypeIO.typeName(type[0]) + " but default expression is of type " + TypeIO.typeName(e.type))
                        .withHint("You will need to rewrite or cast the expression.").withPosition(location + 1);
            }
            def = analyzer.coerce(e, type[0], type[1], Casts.Context.ASSIGNMENT, location, null);
        }
        return new AnalyzedColumn(new ColumnDefinition(d.name(), type[0], type[1], d.notNull(), d.defaultText()), def);
    }

    private static String[] schemaAndName(RangeVar rv, String databaseName) {
        List<String> n = rv.names();
        if (n.size() > 3) {
            throw PgException.error(SqlState.SYNTAX_ERROR, "improper qualified name (too many dotted names): "
                    + String.join(".", n)).withPosition(rv.location() + 1);
        }
        if (n.size() == 3 && !n.get(0).equals(databaseName)) {
            throw PgException.notSupported("cross-database references are not implemented: " + String.join(".", n))
                    .withPosition(rv.location() + 1);
        }
        return new String[] {n.size() >= 2 ? n.get(n.size() - 2) : null, n.get(n.size() - 1)};
    }

    /** CREATE TABLE. @throws PgException 42704, 42701, 42804, 42601 (typmods), 0A000 (serial) */
    public CatalogCommandPlan createTable(CreateTableStmt s) {
        String[] sn = schemaAndName(s.relation(), analyzer.session().databaseName());
        List<ColumnDefinition> cols = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ColumnDef d : s.columns()) {
            if (!names.add(d.name())) {
                throw PgException.error(SqlState.DUPLICATE_COLUMN, "column \"" + d.name() + "\" specified more than once");
            }
            cols.add(column(d).definition());
        }
        List<ColumnDefinition> frozen = List.copyOf(cols);
        boolean ifNotExists = s.ifNotExists();
        return new CatalogCommandPlan("CREATE TABLE", false, (w, ctx) -> {
            if (!w.createTable(ctx, sn[0], sn[1], frozen, ifNotExists)) {
                return List.of(CatalogCommandPlan.notice(SqlState.DUPLICATE_TABLE,
                        "relation \"" + sn[1] + "\" already exists, skipping"));
            }
            return List.of();
        });
    }

    /** DROP TABLE. */
    public CatalogCommandPlan dropTable(DropTableStmt s) {
        List<CatalogWriter.QualifiedName> names = new ArrayList<>();
        for (List<String> n : s.names()) {
            String[] sn = schemaAndName(new RangeVar(n, null, List.of(), s.location()), analyzer.session().databaseName());
            names.add(new CatalogWriter.QualifiedName(sn[0], sn[1]));
        }
        List<CatalogWriter.QualifiedName> frozen = List.copyOf(names);
        boolean ifExists = s.ifExists();
        boolean cascade = s.cascade();
        return new CatalogCommandPlan("DROP TABLE", false, (w, ctx) -> {
            List<PgException> notices = new ArrayList<>();
            for (CatalogWriter.Skipped sk : w.dropTables(ctx, frozen, ifExists, cascade)) {
                notices.add(CatalogCommandPlan.notice(SqlState.SUCCESSFUL_COMPLETION,
                        sk.what() == CatalogWriter.Missing.SCHEMA
                                ? "schema \"" + sk.name().schema() + "\" does not exist, skipping"
                                : "table \"" + sk.name() + "\" does not exist, skipping"));
            }
            return notices;
        });
    }

    /** ALTER TABLE ... ADD COLUMN. */
    public CatalogCommandPlan alterTable(AlterTableStmt s) {
        String[] sn = schemaAndName(s.relation(), analyzer.session().databaseName());
        AnalyzedColumn col = column(s.addColumn());
        Expr def = col.defaultValue();
        boolean ifExists = s.ifExists();
        boolean ifNotExists = s.ifNotExists();
        return new CatalogCommandPlan("ALTER TABLE", false, (w, ctx) -> {
            Object missing = def == null ? null : def.eval(new ExprContext(new Object[0], ctx));
            return switch (w.addColumn(ctx, sn[0], sn[1], col.definition(), missing, ifExists, ifNotExists)) {
                case ADDED -> List.of();
                case TABLE_MISSING -> List.of(CatalogCommandPlan.notice(SqlState.SUCCESSFUL_COMPLETION,
                        "relation \"" + sn[1] + "\" does not exist, skipping"));
                case COLUMN_EXISTS -> List.of(CatalogCommandPlan.notice(SqlState.DUPLICATE_COLUMN,
                        "column \"" + col.definition().name() + "\" of relation \"" + sn[1] + "\" already exists, skipping"));
            };
        });
    }

    /** CHECKPOINT (allowed in a read-only transaction, as in PostgreSQL). */
    public CatalogCommandPlan checkpoint() {
        return new CatalogCommandPlan("CHECKPOINT", true, (w, ctx) -> {
            w.checkpoint(ctx);
            return List.of();
        });
    }
}
