package org.pgjava.backend.utils.snapshot;

import java.util.Arrays;

/**
 * An MVCC snapshot, PostgreSQL's SnapshotData for MVCC scans: which transactions' effects a statement (READ
 * COMMITTED) or a whole transaction (REPEATABLE READ) sees.
 *
 * <p>A transaction is visible to the snapshot if it committed and is not "in progress as of the snapshot":
 * xids at or after {@code xmax} were not yet started (or not yet finished) when the snapshot was taken,
 * xids listed in {@code xip} were running; everything older than {@code xmin} had finished. Own-transaction
 * changes are visible when made by an earlier command ({@code cmin < curcid}).
 *
 * @param xmin   every xid before this had finished when the snapshot was taken
 * @param xmax   every xid at or after this was not yet finished (one past the latest completed xid)
 * @param xip    the xids in [xmin, xmax) still running at snapshot time, sorted ascending (unsigned order)
 * @param curcid the command id of the current command in the snapshot's own transaction
 */
public record Snapshot(long xmin, long xmax, long[] xip, int curcid) {
    public Snapshot {
        xip = xip.clone();
        Arrays.sort(xip);
    }

    /**
     * True if {@code xid} counts as still in progress for this snapshot (PostgreSQL's XidInMVCCSnapshot):
     * at or after xmax, or listed in xip. Does not know about the snapshot's own transaction.
     */
    public boolean xidInProgress(long xid) {
        if (TransactionIds.precedes(xid, xmin)) {
            return false;
        }
        if (!TransactionIds.precedes(xid, xmax)) {
            return true;
        }
        return Arrays.binarySearch(xip, xid) >= 0;
    }

    /** This snapshot with another current command id (a later command of the same transaction). */
    public Snapshot withCommandId(int commandId) {
        return new Snapshot(xmin, xmax, xip, commandId);
    }

    @Override
    public long[] xip() {
        return xip.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && s.xmin == xmin && s.xmax == xmax && s.curcid == curcid
                && Arrays.equals(s.xip, xip);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(xmin) * 31 + Long.hashCode(xmax) * 17 + Arrays.hashCode(xip) + curcid;
    }

    @Override
    public String toString() {
        return "Snapshot[xmin=" + xmin + ", xmax=" + xmax + ", xip=" + Arrays.toString(xip) + ", curcid=" + curcid + "]";
    }
}
