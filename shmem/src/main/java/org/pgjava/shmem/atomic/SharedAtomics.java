package org.pgjava.shmem.atomic;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Atomic operations on aligned 8-byte and 4-byte words of a {@link MemorySegment}, in native byte order:
 * the static form that allocates nothing and needs no view object. Entry points: {@code get/set}
 * (volatile), {@code getAcquire/setRelease}, {@code getPlain/setPlain}, {@code compareAndSet},
 * {@code compareAndExchange}, {@code getAndAdd}, {@code getAndOr}, {@code getAndAnd}, {@code getAndSet},
 * each for {@code Long} and {@code Int}. {@link SharedAtomicLong} and {@link SharedAtomicInt} are view
 * objects over one word that call these.
 *
 * <p>The operations are the JDK's {@link VarHandle} access modes on {@link ValueLayout#JAVA_LONG} /
 * {@link ValueLayout#JAVA_INT} (native byte order): on a file mapping they compile to the processor's
 * atomic instructions on the mapped page ({@code lock cmpxchg}, {@code lock xadd} on x86_64), so they are
 * atomic across every process that maps the file, not only across threads. Volatile mode is sequentially
 * consistent; acquire/release give the usual one-way fences; plain has no ordering.
 *
 * <p>Preconditions for every method: {@code offset} is relative to {@code segment}; the absolute address
 * ({@code segment.address() + offset}) is a multiple of the word size, otherwise the call throws
 * {@link IllegalArgumentException} (the JDK refuses misaligned atomic access); the word lies inside the
 * segment ({@link IndexOutOfBoundsException} otherwise).
 *
 * <p>Process-safety: stateless; safe from any thread of any process that maps the segment.
 */
public final class SharedAtomics {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle()
            .withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle()
            .withInvokeExactBehavior();

    private SharedAtomics() {
    }

    // ---- 8-byte words ----

    /** Volatile read of the 8-byte word. */
    public static long getLong(MemorySegment segment, long offset) {
        return (long) LONG.getVolatile(segment, offset);
    }

    /** Acquire read: later reads and writes of this thread are not moved before it. */
    public static long getLongAcquire(MemorySegment segment, long offset) {
        return (long) LONG.getAcquire(segment, offset);
    }

    /** Plain read: no ordering; for fields guarded by a lock the caller holds. */
    public static long getLongPlain(MemorySegment segment, long offset) {
        return (long) LONG.get(segment, offset);
    }

    /** Volatile write. */
    public static void setLong(MemorySegment segment, long offset, long value) {
        LONG.setVolatile(segment, offset, value);
    }

    /** Release write: earlier reads and writes of this thread are not moved after it. */
    public static void setLongRelease(MemorySegment segment, long offset, long value) {
        LONG.setRelease(segment, offset, value);
    }

    /** Plain write: no ordering; for fields guarded by a lock the caller holds. */
    public static void setLongPlain(MemorySegment segment, long offset, long value) {
        LONG.set(segment, offset, value);
    }

    /** Sets the word to {@code update} if it holds {@code expect}; returns whether it did (volatile semantics). */
    public static boolean compareAndSetLong(MemorySegment segment, long offset, long expect, long update) {
        return LONG.compareAndSet(segment, offset, expect, update);
    }

    /** Like {@link #compareAndSetLong} but returns the value the word held (== expect on success). */
    public static long compareAndExchangeLong(MemorySegment segment, long offset, long expect, long update) {
        return (long) LONG.compareAndExchange(segment, offset, expect, update);
    }

    /** Atomically adds {@code delta}; returns the previous value. */
    public static long getAndAddLong(MemorySegment segment, long offset, long delta) {
        return (long) LONG.getAndAdd(segment, offset, delta);
    }

    /** Atomically ORs {@code bits} in; returns the previous value. */
    public static long getAndOrLong(MemorySegment segment, long offset, long bits) {
        return (long) LONG.getAndBitwiseOr(segment, offset, bits);
    }

    /** Atomically ANDs with {@code mask}; returns the previous value. */
    public static long getAndAndLong(MemorySegment segment, long offset, long mask) {
        return (long) LONG.getAndBitwiseAnd(segment, offset, mask);
    }

    /** Atomically replaces the word; returns the previous value. */
    public static long getAndSetLong(MemorySegment segment, long offset, long value) {
        return (long) LONG.getAndSet(segment, offset, value);
    }

    // ---- 4-byte words ----

    /** Volatile read of the 4-byte word. */
    public static int getInt(MemorySegment segment, long offset) {
        return (int) INT.getVolatile(segment, offset);
    }

    /** Acquire read. */
    public static int getIntAcquire(MemorySegment segment, long offset) {
        return (int) INT.getAcquire(segment, offset);
    }

    /** Plain read. */
    public static int getIntPlain(MemorySegment segment, long offset) {
        return (int) INT.get(segment, offset);
    }

    /** Volatile write. */
    public static void setInt(MemorySegment segment, long offset, int value) {
        INT.setVolatile(segment, offset, value);
    }

    /** Release write. */
    public static void setIntRelease(MemorySegment segment, long offset, int value) {
        INT.setRelease(segment, offset, value);
    }

    /** Plain write. */
    public static void setIntPlain(MemorySegment segment, long offset, int value) {
        INT.set(segment, offset, value);
    }

    /** Sets the word to {@code update} if it holds {@code expect}; returns whether it did. */
    public static boolean compareAndSetInt(MemorySegment segment, long offset, int expect, int update) {
        return INT.compareAndSet(segment, offset, expect, update);
    }

    /** Like {@link #compareAndSetInt} but returns the value the word held. */
    public static int compareAndExchangeInt(MemorySegment segment, long offset, int expect, int update) {
        return (int) INT.compareAndExchange(segment, offset, expect, update);
    }

    /** Atomically adds {@code delta}; returns the previous value. */
    public static int getAndAddInt(MemorySegment segment, long offset, int delta) {
        return (int) INT.getAndAdd(segment, offset, delta);
    }

    /** Atomically ORs {@code bits} in; returns the previous value. */
    public static int getAndOrInt(MemorySegment segment, long offset, int bits) {
        return (int) INT.getAndBitwiseOr(segment, offset, bits);
    }

    /** Atomically ANDs with {@code mask}; returns the previous value. */
    public static int getAndAndInt(MemorySegment segment, long offset, int mask) {
        return (int) INT.getAndBitwiseAnd(segment, offset, mask);
    }

    /** Atomically replaces the word; returns the previous value. */
    public static int getAndSetInt(MemorySegment segment, long offset, int value) {
        return (int) INT.getAndSet(segment, offset, value);
    }

    /**
     * Checks that {@code offset} addresses an aligned word of {@code size} bytes inside {@code segment}.
     *
     * @throws IllegalArgumentException if the absolute address is misaligned
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public static void checkWord(MemorySegment segment, long offset, int size) {
        if (offset < 0 || offset > segment.byteSize() - size) {
            throw new IndexOutOfBoundsException("word at offset " + offset + " (" + size
                    + " bytes) is outside a segment of " + segment.byteSize() + " bytes");
        }
        if (((segment.address() + offset) & (size - 1)) != 0) {
            throw new IllegalArgumentException("word at offset " + offset + " is not " + size + "-byte aligned");
        }
    }
}
