package org.pgjava.backend.access.heap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;
import org.pgjava.backend.access.heap.HeapWalRecords.HeapWalRecord;
import org.pgjava.backend.storage.page.ItemId;
import org.pgjava.backend.storage.page.Page;
import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Each heap operation done directly on a page and replayed from its encoded-then-decoded WAL payload on a
 * copy of the page before it: the two pages must be byte-identical. Also checks what the operations do.
 */
class HeapWalRedoTest {
    private static final TupleDescriptor DESC = TupleDescriptor.of(23, 25);

    private static byte[] tuple(int id, String text, long xid, int cid, boolean updated, boolean heapOnly) {
        byte[] t = HeapTuples.form(DESC, new Object[] {id, text});
        HeapTupleHeader.prepareInsert(MemorySegment.ofArray(t), xid, cid, updated, heapOnly);
        return t;
    }

    private static Page copy(Page p) {
        return new Page(MemorySegment.ofArray(p.segment().toArray(ValueLayout.JAVA_BYTE)));
    }

    /** Replays {@code r} (through encode/decode) on {@code before} and checks it equals {@code after}. */
    private static void assertRedoIdentical(HeapWalRecord r, Page before, Page after) {
        HeapWalRecord decoded = HeapWalRecords.decode(r.rmgr(), r.info(), r.encode());
        assertEquals(r.getClass(), decoded.getClass());
        assertArrayEquals(r.encode(), decoded.encode());
        decoded.apply(before);
        assertArrayEquals(after.segment().toArray(ValueLayout.JAVA_BYTE),
                before.segment().toArray(ValueLayout.JAVA_BYTE), "redo of " + r);
    }

    @Test
    void insertIntoNewPageAndReusedSlot() {
        Page page = Page.allocate();
        Page replica = copy(page);
        byte[] t1 = tuple(1, "one", 100, 0, false, false);
        HeapWalRecords.Insert r1 = new HeapWalRecords.Insert(7, 1, true, t1);
        page.init(0);
        assertEquals(1, HeapPage.chooseInsertOffset(page, t1.length));
        assertEquals(ItemPointer.of(7, 1), HeapPage.insertTuple(page, 7, 1, t1));
        assertRedoIdentical(r1, replica, page);
        assertEquals(0x80, r1.info());
        MemorySegment stored = page.getItem(1);
        assertEquals("(7,1)", ItemPointer.toString(HeapTupleHeader.ctid(stored)));
        assertArrayEquals(new Object[] {1, "one"}, HeapTuples.deform(DESC, stored));

        for (int i = 2; i <= 4; i++) {
            byte[] t = tuple(i, "row" + i, 100, 0, false, false);
            Page before = copy(page);
            int off = HeapPage.chooseInsertOffset(page, t.length);
            assertEquals(i, off);
            HeapPage.insertTuple(page, 7, off, t);
            assertRedoIdentical(new HeapWalRecords.Insert(7, off, false, t), before, page);
        }
        page.setItemUnused(2);
        page.repairFragmentation();
        byte[] t5 = tuple(5, "five", 101, 0, false, false);
        int off = HeapPage.chooseInsertOffset(page, t5.length);
        assertEquals(2, off);
        Page before = copy(page);
        HeapPage.insertTuple(page, 7, off, t5);
        assertFalse(page.hasFlag(Page.PD_HAS_FREE_LINES));
        assertRedoIdentical(new HeapWalRecords.Insert(7, off, false, t5), before, page);
        // an occupied slot is refused
        assertEquals(SqlState.INTERNAL_ERROR,
                assertThrows(PgException.class, () -> HeapPage.insertTuple(page, 7, 1, t5)).sqlState());
    }

    private static Page pageWith(int n, long xid) {
        Page page = Page.allocate();
        page.init(0);
        for (int i = 1; i <= n; i++) {
            HeapPage.insertTuple(page, 3, i, tuple(i, "v" + i, xid, 0, false, false));
        }
        return page;
    }

    @Test
    void deleteRedo() {
        Page page = pageWith(3, 100);
        Page before = copy(page);
        HeapWalRecords.Delete r = new HeapWalRecords.Delete(3, 2, 200, 4, false, true);
        r.apply(page);
        assertRedoIdentical(r, before, page);
        MemorySegment t = page.getItem(2);
        assertEquals(200, HeapTupleHeader.xmax(t));
        assertEquals(4, HeapTupleHeader.rawCid(t));
        assertFalse(HeapTupleHeader.has(t, HeapTupleHeader.HEAP_XMAX_INVALID));
        assertTrue((HeapTupleHeader.infomask2(t) & HeapTupleHeader.HEAP_KEYS_UPDATED) != 0);
        assertEquals(ItemPointer.of(3, 2), HeapTupleHeader.ctid(t));
        assertEquals(200, page.pruneXid());
        // visible to a snapshot that sees 200 as running, gone once 200 committed before the snapshot
        TestOracle o = new TestOracle().committed(100, 200);
        HintBits h = new HintBits();
        assertTrue(HeapVisibility.satisfiesMvcc(t, new Snapshot(150, 201, new long[] {200}, 0), o, new ComboCids(), h));
        assertFalse(HeapVisibility.satisfiesMvcc(t, new Snapshot(201, 201, new long[0], 0), o, new ComboCids(), h));
    }

    @Test
    void lockRedo() {
        Page page = pageWith(2, 100);
        for (RowLockMode mode : RowLockMode.values()) {
            Page before = copy(page);
            HeapWalRecords.Lock r = new HeapWalRecords.Lock(3, 1, 300 + mode.ordinal(), mode);
            r.apply(page);
            assertRedoIdentical(r, before, page);
            MemorySegment t = page.getItem(1);
            assertTrue(HeapTupleHeader.isXmaxLockedOnly(HeapTupleHeader.infomask(t)));
            assertEquals(mode.keysUpdated(), (HeapTupleHeader.infomask2(t) & HeapTupleHeader.HEAP_KEYS_UPDATED) != 0);
            assertEquals(0, HeapTupleHeader.rawCid(t));
        }
    }

    @Test
    void hotUpdateOnSamePageRedo() {
        Page page = pageWith(2, 100);
        byte[] nt = tuple(1, "new", 200, 1, true, true);
        int off = HeapPage.chooseInsertOffset(page, nt.length);
        HeapWalRecords.Update r = new HeapWalRecords.Update(3, 1, 3, off, 200, 1, false, false, true, false, nt);
        assertEquals(HeapWalRecords.XLOG_HEAP_HOT_UPDATE, r.info());
        Page before = copy(page);
        r.apply(page);
        assertRedoIdentical(r, before, page);
        MemorySegment old = page.getItem(1);
        assertEquals(ItemPointer.of(3, 3), HeapTupleHeader.ctid(old));
        assertTrue((HeapTupleHeader.infomask2(old) & HeapTupleHeader.HEAP_HOT_UPDATED) != 0);
        MemorySegment neu = page.getItem(3);
        assertTrue(HeapTupleHeader.isHeapOnly(neu));
        assertTrue(HeapTupleHeader.has(neu, HeapTupleHeader.HEAP_UPDATED));
        assertEquals(ItemPointer.of(3, 3), HeapTupleHeader.ctid(neu));
    }

    @Test
    void updateAcrossPagesRedo() {
        Page oldPage = pageWith(2, 100);
        Page newPage = Page.allocate();
        Page oldBefore = copy(oldPage);
        Page newBefore = copy(newPage);
        byte[] nt = tuple(2, "moved", 200, 0, true, false);
        HeapWalRecords.Update r = new HeapWalRecords.Update(3, 2, 4, 1, 200, 0, false, false, false, true, nt);
        assertEquals(HeapWalRecords.XLOG_HEAP_UPDATE | HeapWalRecords.XLOG_HEAP_INIT_PAGE, r.info());
        r.applyToNewPage(newPage);
        r.applyToOldPage(oldPage);
        HeapWalRecords.Update d = (HeapWalRecords.Update) HeapWalRecords.decode(r.rmgr(), r.info(), r.encode());
        d.applyToNewPage(newBefore);
        d.applyToOldPage(oldBefore);
        assertArrayEquals(oldPage.segment().toArray(ValueLayout.JAVA_BYTE), oldBefore.segment().toArray(ValueLayout.JAVA_BYTE));
        assertArrayEquals(newPage.segment().toArray(ValueLayout.JAVA_BYTE), newBefore.segment().toArray(ValueLayout.JAVA_BYTE));
        assertEquals("(4,1)", ItemPointer.toString(HeapTupleHeader.ctid(oldPage.getItem(2))));
        assertThrows(IllegalStateException.class, () -> r.apply(oldPage));
    }

    @Test
    void ownInsertThenUpdateStoresComboCid() {
        TestOracle o = new TestOracle().current(100);
        ComboCids combo = new ComboCids();
        Page page = pageWith(1, 100); // inserted by the current transaction in command 0
        MemorySegment t = page.getItem(1);
        ComboCids.CidChoice c = combo.cidForDelete(t, 3, o);
        assertTrue(c.combo());
        Page before = copy(page);
        HeapWalRecords.Delete r = new HeapWalRecords.Delete(3, 1, 100, c.rawCid(), c.combo(), true);
        r.apply(page);
        assertRedoIdentical(r, before, page);
        assertEquals(0, combo.cmin(page.getItem(1)));
        assertEquals(3, combo.cmax(page.getItem(1)));
    }

    @Test
    void pruneFreesOnlyWhatNoSnapshotCanSee() {
        // 1: live; 2: deleted by 150 (committed, before horizon); 3: deleted by 250 (committed, after horizon)
        // 4: inserted by aborted 160; 5 -> 6 HOT chain: 5 updated by 170 (committed) to 6 (live)
        Page page = Page.allocate();
        page.init(0);
        HeapPage.insertTuple(page, 0, 1, tuple(1, "live", 100, 0, false, false));
        HeapPage.insertTuple(page, 0, 2, tuple(2, "dead", 100, 0, false, false));
        HeapPage.insertTuple(page, 0, 3, tuple(3, "recently dead", 100, 0, false, false));
        HeapPage.insertTuple(page, 0, 4, tuple(4, "aborted", 160, 0, false, false));
        HeapPage.insertTuple(page, 0, 5, tuple(5, "old version", 100, 0, false, false));
        HeapPage.insertTuple(page, 0, 6, tuple(5, "new version", 170, 0, true, true));
        HeapPage.markDeleted(page, 2, 150, 0, false, true, ItemPointer.of(0, 2), false);
        HeapPage.markDeleted(page, 3, 250, 0, false, true, ItemPointer.of(0, 3), false);
        HeapPage.markDeleted(page, 5, 170, 0, false, false, ItemPointer.of(0, 6), true);
        TestOracle o = new TestOracle().committed(100, 150, 170, 250);
        int freeBefore = page.freeSpace();
        PrunePlan plan = HeapPage.computePrune(page, 200, o, false);
        assertArrayEquals(new int[] {5}, plan.redirectFrom());
        assertArrayEquals(new int[] {6}, plan.redirectTo());
        assertArrayEquals(new int[] {2, 4}, plan.nowDead());
        assertArrayEquals(new int[0], plan.nowUnused());
        assertEquals(250, plan.newPruneXid());
        Page before = copy(page);
        HeapPage.executePrune(page, plan);
        assertRedoIdentical(new HeapWalRecords.Prune(0, plan), before, page);
        assertTrue(page.freeSpace() > freeBefore);
        assertTrue(ItemId.isDead(page.itemId(2)));
        assertTrue(ItemId.isRedirected(page.itemId(5)));
        assertArrayEquals(new Object[] {1, "live"}, HeapTuples.deform(DESC, page.getItem(1)));
        assertArrayEquals(new Object[] {3, "recently dead"}, HeapTuples.deform(DESC, page.getItem(3)));
        assertArrayEquals(new Object[] {5, "new version"}, HeapTuples.deform(DESC, page.getItem(6)));
        assertEquals(250, page.pruneXid());
        assertFalse(HeapPage.mayPrune(page, 250));
        assertTrue(HeapPage.mayPrune(page, 251));

        // later: 6 is deleted by committed 260, horizon passes; without indexes everything dead is freed
        HeapPage.markDeleted(page, 6, 260, 0, false, true, ItemPointer.of(0, 6), false);
        o.committed(260);
        PrunePlan plan2 = HeapPage.computePrune(page, 300, o, true);
        assertArrayEquals(new int[] {3, 6, 5}, plan2.nowUnused());
        assertArrayEquals(new int[0], plan2.nowDead());
        assertArrayEquals(new int[0], plan2.redirectFrom());
        Page before2 = copy(page);
        HeapPage.executePrune(page, plan2);
        assertRedoIdentical(new HeapWalRecords.Prune(0, plan2), before2, page);
        assertFalse(ItemId.isUsed(page.itemId(3)));
        assertFalse(ItemId.isUsed(page.itemId(5)));
        assertFalse(ItemId.isUsed(page.itemId(6)));
        assertTrue(ItemId.isNormal(page.itemId(1)));
        assertTrue(ItemId.isDead(page.itemId(2)), "LP_DEAD pointers are left for vacuum");
        assertEquals(8192 - Page.maxAlign(page.getItem(1).byteSize() > 0 ? (int) page.getItem(1).byteSize() : 0),
                page.upper(), "only the live tuple keeps storage");
        assertTrue(page.hasFlag(Page.PD_HAS_FREE_LINES));
        assertEquals(0, page.pruneXid());
    }

    @Test
    void pruneKeepsRowsOfRunningTransactions() {
        Page page = pageWith(2, 100);
        HeapPage.markDeleted(page, 1, 150, 0, false, true, ItemPointer.of(3, 1), false);
        TestOracle o = new TestOracle().committed(100).running(150);
        PrunePlan plan = HeapPage.computePrune(page, 400, o, true);
        assertTrue(plan.isEmpty());
        assertEquals(150, plan.newPruneXid());
        // an aborted deleter leaves the row live
        o.running.remove(150L);
        assertTrue(HeapPage.computePrune(page, 400, o, true).isEmpty());
    }

    @Test
    void corruptPayloadsRefused() {
        assertEquals(SqlState.DATA_CORRUPTED,
                assertThrows(PgException.class, () -> HeapWalRecords.decode(HeapWalRecords.RM_HEAP, 0x00,
                        new byte[] {1, 2, 3})).sqlState());
        assertThrows(PgException.class, () -> HeapWalRecords.decode(HeapWalRecords.RM_HEAP, 0x30, new byte[20]));
        byte[] ok = new HeapWalRecords.Lock(1, 1, 5, RowLockMode.SHARE).encode();
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThrows(PgException.class, () -> HeapWalRecords.decode(HeapWalRecords.RM_HEAP, 0x60, longer));
    }
}
