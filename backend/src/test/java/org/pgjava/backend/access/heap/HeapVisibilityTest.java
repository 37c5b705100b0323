package org.pgjava.backend.access.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMAX_COMMITTED;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMAX_INVALID;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMIN_COMMITTED;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMIN_INVALID;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The visibility matrix: inserter committed / aborted / running / own (earlier or later command) × deleter
 * none / committed / aborted / running / own, against snapshots that do or do not see each xid.
 */
class HeapVisibilityTest {
    private static final long SELF = ItemPointer.of(0, 1);
    private final ComboCids combo = new ComboCids();
    private final HintBits hints = new HintBits();

    /** A tuple inserted by xmin in command cmin. */
    private static MemorySegment tuple(long xmin, int cmin) {
        MemorySegment t = MemorySegment.ofArray(HeapTuples.form(TupleDescriptor.of(23), new Object[] {1}));
        HeapTupleHeader.prepareInsert(t, xmin, cmin, false, false);
        HeapTupleHeader.setCtid(t, SELF);
        return t;
    }

    /** Marks the tuple deleted by xmax in command cmax (combo cid when the oracle says xmin is ours). */
    private MemorySegment delete(MemorySegment t, long xmax, int cmax, TestOracle o) {
        ComboCids.CidChoice c = combo.cidForDelete(t, cmax, o);
        int mask = HeapTupleHeader.infomask(t) & ~HeapTupleHeader.HEAP_XMAX_BITS & ~HeapTupleHeader.HEAP_COMBOCID;
        HeapTupleHeader.setInfomask(t, mask | (c.combo() ? HeapTupleHeader.HEAP_COMBOCID : 0));
        HeapTupleHeader.setXmax(t, xmax);
        HeapTupleHeader.setRawCid(t, c.rawCid());
        return t;
    }

    private boolean mvcc(MemorySegment t, Snapshot s, TestOracle o) {
        hints.clear();
        return HeapVisibility.satisfiesMvcc(t, s, o, combo, hints);
    }

    /** Snapshot taken by xid 20: xmin 10, xmax 30, running 12 and 15. */
    private static Snapshot snap(int curcid) {
        return new Snapshot(10, 30, new long[] {12, 15}, curcid);
    }

    @Test
    void insertedByCommittedTransaction() {
        TestOracle o = new TestOracle().current(20).running(12, 15).committed(5, 11, 35);
        assertTrue(mvcc(tuple(5, 0), snap(0), o));
        assertEquals(HEAP_XMIN_COMMITTED, hints.bits());
        assertTrue(mvcc(tuple(11, 0), snap(0), o));
        // committed, but after the snapshot was taken (>= xmax) or listed as running
        assertFalse(mvcc(tuple(35, 0), snap(0), o));
        assertEquals(0, hints.bits(), "no hint for an xid the snapshot sees as running");
        o.committed(12);
        assertFalse(mvcc(tuple(12, 0), snap(0), o));
        assertEquals(0, hints.bits());
        // with the hint set, the snapshot still decides
        MemorySegment t = tuple(12, 0);
        HeapTupleHeader.setHintBits(t, HEAP_XMIN_COMMITTED);
        assertFalse(mvcc(t, snap(0), o));
        // frozen is visible even to an old snapshot
        HeapTupleHeader.setHintBits(t, HEAP_XMIN_INVALID);
        assertTrue(mvcc(t, snap(0), o));
    }

    @Test
    void insertedByAbortedOrRunningTransaction() {
        TestOracle o = new TestOracle().current(20).running(12, 15);
        MemorySegment aborted = tuple(11, 0); // finished before the snapshot, not committed
        assertFalse(mvcc(aborted, snap(0), o));
        assertEquals(HEAP_XMIN_INVALID, hints.bits());
        hints.applyTo(aborted);
        assertTrue(HeapTupleHeader.xminInvalid(aborted));
        assertFalse(mvcc(aborted, snap(0), o));
        assertEquals(0, hints.bits());
        assertFalse(mvcc(tuple(15, 0), snap(0), o));
        assertEquals(0, hints.bits());
    }

    @Test
    void ownInsertVisibleToLaterCommandsOnly() {
        TestOracle o = new TestOracle().current(20).running(12, 15);
        MemorySegment t = tuple(20, 3);
        assertFalse(mvcc(t, snap(3), o));
        assertTrue(mvcc(t, snap(4), o));
        assertEquals(0, hints.bits(), "no hint for the own running transaction");
    }

    @Test
    void ownInsertThenOwnDeleteUsesComboCid() {
        TestOracle o = new TestOracle().current(20).running(12, 15);
        MemorySegment t = delete(tuple(20, 2), 20, 5, o);
        assertTrue(HeapTupleHeader.has(t, HeapTupleHeader.HEAP_COMBOCID));
        assertEquals(2, combo.cmin(t));
        assertEquals(5, combo.cmax(t));
        assertFalse(mvcc(t, snap(2), o), "not yet inserted");
        assertTrue(mvcc(t, snap(3), o), "inserted, not yet deleted");
        assertTrue(mvcc(t, snap(5), o), "deleted by the current command: still visible to it");
        assertFalse(mvcc(t, snap(6), o), "deleted by an earlier command");
        // the same pair reuses the combo id
        assertEquals(HeapTupleHeader.rawCid(t), combo.comboId(2, 5));
    }

    @Test
    void ownInsertDeletedByAbortedSubtransaction() {
        TestOracle o = new TestOracle().current(20).running(12, 15);
        MemorySegment t = tuple(20, 1);
        o.current(21);
        delete(t, 21, 2, o);
        o.current.remove(21L); // subtransaction rolled back
        o.running.remove(21L);
        assertTrue(mvcc(t, snap(3), o));
        assertEquals(HEAP_XMAX_INVALID, hints.bits());
    }

    @Test
    void deletedByEachKindOfTransaction() {
        TestOracle o = new TestOracle().current(20).running(12, 15).committed(5, 11, 35);
        // committed before the snapshot: gone
        MemorySegment t = delete(tuple(5, 0), 11, 0, o);
        assertFalse(mvcc(t, snap(0), o));
        assertEquals(HEAP_XMIN_COMMITTED | HEAP_XMAX_COMMITTED, hints.bits());
        hints.applyTo(t);
        assertFalse(mvcc(t, snap(0), o));
        // committed after the snapshot: still visible, even with the hint set
        MemorySegment late = delete(tuple(5, 0), 35, 0, o);
        assertTrue(mvcc(late, snap(0), o));
        HeapTupleHeader.setHintBits(late, HEAP_XMAX_COMMITTED);
        assertTrue(mvcc(late, snap(0), o));
        // running (in xip): visible
        assertTrue(mvcc(delete(tuple(5, 0), 12, 0, o), snap(0), o));
        // aborted: visible, hint XMAX_INVALID
        assertTrue(mvcc(delete(tuple(5, 0), 13, 0, o), snap(0), o));
        assertEquals(HEAP_XMIN_COMMITTED | HEAP_XMAX_INVALID, hints.bits());
        // own delete: visible to the deleting command, not to later ones
        MemorySegment own = delete(tuple(5, 0), 20, 4, o);
        assertFalse(HeapTupleHeader.has(own, HeapTupleHeader.HEAP_COMBOCID));
        assertTrue(mvcc(own, snap(4), o));
        assertFalse(mvcc(own, snap(5), o));
        // lock-only xmax never hides a row
        MemorySegment locked = tuple(5, 0);
        HeapTupleHeader.setInfomask(locked, (HeapTupleHeader.infomask(locked) & ~HEAP_XMAX_INVALID)
                | HeapTupleHeader.HEAP_XMAX_LOCK_ONLY | HeapTupleHeader.HEAP_XMAX_EXCL_LOCK);
        HeapTupleHeader.setXmax(locked, 11);
        assertTrue(mvcc(locked, snap(0), o));
    }

    @Test
    void satisfiesUpdateResults() {
        TestOracle o = new TestOracle().current(20).running(12, 15).committed(5, 11);
        assertEquals(TmResult.OK, upd(tuple(5, 0), 0, o).result());
        assertEquals(TmResult.INVISIBLE, upd(tuple(15, 0), 0, o).result());
        assertEquals(TmResult.INVISIBLE, upd(tuple(13, 0), 0, o).result()); // aborted inserter
        assertEquals(HEAP_XMIN_INVALID, hints.bits());
        assertEquals(TmResult.INVISIBLE, upd(tuple(20, 3), 3, o).result());
        assertEquals(TmResult.OK, upd(tuple(20, 3), 4, o).result());
        // deleted by a running transaction: wait for it
        HeapVisibility.UpdateCheck c = upd(delete(tuple(5, 0), 15, 0, o), 0, o);
        assertEquals(TmResult.BEING_MODIFIED, c.result());
        assertEquals(15, c.xmax());
        // committed delete vs. committed update (ctid moved)
        assertEquals(TmResult.DELETED, upd(delete(tuple(5, 0), 11, 0, o), 0, o).result());
        MemorySegment updated = delete(tuple(5, 0), 11, 0, o);
        HeapTupleHeader.setCtid(updated, ItemPointer.of(3, 9));
        c = upd(updated, 0, o);
        assertEquals(TmResult.UPDATED, c.result());
        assertEquals(ItemPointer.of(3, 9), c.ctid());
        assertEquals(HEAP_XMIN_COMMITTED | HEAP_XMAX_COMMITTED, hints.bits());
        // aborted deleter: OK
        assertEquals(TmResult.OK, upd(delete(tuple(5, 0), 13, 0, o), 0, o).result());
        assertEquals(HEAP_XMIN_COMMITTED | HEAP_XMAX_INVALID, hints.bits());
        // own delete in this command / an earlier one
        assertEquals(TmResult.SELF_MODIFIED, upd(delete(tuple(5, 0), 20, 4, o), 4, o).result());
        assertEquals(TmResult.INVISIBLE, upd(delete(tuple(5, 0), 20, 4, o), 5, o).result());
        assertEquals(TmResult.SELF_MODIFIED, upd(delete(tuple(20, 1), 20, 4, o), 4, o).result());
        // locked by another running transaction / by a finished one
        MemorySegment locked = lock(tuple(5, 0), 15);
        assertEquals(TmResult.BEING_MODIFIED, upd(locked, 0, o).result());
        assertEquals(TmResult.OK, upd(lock(tuple(5, 0), 11), 0, o).result());
        assertEquals(HEAP_XMIN_COMMITTED | HEAP_XMAX_INVALID, hints.bits());
        assertEquals(TmResult.BEING_MODIFIED, upd(lock(tuple(5, 0), 20), 0, o).result());
    }

    private static MemorySegment lock(MemorySegment t, long xid) {
        HeapTupleHeader.setInfomask(t, (HeapTupleHeader.infomask(t) & ~HEAP_XMAX_INVALID)
                | HeapTupleHeader.HEAP_XMAX_LOCK_ONLY | HeapTupleHeader.HEAP_XMAX_EXCL_LOCK);
        HeapTupleHeader.setXmax(t, xid);
        return t;
    }

    private HeapVisibility.UpdateCheck upd(MemorySegment t, int curcid, TestOracle o) {
        hints.clear();
        return HeapVisibility.satisfiesUpdate(t, SELF, curcid, o, combo, hints);
    }

    @Test
    void satisfiesVacuumHorizon() {
        TestOracle o = new TestOracle().current(20).running(12, 15).committed(5, 11, 25);
        HintBits h = new HintBits();
        assertEquals(HtsvResult.LIVE, HeapVisibility.satisfiesVacuum(tuple(5, 0), 10, o, h));
        assertEquals(HtsvResult.DEAD, HeapVisibility.satisfiesVacuum(tuple(13, 0), 10, o, h));
        assertEquals(HtsvResult.INSERT_IN_PROGRESS, HeapVisibility.satisfiesVacuum(tuple(15, 0), 10, o, h));
        assertEquals(HtsvResult.DELETE_IN_PROGRESS,
                HeapVisibility.satisfiesVacuum(delete(tuple(5, 0), 15, 0, o), 10, o, h));
        assertEquals(HtsvResult.DEAD, HeapVisibility.satisfiesVacuum(delete(tuple(5, 0), 11, 0, o), 12, o, h));
        assertEquals(HtsvResult.RECENTLY_DEAD,
                HeapVisibility.satisfiesVacuum(delete(tuple(5, 0), 11, 0, o), 11, o, h));
        assertEquals(HtsvResult.LIVE, HeapVisibility.satisfiesVacuum(delete(tuple(5, 0), 13, 0, o), 30, o, h));
    }

    @Test
    void multixactRefused() {
        TestOracle o = new TestOracle().current(20).committed(5);
        MemorySegment t = tuple(5, 0);
        HeapTupleHeader.setInfomask(t, HEAP_XMIN_COMMITTED | HeapTupleHeader.HEAP_XMAX_IS_MULTI);
        HeapTupleHeader.setXmax(t, 7);
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED,
                assertThrows(PgException.class, () -> mvcc(t, snap(0), o)).sqlState());
    }
}
