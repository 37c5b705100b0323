package org.pgjava.backend.access.redo;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.heap.HeapWalRecords;
import org.pgjava.backend.access.heap.RelationStorage;
import org.pgjava.backend.access.transam.XactWalRecords;
import org.pgjava.backend.access.wal.DecodedBlock;
import org.pgjava.backend.access.wal.RedoHandler;
import org.pgjava.backend.access.wal.RmgrIds;
import org.pgjava.backend.access.wal.WalRecord;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.page.Page;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.shmem.xact.TransactionState;

/**
 * The redo handlers of the resource managers the engine writes, for the startup process to pass to
 * {@code Recovery.replay} together with a {@link BufferRedoBlockAccess}. Entry point:
 * {@link #forProcess(ProcessStorage)}.
 *
 * <ul>
 *   <li>HEAP (10) and HEAP2 (9): {@code HeapWalRecords.decode(...).apply(page)}; a cross-page update applies
 *       the new-version part to block 0 and the old-version part to block 1.</li>
 *   <li>XACT (1): commit → commit log COMMITTED for the xid and its subxids, then the dropped relations'
 *       buffers are discarded and files unlinked; abort → ABORTED, then the files of relations created in
 *       the transaction are unlinked.</li>
 *   <li>SMGR (2): create → the fork's file is created (an existing file is fine).</li>
 *   <li>XLOG (0) is not here: the checkpoint/XLOG handler is the startup process's; it adds its own
 *       entry to the returned (mutable) map.</li>
 * </ul>
 * Every handler also advances the transaction state's nextFullXid past the record's xl_xid (PostgreSQL's
 * AdvanceNextFullTransactionIdPastXid) once the startup process has initialised the state from the
 * checkpoint, so no replayed xid is handed out again, and latestCompletedFullXid to nextFullXid - 1 (every
 * replayed xid is finished once recovery ends; recovery runs before any other process takes snapshots).
 */
public final class RedoHandlers {
    private RedoHandlers() {
    }

    /** A mutable map rmid → handler for HEAP, HEAP2, XACT and SMGR on this process's storage. */
    public static Map<Integer, RedoHandler> forProcess(ProcessStorage storage) {
        Map<Integer, RedoHandler> m = new HashMap<>();
        TransactionState state = storage.transactionState();
        RedoHandler heap = new RedoHandler() {
            @Override
            public void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page) {
                HeapWalRecords.HeapWalRecord rec = HeapWalRecords.decode(record.rmid(), record.info(), record.mainData());
                Page p = new Page(page);
                if (rec instanceof HeapWalRecords.Update u && !u.samePage()) {
                    if (block.blockId() == 0) {
                        u.applyToNewPage(p);
                    } else {
                        u.applyToOldPage(p);
                    }
                } else {
                    rec.apply(p);
                }
            }

            @Override
            public void redoRecord(WalRecord record) {
                advanceNextXid(state, record.xid());
            }
        };
        m.put(RmgrIds.HEAP, heap);
        m.put(RmgrIds.HEAP2, heap);
        m.put(RmgrIds.XACT, new RedoHandler() {
            @Override
            public void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page) {
                throw new IllegalStateException("transaction records have no blocks");
            }

            @Override
            public void redoRecord(WalRecord record) {
                XactWalRecords.XactRecord r = XactWalRecords.decode(record.info(), record.mainData());
                long xid = record.xid();
                for (long s : r.subxids()) {
                    advanceNextXid(state, s);
                }
                advanceNextXid(state, xid);
                if (r.commit()) {
                    storage.commitLog().setCommitted(xid, r.subxids(), 0);
                } else {
                    storage.commitLog().setAborted(xid, r.subxids());
                }
                for (RelFileLocator rel : r.rels()) {
                    storage.buffers().dropRelationBuffers(rel);
                    storage.smgr().unlinkAll(rel);
                }
            }
        });
        m.put(RmgrIds.SMGR, new RedoHandler() {
            @Override
            public void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page) {
                throw new IllegalStateException("storage records have no blocks");
            }

            @Override
            public void redoRecord(WalRecord record) {
                if ((record.info() & 0xF0) != RelationStorage.XLOG_SMGR_CREATE) {
                    throw new IllegalStateException("unknown storage record info 0x" + Integer.toHexString(record.info()));
                }
                RelationStorage.CreateRecord c = RelationStorage.CreateRecord.decode(record.mainData());
                storage.smgr().create(c.locator(), c.fork(), true);
            }
        });
        return m;
    }

    /**
     * Moves nextFullXid past {@code xid} (32-bit) if the state is initialised and {@code xid} is not
     * before it, carrying the epoch across a wraparound.
     */
    static void advanceNextXid(TransactionState state, long xid) {
        if (!TransactionIds.isNormal(xid) || !state.isInitialized()) {
            return;
        }
        long next = state.nextFullXid();
        long nextLow = next & 0xFFFF_FFFFL;
        if (TransactionIds.precedes(xid, nextLow)) {
            return;
        }
        long epoch = next >>> 32;
        if (xid < nextLow) {
            epoch++; // wrapped around
        }
        long full = (epoch << 32) | xid;
        full++;
        if ((full & 0xFFFF_FFFFL) < TransactionIds.FIRST_NORMAL) {
            full = (full & ~0xFFFF_FFFFL) | TransactionIds.FIRST_NORMAL;
        }
        state.setNextFullXid(full);
        // recovery runs alone: every replayed xid is finished (committed, aborted or crashed), so snapshots
        // taken after recovery must see them as completed (StartupXLOG's latestCompletedXid = nextXid - 1)
        state.advanceLatestCompleted(full - 1);
    }
}
