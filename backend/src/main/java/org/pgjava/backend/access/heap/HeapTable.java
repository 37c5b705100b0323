package org.pgjava.backend.access.heap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.access.wal.WalBlockRef;
import org.pgjava.backend.access.wal.WalPanicError;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.buffer.BufferManager;
import org.pgjava.backend.storage.page.ItemId;
import org.pgjava.backend.storage.page.Page;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.relation.ModifiableTable;
import org.pgjava.backend.utils.relation.ModifyResult;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.backend.utils.relation.TableScan;
import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTag;
import org.pgjava.shmem.lock.LWLockMode;

/**
 * A heap table with MVCC over the shared buffers and WAL: PostgreSQL's heapam.c (heap_insert, heap_delete,
 * heap_update, heap_lock_tuple, heap_getnext, heap_page_prune_opt) for one {@link HeapRelation}, bound to
 * the session's {@link TransactionManager}. The executor uses it as a {@link ModifiableTable}; catalog code
 * uses the same methods without a session plus {@link #scan(Snapshot)}, {@link #fetch},
 * {@link #simpleUpdate} and {@link #simpleDelete}.
 *
 * <p>Rules (docs/heap/README.md, "Integration"):
 * <ol>
 *   <li>DML takes RowExclusiveLock, scans AccessShareLock on the relation (LockTag.relation(dbOid, oid)),
 *       held to transaction end.</li>
 *   <li>Every page change happens under the buffer's exclusive content lock, is applied by the same
 *       {@code HeapWalRecords} method redo runs, is WAL-logged with the block reference, and the page LSN
 *       is set before the lock is released. Once the page is changed, any failure is a {@link WalPanicError}
 *       (PostgreSQL's critical section).</li>
 *   <li>Scans read a page at a time under a share lock and keep no pin between calls; the visible rows of
 *       the page are copied out. Hint bits are set with markDirtyHint; COMMITTED hints wait for WAL to be
 *       flushed past the xid's commit (asynchronous commit).</li>
 *   <li>Update/delete: BEING_MODIFIED → take the tuple lock, wait for the xmax transaction, re-check;
 *       UPDATED/DELETED → REPEATABLE READ 40001, READ COMMITTED: follow the ctid chain to the newest
 *       version, lock it, report {@link ModifyResult.ConcurrentlyUpdated} / ConcurrentlyDeleted.</li>
 *   <li>An updated row's new version goes to the same page if it fits, else to a later page (the last
 *       block or a new one): pages are locked in ascending block order, so two updaters cannot deadlock on
 *       content locks. No HOT (there are no indexes).</li>
 *   <li>Opportunistic pruning when a page is read and its free space is below 10%: under a conditional
 *       cleanup lock, with the process array's oldest non-removable xid.</li>
 * </ol>
 *
 * <p>Process-safety: one session thread.
 */
public final class HeapTable implements ModifiableTable {
    private static final int PRUNE_FREE_SPACE_THRESHOLD = Page.SIZE / 10;

    private final HeapRelation relation;
    private final TransactionManager tm;
    private final ProcessStorage storage;
    private final BufferManager buffers;
    private final TupleDescriptor descriptor;
    private final List<RelationColumn> relationColumns;
    private final LockTag relationTag;

    /**
     * @param relation the relation's description
     * @param tm       the session's transaction manager (every call belongs to its current transaction)
     */
    public HeapTable(HeapRelation relation, TransactionManager tm) {
        this.relation = relation;
        this.tm = tm;
        this.storage = tm.storage();
        this.buffers = storage.buffers();
        this.descriptor = relation.descriptor();
        List<RelationColumn> cols = new ArrayList<>();
        for (TableColumn c : relation.columns()) {
            cols.add(c.relationColumn());
        }
        this.relationColumns = List.copyOf(cols);
        this.relationTag = LockTag.relation(relation.locator().dbOid(), relation.tableOid());
    }

    /** The relation this table works on. */
    public HeapRelation relation() {
        return relation;
    }

    @Override
    public String schemaName() {
        return relation.schemaName();
    }

    @Override
    public String name() {
        return relation.name();
    }

    @Override
    public int tableOid() {
        return relation.tableOid();
    }

    @Override
    public List<RelationColumn> columns() {
        return relationColumns;
    }

    @Override
    public List<TableColumn> tableColumns() {
        return relation.columns();
    }

    private RelFileLocator rel() {
        return relation.locator();
    }

    private void lockRelation(LockMode mode) {
        if (!storage.locks().holds(relationTag, mode)) {
            storage.locks().lock(relationTag, mode);
        }
    }

    // =====================================================================================================
    // Scans
    // =====================================================================================================

    @Override
    public TableScan openScan(SessionContext session) {
        return openTableScan(session);
    }

    @Override
    public TableScan openTableScan(SessionContext session) {
        return new HeapScan(tm.statementSnapshot(), session);
    }

    /** A scan with {@code snapshot} (e.g. the catalog snapshot); takes AccessShareLock. */
    public TableScan scan(Snapshot snapshot) {
        return new HeapScan(snapshot, null);
    }

    /** One sequential scan: page at a time, visible rows copied out under the share lock. */
    private final class HeapScan implements TableScan {
        private final Snapshot snapshot;
        private final SessionContext session;
        private final long nblocks;
        private long nextBlock;
        private final List<Object[]> pageRows = new ArrayList<>();
        private final List<Long> pageTids = new ArrayList<>();
        private int position;
        private long currentTid = ItemPointer.INVALID;
        private boolean closed;

        HeapScan(Snapshot snapshot, SessionContext session) {
            lockRelation(LockMode.ACCESS_SHARE);
            this.snapshot = snapshot;
            this.session = session;
            this.nblocks = storage.smgr().exists(rel(), ForkNumber.MAIN) ? storage.smgr().nblocks(rel(), ForkNumber.MAIN) : 0;
        }

        @Override
        public Object[] next() {
            while (!closed) {
                if (position < pageRows.size()) {
                    currentTid = pageTids.get(position);
                    return pageRows.get(position++);
                }
                if (nextBlock >= nblocks) {
                    currentTid = ItemPointer.INVALID;
                    return null;
                }
                if (session != null) {
                    session.checkForInterrupts();
                }
                pageRows.clear();
                pageTids.clear();
                position = 0;
                long block = nextBlock++;
                guarded(() -> {
                    readPage(block);
                    return null;
                });
            }
            return null;
        }

        private void readPage(long block) {
            int buf = buffers.readBuffer(rel(), ForkNumber.MAIN, block);
            try {
                pruneOpportunistically(buf, block);
                buffers.lockContent(buf, LWLockMode.SHARED);
                try {
                    Page page = new Page(buffers.page(buf));
                    if (page.isNew()) {
                        return;
                    }
                    page.verify(block, relation.name());
                    HintBits hints = new HintBits();
                    int max = page.maxOffset();
                    for (int off = Page.FIRST_OFFSET; off <= max; off++) {
                        if (!ItemId.isNormal(page.itemId(off))) {
                            continue;
                        }
                        MemorySegment tuple = page.getItem(off);
                        hints.clear();
                        boolean visible = HeapVisibility.satisfiesMvcc(tuple, snapshot, tm.oracle(), tm.comboCids(), hints);
                        applyHints(buf, tuple, hints.bits());
                        if (visible) {
                            pageRows.add(HeapTuples.deform(descriptor, tuple, relation.missingValues()));
                            pageTids.add(ItemPointer.of(block, off));
                        }
                    }
                } finally {
                    buffers.unlockContent(buf);
                }
            } finally {
                buffers.releaseBuffer(buf);
            }
        }

        @Override
        public long ctid() {
            if (!ItemPointer.isValid(currentTid)) {
                throw new IllegalStateException("no current row");
            }
            return currentTid;
        }

        @Override
        public void close() {
            closed = true;
            pageRows.clear();
            pageTids.clear();
        }
    }

    /**
     * Fetches the row version {@code ctid} if {@code snapshot} sees it (heap_fetch), else null.
     */
    public Object[] fetch(long ctid, Snapshot snapshot) {
        lockRelation(LockMode.ACCESS_SHARE);
        int buf = buffers.readBuffer(rel(), ForkNumber.MAIN, ItemPointer.block(ctid));
        try {
            buffers.lockContent(buf, LWLockMode.SHARED);
            try {
                Page page = new Page(buffers.page(buf));
                int off = ItemPointer.offset(ctid);
                if (page.isNew() || off < Page.FIRST_OFFSET || off > page.maxOffset()
                        || !ItemId.isNormal(page.itemId(off))) {
                    return null;
                }
                MemorySegment tuple = page.getItem(off);
                HintBits hints = new HintBits();
                boolean visible = HeapVisibility.satisfiesMvcc(tuple, snapshot, tm.oracle(), tm.comboCids(), hints);
                applyHints(buf, tuple, hints.bits());
                return visible ? HeapTuples.deform(descriptor, tuple, relation.missingValues()) : null;
            } finally {
                buffers.unlockContent(buf);
            }
        } finally {
            buffers.releaseBuffer(buf);
        }
    }

    /**
     * Sets hint bits found by a visibility check (caller holds a content lock), dropping COMMITTED bits whose
     * transaction's commit may not be flushed yet (asynchronous commit).
     */
    private void applyHints(int buf, MemorySegment tuple, int bits) {
        if (bits == 0) {
            return;
        }
        long flushed = storage.wal().shared().flushedLsn();
        if ((bits & HeapTupleHeader.HEAP_XMIN_COMMITTED) != 0
                && storage.commitLog().commitLsnBound(HeapTupleHeader.xmin(tuple)) > flushed) {
            bits &= ~HeapTupleHeader.HEAP_XMIN_COMMITTED;
        }
        if ((bits & HeapTupleHeader.HEAP_XMAX_COMMITTED) != 0
                && storage.commitLog().commitLsnBound(HeapTupleHeader.xmax(tuple)) > flushed) {
            bits &= ~HeapTupleHeader.HEAP_XMAX_COMMITTED;
        }
        if (HintBits.applyTo(tuple, bits)) {
            buffers.markDirtyHint(buf);
        }
    }

    /**
     * heap_page_prune_opt: with the buffer pinned (not locked), prunes the page if it may hold dead tuples
     * and is nearly full, when a cleanup lock is free at once. Leaves the buffer unlocked.
     */
    private void pruneOpportunistically(int buf, long block) {
        Page page = new Page(buffers.page(buf));
        long oldestXmin = storage.procArrayTransactions().oldestNonRemovableXid();
        if (page.isNew() || !HeapPage.mayPrune(page, oldestXmin) || page.freeSpace() >= PRUNE_FREE_SPACE_THRESHOLD) {
            return;
        }
        if (!buffers.conditionalLockForCleanup(buf)) {
            return;
        }
        try {
            if (!HeapPage.mayPrune(page, oldestXmin)) {
                return;
            }
            PrunePlan plan = HeapPage.computePrune(page, oldestXmin, tm.oracle(), true);
            if (plan.isEmpty()) {
                return;
            }
            var rec = new HeapWalRecords.Prune(block, plan);
            criticalSection(() -> {
                rec.apply(page);
                buffers.markDirty(buf);
                long lsn = storage.wal().insert(rec.rmgr(), rec.info(), 0, List.of(blockRef(0, block, page, false)),
                        rec.encode());
                page.setLsn(lsn);
            });
        } finally {
            buffers.unlockContent(buf);
        }
    }

    // =====================================================================================================
    // Insert
    // =====================================================================================================

    @Override
    public long insert(SessionContext session, Object[] row) {
        return insert(row);
    }

    /**
     * heap_insert: stores {@code row} as a new row version of the current command of the current
     * transaction (assigning its xid), WAL-logged.
     *
     * @return the new version's ctid
     * @throws PgException 54000 for a row too big
     */
    public long insert(Object[] row) {
        return guarded(() -> insertTuple(row));
    }

    private long insertTuple(Object[] row) {
        lockRelation(LockMode.ROW_EXCLUSIVE);
        byte[] tuple = HeapTuples.form(descriptor, row);
        long xid = tm.assignXid();
        int cid = tm.currentCommandId(true);
        HeapTupleHeader.prepareInsert(MemorySegment.ofArray(tuple), xid, cid, false, false);
        Target t = targetFor(tuple.length, -1);
        try {
            var rec = new HeapWalRecords.Insert(t.block, t.offset, t.initPage, tuple);
            Page page = new Page(buffers.page(t.buf));
            long[] lsn = new long[1];
            criticalSection(() -> {
                rec.apply(page);
                buffers.markDirty(t.buf);
                lsn[0] = storage.wal().insert(rec.rmgr(), rec.info(), xid,
                        List.of(blockRef(0, t.block, page, t.initPage)), rec.encode());
                page.setLsn(lsn[0]);
            });
            storage.setTargetBlock(rel(), t.block);
            return ItemPointer.of(t.block, t.offset);
        } finally {
            buffers.unlockContent(t.buf);
            buffers.releaseBuffer(t.buf);
        }
    }

    /** A pinned, exclusively locked page with room for a tuple, and the offset to use. */
    private record Target(int buf, long block, int offset, boolean initPage) {
    }

    /**
     * RelationGetBufferForTuple: the target block, else the last block, else a new block. With
     * {@code aboveBlock} ≥ 0 only blocks above it are considered (the caller holds that block locked).
     */
    private Target targetFor(int tupleLen, long aboveBlock) {
        if (Page.maxAlign(tupleLen) > HeapTuples.MAX_HEAP_TUPLE_SIZE) {
            throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "row is too big: size " + tupleLen
                    + ", maximum size " + HeapTuples.MAX_HEAP_TUPLE_SIZE);
        }
        long nblocks = storage.smgr().nblocks(rel(), ForkNumber.MAIN);
        List<Long> candidates = new ArrayList<>(2);
        long target = storage.targetBlock(rel());
        if (target >= 0 && target < nblocks && target > aboveBlock) {
            candidates.add(target);
        }
        if (nblocks > 0 && nblocks - 1 > aboveBlock && (target != nblocks - 1)) {
            candidates.add(nblocks - 1);
        }
        for (long block : candidates) {
            int buf = buffers.readBuffer(rel(), ForkNumber.MAIN, block);
            boolean locked = false;
            try {
                if (aboveBlock < 0) {
                    pruneOpportunistically(buf, block);
                }
                buffers.lockContent(buf, LWLockMode.EXCLUSIVE);
                locked = true;
                Page page = new Page(buffers.page(buf));
                if (page.isNew()) {
                    return new Target(buf, block, Page.FIRST_OFFSET, true);
                }
                int off = HeapPage.chooseInsertOffset(page, tupleLen);
                if (off != Page.INVALID_OFFSET) {
                    return new Target(buf, block, off, false);
                }
            } catch (RuntimeException | Error e) {
                if (locked) {
                    buffers.unlockContent(buf);
                }
                buffers.releaseBuffer(buf);
                throw e;
            }
            buffers.unlockContent(buf);
            buffers.releaseBuffer(buf);
        }
        int buf = buffers.extend(rel(), ForkNumber.MAIN);
        return new Target(buf, buffers.blockNumber(buf), Page.FIRST_OFFSET, true);
    }

    private WalBlockRef blockRef(int blockId, long block, Page page, boolean willInit) {
        return new WalBlockRef(blockId, rel(), ForkNumber.MAIN, (int) block, page.segment(),
                WalBlockRef.STANDARD_PAGE | (willInit ? WalBlockRef.WILL_INIT : 0), null);
    }

    /** Runs a page change + its WAL insertion; any failure inside is a PANIC (critical section). */
    private void criticalSection(Runnable change) {
        try {
            change.run();
        } catch (WalPanicError e) {
            throw storage.panic(e);
        } catch (RuntimeException | Error e) {
            throw storage.panic(new WalPanicError("failure in a critical section: " + e.getMessage(), e));
        }
    }

    /** Runs {@code op}; a failed data-file fsync seen on the way is a PANIC. */
    private <T> T guarded(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (org.pgjava.backend.storage.smgr.DataSyncFailedError | WalPanicError e) {
            throw storage.panic(e);
        }
    }

    // =====================================================================================================
    // Update, delete, row locks
    // =====================================================================================================

    @Override
    public ModifyResult delete(SessionContext session, long ctid) {
        return modify(ctid, null, true);
    }

    @Override
    public ModifyResult update(SessionContext session, long ctid, Object[] newRow) {
        return modify(ctid, newRow, false);
    }

    /** heap_delete of {@code ctid} in the current command (see {@link ModifiableTable#delete}). */
    public ModifyResult delete(long ctid) {
        return modify(ctid, null, true);
    }

    /** heap_update of {@code ctid} to {@code newRow} in the current command (see {@link ModifiableTable#update}). */
    public ModifyResult update(long ctid, Object[] newRow) {
        return modify(ctid, newRow, false);
    }

    /**
     * simple_heap_update for catalogs: updates {@code ctid}, waiting for a concurrent writer; a concurrent
     * committed update or delete is XX000 {@code tuple concurrently updated} / {@code ... deleted}.
     *
     * @return the new version's ctid
     */
    public long simpleUpdate(long ctid, Object[] newRow) {
        return guarded(() -> simple(modifyOnce(ctid, newRow, false)));
    }

    /** simple_heap_delete for catalogs, as {@link #simpleUpdate}. */
    public void simpleDelete(long ctid) {
        guarded(() -> simple(modifyOnce(ctid, null, true)));
    }

    private static long simple(Outcome o) {
        return switch (o.result) {
            case OK -> o.newTid;
            case UPDATED -> throw PgException.error(SqlState.INTERNAL_ERROR, "tuple concurrently updated");
            case DELETED -> throw PgException.error(SqlState.INTERNAL_ERROR, "tuple concurrently deleted");
            case SELF_MODIFIED -> throw PgException.error(SqlState.INTERNAL_ERROR, "tuple already updated by self");
            default -> throw PgException.error(SqlState.INTERNAL_ERROR, "attempted to update invisible tuple");
        };
    }

    private ModifyResult modify(long ctid, Object[] newRow, boolean delete) {
        return guarded(() -> modifyResult(ctid, newRow, delete));
    }

    private ModifyResult modifyResult(long ctid, Object[] newRow, boolean delete) {
        Outcome o = modifyOnce(ctid, newRow, delete);
        switch (o.result) {
            case OK:
                return new ModifyResult.Done(o.newTid);
            case SELF_MODIFIED:
                return new ModifyResult.SelfModified();
            case INVISIBLE:
                throw PgException.error(SqlState.INTERNAL_ERROR,
                        delete ? "attempted to delete invisible tuple" : "attempted to update invisible tuple");
            default:
                break;
        }
        if (tm.isolationLevel() == TransactionManager.IsolationLevel.REPEATABLE_READ) {
            throw PgException.error(SqlState.SERIALIZATION_FAILURE, o.result == TmResult.UPDATED
                    ? "could not serialize access due to concurrent update"
                    : "could not serialize access due to concurrent delete");
        }
        if (o.result == TmResult.DELETED) {
            return new ModifyResult.ConcurrentlyDeleted();
        }
        Locked latest = lockLatestVersion(o.newTid, o.xmax);
        if (latest == null) {
            return new ModifyResult.ConcurrentlyDeleted();
        }
        if (latest.selfModified) {
            return new ModifyResult.SelfModified();
        }
        return new ModifyResult.ConcurrentlyUpdated(latest.tid, latest.values);
    }

    /** What one update/delete attempt found: OK with the new tid, or the blocking result with xmax/ctid. */
    private record Outcome(TmResult result, long newTid, long xmax) {
    }

    private Outcome modifyOnce(long ctid, Object[] newRow, boolean delete) {
        lockRelation(LockMode.ROW_EXCLUSIVE);
        byte[] newTuple = null;
        if (!delete) {
            newTuple = HeapTuples.form(descriptor, newRow);
        }
        long xid = tm.assignXid();
        int cid = tm.currentCommandId(true);
        if (newTuple != null) {
            HeapTupleHeader.prepareInsert(MemorySegment.ofArray(newTuple), xid, cid, true, false);
        }
        long block = ItemPointer.block(ctid);
        int off = ItemPointer.offset(ctid);
        LockMode tupleMode = delete ? LockMode.ACCESS_EXCLUSIVE : LockMode.EXCLUSIVE;
        LockTag tupleTag = LockTag.tuple(rel().dbOid(), relation.tableOid(), (int) block, off);
        boolean haveTupleLock = false;
        try {
            while (true) {
                int buf = buffers.readBuffer(rel(), ForkNumber.MAIN, block);
                boolean locked = false;
                try {
                    buffers.lockContent(buf, LWLockMode.EXCLUSIVE);
                    locked = true;
                    Page page = new Page(buffers.page(buf));
                    if (page.isNew() || off > page.maxOffset() || !ItemId.isNormal(page.itemId(off))) {
                        return new Outcome(TmResult.INVISIBLE, ctid, 0);
                    }
                    MemorySegment tuple = page.getItem(off);
                    HintBits hints = new HintBits();
                    HeapVisibility.UpdateCheck check = HeapVisibility.satisfiesUpdate(tuple, ctid, cid, tm.oracle(),
                            tm.comboCids(), hints);
                    applyHints(buf, tuple, hints.bits());
                    TmResult r = check.result();
                    if (r == TmResult.BEING_MODIFIED && tm.oracle().isCurrentTransaction(check.xmax())) {
                        r = TmResult.OK; // our own row lock (EvalPlanQual locked it)
                    }
                    switch (r) {
                        case OK -> {
                            locked = false; // doDelete / doUpdate release the content lock, also on error
                            long newTid = delete ? doDelete(buf, page, block, off, tuple, xid, cid)
                                    : doUpdate(buf, page, block, off, tuple, xid, cid, newTuple);
                            return new Outcome(TmResult.OK, newTid, xid);
                        }
                        case BEING_MODIFIED -> {
                            buffers.unlockContent(buf);
                            locked = false;
                            buffers.releaseBuffer(buf);
                            buf = BufferManager.INVALID_BUFFER;
                            if (!haveTupleLock) {
                                storage.locks().lock(tupleTag, tupleMode);
                                haveTupleLock = true;
                            }
                            storage.locks().waitForTransaction(check.xmax(), storage.procArrayTransactions());
                        }
                        default -> {
                            return new Outcome(r, check.ctid(), check.xmax());
                        }
                    }
                } finally {
                    if (buf != BufferManager.INVALID_BUFFER) {
                        if (locked) {
                            buffers.unlockContent(buf);
                        }
                        buffers.releaseBuffer(buf);
                    }
                }
            }
        } finally {
            if (haveTupleLock) {
                storage.locks().release(tupleTag, tupleMode);
            }
        }
    }

    /** The delete's page change under the exclusive lock; releases the content lock (pin kept for the caller). */
    private long doDelete(int buf, Page page, long block, int off, MemorySegment tuple, long xid, int cid) {
        ComboCids.CidChoice c = tm.comboCids().cidForDelete(tuple, cid, tm.oracle());
        var rec = new HeapWalRecords.Delete(block, off, xid, c.rawCid(), c.combo(), true);
        try {
            criticalSection(() -> {
                rec.apply(page);
                buffers.markDirty(buf);
                long lsn = storage.wal().insert(rec.rmgr(), rec.info(), xid, List.of(blockRef(0, block, page, false)),
                        rec.encode());
                page.setLsn(lsn);
            });
        } finally {
            buffers.unlockContent(buf);
        }
        return ItemPointer.of(block, off);
    }

    /** The update's page changes; releases the old page's content lock (pin kept for the caller). */
    private long doUpdate(int oldBuf, Page oldPage, long oldBlock, int oldOff, MemorySegment oldTuple, long xid,
                          int cid, byte[] newTuple) {
        ComboCids.CidChoice c = tm.comboCids().cidForDelete(oldTuple, cid, tm.oracle());
        int sameOff = HeapPage.chooseInsertOffset(oldPage, newTuple.length);
        if (sameOff != Page.INVALID_OFFSET) {
            var rec = new HeapWalRecords.Update(oldBlock, oldOff, oldBlock, sameOff, xid, c.rawCid(), c.combo(),
                    false, false, false, newTuple);
            try {
                criticalSection(() -> {
                    rec.apply(oldPage);
                    buffers.markDirty(oldBuf);
                    long lsn = storage.wal().insert(rec.rmgr(), rec.info(), xid,
                            List.of(blockRef(0, oldBlock, oldPage, false)), rec.encode());
                    oldPage.setLsn(lsn);
                });
            } finally {
                buffers.unlockContent(oldBuf);
            }
            return ItemPointer.of(oldBlock, sameOff);
        }
        Target t;
        try {
            t = targetFor(newTuple.length, oldBlock);
        } catch (RuntimeException | Error e) {
            buffers.unlockContent(oldBuf);
            throw e;
        }
        try {
            Page newPage = new Page(buffers.page(t.buf));
            var rec = new HeapWalRecords.Update(oldBlock, oldOff, t.block, t.offset, xid, c.rawCid(), c.combo(),
                    false, false, t.initPage, newTuple);
            criticalSection(() -> {
                rec.applyToNewPage(newPage);
                rec.applyToOldPage(oldPage);
                buffers.markDirty(t.buf);
                buffers.markDirty(oldBuf);
                long lsn = storage.wal().insert(rec.rmgr(), rec.info(), xid,
                        List.of(blockRef(0, t.block, newPage, t.initPage), blockRef(1, oldBlock, oldPage, false)),
                        rec.encode());
                newPage.setLsn(lsn);
                oldPage.setLsn(lsn);
            });
            storage.setTargetBlock(rel(), t.block);
        } finally {
            buffers.unlockContent(t.buf);
            buffers.releaseBuffer(t.buf);
            buffers.unlockContent(oldBuf);
        }
        return ItemPointer.of(t.block, t.offset);
    }

    /** The newest version EvalPlanQual locked, or a self-modified marker. */
    private record Locked(long tid, Object[] values, boolean selfModified) {
    }

    /**
     * Follows the update chain from {@code tid} (whose xmin must be {@code priorXmax}) to the newest version,
     * waiting for running updaters, and locks it FOR UPDATE (heap_lock_tuple with
     * TUPLE_LOCK_FLAG_FIND_LAST_VERSION). Null when the row was deleted (or the chain is broken).
     */
    private Locked lockLatestVersion(long tid, long priorXmax) {
        long xid = tm.assignXid();
        int cid = tm.currentCommandId(true);
        while (true) {
            long block = ItemPointer.block(tid);
            int off = ItemPointer.offset(tid);
            int buf = buffers.readBuffer(rel(), ForkNumber.MAIN, block);
            boolean locked = false;
            long waitFor = 0;
            try {
                buffers.lockContent(buf, LWLockMode.EXCLUSIVE);
                locked = true;
                Page page = new Page(buffers.page(buf));
                if (page.isNew() || off > page.maxOffset() || !ItemId.isNormal(page.itemId(off))) {
                    return null;
                }
                MemorySegment tuple = page.getItem(off);
                if (HeapTupleHeader.xmin(tuple) != priorXmax) {
                    return null; // the slot was pruned and reused
                }
                HintBits hints = new HintBits();
                HeapVisibility.UpdateCheck check = HeapVisibility.satisfiesUpdate(tuple, tid, cid, tm.oracle(),
                        tm.comboCids(), hints);
                applyHints(buf, tuple, hints.bits());
                TmResult r = check.result();
                if (r == TmResult.BEING_MODIFIED && tm.oracle().isCurrentTransaction(check.xmax())) {
                    return new Locked(tid, HeapTuples.deform(descriptor, tuple, relation.missingValues()), false);
                }
                switch (r) {
                    case OK -> {
                        var rec = new HeapWalRecords.Lock(block, off, xid, RowLockMode.EXCLUSIVE);
                        criticalSection(() -> {
                            rec.apply(page);
                            buffers.markDirty(buf);
                            long lsn = storage.wal().insert(rec.rmgr(), rec.info(), xid,
                                    List.of(blockRef(0, block, page, false)), rec.encode());
                            page.setLsn(lsn);
                        });
                        return new Locked(tid, HeapTuples.deform(descriptor, tuple, relation.missingValues()), false);
                    }
                    case UPDATED -> {
                        priorXmax = check.xmax();
                        tid = check.ctid();
                    }
                    case BEING_MODIFIED -> waitFor = check.xmax();
                    case SELF_MODIFIED -> {
                        return new Locked(tid, null, true);
                    }
                    default -> {
                        return null;
                    }
                }
            } finally {
                if (locked) {
                    buffers.unlockContent(buf);
                }
                buffers.releaseBuffer(buf);
            }
            if (waitFor != 0) {
                LockTag tag = LockTag.tuple(rel().dbOid(), relation.tableOid(), (int) block, off);
                storage.locks().lock(tag, LockMode.ACCESS_EXCLUSIVE);
                try {
                    storage.locks().waitForTransaction(waitFor, storage.procArrayTransactions());
                } finally {
                    storage.locks().release(tag, LockMode.ACCESS_EXCLUSIVE);
                }
            }
        }
    }
}
