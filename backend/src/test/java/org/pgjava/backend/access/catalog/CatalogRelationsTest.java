package org.pgjava.backend.access.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.StorageFixture;
import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.main.BootstrapMain;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.relation.CatalogWriter;
import org.pgjava.backend.utils.relation.ColumnDefinition;
import org.pgjava.backend.utils.relation.ModifiableTable;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.backend.utils.relation.RowScan;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.conf.errors.PgException;

/**
 * Two backend "processes" (each a thread with its own ProcessStorage, transaction manager, relation cache
 * and invalidation-queue slot) over one shared segment and a bootstrapped data directory.
 */
class CatalogRelationsTest {
    @TempDir
    Path tmp;

    private StorageFixture fixture;
    private Backend s1;
    private Backend s2;

    private record Ctx(String user) implements SessionContext {
        @Override
        public String setting(String name) {
            return name.equals("search_path") ? "\"$user\", public" : null;
        }

        @Override
        public String currentUser() {
            return user;
        }

        @Override
        public String sessionUser() {
            return user;
        }

        @Override
        public String databaseName() {
            return "postgres";
        }

        @Override
        public int backendPid() {
            return 1;
        }

        @Override
        public boolean inTransactionBlock() {
            return true;
        }

        @Override
        public void checkForInterrupts() {
        }
    }

    /** One backend: a thread and the per-process objects bound to it. */
    private final class Backend implements AutoCloseable {
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        ProcessStorage storage;
        TransactionManager tm;
        CatalogRelations relations;
        final Ctx ctx;

        Backend(int pid, String user) {
            this.ctx = new Ctx(user);
            run(() -> {
                storage = fixture.attach(pid);
                tm = new TransactionManager(storage);
                RelationCache cache = new RelationCache(1000);
                CatalogInvalidation inval = new CatalogInvalidation(storage.invalidations(),
                        storage.attachment().slot(), pid, 5, cache);
                relations = new CatalogRelations(new CatalogAccess(BootstrapData.load(), tm, 5), cache, inval, ctx);
                return null;
            });
        }

        <T> T run(Callable<T> task) {
            try {
                return thread.submit(task).get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Runs {@code task} as one statement of a new transaction, committed. */
        <T> T tx(Callable<T> task) {
            return run(() -> {
                tm.begin();
                try {
                    T t = task.call();
                    tm.commit();
                    return t;
                } catch (RuntimeException e) {
                    tm.abort();
                    throw e;
                }
            });
        }

        CatalogWriter writer() {
            return relations.catalogWriter();
        }

        List<String> columns(String table) {
            return tx(() -> {
                RelationSource r = relations.resolve(null, table);
                return r == null ? null : r.columns().stream().map(c -> c.name()).toList();
            });
        }

        List<Object[]> rows(String table) {
            return tx(() -> {
                List<Object[]> out = new ArrayList<>();
                try (RowScan scan = relations.resolve(null, table).openScan(ctx)) {
                    for (Object[] r; (r = scan.next()) != null; ) {
                        out.add(r);
                    }
                }
                return out;
            });
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        fixture = StorageFixture.create(tmp, 64);
        for (String db : List.of("base/1", "base/4", "base/5")) {
            Files.createDirectories(fixture.dataDirectory().resolve(db));
        }
        BootstrapMain.writeCatalogs(fixture.dataDirectory(),
                new RoleEntry(10, "admin", true, true, -1, null, null, List.of()));
        s1 = new Backend(1001, "admin");
        s2 = new Backend(1002, "admin");
    }

    @AfterEach
    void tearDown() throws Exception {
        s1.close();
        s2.close();
        fixture.close();
    }

    private static final List<ColumnDefinition> COLUMNS = List.of(
            new ColumnDefinition("a", 23, -1, true, null),
            new ColumnDefinition("b", 1043, 14, false, "'x'::character varying"));

    @Test
    void catalogsAreQueryable() {
        List<Object[]> classes = s1.rows("pg_class");
        assertEquals(10, classes.size());
        assertTrue(classes.stream().anyMatch(r -> "pg_attribute".equals(r[1])));
        RelationSource pgClass = s1.tx(() -> s1.relations.resolve("pg_catalog", "pg_class"));
        assertEquals(1259, pgClass.tableOid());
        assertFalse(pgClass instanceof ModifiableTable, "catalogs are read-only to DML");
        assertNull(s1.tx(() -> s1.relations.resolve("nosuch", "pg_class")));
    }

    @Test
    void createIsVisibleToOthersOnlyAfterCommitAndAddColumnReachesTheirNextStatement() {
        s1.run(() -> {
            s1.tm.begin();
            assertTrue(s1.writer().createTable(s1.ctx, null, "t", COLUMNS, false));
            return null;
        });
        // own transaction sees it (next command), the other session does not
        s1.run(() -> {
            s1.tm.commandCounterIncrement();
            RelationSource t = s1.relations.resolve(null, "t");
            assertNotNull(t);
            assertEquals("public", t.schemaName());
            assertTrue(t.tableOid() >= 16384);
            return null;
        });
        assertNull(s2.columns("t"));
        s1.run(() -> {
            s1.tm.commit();
            return null;
        });
        assertEquals(List.of("a", "b"), s2.columns("t"));
        ModifiableTable t2 = s2.tx(() -> (ModifiableTable) s2.relations.resolve(null, "t"));
        assertEquals(new TableColumn("b", 1043, 14, false, "'x'::character varying", false), t2.tableColumns().get(1));
        s2.tx(() -> ((ModifiableTable) s2.relations.resolve(null, "t")).insert(s2.ctx, new Object[] {1, "one"}));

        // the relation is in pg_class and pg_attribute
        assertTrue(s2.rows("pg_class").stream().anyMatch(r -> "t".equals(r[1])));

        // duplicate name: 42P07, IF NOT EXISTS: false
        PgException dup = assertThrows(PgException.class, () -> s2.tx(() -> s2.writer().createTable(s2.ctx, null, "t", COLUMNS, false)));
        assertEquals("42P07", dup.sqlState().code());
        assertEquals("relation \"t\" already exists", dup.getMessage());
        assertFalse(s2.tx(() -> s2.writer().createTable(s2.ctx, null, "t", COLUMNS, true)));

        // ADD COLUMN with a default: s2's cached description is replaced at its next statement
        assertEquals(CatalogWriter.AddColumnResult.ADDED, s1.tx(() -> s1.writer().addColumn(s1.ctx, null, "t",
                new ColumnDefinition("c", 23, -1, false, "7"), 7, false, false)));
        assertEquals(List.of("a", "b", "c"), s2.columns("t"));
        List<Object[]> rows = s2.rows("t");
        assertEquals(1, rows.size());
        assertEquals(List.of(1, "one", 7), List.of(rows.get(0)));
        PgException dupCol = assertThrows(PgException.class, () -> s2.tx(() -> s2.writer().addColumn(s2.ctx, null, "t",
                new ColumnDefinition("c", 23, -1, false, null), null, false, false)));
        assertEquals("column \"c\" of relation \"t\" already exists", dupCol.getMessage());
        PgException notNull = assertThrows(PgException.class, () -> s2.tx(() -> s2.writer().addColumn(s2.ctx, null, "t",
                new ColumnDefinition("d", 23, -1, true, null), null, false, false)));
        assertEquals("23502", notNull.sqlState().code());
    }

    @Test
    void rollbackLeavesNoTraceAndDropTakesEffectAtCommit() throws Exception {
        long oid = s1.run(() -> {
            s1.tm.begin();
            s1.writer().createTable(s1.ctx, null, "gone", COLUMNS, false);
            s1.tm.commandCounterIncrement();
            long o = s1.relations.resolve(null, "gone").tableOid();
            s1.tm.abort();
            return o;
        });
        StorageManager smgr = new StorageManager(fixture.dataDirectory(), org.pgjava.backend.storage.smgr.SyncRequestSink.IMMEDIATE);
        assertFalse(smgr.exists(org.pgjava.backend.storage.RelFileLocator.of(5, (int) oid), ForkNumber.MAIN));
        assertNull(s1.columns("gone"));
        assertNull(s2.columns("gone"));

        s1.tx(() -> s1.writer().createTable(s1.ctx, null, "d", COLUMNS, false));
        int dOid = s2.tx(() -> s2.relations.resolve(null, "d").tableOid());
        assertTrue(smgr.exists(org.pgjava.backend.storage.RelFileLocator.of(5, dOid), ForkNumber.MAIN));
        s1.run(() -> {
            s1.tm.begin();
            s1.writer().dropTables(s1.ctx, List.of(new CatalogWriter.QualifiedName(null, "d")), false, false);
            return null;
        });
        assertEquals(List.of("a", "b"), s2.columns("d"));
        s1.run(() -> {
            s1.tm.commit();
            return null;
        });
        assertNull(s2.columns("d"));
        assertFalse(smgr.exists(org.pgjava.backend.storage.RelFileLocator.of(5, dOid), ForkNumber.MAIN));
        assertFalse(s2.rows("pg_attribute").stream().anyMatch(r -> Long.valueOf(dOid).equals(r[0])));
        PgException missing = assertThrows(PgException.class, () -> s2.tx(() -> s2.writer().dropTables(s2.ctx,
                List.of(new CatalogWriter.QualifiedName(null, "d")), false, false)));
        assertEquals("table \"d\" does not exist", missing.getMessage());
        assertEquals(List.of(new CatalogWriter.Skipped(new CatalogWriter.QualifiedName("nosuch", "d"), CatalogWriter.Missing.SCHEMA)),
                s2.tx(() -> s2.writer().dropTables(s2.ctx, List.of(new CatalogWriter.QualifiedName("nosuch", "d")), true, false)));
        PgException sys = assertThrows(PgException.class, () -> s2.tx(() -> s2.writer().dropTables(s2.ctx,
                List.of(new CatalogWriter.QualifiedName(null, "pg_class")), false, false)));
        assertEquals("42501", sys.sqlState().code());
        smgr.close();
    }
}
