package org.pgjava.backend.access.transam;

import org.pgjava.backend.storage.lmgr.LockManager;
import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.backend.utils.snapshot.TransactionOracle;

import java.util.ArrayList;
import java.util.List;

/**
 * One backend's current transaction as transaction ids see it (the xid parts of PostgreSQL's xact.c
 * TransactionState stack), and the {@link TransactionOracle} tuple visibility asks. The lead's transaction
 * block code (tcop) drives it; it does not know about WAL, which the lead writes.
 *
 * <p>Entry points: {@link #assignXid()} (lazily, at the first write), {@link #beginSubtransaction()},
 * {@link #commitSubtransaction()}, {@link #abortSubtransaction()}, {@link #commit(long)},
 * {@link #abort()}, {@link #snapshot(int)}, {@link #topXid()} / {@link #committedSubxids()} (for the
 * commit record), the oracle methods.
 *
 * <p>Commit sequence (the lead): write and flush the commit record with {@link #topXid()} and
 * {@link #committedSubxids()} → {@link #commit(long)} (commit log COMMITTED, then the process-array end
 * under ProcArrayLock exclusive, then all heavyweight locks released). Abort: (abort record, not flushed)
 * → {@link #abort()}.
 *
 * <p>Process-safety: process-local, one thread.
 */
public final class CurrentTransaction implements TransactionOracle {
    private final int slot;
    private final XidAssigner assigner;
    private final CommitLog commitLog;
    private final ProcArrayTransactions procArray;
    private final LockManager locks;

    private long topFullXid;
    private final List<Long> topChildren = new ArrayList<>();
    private final List<SubLevel> levels = new ArrayList<>();

    /** A live subtransaction: its xid (0 until assigned), its lock mark, its committed children's xids. */
    private static final class SubLevel {
        long fullXid;
        final int lockMark;
        final List<Long> children = new ArrayList<>();

        SubLevel(int lockMark) {
            this.lockMark = lockMark;
        }
    }

    public CurrentTransaction(int slot, XidAssigner assigner, CommitLog commitLog, ProcArrayTransactions procArray,
                              LockManager locks) {
        this.slot = slot;
        this.assigner = assigner;
        this.commitLog = commitLog;
        this.procArray = procArray;
        this.locks = locks;
    }

    /** The top-level xid (32-bit), 0 if none was assigned. */
    public long topXid() {
        return topFullXid & 0xFFFF_FFFFL;
    }

    /** The top-level full xid, 0 if none. */
    public long topFullXid() {
        return topFullXid;
    }

    /** Subtransaction nesting depth (0 = top level). */
    public int depth() {
        return levels.size();
    }

    /**
     * The xid of the current (sub)transaction, assigning it — and first its parents' — if needed
     * (AssignTransactionId), and taking its transaction lock exclusively.
     *
     * @return the 32-bit xid of the innermost level
     */
    public long assignXid() {
        if (topFullXid == 0) {
            topFullXid = assigner.assign(slot, false);
            locks.lockTransaction(topFullXid & 0xFFFF_FFFFL);
        }
        long xid = topFullXid;
        for (SubLevel level : levels) {
            if (level.fullXid == 0) {
                level.fullXid = assigner.assign(slot, true);
                locks.lockTransaction(level.fullXid & 0xFFFF_FFFFL);
            }
            xid = level.fullXid;
        }
        return xid & 0xFFFF_FFFFL;
    }

    /** SAVEPOINT: a new subtransaction level (no xid until it writes). */
    public void beginSubtransaction() {
        levels.add(new SubLevel(locks.mark()));
    }

    /** RELEASE: the innermost level's xids become its parent's; its locks stay held. */
    public void commitSubtransaction() {
        SubLevel level = popLevel();
        List<Long> parent = levels.isEmpty() ? topChildren : levels.get(levels.size() - 1).children;
        if (level.fullXid != 0) parent.add(level.fullXid);
        parent.addAll(level.children);
    }

    /**
     * ROLLBACK TO / abort of the innermost level: its xid and its committed children are marked ABORTED in
     * the commit log, dropped from the process array's subxid cache, and the locks it took are released.
     */
    public void abortSubtransaction() {
        SubLevel level = popLevel();
        List<Long> xids = new ArrayList<>(level.children);
        if (level.fullXid != 0) xids.add(0, level.fullXid);
        if (!xids.isEmpty()) {
            long[] small = new long[xids.size()];
            long latest = 0;
            for (int i = 0; i < small.length; i++) {
                small[i] = xids.get(i) & 0xFFFF_FFFFL;
                latest = Math.max(latest, xids.get(i));
            }
            commitLog.setAborted(small[0], java.util.Arrays.copyOfRange(small, 1, small.length));
            procArray.removeSubxids(slot, small, latest);
        }
        locks.releaseToMark(level.lockMark);
    }

    private SubLevel popLevel() {
        if (levels.isEmpty()) throw new IllegalStateException("no subtransaction is open");
        return levels.remove(levels.size() - 1);
    }

    /** The 32-bit xids of committed subtransactions (all levels, live ones included), for the commit record. */
    public long[] committedSubxids() {
        List<Long> all = new ArrayList<>(topChildren);
        for (SubLevel level : levels) {
            if (level.fullXid != 0) all.add(level.fullXid);
            all.addAll(level.children);
        }
        long[] result = new long[all.size()];
        for (int i = 0; i < result.length; i++) result[i] = all.get(i) & 0xFFFF_FFFFL;
        return result;
    }

    private long[] allFullXids() {
        List<Long> all = new ArrayList<>(topChildren);
        for (SubLevel level : levels) {
            if (level.fullXid != 0) all.add(level.fullXid);
            all.addAll(level.children);
        }
        if (topFullXid != 0) all.add(topFullXid);
        long[] result = new long[all.size()];
        for (int i = 0; i < result.length; i++) result[i] = all.get(i);
        return result;
    }

    /**
     * Commits: open subtransactions count as released; if an xid was assigned the commit log marks the
     * tree COMMITTED (pages not written before WAL reaches {@code commitLsn}); then the process array end
     * (ProcArrayLock exclusive); then every heavyweight lock is released. Afterwards no transaction is
     * current.
     *
     * @param commitLsn end of the commit record (0 when no xid was assigned or there is no WAL)
     */
    public void commit(long commitLsn) {
        commit(commitLsn, () -> { });
    }

    /**
     * {@link #commit(long)} with {@code beforeLockRelease} run after the process array end and before the
     * heavyweight locks are released: PostgreSQL's place for sending catalog invalidations (AtEOXact_Inval),
     * so that a backend that waited for one of our locks reads them before it looks at the catalogs.
     */
    public void commit(long commitLsn, Runnable beforeLockRelease) {
        try {
            long[] full = allFullXids();
            if (topFullXid != 0) commitLog.setCommitted(topXid(), committedSubxids(), commitLsn);
            procArray.endTransaction(slot, topFullXid != 0 ? full : new long[0]);
            beforeLockRelease.run();
        } finally {
            locks.releaseAll();
            reset();
        }
    }

    /** Aborts: the whole tree ABORTED in the commit log, process array end, locks released. */
    public void abort() {
        try {
            long[] full = allFullXids();
            if (topFullXid != 0) commitLog.setAborted(topXid(), committedSubxids());
            procArray.endTransaction(slot, topFullXid != 0 ? full : new long[0]);
        } finally {
            locks.releaseAll();
            reset();
        }
    }

    private void reset() {
        topFullXid = 0;
        topChildren.clear();
        levels.clear();
    }

    /** A snapshot for this backend (GetSnapshotData); sets the slot's xmin if it has none. */
    public Snapshot snapshot(int curcid) {
        return procArray.takeSnapshot(slot, topXid(), curcid);
    }

    /** The 32-bit xids of the current transaction that are not rolled back, top first. */
    public long[] currentXids() {
        long[] all = allFullXids();
        long[] r = new long[all.length];
        for (int i = 0; i < all.length; i++) r[i] = all[i] & 0xFFFF_FFFFL;
        return r;
    }

    @Override
    public boolean isCurrentTransaction(long xid) {
        if (!TransactionIds.isNormal(xid) || topFullXid == 0) return false;
        if (xid == topXid()) return true;
        for (long x : topChildren) if ((x & 0xFFFF_FFFFL) == xid) return true;
        for (SubLevel level : levels) {
            if ((level.fullXid & 0xFFFF_FFFFL) == xid && level.fullXid != 0) return true;
            for (long x : level.children) if ((x & 0xFFFF_FFFFL) == xid) return true;
        }
        return false;
    }

    /** TransactionIdIsInProgress: own transaction first, then the process array. */
    @Override
    public boolean isInProgress(long xid) {
        return isCurrentTransaction(xid) || procArray.isInProgress(xid);
    }

    @Override
    public boolean didCommit(long xid) {
        return commitLog.didCommit(xid);
    }
}
