package org.pgjava.backend.access.heap;

/**
 * PostgreSQL's TM_Result: what {@link HeapVisibility#satisfiesUpdate} says about a row version the
 * current command wants to update, delete or lock.
 */
public enum TmResult {
    /** The row version is live and may be modified. */
    OK,
    /** The row version is not visible to the command (inserted by a later command, or by an aborted xact). */
    INVISIBLE,
    /** The current transaction already updated or deleted it in the current or a later command. */
    SELF_MODIFIED,
    /** A committed transaction updated it; the newer version is at the tuple's ctid. */
    UPDATED,
    /** A committed transaction deleted it. */
    DELETED,
    /** Another transaction that is still running updated, deleted or locked it: wait for its xmax. */
    BEING_MODIFIED
}
