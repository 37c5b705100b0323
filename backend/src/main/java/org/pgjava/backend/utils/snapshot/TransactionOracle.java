package org.pgjava.backend.utils.snapshot;

/**
 * What tuple visibility needs to know about transactions besides the snapshot: the backend's own
 * transaction (and its live subtransactions) and the commit log. Implemented by the transaction manager
 * (access/transam); tests supply their own.
 */
public interface TransactionOracle {
    /**
     * True if {@code xid} is the current transaction or one of its subtransactions that has not been rolled
     * back (PostgreSQL's TransactionIdIsCurrentTransactionId).
     */
    boolean isCurrentTransaction(long xid);

    /** True if {@code xid} is still running in some process (PostgreSQL's TransactionIdIsInProgress). */
    boolean isInProgress(long xid);

    /** True if the commit log says {@code xid} committed (PostgreSQL's TransactionIdDidCommit). */
    boolean didCommit(long xid);
}
