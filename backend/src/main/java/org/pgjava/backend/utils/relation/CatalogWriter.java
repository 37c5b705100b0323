package org.pgjava.backend.utils.relation;

import java.util.List;
import org.pgjava.backend.utils.SessionContext;

/**
 * The catalog changes and maintenance commands the executor asks the storage layer for: CREATE TABLE,
 * DROP TABLE, ALTER TABLE ADD COLUMN and CHECKPOINT. Reached through {@link RelationResolver#catalogWriter()}.
 * The analyzer has already resolved types, checked duplicate column names within the statement, and
 * rejected constraints other than NOT NULL and DEFAULT; the implementation does everything that needs the
 * catalogs (existence, permissions, name collisions) and throws PostgreSQL's errors itself.
 *
 * <p>Every change is part of the session's current transaction (visible to other sessions after commit,
 * undone by ROLLBACK) and invalidates the catalog caches of other backends at commit. The executor emits
 * the IF [NOT] EXISTS notices from the return values, so the implementation never emits notices.
 *
 * <p>Names: {@code schema} is the schema written in the statement, or null for an unqualified name (then
 * CREATE uses the first existing schema of search_path, and lookups search pg_catalog then search_path, as
 * {@link RelationResolver#resolve} does). Names are already case-folded.
 */
public interface CatalogWriter {
    /**
     * CREATE TABLE.
     *
     * @param columns     the columns in attnum order (may be empty: {@code CREATE TABLE t ()})
     * @param ifNotExists IF NOT EXISTS was written
     * @return true when created; false when a relation of that name already exists and {@code ifNotExists}
     *         (the executor then sends NOTICE 42P07 {@code relation "t" already exists, skipping})
     * @throws org.pgjava.conf.errors.PgException 42P07 {@code relation "t" already exists};
     *         3F000 {@code schema "s" does not exist};
     *         42501 {@code permission denied for schema s}; 25006 is checked by the executor
     */
    boolean createTable(SessionContext session, String schema, String name, List<ColumnDefinition> columns,
                        boolean ifNotExists);

    /** A name in a DROP list: schema (or null) and relation name, as written. */
    record QualifiedName(String schema, String name) {
        @Override
        public String toString() {
            return schema == null ? name : schema + "." + name;
        }
    }

    /** What a skipped name in {@code DROP TABLE IF EXISTS} was missing. */
    enum Missing { SCHEMA, TABLE }

    /** One name that DROP TABLE IF EXISTS skipped, and why. */
    record Skipped(QualifiedName name, Missing what) {
    }

    /**
     * DROP TABLE of every name in the list, all or nothing. Each name must resolve to an ordinary table.
     *
     * @param ifExists IF EXISTS was written: missing names (or missing schemas) are skipped and reported
     * @param cascade  CASCADE was written (false for RESTRICT or nothing); with RESTRICT an object that
     *                 depends on a table is 2BP01 {@code cannot drop table t because other objects depend on it}
     * @return the skipped names, in list order (empty unless {@code ifExists}); the executor sends NOTICE
     *         {@code table "t" does not exist, skipping} or {@code schema "s" does not exist, skipping}
     * @throws org.pgjava.conf.errors.PgException 42P01 {@code table "t" does not exist} (no position);
     *         3F000 {@code schema "s" does not exist}; 42809 {@code "v" is not a table} with HINT
     *         {@code Use DROP VIEW to remove a view.}; 42501 {@code must be owner of table t}
     */
    List<Skipped> dropTables(SessionContext session, List<QualifiedName> names, boolean ifExists, boolean cascade);

    /** Outcome of {@link #addColumn}. */
    enum AddColumnResult {
        /** The column was added. */
        ADDED,
        /** IF EXISTS was given and the table does not exist (NOTICE {@code relation "t" does not exist, skipping}). */
        TABLE_MISSING,
        /** IF NOT EXISTS was given and the column exists (NOTICE 42701 {@code column "c" of relation "t" already exists, skipping}). */
        COLUMN_EXISTS
    }

    /**
     * ALTER TABLE [IF EXISTS] t ADD [COLUMN] [IF NOT EXISTS] c type [NOT NULL] [DEFAULT e]. Rows already in
     * the table read the new column as the default's value computed once now (PostgreSQL's attmissingval,
     * for a default that is not volatile) or NULL. A NOT NULL column without a default on a non-empty table
     * is 23502 {@code column "c" of relation "t" contains null values}.
     *
     * @param ifExists      ALTER TABLE IF EXISTS
     * @param ifNotExists   ADD COLUMN IF NOT EXISTS
     * @param missingValue  the default evaluated once by the executor (the value existing rows get), or
     *                      null when there is no default or it evaluated to NULL
     * @throws org.pgjava.conf.errors.PgException 42P01 {@code relation "t" does not exist};
     *         42701 {@code column "c" of relation "t" already exists}; 42809 {@code "v" is not a table};
     *         42501 {@code must be owner of table t}; 1600 columns: 54011 {@code tables can have at most 1600 columns}
     */
    AddColumnResult addColumn(SessionContext session, String schema, String table, ColumnDefinition column,
                              Object missingValue, boolean ifExists, boolean ifNotExists);

    /**
     * CHECKPOINT: requests an immediate checkpoint from the checkpointer and waits until it has completed
     * (RequestCheckpoint with CHECKPOINT_IMMEDIATE | CHECKPOINT_WAIT | CHECKPOINT_FORCE).
     *
     * @throws org.pgjava.conf.errors.PgException 42501 {@code must be superuser or have privileges of
     *         pg_checkpoint to do CHECKPOINT}; 57014 cancel while waiting
     */
    void checkpoint(SessionContext session);
}
