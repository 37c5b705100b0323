package org.pgjava.backend.access.heap;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.StorageFixture;
import org.pgjava.backend.access.redo.BufferRedoBlockAccess;
import org.pgjava.backend.access.redo.RedoHandlers;
import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.access.wal.Recovery;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.utils.relation.ModifyResult;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.backend.utils.relation.TableScan;
import org.pgjava.conf.errors.PgException;

/**
 * Heap tables over two "processes" (threads, each with its own slot, LWLock owner and ProcessStorage):
 * visibility, savepoints, READ COMMITTED re-check, REPEATABLE READ 40001, row-lock waits, deadlock, more
 * data than the buffer pool, and crash redo.
 */
class HeapConcurrencyTest {
    static final RelFileLocator REL = RelFileLocator.of(5, 16390);
    static final HeapRelation T = HeapRelation.of(16390, "public", "t", REL,
            List.of(new TableColumn("id", 23, -1, false, null, false), new TableColumn("v", 25, -1, false, null, false)),
            null);

    @TempDir
    Path dir;
    StorageFixture fixture;
    /** One single-thread executor per "process". */
    final List<Proc> procs = new ArrayList<>();

    /** A process: a thread with its own storage, a transaction manager and a table handle. */
    final class Proc implements AutoCloseable {
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        TransactionManager tm;
        HeapTable t;

        Proc(int pid, String isolation) throws Exception {
            thread.submit(() -> {
                ProcessStorage ps = fixture.attach(pid);
                ps.locks().setTimeouts(200, 0);
                tm = new TransactionManager(ps, () -> isolation);
                t = new HeapTable(T, tm);
                return null;
            }).get();
            procs.add(this);
        }

        <V> V run(Callable<V> c) throws Exception {
            try {
                return thread.submit(c).get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception ex) throw ex;
                throw e;
            }
        }

        <V> Future<V> start(Callable<V> c) {
            return thread.submit(c);
        }

        /** One statement: begin if needed, body, CCI + end of statement. */
        <V> V stmt(Callable<V> c) throws Exception {
            return run(() -> {
                tm.begin();
                V v = c.call();
                tm.commandCounterIncrement();
                tm.endStatement();
                return v;
            });
        }

        Map<Integer, String> rows() throws Exception {
            return stmt(() -> {
                Map<Integer, String> m = new java.util.TreeMap<>();
                try (TableScan s = t.openTableScan(null)) {
                    Object[] r;
                    while ((r = s.next()) != null) m.put((Integer) r[0], (String) r[1]);
                }
                return m;
            });
        }

        long find(int id) throws Exception {
            return stmt(() -> {
                try (TableScan s = t.openTableScan(null)) {
                    Object[] r;
                    while ((r = s.next()) != null) if ((Integer) r[0] == id) return s.ctid();
                }
                return -1L;
            });
        }

        @Override
        public void close() {
            try {
                thread.submit(() -> {
                    tm.storage().releaseAfterError();
                    tm.abort();
                    return null;
                }).get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
            }
            thread.shutdownNow();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        fixture = StorageFixture.create(dir, 16);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Proc p : procs) p.close();
        fixture.close();
    }

    private Proc seeded(int n) throws Exception {
        Proc a = new Proc(1001, "read committed");
        a.run(() -> {
            a.tm.begin();
            RelationStorage.create(a.tm, REL);
            for (int i = 1; i <= n; i++) a.t.insert(new Object[]{i, "v" + i});
            a.tm.commit();
            return null;
        });
        return a;
    }

    @Test
    void visibilityAcrossProcessesAndSavepoints() throws Exception {
        Proc a = seeded(3);
        Proc b = new Proc(1002, "read committed");
        assertEquals(Map.of(1, "v1", 2, "v2", 3, "v3"), b.rows());
        b.run(() -> { b.tm.commit(); return null; });

        a.stmt(() -> a.t.insert(new Object[]{4, "v4"}));              // a's open transaction
        assertEquals(3, b.rows().size(), "uncommitted insert is invisible to others");
        b.run(() -> { b.tm.commit(); return null; });
        assertEquals(4, a.rows().size(), "own earlier command's insert is visible");

        a.run(() -> { a.tm.beginSubtransaction(); return null; });
        a.stmt(() -> a.t.insert(new Object[]{5, "v5"}));
        a.run(() -> { a.tm.abortSubtransaction(); return null; });     // ROLLBACK TO
        a.run(() -> { a.tm.beginSubtransaction(); return null; });
        a.stmt(() -> a.t.insert(new Object[]{6, "v6"}));
        a.run(() -> { a.tm.commitSubtransaction(); return null; });    // RELEASE
        assertEquals(Set.of(1, 2, 3, 4, 6), a.rows().keySet());
        a.run(() -> { a.tm.commit(); return null; });
        assertEquals(Set.of(1, 2, 3, 4, 6), b.rows().keySet());
        b.run(() -> { b.tm.commit(); return null; });
    }

    @Test
    void readCommittedFollowsUpdateAndRepeatableReadFails() throws Exception {
        Proc a = seeded(2);
        Proc b = new Proc(1002, "read committed");
        Proc c = new Proc(1003, "repeatable read");
        long ctid = b.find(1);
        c.rows();                                                       // c's snapshot is taken now
        long cCtid = c.find(1);
        long aCtid = a.find(1);
        a.stmt(() -> a.t.update(aCtid, new Object[]{1, "a-new"}));
        // b tries to update the row a is updating: waits for a's commit, then gets the new version
        Future<ModifyResult> bUpd = b.start(() -> {
            b.tm.begin();
            return b.t.update(ctid, new Object[]{1, "b-new"});
        });
        Thread.sleep(150);
        assertFalse(bUpd.isDone(), "b must wait for a");
        a.run(() -> { a.tm.commit(); return null; });
        ModifyResult r = bUpd.get(10, TimeUnit.SECONDS);
        ModifyResult.ConcurrentlyUpdated cu = assertInstanceOf(ModifyResult.ConcurrentlyUpdated.class, r);
        assertEquals("a-new", cu.newValues()[1]);
        ModifyResult again = b.run(() -> b.t.update(cu.newCtid(), new Object[]{1, "b-new"}));
        assertInstanceOf(ModifyResult.Done.class, again);
        b.run(() -> { b.tm.commandCounterIncrement(); b.tm.endStatement(); b.tm.commit(); return null; });
        assertEquals("b-new", a.rows().get(1));
        a.run(() -> { a.tm.commit(); return null; });

        PgException e = assertThrows(PgException.class,
                () -> c.stmt(() -> c.t.update(cCtid, new Object[]{1, "c"})));
        assertEquals("40001", e.sqlState().code());
        assertEquals("could not serialize access due to concurrent update", e.getMessage());
        c.run(() -> { c.tm.abort(); return null; });
    }

    @Test
    void deleteWaitsThenSeesDeleteAndDeadlockIsDetected() throws Exception {
        Proc a = seeded(2);
        Proc b = new Proc(1002, "read committed");
        long r1 = a.find(1), r2 = a.find(2);
        a.run(() -> { a.tm.commit(); return null; });
        a.stmt(() -> a.t.delete(r1));
        Future<ModifyResult> bDel = b.start(() -> { b.tm.begin(); return b.t.delete(r1); });
        Thread.sleep(100);
        assertFalse(bDel.isDone());
        a.run(() -> { a.tm.commit(); return null; });
        assertInstanceOf(ModifyResult.ConcurrentlyDeleted.class, bDel.get(10, TimeUnit.SECONDS));
        b.run(() -> { b.tm.commit(); return null; });

        // deadlock: a updates r2 ... b inserts+updates its own row, then each waits for the other
        long r3 = b.stmt(() -> b.t.insert(new Object[]{3, "v3"}));
        b.run(() -> { b.tm.commit(); return null; });
        a.stmt(() -> a.t.update(r2, new Object[]{2, "a"}));
        b.stmt(() -> b.t.update(r3, new Object[]{3, "b"}));
        Future<ModifyResult> aWaits = a.start(() -> a.t.update(r3, new Object[]{3, "a"}));
        Thread.sleep(50);
        Future<ModifyResult> bWaits = b.start(() -> b.t.update(r2, new Object[]{2, "b"}));
        int deadlocks = 0;
        for (Future<ModifyResult> f : List.of(aWaits, bWaits)) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException ex) {
                PgException pe = assertInstanceOf(PgException.class, ex.getCause());
                assertEquals("40P01", pe.sqlState().code());
                deadlocks++;
                Proc loser = f == aWaits ? a : b;
                loser.run(() -> { loser.tm.storage().releaseAfterError(); loser.tm.abort(); return null; });
            }
        }
        assertEquals(1, deadlocks);
    }

    @Test
    void moreDataThanTheBufferPoolAndCrashRedo() throws Exception {
        Proc a = seeded(0);
        int n = 3000;
        a.run(() -> {
            a.tm.begin();
            for (int i = 1; i <= n; i++) a.t.insert(new Object[]{i, "row " + i + " " + "x".repeat(40)});
            a.tm.commit();
            return null;
        });
        assertEquals(n, a.rows().size(), () -> { try { return a.run(() -> "nblocks " + a.tm.storage().smgr().nblocks(REL, org.pgjava.backend.storage.ForkNumber.MAIN) + " target " + a.tm.storage().targetBlock(REL) + " inTx " + a.tm.inTransaction()); } catch (Exception e) { return e.toString(); } });
        a.run(() -> { a.tm.commit(); return null; });
        long lastDelete = a.find(7);
        a.run(() -> { a.tm.commit(); return null; });
        a.stmt(() -> a.t.delete(lastDelete));
        long r8 = a.find(8);
        a.stmt(() -> a.t.update(r8, new Object[]{8, "updated"}));
        a.run(() -> { a.tm.commit(); return null; });
        // an uncommitted transaction whose WAL is flushed by a later commit of another process
        Proc b = new Proc(1002, "read committed");
        b.stmt(() -> b.t.insert(new Object[]{-1, "uncommitted"}));
        a.stmt(() -> a.t.insert(new Object[]{-2, "committed"}));
        a.run(() -> { a.tm.commit(); return null; });
        long lastXidBeforeCrash = a.tm.lastCommittedXid();
        // crash: the segment (buffer pool, WAL buffers, clog buffers) is gone without writing anything
        for (Proc p : procs) p.thread.shutdownNow();
        procs.clear();
        Path data = fixture.dataDirectory();
        fixture.close();
        // keep pg_xact: it is written only at checkpoints / evictions, and replay rebuilds the statuses
        fixture = StorageFixture.restart(dir, 16, 2);
        ExecutorService startup = Executors.newSingleThreadExecutor();
        try {
            startup.submit(() -> {
                ProcessStorage ps = fixture.attach(900);
                ps.transactionState().initialize(3, 10000);
                Recovery.Result res = Recovery.replay(ps.walSegments(), ps.walSegments().segmentStart(1),
                        RedoHandlers.forProcess(ps), new BufferRedoBlockAccess(ps.buffers()));
                assertTrue(res.records() > n);
                ps.wal().startAfterRecovery(res.endOfWal(), res.lastRecordLsn());
                ps.buffers().flushAllDirty();
                return null;
            }).get(60, TimeUnit.SECONDS);
        } finally {
            startup.shutdownNow();
        }
        Proc c = new Proc(1003, "read committed");
        Map<Integer, String> rows = c.rows();
        assertEquals(n - 1 + 1, rows.size());
        assertFalse(rows.containsKey(7));
        assertEquals("updated", rows.get(8));
        assertEquals("committed", rows.get(-2));
        assertFalse(rows.containsKey(-1), "the crashed transaction's row is invisible");
        long xid = c.run(() -> { c.tm.begin(); c.t.insert(new Object[]{-3, "after"}); long x = c.tm.topXid(); c.tm.commit(); return x; });
        assertEquals(lastXidBeforeCrash + 1, xid, "xids continue after the replayed ones");
    }
}
