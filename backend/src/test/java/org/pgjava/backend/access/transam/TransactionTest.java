package org.pgjava.backend.access.transam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.storage.lmgr.LockManager;
import org.pgjava.backend.storage.lmgr.XactFixture;
import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTag;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.xact.TransactionState;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Xid assignment, snapshots, transaction end and the oracle. Slots 0..2 stand for three backends. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransactionTest {
    @TempDir
    Path dir;

    private static final Runnable NONE = () -> { };

    @Test
    void xidComparisonsWrapAround() {
        assertTrue(TransactionIds.precedes(100, 200));
        assertTrue(TransactionIds.precedes(0xFFFF_FFF0L, 5), "5 is after the wrap");
        assertFalse(TransactionIds.precedes(5, 0xFFFF_FFF0L));
        assertTrue(TransactionIds.precedes(3, 3 + 0x7FFF_FFFFL));
        assertTrue(TransactionIds.precedes(3, 3 + 0x8000_0000L), "exactly 2^31 away: (int32) diff is negative");
        assertFalse(TransactionIds.precedes(3, 3 + 0x8000_0001L), "more than half the space away counts as older");
        assertTrue(TransactionIds.precedes(3 + 0x8000_0001L, 3));
        assertTrue(TransactionIds.precedes(TransactionIds.FROZEN, 0xFFFF_FFF0L), "special xids compare by value");
        assertEquals(TransactionIds.FIRST_NORMAL, TransactionIds.advance(0xFFFF_FFFFL));
        Snapshot s = new Snapshot(0xFFFF_FFF0L, 10, new long[]{0xFFFF_FFF5L, 4}, 0);
        assertTrue(s.xidInProgress(0xFFFF_FFF5L));
        assertTrue(s.xidInProgress(4));
        assertFalse(s.xidInProgress(0xFFFF_FFF6L));
        assertFalse(s.xidInProgress(0xFFFF_FF00L));
        assertTrue(s.xidInProgress(10));
    }

    @Test
    void fullXidsSkipSpecialValuesAtAnEpochBoundary() throws Exception {
        try (XactFixture f = new XactFixture(dir, 0xFFFF_FFFEL)) {
            XactFixture.View v = f.view(0);
            assertEquals(0xFFFF_FFFEL, v.assigner.assign(0, false));
            assertEquals(0xFFFF_FFFFL, v.assigner.assign(1, false));
            assertEquals(0x1_0000_0003L, v.assigner.assign(2, false));
            assertEquals(3, v.procArray.xidOf(2), "the 32-bit xid is published");
            assertEquals(0x1_0000_0004L, v.state.nextFullXid());
        }
    }

    @Test
    void snapshotsSeeRunningTransactionsAndCommitsInOrder() throws Exception {
        try (XactFixture f = new XactFixture(dir, 100)) {
            XactFixture.View v = f.view(0);
            CurrentTransaction a = v.transaction(0, v.lockManager(0, NONE));
            CurrentTransaction b = v.transaction(1, v.lockManager(1, NONE));
            CurrentTransaction c = v.transaction(2, v.lockManager(2, NONE));
            assertEquals(100, a.assignXid());
            assertEquals(101, b.assignXid());
            Snapshot s0 = c.snapshot(0);
            assertEquals(100, s0.xmax(), "latestCompletedXid + 1 after startup");
            assertEquals(100, s0.xmin());
            assertEquals(0, s0.xip().length);
            assertTrue(s0.xidInProgress(100) && s0.xidInProgress(101));
            assertEquals(100, v.procArray.xminOf(2), "the snapshot set the process's xmin");

            assertEquals(102, c.assignXid());
            c.commit(0);
            assertEquals(0, v.procArray.xidOf(2));
            assertEquals(0, v.procArray.xminOf(2));
            Snapshot s1 = b.snapshot(0);
            assertEquals(103, s1.xmax());
            assertArrayEquals(new long[]{100}, s1.xip(), "own xid 101 is not listed");
            assertEquals(100, s1.xmin());
            assertFalse(s1.xidInProgress(102));
            assertTrue(b.didCommit(102));
            assertTrue(b.isInProgress(100));
            assertTrue(b.isInProgress(101) && b.isCurrentTransaction(101));
            assertFalse(b.isCurrentTransaction(100));
            assertFalse(b.isInProgress(102));

            assertEquals(100, v.procs.oldestNonRemovableXid());
            a.abort();
            assertTrue(v.clog.didAbort(100));
            assertFalse(b.isInProgress(100));
            assertEquals(100, v.procs.oldestNonRemovableXid(), "b's snapshot xmin still holds 100 back");
            v.procs.clearXmin(1);
            assertEquals(101, v.procs.oldestNonRemovableXid());
            Snapshot s2 = v.transaction(3, v.lockManager(3, NONE)).snapshot(0);
            assertArrayEquals(new long[]{101}, s2.xip());
            assertEquals(101, s2.xmin());
            b.commit(0);
            assertEquals(101, v.procs.oldestNonRemovableXid(), "slot 3's snapshot xmin");
            v.procs.clearXmin(3);
            assertEquals(103, v.procs.oldestNonRemovableXid());
        }
    }

    @Test
    void subtransactionsAreListedAbortedAndCommittedWithTheirParent() throws Exception {
        try (XactFixture f = new XactFixture(dir, 100)) {
            XactFixture.View v = f.view(0);
            LockManager lm = v.lockManager(0, NONE);
            CurrentTransaction a = v.transaction(0, lm);
            CurrentTransaction other = v.transaction(1, v.lockManager(1, NONE));
            a.beginSubtransaction();
            assertEquals(101, a.assignXid(), "the parent gets its xid first");
            assertEquals(100, a.topXid());
            a.beginSubtransaction();
            assertEquals(102, a.assignXid());
            assertEquals(103, other.assignXid());
            other.commit(0);
            Snapshot s = v.transaction(2, v.lockManager(2, NONE)).snapshot(0);
            assertArrayEquals(new long[]{100, 101, 102}, s.xip());
            assertEquals(100, v.procs.topmostParent(102));
            assertTrue(lm.holds(LockTag.transaction(102), LockMode.EXCLUSIVE));

            a.abortSubtransaction();       // 102 aborted, its xid lock released
            assertTrue(v.clog.didAbort(102));
            assertFalse(lm.holds(LockTag.transaction(102), LockMode.EXCLUSIVE));
            assertFalse(a.isCurrentTransaction(102));
            assertFalse(v.procs.isInProgress(102));
            assertEquals(0, v.procs.topmostParent(102));
            a.commitSubtransaction();      // 101 becomes part of the top transaction
            assertArrayEquals(new long[]{101}, a.committedSubxids());
            assertTrue(a.isCurrentTransaction(101));
            assertTrue(v.procs.isInProgress(101));
            a.commit(0);
            assertTrue(v.clog.didCommit(100) && v.clog.didCommit(101));
            assertTrue(v.clog.didAbort(102));
            assertEquals(0, v.state.subxidCount(0));
            assertEquals(0, lm.heldLockCount());
            assertEquals(104, v.state.latestCompletedFullXid() + 1);
        }
    }

    @Test
    void sixtyFifthSubxidIsRefused() throws Exception {
        try (XactFixture f = new XactFixture(dir, 100)) {
            XactFixture.View v = f.view(0);
            for (int i = 0; i < TransactionState.MAX_CACHED_SUBXIDS; i++) v.assigner.assign(0, true);
            PgException e = assertThrows(PgException.class, () -> v.assigner.assign(0, true));
            assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
            assertEquals(100 + TransactionState.MAX_CACHED_SUBXIDS, v.state.nextFullXid(), "no xid consumed");
        }
    }

    @Test
    void aSnapshotWaitsForATransactionEndInProgress() throws Exception {
        try (XactFixture f = new XactFixture(dir, 100)) {
            XactFixture.View v = f.view(0);
            CurrentTransaction a = v.transaction(0, v.lockManager(0, NONE));
            a.assignXid();
            // a transaction end half done: xid cleared, latestCompletedXid not yet advanced
            v.state.procArrayLock().acquire(LWLockMode.EXCLUSIVE);
            v.procArray.setXid(0, 0);
            CompletableFuture<Snapshot> snap = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    XactFixture.View other = f.view(1);
                    snap.complete(other.procs.takeSnapshot(1, 0, 0));
                } catch (Throwable e) {
                    snap.completeExceptionally(e);
                }
            });
            t.start();
            Thread.sleep(150);
            assertFalse(snap.isDone(), "the snapshot must wait for ProcArrayLock");
            v.clog.setCommitted(100, new long[0], 0);
            v.state.advanceLatestCompleted(100);
            v.state.procArrayLock().release();
            Snapshot s = snap.get(5, TimeUnit.SECONDS);
            assertEquals(101, s.xmax());
            assertFalse(s.xidInProgress(100), "seen as completed, consistently");
        }
    }

    @Test
    void oidsWrapToTheFloor() throws Exception {
        try (XactFixture f = new XactFixture(dir, 100)) {
            TransactionState st = f.view(0).state;
            assertEquals(16384, st.allocateOid(16384));
            assertEquals(16385, st.allocateOid(16384));
            st.initialize(100, 0xFFFF_FFFFL);
            assertEquals(0xFFFF_FFFFL, st.allocateOid(16384));
            assertEquals(16384, st.allocateOid(16384), "wrapped");
        }
    }
}
