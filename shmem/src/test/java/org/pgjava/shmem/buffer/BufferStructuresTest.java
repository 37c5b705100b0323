package org.pgjava.shmem.buffer;

import org.junit.jupiter.api.Test;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.segment.RegionLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;
import static org.pgjava.shmem.buffer.BufferState.*;

/** The state word, descriptors, mapping table, clock hand and sync queue on private memory. */
class BufferStructuresTest {
    private final Arena arena = Arena.ofShared();

    @Test
    void stateWordPacksRefcountUsageAndFlags() {
        long s = 0;
        for (int i = 0; i < 7; i++) {
            s = pinned(s);
        }
        assertEquals(7, refcount(s));
        assertEquals(BM_MAX_USAGE_COUNT, usageCount(s), "usage count stops at BM_MAX_USAGE_COUNT");
        s |= BM_DIRTY | BM_VALID | BM_PERMANENT;
        assertTrue(has(s, BM_DIRTY | BM_VALID));
        assertFalse(has(s, BM_DIRTY | BM_IO_IN_PROGRESS));
        s = unpinned(s);
        assertEquals(6, refcount(s));
        assertEquals(5, usageCount(s));
        assertEquals("refcount=6 usage=5 [DIRTY VALID PERMANENT]", describe(s));
        assertThrows(IllegalStateException.class, () -> unpinned(0L));
        // flags never overlap the counters
        for (long flag : new long[]{BM_LOCKED, BM_DIRTY, BM_VALID, BM_TAG_VALID, BM_IO_IN_PROGRESS, BM_IO_ERROR,
                BM_JUST_DIRTIED, BM_CHECKPOINT_NEEDED, BM_PERMANENT}) {
            assertEquals(0, flag & (REFCOUNT_MASK | USAGE_COUNT_MASK));
            assertEquals(1, Long.bitCount(flag));
        }
        assertEquals(9, Long.bitCount(FLAG_MASK));
    }

    @Test
    void headerLockExcludesCasAndPublishesOnUnlock() throws Exception {
        BufferDescriptors d = new BufferDescriptors(arena.allocate(BufferDescriptors.regionSize(16), 64));
        assertEquals(16, d.count());
        assertEquals(0, d.state(3));
        long locked = d.lockHeader(3);
        assertTrue(has(locked, BM_LOCKED));
        AtomicLong seen = new AtomicLong();
        Thread t = new Thread(() -> seen.set(d.awaitHeaderUnlocked(3)));
        t.start();
        Thread.sleep(50);
        assertTrue(t.isAlive(), "waiter must wait while the header is locked");
        d.setTag(3, 1663, 5, 16384, 0, 42);
        d.unlockHeader(3, locked | BM_TAG_VALID);
        t.join(5000);
        assertEquals(BM_TAG_VALID, seen.get());
        assertTrue(d.tagEquals(3, 1663, 5, 16384, 0, 42));
        assertFalse(d.tagEquals(3, 1663, 5, 16384, 1, 42));
        assertTrue(d.relationEquals(3, 1663, 5, 16384));
        assertEquals(42, d.blockNumber(3));
    }

    @Test
    void ioWaitReturnsWhenIoEnds() throws Exception {
        BufferDescriptors d = new BufferDescriptors(arena.allocate(BufferDescriptors.regionSize(16), 64));
        long locked = d.lockHeader(0);
        d.unlockHeader(0, locked | BM_IO_IN_PROGRESS);
        AtomicLong seen = new AtomicLong(-1);
        Thread t = new Thread(() -> seen.set(d.awaitIoDone(0, 0)));
        t.start();
        Thread.sleep(100);
        assertTrue(t.isAlive(), "waiter sleeps while the I/O runs");
        locked = d.lockHeader(0);
        d.unlockHeader(0, (locked & ~BM_IO_IN_PROGRESS) | BM_VALID);
        d.wakeIoWaiters(0);
        t.join(5000);
        assertFalse(t.isAlive());
        assertEquals(BM_VALID, seen.get());
    }

    @Test
    void mappingTableInsertLookupDeleteWithCollisions() {
        int n = 1000;
        MemorySegment m = arena.allocate(BufferMappingTable.regionSize(n), 64);
        BufferMappingTable t = new BufferMappingTable(m, n);
        assertEquals(1024, t.bucketCount());
        // many tags of one relation: chains form (1000 entries in 1024 buckets)
        Map<Integer, Integer> blockToBuf = new HashMap<>();
        for (int b = 0; b < n; b++) {
            int h = BufferMappingTable.hash(1663, 5, 16384, 0, b * 7);
            assertEquals(-1, t.insert(h, 1663, 5, 16384, 0, b * 7, b));
            blockToBuf.put(b * 7, b);
        }
        int collisions = 0;
        boolean[] used = new boolean[1024];
        for (int b = 0; b < n; b++) {
            int bucket = BufferMappingTable.hash(1663, 5, 16384, 0, b * 7) & 1023;
            if (used[bucket]) {
                collisions++;
            }
            used[bucket] = true;
        }
        assertTrue(collisions > 100, "the test must exercise chains: " + collisions);
        for (var e : blockToBuf.entrySet()) {
            int h = BufferMappingTable.hash(1663, 5, 16384, 0, e.getKey());
            assertEquals(e.getValue(), t.lookup(h, 1663, 5, 16384, 0, e.getKey()));
        }
        // duplicate insert returns the existing buffer and changes nothing
        int h7 = BufferMappingTable.hash(1663, 5, 16384, 0, 7);
        assertEquals(1, t.insert(h7, 1663, 5, 16384, 0, 7, 999));
        // not present: other fork, other relation
        assertEquals(-1, t.lookup(BufferMappingTable.hash(1663, 5, 16384, 1, 7), 1663, 5, 16384, 1, 7));
        assertEquals(-1, t.lookup(BufferMappingTable.hash(1663, 5, 16385, 0, 7), 1663, 5, 16385, 0, 7));
        // delete every other entry (heads, middles and tails of chains), the rest stays reachable
        Random r = new Random(1);
        List<Integer> blocks = new ArrayList<>(blockToBuf.keySet());
        java.util.Collections.shuffle(blocks, r);
        for (int i = 0; i < blocks.size(); i += 2) {
            int blk = blocks.get(i);
            int h = BufferMappingTable.hash(1663, 5, 16384, 0, blk);
            assertEquals(blockToBuf.get(blk), t.delete(h, 1663, 5, 16384, 0, blk));
            assertEquals(-1, t.lookup(h, 1663, 5, 16384, 0, blk));
        }
        for (int i = 1; i < blocks.size(); i += 2) {
            int blk = blocks.get(i);
            assertEquals(blockToBuf.get(blk), t.lookup(BufferMappingTable.hash(1663, 5, 16384, 0, blk), 1663, 5,
                    16384, 0, blk));
        }
        int blk = blocks.get(0);
        int buf = blockToBuf.get(blk);
        // a freed entry can be reused under a new tag; a used one cannot be inserted twice
        int hn = BufferMappingTable.hash(1664, 0, 1262, 0, 0);
        assertEquals(-1, t.insert(hn, 1664, 0, 1262, 0, 0, buf));
        assertEquals(buf, t.lookup(hn, 1664, 0, 1262, 0, 0));
        assertThrows(IllegalStateException.class, () -> t.insert(BufferMappingTable.hash(1, 2, 3, 0, 4), 1, 2, 3, 0, 4, buf));
        assertThrows(IllegalStateException.class, () -> t.delete(BufferMappingTable.hash(1, 2, 3, 0, 4), 1, 2, 3, 0, 4));
    }

    @Test
    void hashSpreadsOverPartitions() {
        int[] perPartition = new int[BufferMappingTable.PARTITIONS];
        for (int b = 0; b < 128 * 100; b++) {
            perPartition[BufferMappingTable.partition(BufferMappingTable.hash(1663, 5, 16384, 0, b))]++;
        }
        for (int c : perPartition) {
            assertTrue(c > 50 && c < 150, "partition load " + c);
        }
    }

    @Test
    void clockHandWrapsAndCountsAllocations() {
        BufferStrategyControl c = new BufferStrategyControl(arena.allocate(64, 64), 16);
        for (int i = 0; i < 40; i++) {
            assertEquals(i % 16, c.advanceClockHand());
        }
        assertEquals(40, c.clockPosition());
        c.countAllocation();
        c.countAllocation();
        assertEquals(2, c.takeAllocationCount());
        assertEquals(0, c.takeAllocationCount());
    }

    @Test
    void syncQueueAbsorbsDuplicatesCompactsAndRefusesWhenFull() {
        LWLockWaitSlots slots = new LWLockWaitSlots(arena.allocate(LWLockWaitSlots.regionSize(2), 64));
        LWLockOwner owner = new LWLockOwner(slots, 0);
        SyncRequestQueue q = new SyncRequestQueue(arena.allocate(SyncRequestQueue.regionSize(4), 64), owner);
        assertEquals(4, q.capacity());
        assertTrue(q.forward(1663, 5, 100, 0, 0));
        assertTrue(q.forward(1663, 5, 100, 0, 0));  // same as the newest: absorbed
        assertEquals(1, q.size());
        assertTrue(q.forward(1663, 5, 101, 0, 0));
        assertTrue(q.forward(1663, 5, 100, 0, 0));  // duplicate, not adjacent: kept until compaction
        assertTrue(q.forward(1663, 5, 102, 0, 1));
        assertEquals(4, q.size());
        assertTrue(q.forward(1663, 5, 103, 0, 0));  // full -> compacted to 3, then appended
        assertEquals(4, q.size());
        assertFalse(q.forward(1663, 5, 104, 0, 0), "full without duplicates: the writer must fsync itself");
        List<String> drained = new ArrayList<>();
        assertEquals(4, q.drain((s, d, r, f, seg) -> drained.add(s + "/" + d + "/" + r + "/" + f + "." + seg)));
        assertEquals(List.of("1663/5/100/0.0", "1663/5/101/0.0", "1663/5/102/0.1", "1663/5/103/0.0"), drained);
        assertEquals(0, q.size());
        assertEquals(0, owner.heldCount());
    }

    @Test
    void poolRegionsFitALayout() {
        RegionLayout layout = SharedBufferPool.addRegions(RegionLayout.builder(1), 16).build();
        assertEquals(0, layout.region(SharedBufferPool.PAGES).offset() % RegionLayout.PAGE);
        assertTrue(layout.totalSize() >= SharedBufferPool.totalSize(16));
        assertThrows(IllegalArgumentException.class, () -> SharedBufferPool.addRegions(RegionLayout.builder(1), 15));
    }
}
