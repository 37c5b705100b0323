package org.pgjava.shmem.atomic;

import java.lang.foreign.MemorySegment;

/**
 * A view of one aligned 8-byte word of a shared segment as an atomic long, like
 * {@code java.util.concurrent.atomic.AtomicLong} but atomic across processes. Create the view once (at
 * attach time) and keep it: its methods allocate nothing. Entry points mirror {@link SharedAtomics}.
 *
 * <p>Process-safety: every method is atomic across all processes that map the segment; the view object
 * itself is immutable and may be shared by threads.
 */
public final class SharedAtomicLong {
    private final MemorySegment segment;
    private final long offset;

    /**
     * Creates a view of the word at {@code offset} in {@code segment}.
     *
     * @throws IllegalArgumentException if the word's absolute address is not 8-byte aligned
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public SharedAtomicLong(MemorySegment segment, long offset) {
        SharedAtomics.checkWord(segment, offset, 8);
        this.segment = segment;
        this.offset = offset;
    }

    /** Volatile read. */
    public long get() {
        return SharedAtomics.getLong(segment, offset);
    }

    /** Acquire read. */
    public long getAcquire() {
        return SharedAtomics.getLongAcquire(segment, offset);
    }

    /** Plain read (no ordering). */
    public long getPlain() {
        return SharedAtomics.getLongPlain(segment, offset);
    }

    /** Volatile write. */
    public void set(long value) {
        SharedAtomics.setLong(segment, offset, value);
    }

    /** Release write. */
    public void setRelease(long value) {
        SharedAtomics.setLongRelease(segment, offset, value);
    }

    /** Plain write (no ordering). */
    public void setPlain(long value) {
        SharedAtomics.setLongPlain(segment, offset, value);
    }

    /** Sets to {@code update} if the word holds {@code expect}; returns whether it did. */
    public boolean compareAndSet(long expect, long update) {
        return SharedAtomics.compareAndSetLong(segment, offset, expect, update);
    }

    /** Like {@link #compareAndSet} but returns the value the word held. */
    public long compareAndExchange(long expect, long update) {
        return SharedAtomics.compareAndExchangeLong(segment, offset, expect, update);
    }

    /** Atomically adds; returns the previous value. */
    public long getAndAdd(long delta) {
        return SharedAtomics.getAndAddLong(segment, offset, delta);
    }

    /** Atomically adds; returns the new value. */
    public long addAndGet(long delta) {
        return SharedAtomics.getAndAddLong(segment, offset, delta) + delta;
    }

    /** Atomically ORs bits in; returns the previous value. */
    public long getAndOr(long bits) {
        return SharedAtomics.getAndOrLong(segment, offset, bits);
    }

    /** Atomically ANDs with a mask; returns the previous value. */
    public long getAndAnd(long mask) {
        return SharedAtomics.getAndAndLong(segment, offset, mask);
    }

    /** Atomically replaces; returns the previous value. */
    public long getAndSet(long value) {
        return SharedAtomics.getAndSetLong(segment, offset, value);
    }

    /** The segment-relative offset of the word. */
    public long offset() {
        return offset;
    }

    /** The word's native address (for futex calls). */
    public long address() {
        return segment.address() + offset;
    }

    @Override
    public String toString() {
        return "SharedAtomicLong@" + offset + "=" + get();
    }
}
