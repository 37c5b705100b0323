package org.pgjava.backend.storage.lmgr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.access.transam.CurrentTransaction;
import org.pgjava.shmem.atomic.SharedAtomics;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.pgjava.backend.storage.lmgr.XactFixture.*;

/** The lock manager across child JVMs mapping one segment, as backends do. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockCrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void oppositeOrderDeadlockAbortsExactlyOneAfterDeadlockTimeout() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            f.start(LockChildMain.class, "deadlock", "0", dir.toString(), "1");
            f.start(LockChildMain.class, "deadlock", "1", dir.toString(), "0");
            f.awaitAttachedThenGo(2, 30_000);
            f.awaitChildrenSucceed(30);
            assertEquals(1, SharedAtomics.getLong(f.words(), DEADLOCKS), f.logsText());
            assertEquals(1, SharedAtomics.getLong(f.words(), SUCCESSES), "the survivor got its lock");
            long waited = Math.max(SharedAtomics.getLong(f.words(), 64), SharedAtomics.getLong(f.words(), 72));
            assertTrue(waited >= 950 && waited < 10_000, "detected after ~deadlock_timeout: " + waited + " ms");
            assertTrue(f.logsText().contains("waits for ShareLock on transaction 50"), f.logsText());
        }
    }

    @Test
    void waitersOnATransactionWakeWhenItCommits() throws Exception {
        try (XactFixture f = new XactFixture(dir, 1000)) {
            XactFixture.View v = f.view(0);
            CurrentTransaction t = v.transaction(0, v.lockManager(0, () -> { }));
            long xid = t.assignXid();
            f.start(LockChildMain.class, "xactwait", "1", dir.toString(), Long.toString(xid));
            f.start(LockChildMain.class, "xactwait", "2", dir.toString(), Long.toString(xid));
            f.awaitAttachedThenGo(2, 30_000);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (v.lockTable.waitStatus(1) != org.pgjava.shmem.lmgr.LockTable.WAITING
                    || v.lockTable.waitStatus(2) != org.pgjava.shmem.lmgr.LockTable.WAITING) {
                assertTrue(System.nanoTime() < deadline, "children never waited: " + f.logsText());
                Thread.sleep(5);
            }
            Thread.sleep(200);
            assertEquals(0, SharedAtomics.getLong(f.words(), SUCCESSES), "nobody passes a running transaction");
            t.commit(0);
            f.awaitChildrenSucceed(30);
            assertEquals(2, SharedAtomics.getLong(f.words(), SUCCESSES));
        }
    }

    @Test
    void churnLosesNoWakeupAndNoUpdate() throws Exception {
        int children = 4, iterations = 1500;
        try (XactFixture f = new XactFixture(dir, 3)) {
            for (int i = 0; i < children; i++) {
                f.start(LockChildMain.class, "churn", Integer.toString(i), dir.toString(), Integer.toString(iterations));
            }
            f.awaitAttachedThenGo(children, 30_000);
            f.awaitChildrenSucceed(60);
            assertEquals((long) children * iterations, f.words().get(java.lang.foreign.ValueLayout.JAVA_LONG, COUNTER));
            // the table is empty again: another process gets the strongest lock without waiting
            LockManager m = f.view(6).lockManager(6, () -> { });
            assertTrue(m.tryLock(org.pgjava.shmem.lmgr.LockTag.relation(5, 42),
                    org.pgjava.shmem.lmgr.LockMode.ACCESS_EXCLUSIVE));
        }
    }
}
