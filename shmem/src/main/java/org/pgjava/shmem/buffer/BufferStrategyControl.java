package org.pgjava.shmem.buffer;

import org.pgjava.shmem.atomic.SharedAtomics;

import java.lang.foreign.MemorySegment;

/**
 * Shared state of the clock-sweep replacement strategy, PostgreSQL's BufferStrategyControl
 * (freelist.c): the clock hand and the allocation counter the background writer reads. Entry points:
 * {@link #regionSize()}, the constructor, {@link #advanceClockHand()}, {@link #clockPosition()},
 * {@link #takeAllocationCount()}.
 *
 * <h2>Layout (64 bytes)</h2>
 * <pre>
 * offset size field                guarded by
 *      0    8 clockTicks           atomic getAndAdd: how many buffers the hand has passed since the pool was
 *                                  created. The hand points at clockTicks mod N; complete passes = clockTicks / N
 *                                  (64 bits never wrap, so PostgreSQL's wraparound spinlock is not needed)
 *      8    8 allocations          atomic: buffer allocations (victim searches) since the bgwriter last took it
 *     16    8 bgwriterCleaned      atomic: pages the background writer has written (statistics)
 *     24   40 reserved, zero
 * </pre>
 * All-zero: hand at buffer 0, no allocations.
 */
public final class BufferStrategyControl {
    static final long CLOCK_TICKS = 0, ALLOCATIONS = 8, BGWRITER_CLEANED = 16;
    private final MemorySegment memory;
    private final int nbuffers;

    /** Views {@code memory} (at least {@link #regionSize()} bytes) for a pool of {@code nbuffers}. */
    public BufferStrategyControl(MemorySegment memory, int nbuffers) {
        if (memory.byteSize() < regionSize()) {
            throw new IllegalArgumentException("strategy region too small: " + memory.byteSize());
        }
        SharedAtomics.checkWord(memory, 0, 8);
        this.memory = memory;
        this.nbuffers = nbuffers;
    }

    /** Bytes of the region. */
    public static long regionSize() {
        return 64;
    }

    /** Moves the clock hand one buffer on; returns the buffer it pointed at (PostgreSQL's ClockSweepTick). */
    public int advanceClockHand() {
        long tick = SharedAtomics.getAndAddLong(memory, CLOCK_TICKS, 1);
        return (int) Long.remainderUnsigned(tick, nbuffers);
    }

    /** The raw tick count (hand = ticks mod N, complete passes = ticks / N), PostgreSQL's StrategySyncStart. */
    public long clockPosition() {
        return SharedAtomics.getLong(memory, CLOCK_TICKS);
    }

    /** Counts one buffer allocation (a victim search). */
    public void countAllocation() {
        SharedAtomics.getAndAddLong(memory, ALLOCATIONS, 1);
    }

    /** Returns the allocations since the previous call and resets the counter (the bgwriter's read). */
    public long takeAllocationCount() {
        return SharedAtomics.getAndSetLong(memory, ALLOCATIONS, 0);
    }

    /** Adds to the background writer's written-pages counter. */
    public void countBgwriterWrites(long pages) {
        SharedAtomics.getAndAddLong(memory, BGWRITER_CLEANED, pages);
    }

    /** Pages the background writer has written in total. */
    public long bgwriterWrites() {
        return SharedAtomics.getLong(memory, BGWRITER_CLEANED);
    }

    /** Pool size. */
    public int nbuffers() {
        return nbuffers;
    }
}
