package org.pgjava.backend.access.heap;

import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMAX_COMMITTED;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMAX_INVALID;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMAX_IS_MULTI;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMIN_COMMITTED;
import static org.pgjava.backend.access.heap.HeapTupleHeader.HEAP_XMIN_INVALID;

import java.lang.foreign.MemorySegment;

import org.pgjava.backend.utils.snapshot.Snapshot;
import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.backend.utils.snapshot.TransactionOracle;
import org.pgjava.conf.errors.PgException;

/**
 * Tuple visibility, PostgreSQL's heapam_visibility.c: {@link #satisfiesMvcc} for scans,
 * {@link #satisfiesUpdate} before UPDATE / DELETE / SELECT FOR UPDATE, {@link #satisfiesVacuum} for pruning,
 * {@link #satisfiesAny} for tools. The rules are PostgreSQL 15's, without multixacts (a tuple with
 * HEAP_XMAX_IS_MULTI is refused with 0A000; pgjava never writes one) and without the pre-9.0 HEAP_MOVED
 * cases.
 *
 * <p>The functions only read the tuple. Hint bits they are entitled to set are reported in the caller's
 * {@link HintBits}; see that class for when and how to apply them.
 *
 * <p>Command ids are compared as unsigned 32-bit numbers; cmin/cmax of the current transaction's tuples are
 * resolved through the backend's {@link ComboCids}.
 */
public final class HeapVisibility {
    private HeapVisibility() {
    }

    /** What {@link #satisfiesUpdate} found: the result, and for a conflict the xmax and the newer version. */
    public record UpdateCheck(TmResult result, long xmax, long ctid) {
    }

    private static void refuseMulti(int infomask) {
        if ((infomask & HEAP_XMAX_IS_MULTI) != 0) {
            throw PgException.notSupported("multixact row locks are not supported");
        }
    }

    private static boolean cidAtOrAfter(int cid, int curcid) {
        return Integer.compareUnsigned(cid, curcid) >= 0;
    }

    /**
     * HeapTupleSatisfiesMVCC: true if {@code tuple} is visible to {@code snapshot} — inserted by a
     * transaction committed before the snapshot (or by an earlier command of the current transaction) and
     * not deleted by such a transaction or command.
     *
     * @param hints receives hint bits (not cleared here; the caller clears it between tuples)
     */
    public static boolean satisfiesMvcc(MemorySegment tuple, Snapshot snapshot, TransactionOracle oracle,
                                        ComboCids comboCids, HintBits hints) {
        int infomask = HeapTupleHeader.infomask(tuple);
        long xmin = HeapTupleHeader.xmin(tuple);
        if ((infomask & HEAP_XMIN_COMMITTED) == 0) {
            if ((infomask & HEAP_XMIN_INVALID) != 0) {
                return false;
            }
            if (oracle.isCurrentTransaction(xmin)) {
                if (cidAtOrAfter(comboCids.cmin(tuple), snapshot.curcid())) {
                    return false; // inserted after the scan started
                }
                if ((infomask & HEAP_XMAX_INVALID) != 0 || HeapTupleHeader.isXmaxLockedOnly(infomask)) {
                    return true;
                }
                refuseMulti(infomask);
                if (!oracle.isCurrentTransaction(HeapTupleHeader.xmax(tuple))) {
                    hints.add(HEAP_XMAX_INVALID); // the deleting subtransaction aborted
                    return true;
                }
                return cidAtOrAfter(comboCids.cmax(tuple), snapshot.curcid()); // deleted after the scan started?
            }
            if (snapshot.xidInProgress(xmin)) {
                return false;
            }
            if (oracle.didCommit(xmin)) {
                hints.add(HEAP_XMIN_COMMITTED);
            } else {
                hints.add(HEAP_XMIN_INVALID); // aborted or crashed
                return false;
            }
        } else if (!HeapTupleHeader.xminFrozen(tuple) && snapshot.xidInProgress(xmin)) {
            return false; // committed, but not as of this snapshot
        }
        // the inserting transaction committed
        if ((infomask & HEAP_XMAX_INVALID) != 0 || HeapTupleHeader.isXmaxLockedOnly(infomask)) {
            return true;
        }
        refuseMulti(infomask);
        long xmax = HeapTupleHeader.xmax(tuple);
        if ((infomask & HEAP_XMAX_COMMITTED) == 0) {
            if (oracle.isCurrentTransaction(xmax)) {
                return cidAtOrAfter(comboCids.cmax(tuple), snapshot.curcid());
            }
            if (snapshot.xidInProgress(xmax)) {
                return true;
            }
            if (!oracle.didCommit(xmax)) {
                hints.add(HEAP_XMAX_INVALID); // aborted or crashed
                return true;
            }
            hints.add(HEAP_XMAX_COMMITTED);
        } else if (snapshot.xidInProgress(xmax)) {
            return true; // committed, but not as of this snapshot
        }
        return false;
    }

    /**
     * HeapTupleSatisfiesUpdate: may command {@code curcid} of the current transaction update, delete or lock
     * {@code tuple}, whose own tid is {@code selfTid}? For {@link TmResult#BEING_MODIFIED} the result's
     * xmax is the transaction to wait for (then re-check); for UPDATED / DELETED / SELF_MODIFIED it is the
     * xmax that did it and ctid the tuple's t_ctid (the newer version for UPDATED). For OK and INVISIBLE the
     * xmax and ctid are as stored on the tuple.
     */
    public static UpdateCheck satisfiesUpdate(MemorySegment tuple, long selfTid, int curcid,
                                              TransactionOracle oracle, ComboCids comboCids, HintBits hints) {
        TmResult r = updateResult(tuple, selfTid, curcid, oracle, comboCids, hints);
        return new UpdateCheck(r, HeapTupleHeader.xmax(tuple), HeapTupleHeader.ctid(tuple));
    }

    private static TmResult updatedOrDeleted(MemorySegment tuple, long selfTid) {
        return HeapTupleHeader.ctid(tuple) != selfTid ? TmResult.UPDATED : TmResult.DELETED;
    }

    private static TmResult updateResult(MemorySegment tuple, long selfTid, int curcid, TransactionOracle oracle,
                                         ComboCids comboCids, HintBits hints) {
        int infomask = HeapTupleHeader.infomask(tuple);
        long xmin = HeapTupleHeader.xmin(tuple);
        long xmax = HeapTupleHeader.xmax(tuple);
        if ((infomask & HEAP_XMIN_COMMITTED) == 0) {
            if ((infomask & HEAP_XMIN_INVALID) != 0) {
                return TmResult.INVISIBLE;
            }
            if (oracle.isCurrentTransaction(xmin)) {
                if (cidAtOrAfter(comboCids.cmin(tuple), curcid)) {
                    return TmResult.INVISIBLE; // inserted after the scan started
                }
                if ((infomask & HEAP_XMAX_INVALID) != 0) {
                    return TmResult.OK;
                }
                refuseMulti(infomask);
                if (HeapTupleHeader.isXmaxLockedOnly(infomask)) {
                    // our own row, but another transaction may have locked it
                    return running(xmax, oracle) ? TmResult.BEING_MODIFIED : TmResult.OK;
                }
                if (!oracle.isCurrentTransaction(xmax)) {
                    hints.add(HEAP_XMAX_INVALID); // the deleting subtransaction aborted
                    return TmResult.OK;
                }
                return cidAtOrAfter(comboCids.cmax(tuple), curcid) ? TmResult.SELF_MODIFIED : TmResult.INVISIBLE;
            }
            if (running(xmin, oracle)) {
                return TmResult.INVISIBLE;
            }
            if (oracle.didCommit(xmin)) {
                hints.add(HEAP_XMIN_COMMITTED);
            } else {
                hints.add(HEAP_XMIN_INVALID);
                return TmResult.INVISIBLE;
            }
        }
        // the inserting transaction committed
        if ((infomask & HEAP_XMAX_INVALID) != 0) {
            return TmResult.OK;
        }
        if ((infomask & HEAP_XMAX_COMMITTED) != 0) {
            if (HeapTupleHeader.isXmaxLockedOnly(infomask)) {
                return TmResult.OK;
            }
            return updatedOrDeleted(tuple, selfTid);
        }
        refuseMulti(infomask);
        if (oracle.isCurrentTransaction(xmax)) {
            if (HeapTupleHeader.isXmaxLockedOnly(infomask)) {
                return TmResult.BEING_MODIFIED;
            }
            return cidAtOrAfter(comboCids.cmax(tuple), curcid) ? TmResult.SELF_MODIFIED : TmResult.INVISIBLE;
        }
        if (oracle.isInProgress(xmax)) {
            return TmResult.BEING_MODIFIED;
        }
        if (!oracle.didCommit(xmax)) {
            hints.add(HEAP_XMAX_INVALID); // aborted or crashed
            return TmResult.OK;
        }
        if (HeapTupleHeader.isXmaxLockedOnly(infomask)) {
            hints.add(HEAP_XMAX_INVALID); // the locker is gone
            return TmResult.OK;
        }
        hints.add(HEAP_XMAX_COMMITTED);
        return updatedOrDeleted(tuple, selfTid);
    }

    private static boolean running(long xid, TransactionOracle oracle) {
        return oracle.isCurrentTransaction(xid) || oracle.isInProgress(xid);
    }

    /**
     * HeapTupleSatisfiesVacuum: the tuple's state with respect to every running transaction. A tuple whose
     * deleter committed is {@link HtsvResult#DEAD} only if the deleter precedes {@code oldestXmin} (the
     * oldest xmin of any running transaction or snapshot), otherwise {@link HtsvResult#RECENTLY_DEAD}.
     */
    public static HtsvResult satisfiesVacuum(MemorySegment tuple, long oldestXmin, TransactionOracle oracle,
                                             HintBits hints) {
        int infomask = HeapTupleHeader.infomask(tuple);
        long xmin = HeapTupleHeader.xmin(tuple);
        long xmax = HeapTupleHeader.xmax(tuple);
        if ((infomask & HEAP_XMIN_COMMITTED) == 0) {
            if ((infomask & HEAP_XMIN_INVALID) != 0) {
                return HtsvResult.DEAD;
            }
            if (oracle.isCurrentTransaction(xmin)) {
                if ((infomask & HEAP_XMAX_INVALID) != 0 || HeapTupleHeader.isXmaxLockedOnly(infomask)) {
                    return HtsvResult.INSERT_IN_PROGRESS;
                }
                refuseMulti(infomask);
                return oracle.isCurrentTransaction(xmax) ? HtsvResult.DELETE_IN_PROGRESS
                        : HtsvResult.INSERT_IN_PROGRESS;
            }
            if (oracle.isInProgress(xmin)) {
                return HtsvResult.INSERT_IN_PROGRESS;
            }
            if (oracle.didCommit(xmin)) {
                hints.add(HEAP_XMIN_COMMITTED);
            } else {
                hints.add(HEAP_XMIN_INVALID);
                return HtsvResult.DEAD;
            }
        }
        if ((infomask & HEAP_XMAX_INVALID) != 0) {
            return HtsvResult.LIVE;
        }
        refuseMulti(infomask);
        if (HeapTupleHeader.isXmaxLockedOnly(infomask)) {
            if ((infomask & HEAP_XMAX_COMMITTED) == 0 && !running(xmax, oracle)) {
                hints.add(HEAP_XMAX_INVALID);
            }
            return HtsvResult.LIVE;
        }
        if ((infomask & HEAP_XMAX_COMMITTED) == 0) {
            if (running(xmax, oracle)) {
                return HtsvResult.DELETE_IN_PROGRESS;
            }
            if (oracle.didCommit(xmax)) {
                hints.add(HEAP_XMAX_COMMITTED);
            } else {
                hints.add(HEAP_XMAX_INVALID);
                return HtsvResult.LIVE;
            }
        }
        return TransactionIds.precedes(xmax, oldestXmin) ? HtsvResult.DEAD : HtsvResult.RECENTLY_DEAD;
    }

    /** HeapTupleSatisfiesAny: every tuple with storage is "visible" (for tools such as pageinspect). */
    public static boolean satisfiesAny(MemorySegment tuple) {
        return true;
    }
}
