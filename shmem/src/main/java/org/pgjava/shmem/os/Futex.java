package org.pgjava.shmem.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * Linux futexes on 4-byte words of a shared mapping: the sleep/wake primitive of pgjava's LWLocks
 * ({@code org.pgjava.shmem.lock}). Entry points: {@link #await(long, int)} and {@link #wake(long, int)}.
 *
 * <p>The calls go through libc's {@code syscall(SYS_futex = 202, ...)} (x86_64 number; aarch64 uses 98) with
 * {@code FUTEX_WAIT} / {@code FUTEX_WAKE} <em>without</em> {@code FUTEX_PRIVATE_FLAG}: the kernel then keys
 * the wait queue by the physical page of the word, so a process that maps the same file at another address
 * wakes the sleeper. Bound with JNA direct mapping (one JNI call, no reflection); every argument is passed
 * as a 64-bit integer, which is how the variadic {@code syscall} reads its arguments on both platforms.
 *
 * <p>Process-safety: stateless; any thread of any process that maps the word may call it.
 */
public final class Futex {
    static {
        Native.register(Futex.class, NativeLibrary.getInstance("c"));
    }

    private Futex() {
    }

    /** futex(2) operation: sleep if the word still holds the expected value. */
    public static final int FUTEX_WAIT = 0;
    /** futex(2) operation: wake up to N sleepers on the word. */
    public static final int FUTEX_WAKE = 1;
    /** errno: the word did not hold the expected value when FUTEX_WAIT looked. */
    public static final int EAGAIN = 11;
    /** errno: a signal interrupted the sleep. */
    public static final int EINTR = 4;
    /** errno: the timeout passed. */
    public static final int ETIMEDOUT = 110;

    private static final long SYS_FUTEX = "aarch64".equals(System.getProperty("os.arch")) ? 98 : 202;

    private static native long syscall(long number, long uaddr, long op, long val, long timeout, long uaddr2,
                                       long val3) throws LastErrorException;

    /**
     * Sleeps while the 4-byte word at {@code address} holds {@code expected}. Returns when another process
     * wakes the word, when the word did not hold {@code expected} at the moment the kernel looked, on a
     * signal, or spuriously: the caller must re-check its condition in a loop.
     *
     * @param address native address of a 4-byte aligned word in a shared (not private) mapping
     * @throws IllegalStateException for EFAULT/EINVAL/ENOSYS (a wrong address or an unsupported kernel),
     *                               which are programming errors
     */
    public static void await(long address, int expected) {
        try {
            syscall(SYS_FUTEX, address, FUTEX_WAIT, expected & 0xFFFFFFFFL, 0L, 0L, 0L);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) {
                throw new IllegalStateException("futex wait on 0x" + Long.toHexString(address) + " failed: errno "
                        + errno, e);
            }
        }
    }

    /**
     * Like {@link #await(long, int)}, but returns at the latest after the relative timeout stored at
     * {@code timespecAddress} ({@code struct timespec}: 8-byte seconds, 8-byte nanoseconds, native memory the
     * caller owns and does not change while the call runs).
     *
     * @throws IllegalStateException as {@link #await(long, int)}
     */
    public static void await(long address, int expected, long timespecAddress) {
        try {
            syscall(SYS_FUTEX, address, FUTEX_WAIT, expected & 0xFFFFFFFFL, timespecAddress, 0L, 0L);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) {
                throw new IllegalStateException("futex wait on 0x" + Long.toHexString(address) + " failed: errno "
                        + errno, e);
            }
        }
    }

    /**
     * Wakes up to {@code count} processes sleeping in {@link #await} on the word at {@code address}.
     *
     * @return how many sleepers were woken (0 if none was sleeping)
     * @throws IllegalStateException on EFAULT/EINVAL (a wrong address)
     */
    public static int wake(long address, int count) {
        try {
            return (int) syscall(SYS_FUTEX, address, FUTEX_WAKE, count, 0L, 0L, 0L);
        } catch (LastErrorException e) {
            throw new IllegalStateException("futex wake on 0x" + Long.toHexString(address) + " failed: errno "
                    + e.getErrorCode(), e);
        }
    }
}
