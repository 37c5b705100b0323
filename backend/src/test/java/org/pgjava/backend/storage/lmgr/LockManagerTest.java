package org.pgjava.backend.storage.lmgr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTag;
import org.pgjava.shmem.status.WaitEvent;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The heavyweight lock manager within one JVM: threads stand for processes, each with its own LWLock owner. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockManagerTest {
    @TempDir
    Path dir;

    private static final Runnable NO_INTERRUPT = () -> { };

    /** PostgreSQL 15's conflict table as the documentation prints it (X = conflict), rows/columns 1..8. */
    private static final String[] PG_TABLE = {
            ".......X",
            "......XX",
            "....XXXX",
            "...XXXXX",
            "..XX.XXX",
            "..XXXXXX",
            ".XXXXXXX",
            "XXXXXXXX",
    };

    @Test
    void conflictTableMatchesPostgres() {
        for (LockMode a : LockMode.values()) {
            for (LockMode b : LockMode.values()) {
                boolean expected = PG_TABLE[a.code() - 1].charAt(b.code() - 1) == 'X';
                assertEquals(expected, a.conflictsWith(b), a + " vs " + b);
                assertEquals(a.conflictsWith(b), b.conflictsWith(a), "symmetric");
            }
        }
        assertEquals("ShareUpdateExclusiveLock", LockMode.SHARE_UPDATE_EXCLUSIVE.lockName());
    }

    @Test
    void everyPairOfModesBehavesAsTheTableSays() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            XactFixture.View v = f.view(0);
            LockManager a = v.lockManager(0, NO_INTERRUPT);
            LockManager b = v.lockManager(1, NO_INTERRUPT);
            LockTag rel = LockTag.relation(5, 16384);
            for (LockMode ma : LockMode.values()) {
                for (LockMode mb : LockMode.values()) {
                    a.lock(rel, ma);
                    assertEquals(!ma.conflictsWith(mb), b.tryLock(rel, mb), ma + " held, " + mb + " asked");
                    if (!ma.conflictsWith(mb)) assertTrue(b.release(rel, mb));
                    assertTrue(a.release(rel, ma));
                    assertEquals(0, a.heldLockCount());
                }
            }
            // own locks never conflict with each other
            a.lock(rel, LockMode.ACCESS_EXCLUSIVE);
            assertTrue(a.tryLock(rel, LockMode.ACCESS_SHARE));
            assertTrue(a.tryLock(rel, LockMode.ACCESS_EXCLUSIVE));
            a.releaseAll();
            assertEquals(0, a.heldLockCount());
            assertTrue(b.tryLock(rel, LockMode.ACCESS_EXCLUSIVE));
            assertFalse(a.release(rel, LockMode.SHARE), "not held");
            b.releaseAll();
        }
    }

    @Test
    void nowaitMessageAndMarks() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            XactFixture.View v = f.view(0);
            LockManager a = v.lockManager(0, NO_INTERRUPT);
            LockManager b = v.lockManager(1, NO_INTERRUPT);
            LockTag t1 = LockTag.relation(5, 1), t2 = LockTag.relation(5, 2);
            a.lock(t1, LockMode.ROW_EXCLUSIVE);
            int mark = a.mark();
            a.lock(t2, LockMode.ACCESS_EXCLUSIVE);
            a.lock(t1, LockMode.ROW_EXCLUSIVE);
            PgException e = assertThrows(PgException.class,
                    () -> b.lockNoWait(t2, LockMode.ACCESS_SHARE, "relation \"t\""));
            assertEquals(SqlState.LOCK_NOT_AVAILABLE, e.sqlState());
            assertEquals("could not obtain lock on relation \"t\"", e.getMessage());
            a.releaseToMark(mark);
            assertTrue(a.holds(t1, LockMode.ROW_EXCLUSIVE));
            assertFalse(a.holds(t2, LockMode.ACCESS_EXCLUSIVE));
            assertTrue(b.tryLock(t2, LockMode.ACCESS_EXCLUSIVE));
            assertFalse(b.tryLock(t1, LockMode.SHARE), "t1 still held RowExclusive once");
            a.releaseAll();
            assertTrue(b.tryLock(t1, LockMode.SHARE));
        }
    }

    @Test
    void tagDescriptions() {
        assertEquals("transaction 743", LockTag.transaction(743).describe());
        assertEquals("relation 16384 of database 5", LockTag.relation(5, 16384).describe());
        assertEquals("tuple (0,1) of relation 16384 of database 5", LockTag.tuple(5, 16384, 0, 1).describe());
        assertEquals("transaction 4294967295", LockTag.transaction(0xFFFF_FFFFL).describe());
    }

    /** Runs {@code body} in a new thread with its own view (LWLock owner) on wait slot {@code slot}. */
    private static CompletableFuture<Void> inThread(XactFixture f, int slot, ThrowingConsumer body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                body.accept(f.view(slot));
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return done;
    }

    interface ThrowingConsumer {
        void accept(XactFixture.View v) throws Exception;
    }

    private static void awaitWaiting(XactFixture.View v, int slot) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (v.lockTable.waitStatus(slot) != org.pgjava.shmem.lmgr.LockTable.WAITING) {
            if (System.nanoTime() > deadline) fail("slot " + slot + " never waited");
            Thread.sleep(2);
        }
    }

    @Test
    void waiterIsWokenByReleaseAndNewcomerQueuesBehindConflictingWaiter() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            XactFixture.View v = f.view(0);
            LockManager a = v.lockManager(0, NO_INTERRUPT);
            LockManager c = v.lockManager(2, NO_INTERRUPT);
            LockTag rel = LockTag.relation(5, 7);
            a.lock(rel, LockMode.SHARE);
            CountDownLatch granted = new CountDownLatch(1);
            CompletableFuture<Void> b = inThread(f, 1, vb -> {
                LockManager m = vb.lockManager(1, NO_INTERRUPT);
                m.lock(rel, LockMode.EXCLUSIVE);
                granted.countDown();
                m.releaseAll();
            });
            awaitWaiting(v, 1);
            // a Share request does not conflict with the holder but does with the queued Exclusive waiter
            assertFalse(c.tryLock(rel, LockMode.SHARE));
            assertFalse(granted.await(100, TimeUnit.MILLISECONDS));
            a.release(rel, LockMode.SHARE);
            assertTrue(granted.await(5, TimeUnit.SECONDS));
            b.get(5, TimeUnit.SECONDS);
            assertTrue(c.tryLock(rel, LockMode.SHARE));
        }
    }

    @Test
    void waitEventIsPublishedWhileWaiting() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            XactFixture.View v = f.view(0);
            LockManager a = v.lockManager(0, NO_INTERRUPT);
            a.lock(LockTag.transaction(100), LockMode.EXCLUSIVE);
            CompletableFuture<Void> b = inThread(f, 1, vb -> {
                LockManager m = vb.lockManager(1, NO_INTERRUPT);
                m.lock(LockTag.transaction(100), LockMode.SHARE);
                m.releaseAll();
            });
            awaitWaiting(v, 1);
            // the ProcArray wait-event word of slot 1 (read raw: no pid claimed in this test)
            long deadline = System.nanoTime() + 2_000_000_000L;
            WaitEvent seen = null;
            while (seen == null && System.nanoTime() < deadline) {
                seen = waitEventOf(v, 1);
            }
            assertEquals(WaitEvent.LOCK_TRANSACTIONID, seen);
            assertEquals("Lock", seen.type().text());
            assertEquals("transactionid", seen.text());
            a.releaseAll();
            b.get(5, TimeUnit.SECONDS);
            assertNull(waitEventOf(v, 1));
        }
    }

    private static WaitEvent waitEventOf(XactFixture.View v, int slot) {
        var entry = v.procArray.read(slot);
        return WaitEvent.of(entry.waitEventType(), entry.waitEventId());
    }

    @Test
    void lockTimeoutAndInterruptWithdrawTheWait() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            XactFixture.View v = f.view(0);
            LockManager a = v.lockManager(0, NO_INTERRUPT);
            LockTag rel = LockTag.relation(5, 9);
            a.lock(rel, LockMode.ACCESS_EXCLUSIVE);
            AtomicReference<PgException> timeout = new AtomicReference<>();
            inThread(f, 1, vb -> {
                LockManager m = vb.lockManager(1, NO_INTERRUPT);
                m.setTimeouts(10_000, 200);
                long t0 = System.nanoTime();
                try {
                    m.lock(rel, LockMode.ACCESS_SHARE);
                } catch (PgException e) {
                    timeout.set(e);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 190 && ms < 3000, "waited " + ms + " ms");
                assertEquals(0, m.heldLockCount());
            }).get(10, TimeUnit.SECONDS);
            assertEquals(SqlState.LOCK_NOT_AVAILABLE, timeout.get().sqlState());
            assertEquals("canceling statement due to lock timeout", timeout.get().getMessage());

            AtomicBoolean cancel = new AtomicBoolean();
            CompletableFuture<Void> b = inThread(f, 1, vb -> {
                LockManager m = vb.lockManager(1, () -> {
                    if (cancel.get()) {
                        throw PgException.error(SqlState.QUERY_CANCELED, "canceling statement due to user request");
                    }
                });
                PgException e = assertThrows(PgException.class, () -> m.lock(rel, LockMode.SHARE));
                assertEquals(SqlState.QUERY_CANCELED, e.sqlState());
                assertEquals(0, m.heldLockCount());
            });
            awaitWaiting(v, 1);
            long t0 = System.nanoTime();
            cancel.set(true);
            b.get(5, TimeUnit.SECONDS);
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000, "cancel seen within the 100 ms poll");
            a.releaseAll();
            // nothing left behind: another process takes the strongest mode at once
            LockManager c = v.lockManager(2, NO_INTERRUPT);
            assertTrue(c.tryLock(rel, LockMode.ACCESS_EXCLUSIVE));
        }
    }

    @Test
    void deadlockBetweenTwoThreadsIsDetectedByExactlyOne() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            LockTag x1 = LockTag.transaction(501), x2 = LockTag.transaction(502);
            CountDownLatch bothHold = new CountDownLatch(2);
            AtomicReference<PgException> e1 = new AtomicReference<>(), e2 = new AtomicReference<>();
            CompletableFuture<Void> p1 = inThread(f, 0, v -> deadlockSide(v, 0, x1, x2, bothHold, e1));
            CompletableFuture<Void> p2 = inThread(f, 1, v -> deadlockSide(v, 1, x2, x1, bothHold, e2));
            p1.get(10, TimeUnit.SECONDS);
            p2.get(10, TimeUnit.SECONDS);
            assertTrue(e1.get() == null ^ e2.get() == null, "exactly one deadlock error: " + e1 + " " + e2);
            PgException e = e1.get() != null ? e1.get() : e2.get();
            assertEquals(SqlState.DEADLOCK_DETECTED, e.sqlState());
            assertEquals("deadlock detected", e.getMessage());
            assertEquals("See server log for query details.", e.hint());
            int me = e1.get() != null ? 1000 : 1001, other = e1.get() != null ? 1001 : 1000;
            long mine = e1.get() != null ? 502 : 501, theirs = e1.get() != null ? 501 : 502;
            assertEquals("Process " + me + " waits for ShareLock on transaction " + mine + "; blocked by process "
                    + other + ".\nProcess " + other + " waits for ShareLock on transaction " + theirs
                    + "; blocked by process " + me + ".", e.detail());
        }
    }

    private static void deadlockSide(XactFixture.View v, int slot, LockTag own, LockTag other, CountDownLatch bothHold,
                                     AtomicReference<PgException> error) throws Exception {
        LockManager m = v.lockManager(slot, NO_INTERRUPT);
        m.setTimeouts(200, 0);
        m.lock(own, LockMode.EXCLUSIVE);
        bothHold.countDown();
        bothHold.await();
        try {
            m.lock(other, LockMode.SHARE);
        } catch (PgException e) {
            error.set(e);
        }
        m.releaseAll();
    }
}
