package org.pgjava.backend.storage.lmgr;

/**
 * What {@link LockManager#waitForTransaction} needs to know about transactions, supplied by
 * {@code access/transam} (storage may not call up into access).
 */
public interface TransactionWaitSource {
    /** True while {@code xid} (a top or sub xid) runs in some process (TransactionIdIsInProgress). */
    boolean isInProgress(long xid);

    /**
     * The top-level xid of the running transaction {@code xid} belongs to (itself for a top xid), or 0
     * when no running transaction has it (SubTransGetTopmostParent over the process array's subxid caches).
     */
    long topmostParent(long xid);
}
