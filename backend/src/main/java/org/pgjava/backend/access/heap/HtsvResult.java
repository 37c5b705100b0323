package org.pgjava.backend.access.heap;

/** PostgreSQL's HTSV_Result: a row version's state for pruning and vacuum ({@link HeapVisibility#satisfiesVacuum}). */
public enum HtsvResult {
    /** No transaction can see it any more: its space may be reclaimed. */
    DEAD,
    /** Visible to some transactions, not deleted. */
    LIVE,
    /** Deleted by a committed transaction, but some snapshot may still see it. */
    RECENTLY_DEAD,
    /** The inserting transaction is still running. */
    INSERT_IN_PROGRESS,
    /** The deleting transaction is still running. */
    DELETE_IN_PROGRESS
}
