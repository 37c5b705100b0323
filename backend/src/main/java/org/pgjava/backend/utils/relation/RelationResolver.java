package org.pgjava.backend.utils.relation;

/**
 * The catalog lookup the analyzer uses to turn a FROM-clause name into a {@link RelationSource}. The
 * session provides it ({@code SessionContext.relations()}): tcop supplies system views now and heap tables
 * later. Resolution rules are the implementation's: for an unqualified name PostgreSQL searches pg_catalog
 * first, then the schemas of search_path.
 *
 * <p>Entry points: {@link #resolve(String, String)}, {@link #catalogWriter()}; {@link #none()} knows no
 * relations. Tables that INSERT, UPDATE and DELETE can change are resolved as {@link ModifiableTable}.
 */
@FunctionalInterface
public interface RelationResolver {
    /**
     * Finds a relation.
     *
     * @param schema the schema written in the query, or null for an unqualified name
     * @param name   the relation name (already case-folded by the lexer)
     * @return the relation, or null when there is none (the analyzer then answers 42P01
     *         {@code relation "x" does not exist} with the name's position)
     * @throws org.pgjava.conf.errors.PgException 3F000 {@code schema "s" does not exist} if the resolver
     *         knows the schema does not exist
     */
    RelationSource resolve(String schema, String name);

    /**
     * The catalog writer for CREATE TABLE, DROP TABLE, ALTER TABLE and CHECKPOINT, or null when this
     * session has no table storage (the executor then answers 0A000). The default returns null.
     */
    default CatalogWriter catalogWriter() {
        return null;
    }

    /** A resolver that knows no relations (every name is 42P01). */
    static RelationResolver none() {
        return (schema, name) -> null;
    }
}
