package org.pgjava.backend.storage.buffer;

import org.pgjava.shmem.buffer.SharedBufferPool;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.segment.RegionLayout;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * Test layout: the buffer pool's regions, 16 LWLock wait slots, and a 4 KiB words region for
 * cross-process coordination (0 attached count, 8 go flag, 16 failures).
 */
final class BufferPoolFixture {
    static final String WAIT_SLOTS = "lwlock wait slots";
    static final String WORDS = "test words";
    static final long ATTACHED = 0, GO = 8, DONE = 16;

    private BufferPoolFixture() {
    }

    static RegionLayout layout(int nbuffers) {
        RegionLayout.Builder b = RegionLayout.builder(1).add(WAIT_SLOTS, LWLockWaitSlots.regionSize(16));
        SharedBufferPool.addRegions(b, nbuffers);
        return b.add(WORDS, 4096).build();
    }

    /** Region lookup over one memory block laid out by {@code layout} (no segment header needed). */
    static Function<String, MemorySegment> regions(RegionLayout layout, MemorySegment all) {
        return name -> {
            RegionLayout.Region r = layout.region(name);
            return all.asSlice(r.offset(), r.size());
        };
    }

    static LWLockOwner owner(Function<String, MemorySegment> regions, int slot) {
        return new LWLockOwner(new LWLockWaitSlots(regions.apply(WAIT_SLOTS)), slot);
    }
}
