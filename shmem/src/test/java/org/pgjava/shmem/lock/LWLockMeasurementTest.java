package org.pgjava.shmem.lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.atomic.SharedAtomicLong;
import org.pgjava.shmem.segment.CrossProcessFixture;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pgjava.shmem.segment.CrossProcessFixture.*;

/**
 * Prints (does not assert) the uncontended cost of the primitives on a real file mapping, for
 * docs/shmem/README.md. The cross-process wake latency is printed by
 * {@link LWLockCrossProcessTest#sleepingWaiterInAnotherProcessIsWokenByRelease()}.
 */
class LWLockMeasurementTest {
    @TempDir
    Path dir;

    @Test
    void uncontendedCosts() throws Exception {
        try (CrossProcessFixture f = new CrossProcessFixture(dir)) {
            LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(f.segment().region(WAIT_SLOTS)), 0);
            LWLock lock = new LWLockArray(f.segment().region(LOCKS), "test", owner).get(0);
            Spinlock spin = new Spinlock(f.words(), SPINLOCK, "s");
            SharedAtomicLong counter = new SharedAtomicLong(f.words(), ATOMIC_ADD);
            int n = 2_000_000;
            for (int round = 0; round < 3; round++) {      // the last round is the warm one
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    lock.acquire(LWLockMode.EXCLUSIVE);
                    lock.release();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    lock.acquire(LWLockMode.SHARED);
                    lock.release();
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    spin.acquire();
                    spin.release();
                }
                long t3 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    counter.getAndAdd(1);
                }
                long t4 = System.nanoTime();
                if (round == 2) {
                    System.out.printf("uncontended, per operation: LWLock exclusive acquire+release %.1f ns, "
                                    + "shared acquire+release %.1f ns, spinlock acquire+release %.1f ns, "
                                    + "getAndAdd %.1f ns%n", (t1 - t0) / (double) n, (t2 - t1) / (double) n,
                            (t3 - t2) / (double) n, (t4 - t3) / (double) n);
                }
            }
            assertEquals(3L * n, counter.get());
            assertEquals(0, owner.heldCount());
        }
    }

    @Test
    void contendedThroughputOfTwoProcesses() throws Exception {
        int children = 2;
        int iterations = 200_000;
        try (CrossProcessFixture f = new CrossProcessFixture(dir)) {
            for (int i = 0; i < children; i++) {
                f.start(LockChildMain.class, "hammer", String.valueOf(i + 1), String.valueOf(iterations));
            }
            f.awaitAttachedThenGo(children, 30_000);
            long start = System.nanoTime();
            f.awaitChildrenSucceed(60);
            long elapsed = System.nanoTime() - start;
            assertEquals((long) children * iterations, f.words().get(java.lang.foreign.ValueLayout.JAVA_LONG, SPIN_COUNTER));
            System.out.printf("contended: %d processes x %d exclusive acquire+increment+release on one LWLock: "
                            + "%.0f ns per hold (includes the JVMs' exit)%n", children, iterations,
                    elapsed / (double) (children * iterations));
        }
    }
}
