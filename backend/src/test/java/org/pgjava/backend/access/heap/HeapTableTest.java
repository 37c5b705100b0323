package org.pgjava.backend.access.heap;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.StorageFixture;
import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.backend.utils.relation.TableScan;

class HeapTableTest {
    static final RelFileLocator REL = RelFileLocator.of(5, 16384);
    static final HeapRelation T = HeapRelation.of(16384, "public", "t", REL,
            List.of(new TableColumn("id", 23, -1, false, null, false), new TableColumn("v", 25, -1, false, null, false)),
            null);

    @TempDir
    Path dir;
    StorageFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = StorageFixture.create(dir, 16);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    static List<Object[]> scanAll(HeapTable t) {
        List<Object[]> rows = new ArrayList<>();
        try (TableScan s = t.openTableScan(null)) {
            Object[] r;
            while ((r = s.next()) != null) rows.add(r);
        }
        return rows;
    }

    @Test
    void insertScanCommitAbort() {
        ProcessStorage ps = fixture.attach(1001);
        TransactionManager tm = new TransactionManager(ps);
        tm.begin();
        RelationStorage.create(tm, REL);
        HeapTable t = new HeapTable(T, tm);
        t.insert(new Object[]{1, "one"});
        t.insert(new Object[]{2, "two"});
        assertEquals(0, scanAll(t).size(), "own command's rows are invisible to it");
        tm.commandCounterIncrement();
        tm.endStatement();
        assertEquals(2, scanAll(t).size());
        tm.commit();
        assertNotEquals(0, tm.lastCommittedXid());

        tm.begin();
        t.insert(new Object[]{3, "three"});
        tm.abort();

        tm.begin();
        List<Object[]> rows = scanAll(t);
        assertEquals(2, rows.size());
        assertEquals(1, rows.get(0)[0]);
        assertEquals("two", rows.get(1)[1]);
        assertEquals(0, tm.topXid(), "a read-only transaction assigns no xid");
        tm.commit();
        assertEquals(0, ps.buffers().pinnedBufferCount());
    }
}
