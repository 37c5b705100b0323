package org.pgjava.shmem.atomic;

import java.lang.foreign.MemorySegment;

/**
 * A view of one aligned 4-byte word of a shared segment as an atomic int, like
 * {@code java.util.concurrent.atomic.AtomicInteger} but atomic across processes. Create the view once (at
 * attach time) and keep it: its methods allocate nothing. Entry points mirror {@link SharedAtomics}.
 *
 * <p>Process-safety: every method is atomic across all processes that map the segment; the view object
 * itself is immutable and may be shared by threads.
 */
public final class SharedAtomicInt {
    private final MemorySegment segment;
    private final long offset;

    /**
     * Creates a view of the word at {@code offset} in {@code segment}.
     *
     * @throws IllegalArgumentException if the word's absolute address is not 4-byte aligned
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public SharedAtomicInt(MemorySegment segment, long offset) {
        SharedAtomics.checkWord(segment, offset, 4);
        this.segment = segment;
        this.offset = offset;
    }

    /** Volatile read. */
    public int get() {
        return SharedAtomics.getInt(segment, offset);
    }

    /** Acquire read. */
    public int getAcquire() {
        return SharedAtomics.getIntAcquire(segment, offset);
    }

    /** Plain read (no ordering). */
    public int getPlain() {
        return SharedAtomics.getIntPlain(segment, offset);
    }

    /** Volatile write. */
    public void set(int value) {
        SharedAtomics.setInt(segment, offset, value);
    }

    /** Release write. */
    public void setRelease(int value) {
        SharedAtomics.setIntRelease(segment, offset, value);
    }

    /** Plain write (no ordering). */
    public void setPlain(int value) {
        SharedAtomics.setIntPlain(segment, offset, value);
    }

    /** Sets to {@code update} if the word holds {@code expect}; returns whether it did. */
    public boolean compareAndSet(int expect, int update) {
        return SharedAtomics.compareAndSetInt(segment, offset, expect, update);
    }

    /** Like {@link #compareAndSet} but returns the value the word held. */
    public int compareAndExchange(int expect, int update) {
        return SharedAtomics.compareAndExchangeInt(segment, offset, expect, update);
    }

    /** Atomically adds; returns the previous value. */
    public int getAndAdd(int delta) {
        return SharedAtomics.getAndAddInt(segment, offset, delta);
    }

    /** Atomically adds; returns the new value. */
    public int addAndGet(int delta) {
        return SharedAtomics.getAndAddInt(segment, offset, delta) + delta;
    }

    /** Atomically ORs bits in; returns the previous value. */
    public int getAndOr(int bits) {
        return SharedAtomics.getAndOrInt(segment, offset, bits);
    }

    /** Atomically ANDs with a mask; returns the previous value. */
    public int getAndAnd(int mask) {
        return SharedAtomics.getAndAndInt(segment, offset, mask);
    }

    /** Atomically replaces; returns the previous value. */
    public int getAndSet(int value) {
        return SharedAtomics.getAndSetInt(segment, offset, value);
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
        return "SharedAtomicInt@" + offset + "=" + get();
    }
}
