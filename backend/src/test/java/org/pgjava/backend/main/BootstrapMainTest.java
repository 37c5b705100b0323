package org.pgjava.backend.main;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.access.catalog.BootstrapHeapWriter;
import org.pgjava.backend.access.catalog.CatalogStorage;
import org.pgjava.backend.access.catalog.CatalogTupleCodec;
import org.pgjava.backend.access.heap.HeapTupleHeader;
import org.pgjava.backend.access.wal.CheckpointRecord;
import org.pgjava.backend.access.wal.ControlFile;
import org.pgjava.backend.access.wal.DbState;
import org.pgjava.backend.access.wal.RmgrIds;
import org.pgjava.backend.access.wal.WalReader;
import org.pgjava.backend.access.wal.WalRecord;
import org.pgjava.backend.access.wal.WalSegments;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.backend.storage.smgr.SyncRequestSink;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.AuthFile;
import org.pgjava.catalog.authfile.DatabaseEntry;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.rows.InitdbParameters;
import org.pgjava.catalog.rows.InitdbRows;

class BootstrapMainTest {
    @TempDir
    Path dir;

    static final RoleEntry SUPERUSER = new RoleEntry(10, "boot \"su\"", true, true, -1, null, null, List.of());

    /** What InitDb writes before it starts the bootstrap process. */
    static void prepareDataDirectory(Path dir) throws Exception {
        for (String sub : List.of("global", "base/1", "base/4", "base/5", "pg_wal", "pg_xact")) {
            Files.createDirectories(dir.resolve(sub));
        }
        AuthFile.write(dir, new AuthData(List.of(SUPERUSER),
                List.of(new DatabaseEntry(1, "template1", 10, true, true, -1),
                        new DatabaseEntry(4, "template0", 10, false, true, -1),
                        new DatabaseEntry(5, "postgres", 10, true, false, -1))));
    }

    @Test
    void catalogsReadBackExactlyTheInitdbRows() throws Exception {
        prepareDataDirectory(dir);
        BootstrapMain.bootstrap(dir, 1 << 20);
        BootstrapData data = BootstrapData.load();
        InitdbRows expected = new InitdbRows(data, new InitdbParameters(SUPERUSER, 6, 'c', "C", "C", 3));
        try (StorageManager smgr = new StorageManager(dir, SyncRequestSink.IMMEDIATE)) {
            for (BootstrapCatalog c : BootstrapCatalog.values()) {
                CatalogTupleCodec codec = new CatalogTupleCodec(data.shape(c));
                List<RelFileLocator> files = CatalogStorage.locatorsForInitdb(c, List.of(1, 4, 5));
                assertEquals(c.shared() ? 1 : 3, files.size());
                for (RelFileLocator rel : files) {
                    Path file = dir.resolve(StorageManager.relativePath(rel, org.pgjava.backend.storage.ForkNumber.MAIN, 0));
                    assertTrue(Files.exists(file), file.toString());
                    assertTrue(file.toString().contains(c.shared() ? "/global/" : "/base/"), file.toString());
                    List<BootstrapHeapWriter.StoredTuple> tuples = BootstrapHeapWriter.readAll(smgr, rel, codec.descriptor());
                    List<Object[]> rows = expected.rows(c);
                    assertEquals(rows.size(), tuples.size(), c.relname());
                    for (int i = 0; i < rows.size(); i++) {
                        BootstrapHeapWriter.StoredTuple t = tuples.get(i);
                        assertEquals(1, t.xmin());
                        assertTrue((t.infomask() & HeapTupleHeader.HEAP_XMIN_COMMITTED) != 0);
                        assertTrue((t.infomask() & HeapTupleHeader.HEAP_XMAX_INVALID) != 0);
                        assertArrayEquals(rows.get(i), codec.fromStored(t.values()), c.relname() + " row " + i);
                    }
                }
            }
        }
        // pg_attribute spans several pages; pg_class has exactly the ten catalogs
        assertEquals(10, expected.rows(BootstrapCatalog.PG_CLASS).size());

        ControlFile.Data control = ControlFile.read(dir);
        assertEquals(DbState.SHUT_DOWN, control.state());
        CheckpointRecord cp = control.checkPointCopy();
        assertEquals(3, cp.nextXid());
        assertEquals(16384, cp.nextOid());
        assertEquals(control.checkPointLsn(), cp.redo());
        assertEquals(1 << 20, control.walSegmentSize());
        WalSegments segments = new WalSegments(dir.resolve("pg_wal"), 1 << 20);
        assertEquals("000000010000000000000001", segments.path(1).getFileName().toString());
        try (WalReader reader = new WalReader(segments, control.checkPointLsn())) {
            WalRecord r = reader.next();
            assertEquals(control.checkPointLsn(), r.lsn());
            assertEquals(RmgrIds.XLOG, r.rmid());
            assertEquals(cp, CheckpointRecord.decode(r.mainData()));
        }
        assertEquals(8192, Files.size(dir.resolve("pg_xact/0000")));
    }
}
