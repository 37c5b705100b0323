package org.pgjava.shmem.lock;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** Spinlock basics in one process; mutual exclusion across processes is in {@link LWLockCrossProcessTest}. */
class SpinlockTest {
    @Test
    void tryAcquireFailsWhileHeldAndAcquireWaitsForRelease() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            Spinlock s = new Spinlock(m, 4, "s");
            assertFalse(s.isLocked());
            s.acquire();
            assertTrue(s.isLocked());
            assertFalse(s.tryAcquire());
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
                s.release();
            });
            releaser.start();
            long start = System.nanoTime();
            s.acquire();     // spins, then sleeps, until the other thread releases
            assertTrue(System.nanoTime() - start > 20_000_000L);
            s.release();
            releaser.join();
            assertTrue(s.tryAcquire());
            s.release();
            assertThrows(IllegalArgumentException.class, () -> new Spinlock(m, 2, "misaligned"));
        }
    }
}
