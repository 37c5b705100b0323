package org.pgjava.backend.access.transam;

import org.pgjava.backend.storage.lmgr.TransactionWaitSource;
import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.procarray.ProcArray;
import org.pgjava.shmem.xact.TransactionState;

import java.util.Arrays;

/**
 * The transaction side of the process array (PostgreSQL's procarray.c): ending a transaction, dropping
 * aborted subtransaction xids, snapshots, the oldest xid still needed, and "is this xid running".
 *
 * <p>Entry points: {@link #endTransaction(int, long[])}, {@link #removeSubxids(int, long[], long)},
 * {@link #takeSnapshot(int, long, int)} (GetSnapshotData), {@link #clearXmin(int)},
 * {@link #oldestNonRemovableXid()} (GetOldestNonRemovableTransactionId), {@link #isInProgress(long)},
 * {@link #topmostParent(long)}.
 *
 * <p>Locking: everything that changes a slot's xid or subxids at transaction end, or advances
 * latestCompletedXid, holds ProcArrayLock exclusively; snapshots and the queries hold it shared, so a
 * snapshot never sees a transaction half-ended (its xid gone but latestCompletedXid not yet advanced).
 */
public final class ProcArrayTransactions implements TransactionWaitSource {
    private final TransactionState state;
    private final ProcArray procArray;
    private final LWLock procArrayLock;
    private long[] xipBuffer = new long[64];

    public ProcArrayTransactions(TransactionState state, ProcArray procArray) {
        this.state = state;
        this.procArray = procArray;
        this.procArrayLock = state.procArrayLock();
    }

    /**
     * ProcArrayEndTransaction: under ProcArrayLock exclusive, clears the slot's xid, xmin and subxid cache
     * and advances latestCompletedXid to the newest of {@code fullXids} (the top xid and all subxids the
     * transaction had, full form; empty for a transaction without xid, which only clears xmin without the
     * lock). Call after the commit log has the outcome.
     */
    public void endTransaction(int slot, long[] fullXids) {
        if (fullXids.length == 0) {
            procArray.setXmin(slot, 0);
            return;
        }
        long latest = 0;
        for (long x : fullXids) latest = Math.max(latest, x);
        procArrayLock.acquire(LWLockMode.EXCLUSIVE);
        try {
            procArray.setXid(slot, 0);
            procArray.setXmin(slot, 0);
            state.clearSubxids(slot);
            state.advanceLatestCompleted(latest);
        } finally {
            procArrayLock.release();
        }
    }

    /**
     * XidCacheRemoveRunningXids: a subtransaction aborted; under ProcArrayLock exclusive drops
     * {@code xids} (32-bit) from the slot's cache and advances latestCompletedXid to {@code latestFullXid}.
     * Call after the commit log says ABORTED.
     */
    public void removeSubxids(int slot, long[] xids, long latestFullXid) {
        procArrayLock.acquire(LWLockMode.EXCLUSIVE);
        try {
            state.removeSubxids(slot, xids);
            state.advanceLatestCompleted(latestFullXid);
        } finally {
            procArrayLock.release();
        }
    }

    /**
     * GetSnapshotData: under ProcArrayLock shared, xmax = latestCompletedXid + 1, xip = the top xids and
     * cached subxids of every other process that precede xmax, xmin = the oldest of those, of xmax and of
     * {@code ownXid}. If the slot has no xmin yet it becomes the snapshot's xmin (so vacuum keeps what the
     * snapshot can see).
     *
     * @param ownXid the caller's own top xid (32-bit) or 0; its own xids are not in xip
     */
    public Snapshot takeSnapshot(int slot, long ownXid, int curcid) {
        procArrayLock.acquire(LWLockMode.SHARED);
        try {
            long latest = state.latestCompletedFullXid();
            if (latest == 0) throw new IllegalStateException("transaction state not initialised");
            long xmax = TransactionIds.advance(latest & 0xFFFF_FFFFL);
            long xmin = xmax;
            int count = 0;
            int slots = procArray.slotCount();
            for (int s = 0; s < slots; s++) {
                if (s == slot) continue;
                long xid = procArray.xidOf(s);
                if (xid == 0) continue;
                if (!TransactionIds.precedes(xid, xmax)) continue;
                if (TransactionIds.precedes(xid, xmin)) xmin = xid;
                count = add(count, xid);
                int n = state.subxidCount(s);
                for (int i = 0; i < n; i++) {
                    long sub = state.subxid(s, i);
                    if (TransactionIds.precedes(sub, xmax)) count = add(count, sub);
                }
            }
            if (TransactionIds.isNormal(ownXid) && TransactionIds.precedes(ownXid, xmin)) xmin = ownXid;
            if (procArray.xminOf(slot) == 0) procArray.setXmin(slot, xmin);
            return new Snapshot(xmin, xmax, Arrays.copyOf(xipBuffer, count), curcid);
        } finally {
            procArrayLock.release();
        }
    }

    private int add(int count, long xid) {
        if (count == xipBuffer.length) xipBuffer = Arrays.copyOf(xipBuffer, count * 2);
        xipBuffer[count] = xid;
        return count + 1;
    }

    /** SnapshotResetXmin: the process holds no snapshot any more (owner only; no lock needed). */
    public void clearXmin(int slot) {
        procArray.setXmin(slot, 0);
    }

    /**
     * GetOldestNonRemovableTransactionId: the oldest xid some process may still need — every tuple deleted
     * by a committed xid older than this is invisible to all. The minimum over all processes' xid and xmin
     * and latestCompletedXid + 1 (all databases: conservative for non-shared relations).
     */
    public long oldestNonRemovableXid() {
        procArrayLock.acquire(LWLockMode.SHARED);
        try {
            long result = TransactionIds.advance(state.latestCompletedFullXid() & 0xFFFF_FFFFL);
            for (int s = 0; s < procArray.slotCount(); s++) {
                long xid = procArray.xidOf(s);
                if (TransactionIds.isNormal(xid) && TransactionIds.precedes(xid, result)) result = xid;
                long xmin = procArray.xminOf(s);
                if (TransactionIds.isNormal(xmin) && TransactionIds.precedes(xmin, result)) result = xmin;
            }
            return result;
        } finally {
            procArrayLock.release();
        }
    }

    /**
     * TransactionIdIsInProgress without the own-transaction check: true if {@code xid} is newer than
     * latestCompletedXid or is the top xid or a cached subxid of some process.
     */
    @Override
    public boolean isInProgress(long xid) {
        if (!TransactionIds.isNormal(xid)) return false;
        procArrayLock.acquire(LWLockMode.SHARED);
        try {
            long latest = state.latestCompletedFullXid() & 0xFFFF_FFFFL;
            if (TransactionIds.precedes(latest, xid)) return true;
            return findTop(xid) != 0;
        } finally {
            procArrayLock.release();
        }
    }

    /** ProcArrayLock held: the top xid of the running transaction owning {@code xid}, or 0. */
    private long findTop(long xid) {
        for (int s = 0; s < procArray.slotCount(); s++) {
            long top = procArray.xidOf(s);
            if (top == 0) continue;
            if (top == xid) return top;
            int n = state.subxidCount(s);
            for (int i = 0; i < n; i++) {
                if (state.subxid(s, i) == xid) return top;
            }
        }
        return 0;
    }

    /** The top xid of the running transaction that has {@code xid} (itself if top), or 0 if none runs it. */
    @Override
    public long topmostParent(long xid) {
        procArrayLock.acquire(LWLockMode.SHARED);
        try {
            return findTop(xid);
        } finally {
            procArrayLock.release();
        }
    }
}
