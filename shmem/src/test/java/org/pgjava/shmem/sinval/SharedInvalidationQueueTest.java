package org.pgjava.shmem.sinval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;

class SharedInvalidationQueueTest {
    private static final int SLOTS = 4;
    private static final int SIZE = 64;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment waitSlots = arena.allocate(LWLockWaitSlots.regionSize(2), 64);
    private final MemorySegment region = arena.allocate(SharedInvalidationQueue.regionSize(SLOTS, SIZE), 64);
    private final SharedInvalidationQueue queue = new SharedInvalidationQueue(region, SLOTS, SIZE,
            new LWLockOwner(new LWLockWaitSlots(waitSlots), 0));

    private static List<InvalidationMessage> messages(int from, int count) {
        List<InvalidationMessage> list = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            list.add(i % 3 == 0 ? InvalidationMessage.relcache(5, i)
                    : i % 3 == 1 ? InvalidationMessage.catcache(i % 200, 5, 0xFFFFFFFFL - i)
                    : InvalidationMessage.catalog(0, i));
        }
        return list;
    }

    private List<InvalidationMessage> drain(int slot) {
        List<InvalidationMessage> got = new ArrayList<>();
        InvalidationMessage[] buffer = new InvalidationMessage[7];
        int n;
        while ((n = queue.read(slot, buffer)) > 0) {
            got.addAll(java.util.Arrays.asList(buffer).subList(0, n));
        }
        if (n == SharedInvalidationQueue.RESET) {
            got.add(null);
        }
        return got;
    }

    @Test
    void layoutSize() {
        assertEquals(256 + 32 * 4 + 16 * 64, SharedInvalidationQueue.regionSize(4, 64));
        assertThrows(IllegalArgumentException.class, () -> SharedInvalidationQueue.regionSize(4, 100));
        assertThrows(IllegalArgumentException.class, () -> SharedInvalidationQueue.regionSize(0, 64));
    }

    @Test
    void readerSeesMessagesInsertedAfterJoiningInOrder() {
        queue.insert(messages(0, 5));          // before anyone joined: nobody gets them
        queue.join(0, 100);
        queue.join(1, 101);
        queue.insert(messages(5, 20));
        assertEquals(messages(5, 20), drain(0));
        assertEquals(List.of(), drain(0));
        queue.insert(messages(25, 3));
        assertEquals(messages(5, 23), drain(1));
        assertEquals(messages(25, 3), drain(0));
        assertThrows(IllegalStateException.class, () -> queue.join(0, 102));
        assertThrows(IllegalStateException.class, () -> queue.read(2, new InvalidationMessage[1]));
        assertEquals(100, queue.pid(0));
    }

    @Test
    void fullQueueResetsTheSlowReaderAndNeverBlocksTheWriter() {
        queue.join(0, 100);
        queue.join(1, 101);
        int written = 0;
        for (int round = 0; round < 10; round++) {
            queue.insert(messages(written, 30));
            written += 30;
            assertEquals(messages(written - 30, 30), drain(1)); // the fast reader keeps up
        }
        assertTrue(queue.isReset(0));
        assertFalse(queue.isReset(1));
        List<InvalidationMessage> slow = drain(0);
        assertEquals(1, slow.size());
        assertEquals(null, slow.get(0));       // RESET
        assertFalse(queue.isReset(0));
        queue.insert(messages(written, 4));
        assertEquals(messages(written, 4), drain(0)); // caught up after the reset
        assertEquals(messages(written, 4), drain(1));
    }

    @Test
    void halfFullQueueAsksTheFurthestBehindToCatchUp() {
        queue.join(0, 100);
        queue.join(3, 103);
        long asked = 0;
        for (int i = 0; i < 50; i++) {
            asked |= queue.insert(messages(i, 1));
            drain(3);
        }
        assertEquals(1L, asked);
        assertTrue(queue.catchupRequested(0));
        assertFalse(queue.catchupRequested(3));
        assertEquals(messages(0, 50), drain(0));
        assertFalse(queue.catchupRequested(0));
    }

    @Test
    void leavingSlotNoLongerHoldsBackTheQueueAndBatchesLargerThanTheQueueWork() {
        queue.join(0, 100);
        queue.join(1, 101);
        queue.leave(0);
        assertFalse(queue.inUse(0));
        queue.insert(messages(0, 60));
        assertEquals(messages(0, 60), drain(1));
        queue.insert(messages(0, 200));        // more than the queue holds: chunks, reader reset
        List<InvalidationMessage> got = drain(1);
        assertEquals(java.util.Collections.singletonList(null), got);
        queue.join(0, 200);
        assertEquals(List.of(), drain(0));
    }

    @Test
    void allZeroRegionIsEmptyQueue() {
        MemorySegment fresh = arena.allocate(SharedInvalidationQueue.regionSize(SLOTS, SIZE), 64);
        SharedInvalidationQueue q = new SharedInvalidationQueue(fresh, SLOTS, SIZE,
                new LWLockOwner(new LWLockWaitSlots(waitSlots), 1));
        for (int i = 0; i < SLOTS; i++) {
            assertFalse(q.inUse(i));
            assertFalse(q.isReset(i));
        }
        assertEquals(0, q.maxMessageNumber());
        q.join(2, 1);
        q.insert(messages(0, 1));
        assertEquals(messages(0, 1), List.of(readOne(q)));
    }

    private static InvalidationMessage readOne(SharedInvalidationQueue q) {
        InvalidationMessage[] b = new InvalidationMessage[4];
        assertEquals(1, q.read(2, b));
        return b[0];
    }

    @Test
    void messageValidation() {
        assertThrows(IllegalArgumentException.class, () -> InvalidationMessage.catcache(256, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> InvalidationMessage.relcache(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> InvalidationMessage.catalog(1, 1L << 32));
    }
}
