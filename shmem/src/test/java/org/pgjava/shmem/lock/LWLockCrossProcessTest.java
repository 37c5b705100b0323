package org.pgjava.shmem.lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.segment.CrossProcessFixture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;
import static org.pgjava.shmem.segment.CrossProcessFixture.*;

/**
 * LWLocks and spinlocks across real processes: child JVMs ({@link LockChildMain}) attach the segment this
 * JVM creates and hammer it.
 */
// a lock bug shows as a hang: fail instead (the blocked thread cannot be interrupted, so run apart)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LWLockCrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void exclusiveIncrementsLoseNothingAndReadersSeeConsistentPairs() throws Exception {
        int writers = 4;
        int iterations = 5_000;
        try (CrossProcessFixture f = new CrossProcessFixture(dir)) {
            for (int i = 0; i < writers; i++) {
                f.start(LockChildMain.class, "increment", String.valueOf(i + 1), String.valueOf(iterations));
            }
            Process r1 = f.start(LockChildMain.class, "reader", "10", "0");
            Process r2 = f.start(LockChildMain.class, "reader", "11", "0");
            f.awaitAttachedThenGo(writers + 2, 30_000);
            long started = System.nanoTime();
            MemorySegment w = f.words();
            long deadline = System.currentTimeMillis() + 60_000;
            while (SharedAtomics.getLong(w, COUNTER_B) < (long) writers * iterations
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            long elapsed = System.nanoTime() - started;
            SharedAtomics.setLong(w, STOP, 1);
            f.awaitChildrenSucceed(30);
            System.out.printf("LWLock contended: %d processes x %d exclusive increments (2 shared readers "
                    + "alongside) in %.0f ms, %.1f µs per exclusive hold%n", writers, iterations, elapsed / 1e6,
                    elapsed / 1e3 / (writers * iterations));
            assertEquals((long) writers * iterations, w.get(ValueLayout.JAVA_LONG, COUNTER_A), f.logsText());
            assertEquals((long) writers * iterations, w.get(ValueLayout.JAVA_LONG, COUNTER_B));
            assertEquals(0, SharedAtomics.getLong(w, VIOLATIONS), "readers saw A != B under a shared hold");
            assertTrue(f.logsText().contains("reads "), f.logsText());
            LWLockOwner me = new LWLockOwner(new LWLockWaitSlots(f.segment().region(WAIT_SLOTS)), 0);
            LWLock lock = new LWLockArray(f.segment().region(LOCKS), "test", me).get(0);
            assertFalse(lock.isExclusivelyHeld());
            assertEquals(0, lock.sharedHolders());
            assertFalse(lock.hasWaiters());
            assertFalse(r1.isAlive() || r2.isAlive());
        }
    }

    @Test
    void sleepingWaiterInAnotherProcessIsWokenByRelease() throws Exception {
        int rounds = 100;
        try (CrossProcessFixture f = new CrossProcessFixture(dir)) {
            LWLockWaitSlots slots = new LWLockWaitSlots(f.segment().region(WAIT_SLOTS));
            LWLockOwner me = new LWLockOwner(slots, 0);
            LWLock lock = new LWLockArray(f.segment().region(LOCKS), "test", me).get(1);
            f.start(LockChildMain.class, "latency", "1", String.valueOf(rounds));
            f.awaitAttachedThenGo(1, 30_000);
            MemorySegment w = f.words();
            long[] wakeNanos = new long[rounds];
            for (int r = 1; r <= rounds; r++) {
                lock.acquire(LWLockMode.EXCLUSIVE);
                SharedAtomics.setLong(w, ROUND, r);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (slots.waitState(1) != LWLockWaitSlots.SLEEPING) {
                    assertTrue(System.nanoTime() < deadline, "child never went to sleep: " + f.logsText());
                    LockSupport.parkNanos(20_000);
                }
                assertTrue(lock.hasWaiters());
                assertEquals(lock.offset(), slots.waitingOn(1));
                LockSupport.parkNanos(300_000);     // let it settle in FUTEX_WAIT
                SharedAtomics.setLong(w, RELEASE_NANOS, System.nanoTime());
                lock.release();
                long start = System.nanoTime();
                while (SharedAtomics.getLong(w, ROUND_DONE) != r) {
                    // generous: the test machine may be loaded; typical wake-ups take tens of µs
                    assertTrue(System.nanoTime() - start < 2_000_000_000L,
                            "waiter not woken within 2 s of the release, round " + r + f.logsText());
                    LockSupport.parkNanos(20_000);     // do not steal the CPU the woken child needs
                }
                wakeNanos[r - 1] = w.get(ValueLayout.JAVA_LONG, LATENCIES + 8L * (r - 1));
            }
            f.awaitChildrenSucceed(30);
            Arrays.sort(wakeNanos);
            System.out.printf("LWLock cross-process wake (release -> waiter holds the lock), %d rounds: "
                            + "min %.1f µs, median %.1f µs, p90 %.1f µs, max %.1f µs%n", rounds,
                    wakeNanos[0] / 1e3, wakeNanos[rounds / 2] / 1e3, wakeNanos[rounds * 9 / 10] / 1e3,
                    wakeNanos[rounds - 1] / 1e3);
            assertFalse(lock.hasWaiters());
        }
    }

    @Test
    void writerQueuedBehindAStreamOfReadersGetsTheLockPromptly() throws Exception {
        int readers = 3;
        try (CrossProcessFixture f = new CrossProcessFixture(dir)) {
            LWLockOwner me = new LWLockOwner(new LWLockWaitSlots(f.segment().region(WAIT_SLOTS)), 0);
            LWLock lock = new LWLockArray(f.segment().region(LOCKS), "test", me).get(2);
            for (int i = 0; i < readers; i++) {
                f.start(LockChildMain.class, "stream-reader", String.valueOf(i + 1), "0");
            }
            f.awaitAttachedThenGo(readers, 30_000);
            MemorySegment w = f.words();
            long worstNanos = 0;
            long worstPassed = 0;
            for (int attempt = 0; attempt < 5; attempt++) {
                long base = SharedAtomics.getLong(w, SHARED_ACQUISITIONS);
                while (SharedAtomics.getLong(w, SHARED_ACQUISITIONS) < base + 10) {
                    Thread.sleep(1);     // the readers are streaming, holds overlapping
                }
                long before = SharedAtomics.getLong(w, SHARED_ACQUISITIONS);
                long start = System.nanoTime();
                lock.acquire(LWLockMode.EXCLUSIVE);
                long waited = System.nanoTime() - start;
                long passed = SharedAtomics.getLong(w, SHARED_ACQUISITIONS) - before;
                assertEquals(0, lock.sharedHolders());
                lock.release();
                worstNanos = Math.max(worstNanos, waited);
                worstPassed = Math.max(worstPassed, passed);
            }
            SharedAtomics.setLong(w, STOP, 1);
            f.awaitChildrenSucceed(30);
            System.out.printf("LWLock fairness: writer behind %d readers streaming overlapping 5 ms holds waited at most %.2f ms; "
                    + "at most %d shared acquisitions passed it%n", readers, worstNanos / 1e6, worstPassed);
            // Eventual fairness: the writer demands hand-off after LWLock.STARVATION_NANOS (1 ms) of waiting;
            // from then on no reader passes it. Readers that passed it: those already holding or arriving
            // within that millisecond, plus any during scheduling delays of the writer's timeout wake-up
            // (holds are 5 ms, so each extra pass costs 5 ms of delay). An unfair lock (PostgreSQL's) lets
            // readers pass for as long as their holds overlap: hundreds of times in this test.
            assertTrue(worstPassed <= 30, "readers passed the queued writer " + worstPassed + " times");
            // a sanity bound only (the machine may be loaded); the count above is the fairness bound
            assertTrue(worstNanos < 5_000_000_000L, "writer waited " + worstNanos / 1e6 + " ms");
        }
    }

    @Test
    void spinlockExcludesAcrossProcesses() throws Exception {
        int children = 4;
        int iterations = 100_000;
        try (CrossProcessFixture f = new CrossProcessFixture(dir)) {
            for (int i = 0; i < children; i++) {
                f.start(LockChildMain.class, "spin", String.valueOf(i + 1), String.valueOf(iterations));
            }
            f.awaitAttachedThenGo(children, 30_000);
            f.awaitChildrenSucceed(60);
            assertEquals((long) children * iterations, f.words().get(ValueLayout.JAVA_LONG, SPIN_COUNTER));
            assertFalse(new Spinlock(f.words(), SPINLOCK, "test spinlock").isLocked());
        }
    }
}
