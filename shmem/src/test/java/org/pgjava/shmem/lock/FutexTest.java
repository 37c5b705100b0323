package org.pgjava.shmem.lock;

import org.junit.jupiter.api.Test;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.os.Futex;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** The futex calls LWLocks sleep and wake with (org.pgjava.shmem.os.Futex). */
class FutexTest {
    @Test
    void awaitReturnsAtOnceOnAChangedWordAndWakeWakesASleeper() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            long address = m.address() + 8;
            SharedAtomics.setInt(m, 8, 1);
            long start = System.nanoTime();
            Futex.await(address, 0);                     // the word holds 1, not 0: EAGAIN, no sleep
            assertTrue(System.nanoTime() - start < 1_000_000_000L);
            assertEquals(0, Futex.wake(address, 1));      // nobody sleeps
            Thread sleeper = new Thread(() -> {
                while (SharedAtomics.getInt(m, 8) == 1) {
                    SharedAtomics.getAndAddInt(m, 16, 1);      // about to sleep
                    Futex.await(address, 1);
                }
            });
            sleeper.start();
            while (SharedAtomics.getInt(m, 16) == 0) {
                Thread.sleep(1);
            }
            Thread.sleep(50);                                   // now inside FUTEX_WAIT
            assertTrue(sleeper.isAlive(), "FUTEX_WAIT returned although the word still held the value");
            SharedAtomics.setInt(m, 8, 2);
            int woken = Futex.wake(address, 1);
            sleeper.join(5_000);
            assertFalse(sleeper.isAlive(), "the sleeper was not woken");
            assertEquals(1, SharedAtomics.getInt(m, 16), "the sleeper woke up spuriously");
            assertEquals(1, woken);
            assertThrows(IllegalStateException.class, () -> Futex.await(address + 1, 0));   // EINVAL: misaligned
        }
    }
}
