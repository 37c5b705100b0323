package org.pgjava.backend.utils.relation;

/**
 * Outcome of {@link ModifiableTable#update} and {@link ModifiableTable#delete} on one row version
 * (PostgreSQL's TM_Result, reduced to what the executor acts on). Every case where the row could not be
 * changed because of another transaction is resolved by the implementation first: it waits for that
 * transaction to end (lock manager, deadlock detection 40P01), and then reports what happened; under
 * REPEATABLE READ / SERIALIZABLE the implementation throws 40001 {@code could not serialize access due to
 * concurrent update} (or {@code ... concurrent delete}) itself instead of returning
 * {@link ConcurrentlyUpdated} or {@link ConcurrentlyDeleted}.
 */
public sealed interface ModifyResult {
    /** The row was updated (its new version is at {@code newCtid}) or deleted ({@code newCtid} is the old ctid). */
    record Done(long newCtid) implements ModifyResult {
    }

    /**
     * TM_SelfModified: this row version was already updated or deleted by the current command of this
     * transaction (e.g. a row the same UPDATE has already changed through a join). The executor skips it.
     */
    record SelfModified() implements ModifyResult {
    }

    /**
     * TM_Updated under READ COMMITTED: another transaction updated the row and committed. {@code newCtid}
     * and {@code newValues} are the newest committed version of the row (one value per attribute, as a
     * scan returns it), already locked for this transaction so it cannot change again. The executor
     * re-evaluates the statement's WHERE on {@code newValues} (EvalPlanQual, simplified to the target row)
     * and, if it still passes, retries the update or delete on {@code newCtid}; otherwise it skips the row.
     */
    record ConcurrentlyUpdated(long newCtid, Object[] newValues) implements ModifyResult {
    }

    /** TM_Deleted under READ COMMITTED: another transaction deleted the row and committed. The executor skips it. */
    record ConcurrentlyDeleted() implements ModifyResult {
    }
}
