package org.pgjava.shmem.lock;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.segment.CrossProcessFixture;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

import static org.pgjava.shmem.segment.CrossProcessFixture.*;

/**
 * A child JVM of the cross-process tests: attaches the segment named in its environment (as a backend
 * will) and plays one role. Usage: {@code LockChildMain ROLE SLOT ITERATIONS}. Exit 0 on success; any
 * failure prints a message and exits 1.
 */
public final class LockChildMain {
    private LockChildMain() {
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        int slot = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        SegmentIdentity id = SegmentIdentity.fromEnvironmentValue(System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE));
        try (SharedSegment segment = SharedSegment.attach(id, CrossProcessFixture.layout())) {
            LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(segment.region(WAIT_SLOTS)), slot);
            LWLockArray locks = new LWLockArray(segment.region(LOCKS), "test", owner);
            MemorySegment w = segment.region(WORDS);
            SharedAtomics.getAndAddLong(w, ATTACHED, 1);
            while (SharedAtomics.getLong(w, GO) == 0) {
                LockSupport.parkNanos(100_000);
            }
            switch (role) {
                case "increment" -> increment(locks.get(0), w, iterations);
                case "hammer" -> hammer(locks.get(3), w, iterations);
                case "reader" -> read(locks.get(0), w);
                case "spin" -> spin(new Spinlock(w, SPINLOCK, "test spinlock"), w, iterations);
                case "atomic" -> atomics(w, iterations);
                case "latency" -> latency(locks.get(1), w, iterations);
                case "stream-reader" -> streamRead(locks.get(2), w);
                default -> throw new IllegalArgumentException(role);
            }
            if (owner.heldCount() != 0) {
                throw new IllegalStateException("locks still held: " + owner.heldCount());
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    /** Plain read-modify-write of two counters under the exclusive lock. */
    private static void increment(LWLock lock, MemorySegment w, int iterations) {
        for (int i = 0; i < iterations; i++) {
            lock.acquire(LWLockMode.EXCLUSIVE);
            long a = w.get(ValueLayout.JAVA_LONG, COUNTER_A);
            w.set(ValueLayout.JAVA_LONG, COUNTER_A, a + 1);
            if ((i & 63) == 0) {
                Thread.yield();
            }
            long b = w.get(ValueLayout.JAVA_LONG, COUNTER_B);
            w.set(ValueLayout.JAVA_LONG, COUNTER_B, b + 1);
            lock.release();
        }
    }

    /** Tight loop of short exclusive holds (a plain increment), for the contended-throughput measurement. */
    private static void hammer(LWLock lock, MemorySegment w, int iterations) {
        for (int i = 0; i < iterations; i++) {
            lock.acquire(LWLockMode.EXCLUSIVE);
            w.set(ValueLayout.JAVA_LONG, SPIN_COUNTER, w.get(ValueLayout.JAVA_LONG, SPIN_COUNTER) + 1);
            lock.release();
        }
    }

    /** Shared holds until the stop flag: the two counters must be equal under every hold. */
    private static void read(LWLock lock, MemorySegment w) {
        long reads = 0;
        while (SharedAtomics.getLong(w, STOP) == 0) {
            lock.acquire(LWLockMode.SHARED);
            long a = w.get(ValueLayout.JAVA_LONG, COUNTER_A);
            Thread.onSpinWait();
            long b = w.get(ValueLayout.JAVA_LONG, COUNTER_B);
            lock.release();
            if (a != b) {
                SharedAtomics.getAndAddLong(w, VIOLATIONS, 1);
            }
            reads++;
        }
        System.out.println("reads " + reads);
    }

    private static void spin(Spinlock lock, MemorySegment w, int iterations) {
        for (int i = 0; i < iterations; i++) {
            lock.acquire();
            long v = w.get(ValueLayout.JAVA_LONG, SPIN_COUNTER);
            w.set(ValueLayout.JAVA_LONG, SPIN_COUNTER, v + 1);
            lock.release();
        }
    }

    private static void atomics(MemorySegment w, int iterations) {
        for (int i = 0; i < iterations; i++) {
            SharedAtomics.getAndAddLong(w, ATOMIC_ADD, 1);
            long v;
            do {
                v = SharedAtomics.getLong(w, ATOMIC_CAS);
            } while (!SharedAtomics.compareAndSetLong(w, ATOMIC_CAS, v, v + 1));
        }
    }

    /**
     * Each round: wait until the parent (holding the lock) announces the round, block on the lock, and
     * record how long after the parent's release this process got it.
     */
    private static void latency(LWLock lock, MemorySegment w, int rounds) {
        for (int r = 1; r <= rounds; r++) {
            while (SharedAtomics.getLong(w, ROUND) != r) {
                LockSupport.parkNanos(20_000);      // do not steal the CPU the other side needs
            }
            lock.acquire(LWLockMode.EXCLUSIVE);
            long now = System.nanoTime();
            w.set(ValueLayout.JAVA_LONG, LATENCIES + 8L * (r - 1), now - SharedAtomics.getLong(w, RELEASE_NANOS));
            lock.release();
            SharedAtomics.setLong(w, ROUND_DONE, r);
        }
    }

    /** Overlapping shared holds of about 5 ms each, back to back, until the stop flag. */
    private static void streamRead(LWLock lock, MemorySegment w) {
        while (SharedAtomics.getLong(w, STOP) == 0) {
            lock.acquire(LWLockMode.SHARED);
            SharedAtomics.getAndAddLong(w, SHARED_ACQUISITIONS, 1);
            LockSupport.parkNanos(5_000_000);
            lock.release();
        }
    }
}
