package org.pgjava.backend.executor;

import java.util.List;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.relation.CatalogWriter;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Plan of a statement that asks the storage layer's {@link CatalogWriter} for one action: CREATE TABLE,
 * DROP TABLE, ALTER TABLE ADD COLUMN, CHECKPOINT. The analyzer has done all checks that need no catalog
 * (types resolved, defaults analyzed, duplicate names); the action runs at {@link #start}, returns its
 * notices, and the run answers the command tag with no rows.
 *
 * @param tag       the command tag ("CREATE TABLE", "DROP TABLE", "ALTER TABLE", "CHECKPOINT")
 * @param readOnlyAllowed true when the statement may run in a read-only transaction (CHECKPOINT)
 * @param action    the catalog action; returns the notices to send
 */
public record CatalogCommandPlan(String tag, boolean readOnlyAllowed, Action action) implements PlannedStatement {

    /** The catalog action of one execution. */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs the action.
         * @return notices for the client (possibly empty)
         */
        List<PgException> run(CatalogWriter writer, SessionContext ctx);
    }

    @Override
    public int[] parameterTypes() {
        return new int[0];
    }

    @Override
    public List<ResultColumn> resultColumns() {
        return List.of();
    }

    /**
     * Runs the action now.
     * @throws PgException 25006 in a read-only transaction; 0A000 when the session has no table storage;
     *         every error of the action
     */
    @Override
    public QueryRun start(Object[] params, SessionContext ctx) {
        if (!readOnlyAllowed) {
            ModifyPlan.checkReadWrite(ctx, tag);
        }
        CatalogWriter writer = ctx.relations().catalogWriter();
        if (writer == null) {
            throw PgException.notSupported(tag + " is not supported yet (this session has no table storage)");
        }
        List<PgException> notices = action.run(writer, ctx);
        return new MaterializedRun(List.of(), tag, notices);
    }

    /** A NOTICE with the given SQLSTATE and text. */
    public static PgException notice(SqlState state, String message) {
        return PgException.error(state, message).withSeverity(org.pgjava.conf.errors.Severity.NOTICE);
    }
}
