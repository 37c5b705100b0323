package org.pgjava.shmem.lock;

import java.util.concurrent.locks.LockSupport;

/**
 * The back-off of every busy-wait in shmem: spin with {@link Thread#onSpinWait()} for a short while, then
 * sleep for growing intervals (10 µs doubling to 1 ms), and after about a minute declare the lock stuck,
 * like PostgreSQL's s_lock.c ("stuck spinlock detected"). Entry point: {@link #pause(int, String)}, called
 * with the number of failed attempts so far; it keeps no state, so a waiter allocates nothing.
 */
final class SpinDelay {
    /** Attempts that only spin before the first sleep. */
    static final int SPIN_ATTEMPTS = 100;
    /** Attempts after which the lock is considered stuck (roughly a minute of 1 ms sleeps). */
    static final int STUCK_ATTEMPTS = SPIN_ATTEMPTS + 60_000;

    private SpinDelay() {
    }

    /**
     * Waits once before attempt {@code attempt + 1}.
     *
     * @param attempt how many attempts failed so far (0 for the first failure)
     * @param what    the lock, for the error message
     * @throws IllegalStateException "stuck spinlock detected" after {@link #STUCK_ATTEMPTS} attempts: a
     *                               process died holding it or holds it across something slow; the shared
     *                               segment can no longer be trusted and the process must exit (the postmaster
     *                               then re-creates the segment)
     */
    static void pause(int attempt, String what) {
        if (attempt < SPIN_ATTEMPTS) {
            Thread.onSpinWait();
            return;
        }
        if (attempt >= STUCK_ATTEMPTS) {
            throw new IllegalStateException("stuck spinlock detected at " + what);
        }
        int sleeps = attempt - SPIN_ATTEMPTS;
        long nanos = Math.min(1_000_000L, 10_000L << Math.min(sleeps / 4, 7));
        LockSupport.parkNanos(nanos);
    }
}
