package org.pgjava.backend.tcop;

import org.pgjava.backend.utils.relation.RelationResolver;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.conf.errors.PgException;

/**
 * The relations a session's FROM clauses can name: the system views of pg_catalog (only
 * pg_stat_activity so far), then the catalogs and tables of the database through the catalog resolver
 * ({@code access/catalog/CatalogRelations}, attached with {@link Session#attachCatalog}), which also
 * provides the {@link #catalogWriter()} for DDL. Made by {@link Session} (one per session, for its role's
 * visibility).
 *
 * <p>Resolution: {@code pg_catalog.x} and an unqualified {@code x} (pg_catalog is searched before
 * search_path) find the view; any other schema finds nothing, which the analyzer reports as PostgreSQL
 * does: 42P01 {@code relation "s.x" does not exist} (also for a schema that does not exist).
 * Without a status array (no shared segment attached) naming pg_stat_activity is 0A000.
 */
final class SystemRelations implements RelationResolver {
    private final PgStatActivity pgStatActivity;
    private final RelationResolver catalogRelations;

    /** @param pgStatActivity the session's view, or null when the process has no status array */
    SystemRelations(PgStatActivity pgStatActivity) {
        this(pgStatActivity, null);
    }

    /**
     * @param pgStatActivity   the session's view, or null when the process has no status array
     * @param catalogRelations the heap tables and catalogs of the session's database
     *                         (access/catalog/CatalogRelations), searched after the system views; null
     *                         when the process has no storage
     */
    SystemRelations(PgStatActivity pgStatActivity, RelationResolver catalogRelations) {
        this.pgStatActivity = pgStatActivity;
        this.catalogRelations = catalogRelations;
    }

    @Override
    public org.pgjava.backend.utils.relation.CatalogWriter catalogWriter() {
        return catalogRelations == null ? null : catalogRelations.catalogWriter();
    }

    /**
     * @throws PgException 0A000 when pg_stat_activity is named and no status array is attached
     */
    @Override
    public RelationSource resolve(String schema, String name) {
        if (schema != null && !schema.equals("pg_catalog")) {
            return catalogRelations == null ? null : catalogRelations.resolve(schema, name);
        }
        if (name.equals("pg_stat_activity")) {
            if (pgStatActivity == null) {
                throw PgException.notSupported(
                        "pg_stat_activity needs the shared status array, which this process has not attached");
            }
            return pgStatActivity;
        }
        return catalogRelations == null ? null : catalogRelations.resolve(schema, name);
    }
}
