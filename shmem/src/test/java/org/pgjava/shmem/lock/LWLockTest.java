package org.pgjava.shmem.lock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * LWLock semantics inside one process: modes, conditional acquisition, the held list, error paths, and
 * threads (each with its own owner and wait slot) contending. The futex works on private memory too, so
 * these run on an anonymous shared arena; the cross-process behaviour is in {@link LWLockCrossProcessTest}.
 */
// a lock bug shows as a hang: fail instead (the blocked thread cannot be interrupted, so run apart)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LWLockTest {
    private Arena arena;
    private LWLockWaitSlots slots;
    private MemorySegment lockMemory;

    @BeforeEach
    void setUp() {
        arena = Arena.ofShared();
        slots = new LWLockWaitSlots(arena.allocate(LWLockWaitSlots.regionSize(8), 64));
        lockMemory = arena.allocate(LWLockArray.regionSize(4), 64);
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    private LWLockArray locksFor(int slot) {
        return new LWLockArray(lockMemory, "test", new LWLockOwner(slots, slot));
    }

    @Test
    void sharedHoldersCoexistAndExcludeExclusive() {
        LWLockArray a = locksFor(0);
        LWLockArray b = locksFor(1);
        runInThread(() -> {
            LWLockArray c = locksFor(2);
            assertTrue(c.get(0).conditionalAcquire(LWLockMode.SHARED));
        });
        a.get(0).acquire(LWLockMode.SHARED);
        assertEquals(2, a.get(0).sharedHolders());
        assertTrue(a.get(0).heldByMe());
        assertTrue(a.get(0).heldByMe(LWLockMode.SHARED));
        assertFalse(a.get(0).heldByMe(LWLockMode.EXCLUSIVE));
        assertFalse(a.get(1).heldByMe());
        assertFalse(b.get(0).conditionalAcquire(LWLockMode.EXCLUSIVE));
        assertTrue(b.get(1).conditionalAcquire(LWLockMode.EXCLUSIVE));
        assertTrue(b.get(1).isExclusivelyHeld());
        assertFalse(a.get(1).conditionalAcquire(LWLockMode.SHARED));
        assertFalse(a.get(1).conditionalAcquire(LWLockMode.EXCLUSIVE));
        b.get(1).release();
        assertFalse(b.get(1).isExclusivelyHeld());
        a.get(0).release();
        assertEquals(1, a.get(0).sharedHolders());
        assertFalse(a.get(0).heldByMe());
    }

    @Test
    void aSleepingWaiterReportsItsTranche() throws Exception {
        LWLockArray holder = new LWLockArray(lockMemory, "WALWrite", new LWLockOwner(slots, 0));
        holder.get(0).acquire(LWLockMode.EXCLUSIVE);
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch sleeping = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            LWLockOwner owner = new LWLockOwner(slots, 1);
            owner.setWaitReporter(new LWLockOwner.WaitReporter() {
                @Override
                public void waitStart(int trancheId) {
                    events.add("start " + LWLockTranche.nameOf(trancheId));
                    sleeping.countDown();
                }

                @Override
                public void waitEnd() {
                    events.add("end");
                }
            });
            LWLockArray mine = new LWLockArray(lockMemory, "WALWrite", owner);
            mine.get(0).acquire(LWLockMode.SHARED);
            events.add("acquired");
            mine.get(0).release();
        });
        assertTrue(sleeping.await(10, TimeUnit.SECONDS), "the waiter went to sleep and said so");
        assertEquals(List.of("start WALWrite"), List.copyOf(events));
        holder.get(0).release();
        waiter.join(10_000);
        assertEquals("start WALWrite", events.get(0));
        assertEquals("acquired", events.get(events.size() - 1));
        assertEquals(events.stream().filter(e -> e.startsWith("start")).count(),
                events.stream().filter("end"::equals).count(), "every start has its end: " + events);
        assertEquals(8, LWLockTranche.idOf("WALWrite"));
        assertEquals(15, LWLockTranche.idOf("BufferMapping[17]"));
        assertEquals(0, LWLockTranche.idOf("test[1]"), "a name that is no tranche is not reported");
    }

    @Test
    void releaseOfALockNotHeldFails() {
        LWLockArray a = locksFor(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.get(2).release());
        assertEquals("lock test[2] is not held", e.getMessage());
    }

    @Test
    void acquiringALockAlreadyHeldIsRefusedInsteadOfDeadlocking() {
        LWLockArray a = locksFor(0);
        a.get(0).acquire(LWLockMode.SHARED);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.get(0).acquire(LWLockMode.SHARED));
        assertEquals("lock test[0] is already held by this process", e.getMessage());
        assertThrows(IllegalStateException.class, () -> a.get(0).acquire(LWLockMode.EXCLUSIVE));
        a.get(0).release();
        assertEquals(0, a.get(0).sharedHolders());
    }

    @Test
    void releaseAllReleasesEveryHoldNewestFirst() {
        LWLockOwner owner = new LWLockOwner(slots, 0);
        LWLockArray a = new LWLockArray(lockMemory, "test", owner);
        a.get(0).acquire(LWLockMode.EXCLUSIVE);
        a.get(1).acquire(LWLockMode.SHARED);
        a.get(2).acquire(LWLockMode.SHARED);
        assertEquals(3, owner.heldCount());
        a.get(1).release();       // out of order is allowed
        assertEquals(2, owner.heldCount());
        assertTrue(a.get(2).heldByMe());
        owner.releaseAll();
        assertEquals(0, owner.heldCount());
        for (int i = 0; i < 4; i++) {
            assertFalse(a.get(i).isExclusivelyHeld());
            assertEquals(0, a.get(i).sharedHolders());
        }
    }

    @Test
    void aSecondViewOfTheSameLockIsTheSameLock() {
        LWLockOwner owner = new LWLockOwner(slots, 0);
        LWLock first = new LWLock(lockMemory, 64, "x", owner);
        LWLock second = new LWLock(lockMemory, 64, "x", owner);
        first.acquire(LWLockMode.EXCLUSIVE);
        assertTrue(second.heldByMe());
        second.release();
        assertFalse(first.isExclusivelyHeld());
    }

    @Test
    void tooManyLocksAndForeignThreadsAreRefused() throws Exception {
        MemorySegment many = arena.allocate(LWLock.SIZE * (LWLockOwner.MAX_HELD + 1L), 64);
        LWLockOwner owner = new LWLockOwner(slots, 0);
        for (int i = 0; i < LWLockOwner.MAX_HELD; i++) {
            new LWLock(many, (long) i * LWLock.SIZE, "m" + i, owner).acquire(LWLockMode.SHARED);
        }
        LWLock last = new LWLock(many, (long) LWLockOwner.MAX_HELD * LWLock.SIZE, "last", owner);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> last.acquire(LWLockMode.SHARED));
        assertEquals("too many LWLocks taken (acquiring last)", e.getMessage());
        owner.releaseAll();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                last.acquire(LWLockMode.SHARED);
            } catch (Throwable x) {
                failure.set(x);
            }
        }, "intruder");
        t.start();
        t.join();
        assertInstanceOf(IllegalStateException.class, failure.get());
        assertTrue(failure.get().getMessage().contains("used from intruder"));
    }

    @Test
    void aSlotThatIsWaitingCannotBeTakenByAnotherOwner() throws Exception {
        LWLockArray a = locksFor(0);
        a.get(0).acquire(LWLockMode.EXCLUSIVE);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            LWLockArray b = locksFor(1);
            b.get(0).acquire(LWLockMode.SHARED);
            acquired.countDown();
            b.get(0).release();
        });
        t.start();
        while (slots.waitState(1) == LWLockWaitSlots.NOT_WAITING) {
            Thread.onSpinWait();
        }
        assertThrows(IllegalStateException.class, () -> new LWLockOwner(slots, 1));
        assertFalse(acquired.await(50, TimeUnit.MILLISECONDS), "a shared waiter got past an exclusive holder");
        a.get(0).release();
        assertTrue(acquired.await(5, TimeUnit.SECONDS));
        t.join();
    }

    @Test
    void waitersAreGrantedInArrivalOrder() throws Exception {
        LWLockArray a = locksFor(0);
        a.get(0).acquire(LWLockMode.EXCLUSIVE);
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        LWLockMode[] modes = {LWLockMode.EXCLUSIVE, LWLockMode.SHARED, LWLockMode.SHARED, LWLockMode.EXCLUSIVE,
                LWLockMode.SHARED};
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < modes.length; i++) {
            int slot = i + 1;
            LWLockMode mode = modes[i];
            Thread t = new Thread(() -> {
                LWLock l = locksFor(slot).get(0);
                l.acquire(mode);
                order.add("+" + slot);
                sleepMillis(20);
                order.add("-" + slot);
                l.release();
            });
            threads.add(t);
            t.start();
            while (slots.waitState(slot) == LWLockWaitSlots.NOT_WAITING) {   // queued before the next starts
                Thread.onSpinWait();
            }
        }
        a.get(0).release();
        for (Thread t : threads) {
            t.join(10_000);
        }
        // 1 alone; then 2 and 3 together; then 4 alone; then 5
        assertEquals(List.of("+1", "-1"), order.subList(0, 2), order.toString());
        assertEquals(java.util.Set.of("+2", "+3"), java.util.Set.copyOf(order.subList(2, 4)), order.toString());
        assertEquals(java.util.Set.of("-2", "-3"), java.util.Set.copyOf(order.subList(4, 6)), order.toString());
        assertEquals(List.of("+4", "-4", "+5", "-5"), order.subList(6, 10), order.toString());
        assertFalse(a.get(0).hasWaiters());
    }

    @Test
    void threadsHammeringOneLockLoseNoUpdate() throws Exception {
        int threads = 4;
        int iterations = 20_000;
        MemorySegment counters = arena.allocate(16, 64);
        List<Thread> list = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int slot = t;
            Thread th = new Thread(() -> {
                try {
                    LWLock l = locksFor(slot).get(3);
                    for (int i = 0; i < iterations; i++) {
                        if (i % 8 == 0) {
                            l.acquire(LWLockMode.SHARED);
                            assertEquals(counters.get(ValueLayout.JAVA_LONG, 0), counters.get(ValueLayout.JAVA_LONG, 8));
                        } else {
                            l.acquire(LWLockMode.EXCLUSIVE);
                            counters.set(ValueLayout.JAVA_LONG, 0, counters.get(ValueLayout.JAVA_LONG, 0) + 1);
                            counters.set(ValueLayout.JAVA_LONG, 8, counters.get(ValueLayout.JAVA_LONG, 8) + 1);
                        }
                        l.release();
                    }
                } catch (Throwable x) {
                    failure.set(x);
                }
            });
            list.add(th);
            th.start();
        }
        for (Thread th : list) {
            th.join();
        }
        assertNull(failure.get());
        assertEquals(threads * (iterations - iterations / 8), counters.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void randomMixOfModesLocksAndConditionalAcquiresKeepsExclusionAndNeverHangs() throws Exception {
        int threads = 6;
        int locks = 3;
        long runNanos = 800_000_000L;
        java.util.concurrent.atomic.AtomicIntegerArray exclusive = new java.util.concurrent.atomic.AtomicIntegerArray(locks);
        java.util.concurrent.atomic.AtomicIntegerArray shared = new java.util.concurrent.atomic.AtomicIntegerArray(locks);
        java.util.concurrent.atomic.AtomicLong operations = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int slot = t;
            Thread th = new Thread(() -> {
                try {
                    LWLockArray a = locksFor(slot);
                    java.util.SplittableRandom random = new java.util.SplittableRandom(slot);
                    long end = System.nanoTime() + runNanos;
                    while (System.nanoTime() < end) {
                        int first = random.nextInt(locks);
                        int second = first + 1 + random.nextInt(locks - first) ;   // ascending order, maybe none
                        int[] order = second < locks ? new int[]{first, second} : new int[]{first};
                        LWLockMode[] modes = new LWLockMode[order.length];
                        boolean[] taken = new boolean[order.length];
                        for (int k = 0; k < order.length; k++) {
                            modes[k] = random.nextInt(3) == 0 ? LWLockMode.EXCLUSIVE : LWLockMode.SHARED;
                            if (random.nextInt(4) == 0) {
                                taken[k] = a.get(order[k]).conditionalAcquire(modes[k]);
                            } else {
                                a.get(order[k]).acquire(modes[k]);
                                taken[k] = true;
                            }
                            if (taken[k]) {
                                enter(order[k], modes[k], exclusive, shared);
                            }
                        }
                        if (random.nextInt(8) == 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(3_000_000));   // waiters starve: hand-off mode
                        }
                        for (int k = order.length - 1; k >= 0; k--) {
                            if (taken[k]) {
                                leave(order[k], modes[k], exclusive, shared);
                                a.get(order[k]).release();
                            }
                        }
                        operations.incrementAndGet();
                    }
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
            });
            list.add(th);
            th.start();
        }
        for (Thread th : list) {
            th.join(30_000);
            assertFalse(th.isAlive(), "a thread hangs in an LWLock");
        }
        assertNull(failure.get());
        assertTrue(operations.get() > 1000, "only " + operations.get() + " lock rounds");
        LWLockArray check = locksFor(7);
        for (int i = 0; i < locks; i++) {
            assertEquals(0, check.get(i).sharedHolders());
            assertFalse(check.get(i).isExclusivelyHeld());
            assertFalse(check.get(i).hasWaiters());
        }
    }

    private static void enter(int lock, LWLockMode mode, java.util.concurrent.atomic.AtomicIntegerArray exclusive,
                              java.util.concurrent.atomic.AtomicIntegerArray shared) {
        if (mode == LWLockMode.EXCLUSIVE) {
            assertEquals(1, exclusive.incrementAndGet(lock), "two exclusive holders");
            assertEquals(0, shared.get(lock), "exclusive holder beside shared holders");
        } else {
            shared.incrementAndGet(lock);
            assertEquals(0, exclusive.get(lock), "shared holder beside an exclusive holder");
        }
    }

    private static void leave(int lock, LWLockMode mode, java.util.concurrent.atomic.AtomicIntegerArray exclusive,
                              java.util.concurrent.atomic.AtomicIntegerArray shared) {
        if (mode == LWLockMode.EXCLUSIVE) {
            exclusive.decrementAndGet(lock);
        } else {
            shared.decrementAndGet(lock);
        }
    }

    private void runInThread(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
