package org.pgjava.backend.executor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.relation.CatalogWriter;
import org.pgjava.backend.utils.relation.ColumnDefinition;
import org.pgjava.backend.utils.relation.ModifiableTable;
import org.pgjava.backend.utils.relation.ModifyResult;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.backend.utils.relation.RelationResolver;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.backend.utils.relation.TableScan;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Test double of the storage side: tables in memory behind {@link RelationResolver} and
 * {@link CatalogWriter}, one schema "public", no transactions. Row versions live in a list (ctid = index);
 * an update appends the new version and kills the old one; a scan sees the versions live when it opened
 * (so a command never sees its own changes). {@link Table#interfere} lets a test script what "another
 * transaction" did to a row before the next update/delete of it.
 */
final class InMemoryTables implements RelationResolver, CatalogWriter {
    final Map<String, Table> tables = new LinkedHashMap<>();
    int checkpoints;
    int nextOid = 16384;

    @Override
    public RelationSource resolve(String schema, String name) {
        if (schema != null && !schema.equals("public")) {
            return null;
        }
        return tables.get(name);
    }

    @Override
    public CatalogWriter catalogWriter() {
        return this;
    }

    @Override
    public boolean createTable(SessionContext session, String schema, String name, List<ColumnDefinition> columns,
                               boolean ifNotExists) {
        if (tables.containsKey(name)) {
            if (ifNotExists) {
                return false;
            }
            throw PgException.error(SqlState.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
        }
        Table t = new Table(name, nextOid++);
        for (ColumnDefinition c : columns) {
            t.cols.add(new TableColumn(c.name(), c.typeOid(), c.typmod(), c.notNull(), c.defaultExpr(), false));
        }
        tables.put(name, t);
        return true;
    }

    @Override
    public List<Skipped> dropTables(SessionContext session, List<QualifiedName> names, boolean ifExists, boolean cascade) {
        List<Skipped> skipped = new ArrayList<>();
        for (QualifiedName n : names) {
            if (n.schema() != null && !n.schema().equals("public")) {
                if (!ifExists) {
                    throw PgException.error(SqlState.INVALID_SCHEMA_NAME, "schema \"" + n.schema() + "\" does not exist");
                }
                skipped.add(new Skipped(n, Missing.SCHEMA));
            } else if (!tables.containsKey(n.name())) {
                if (!ifExists) {
                    throw PgException.error(SqlState.UNDEFINED_TABLE, "table \"" + n + "\" does not exist");
                }
                skipped.add(new Skipped(n, Missing.TABLE));
            }
        }
        for (QualifiedName n : names) {
            tables.remove(n.name());
        }
        return skipped;
    }

    @Override
    public AddColumnResult addColumn(SessionContext session, String schema, String table, ColumnDefinition column,
                                     Object missingValue, boolean ifExists, boolean ifNotExists) {
        Table t = tables.get(table);
        if (t == null) {
            if (ifExists) {
                return AddColumnResult.TABLE_MISSING;
            }
            throw PgException.error(SqlState.UNDEFINED_TABLE, "relation \"" + table + "\" does not exist");
        }
        for (TableColumn c : t.cols) {
            if (!c.dropped() && c.name().equals(column.name())) {
                if (ifNotExists) {
                    return AddColumnResult.COLUMN_EXISTS;
                }
                throw PgException.error(SqlState.DUPLICATE_COLUMN, "column \"" + column.name() + "\" of relation \""
                        + table + "\" already exists");
            }
        }
        t.cols.add(new TableColumn(column.name(), column.typeOid(), column.typmod(), column.notNull(),
                column.defaultExpr(), false));
        for (int i = 0; i < t.versions.size(); i++) {
            Object[] old = t.versions.get(i);
            Object[] wider = java.util.Arrays.copyOf(old, old.length + 1);
            wider[old.length] = missingValue;
            t.versions.set(i, wider);
        }
        return AddColumnResult.ADDED;
    }

    @Override
    public void checkpoint(SessionContext session) {
        checkpoints++;
    }

    /** One table: its attributes and its row versions (null = dead). */
    static final class Table implements ModifiableTable {
        final String name;
        final int oid;
        final List<TableColumn> cols = new ArrayList<>();
        final List<Object[]> versions = new ArrayList<>();
        final java.util.Set<Integer> changedByThisCommand = new java.util.HashSet<>();
        /** Versions "committed by another transaction after this command's snapshot": scans skip them. */
        final java.util.Set<Integer> invisibleToScans = new java.util.HashSet<>();
        /** Scripted outcomes: ctid -> what another transaction did (applied once, at the next update/delete). */
        final Map<Long, ModifyResult> interfere = new LinkedHashMap<>();

        Table(String name, int oid) {
            this.name = name;
            this.oid = oid;
        }

        List<Object[]> live() {
            List<Object[]> out = new ArrayList<>();
            for (Object[] v : versions) {
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }

        @Override
        public String schemaName() {
            return "public";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int tableOid() {
            return oid;
        }

        @Override
        public List<RelationColumn> columns() {
            return cols.stream().map(TableColumn::relationColumn).toList();
        }

        @Override
        public List<TableColumn> tableColumns() {
            return List.copyOf(cols);
        }

        @Override
        public org.pgjava.backend.utils.relation.RowScan openScan(SessionContext session) {
            return openTableScan(session);
        }

        @Override
        public TableScan openTableScan(SessionContext session) {
            changedByThisCommand.clear();
            List<Integer> visible = new ArrayList<>();
            for (int i = 0; i < versions.size(); i++) {
                if (versions.get(i) != null && !invisibleToScans.contains(i)) {
                    visible.add(i);
                }
            }
            return new TableScan() {
                private int pos = -1;

                @Override
                public Object[] next() {
                    while (++pos < visible.size()) {
                        Object[] v = versions.get(visible.get(pos));
                        if (v != null) {
                            return v.clone();
                        }
                    }
                    return null;
                }

                @Override
                public long ctid() {
                    return visible.get(pos);
                }
            };
        }

        @Override
        public long insert(SessionContext session, Object[] row) {
            if (row.length != cols.size()) {
                throw new AssertionError("row width " + row.length + " != " + cols.size());
            }
            versions.add(row.clone());
            return versions.size() - 1;
        }

        @Override
        public ModifyResult update(SessionContext session, long ctid, Object[] newRow) {
            ModifyResult scripted = interfere.remove(ctid);
            if (scripted != null) {
                return scripted;
            }
            if (versions.get((int) ctid) == null) {
                return new ModifyResult.SelfModified();
            }
            versions.set((int) ctid, null);
            changedByThisCommand.add((int) ctid);
            versions.add(newRow.clone());
            return new ModifyResult.Done(versions.size() - 1);
        }

        @Override
        public ModifyResult delete(SessionContext session, long ctid) {
            ModifyResult scripted = interfere.remove(ctid);
            if (scripted != null) {
                return scripted;
            }
            if (versions.get((int) ctid) == null) {
                return new ModifyResult.SelfModified();
            }
            versions.set((int) ctid, null);
            changedByThisCommand.add((int) ctid);
            return new ModifyResult.Done(ctid);
        }
    }
}
