package org.pgjava.shmem.xact;

import org.junit.jupiter.api.Test;
import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTable;
import org.pgjava.shmem.lmgr.LockTag;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** TransactionState, SlruBuffers and LockTable over plain zeroed memory (one process). */
class XactSharedStructuresTest {
    private final Arena arena = Arena.ofAuto();
    private final LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(zeroed(LWLockWaitSlots.regionSize(2))), 0);

    private MemorySegment zeroed(long size) {
        MemorySegment m = arena.allocate(size, 4096);
        m.fill((byte) 0);
        return m;
    }

    @Test
    void subxidCacheAppendsRemovesAndRefusesBeyond64() {
        TransactionState st = new TransactionState(zeroed(TransactionState.regionSize(3)), owner);
        assertEquals(3, st.slotCount());
        assertFalse(st.isInitialized(), "all-zero = not yet initialised");
        for (int i = 0; i < 64; i++) assertTrue(st.appendSubxid(1, 100 + i));
        assertFalse(st.appendSubxid(1, 999));
        assertEquals(64, st.subxidCount(1));
        assertEquals(0, st.subxidCount(0));
        st.removeSubxids(1, new long[]{100, 150, 163});
        assertEquals(61, st.subxidCount(1));
        assertEquals(101, st.subxid(1, 0));
        assertEquals(149, st.subxid(1, 48));
        assertEquals(151, st.subxid(1, 49));
        st.clearSubxids(1);
        assertEquals(0, st.subxidCount(1));
        assertTrue(st.appendSubxid(1, 0xFFFF_FFFFL));
        assertEquals(0xFFFF_FFFFL, st.subxid(1, 0), "stored as unsigned 32 bits");
        assertThrows(IllegalArgumentException.class, () -> st.initialize(2, 0));
        st.initialize(0x5_0000_0010L, 20000);
        assertEquals(0x5_0000_000FL, st.latestCompletedFullXid());
        st.advanceLatestCompleted(3);
        assertEquals(0x5_0000_000FL, st.latestCompletedFullXid(), "never moves back");
    }

    @Test
    void slruChoosesEmptyThenLeastRecentlyUsed() {
        SlruBuffers b = new SlruBuffers(zeroed(SlruBuffers.regionSize(3)), 3, "test", owner);
        assertEquals(-1, b.findPage(0), "all-zero = all empty");
        for (int p = 0; p < 3; p++) {
            int v = b.chooseVictim();
            assertEquals(-1, b.pageNumber(v));
            b.assign(v, p * 10);
        }
        b.touch(b.findPage(0));
        b.touch(b.findPage(20));
        assertEquals(b.findPage(10), b.chooseVictim());
        int buf = b.findPage(20);
        b.markDirty(buf, 500);
        b.markDirty(buf, 400);
        assertTrue(b.isDirty(buf));
        assertEquals(500, b.pageLsn(buf), "LSN only rises");
        b.markClean(buf);
        assertFalse(b.isDirty(buf));
        assertEquals(0, b.page(buf).address() % 64);
    }

    @Test
    void lockTableEntriesAreFoundFreedAndReused() {
        LockTable t = new LockTable(zeroed(LockTable.regionSize(2, 10)), 2, 10, owner);
        LockTag a = LockTag.relation(1, 2), b = LockTag.transaction(77);
        assertEquals(-1, t.findLock(a));
        int ea = t.createLock(a);
        int eb = t.createLock(b);
        assertEquals(ea, t.findLock(a));
        assertEquals(eb, t.findLock(b));
        assertEquals(a, t.tagOf(ea));
        t.addRequest(ea, LockMode.SHARE);
        t.grant(ea, LockMode.SHARE);
        assertEquals(LockMode.SHARE.bit(), t.grantMask(ea));
        t.addRequest(ea, LockMode.EXCLUSIVE);
        t.enqueue(ea, 1, LockMode.EXCLUSIVE);
        assertEquals(LockMode.EXCLUSIVE.bit(), t.waitMask(ea));
        assertEquals(1, t.firstWaiter(ea));
        t.dequeue(ea, 1);
        t.removeRequest(ea, LockMode.EXCLUSIVE);
        assertEquals(0, t.waitMask(ea));
        t.ungrant(ea, LockMode.SHARE);
        assertEquals(0, t.nRequested(ea));
        t.freeLock(ea);
        assertEquals(-1, t.findLock(a));
        assertEquals(eb, t.findLock(b));
        assertEquals(ea, t.createLock(a), "freed entries are reused");
        // a partition holds ceil(2 x 10 / 16) = 2 entries: the third tag of one partition does not fit
        int p = LockTable.partitionOf(b);
        int made = 0;
        for (int i = 0; made < 5 && i < 100_000; i++) {
            LockTag x = LockTag.relation(9, i);
            if (LockTable.partitionOf(x) != p || x.equals(b)) continue;
            int e = t.createLock(x);
            if (e < 0) break;
            made++;
        }
        assertEquals(1, made, "one more entry fits beside " + b);
    }
}
