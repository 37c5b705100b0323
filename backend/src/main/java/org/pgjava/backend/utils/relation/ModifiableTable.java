package org.pgjava.backend.utils.relation;

import java.util.List;
import org.pgjava.backend.utils.SessionContext;

/**
 * A table the executor can read and change (a heap relation with MVCC). Found like any relation through
 * {@link RelationResolver#resolve}; INSERT, UPDATE and DELETE require the resolved source to implement
 * this interface (anything else is 42809 {@code cannot change relation "x"}... see the executor README).
 *
 * <p>Row arrays: every row passed in or out has exactly {@code tableColumns().size()} slots, slot
 * {@code i} holding attnum {@code i + 1} in the Java representation of the column's type (TypeIO's
 * table), null for SQL NULL and for dropped columns. Rows stored before an ADD COLUMN are returned with
 * the added column filled in (NULL, or the default the column was added with, like PostgreSQL's
 * attmissingval): the executor never sees short rows. {@link #columns()} must describe the same slots
 * ({@code tableColumns().get(i).relationColumn()}).
 *
 * <p>Transactions and commands: every call belongs to the session's current transaction and current
 * command; the traffic cop advances the command counter between statements, so one statement's changes
 * are invisible to its own scans and visible to the next statement's. The executor never commits.
 *
 * <p>Entry points: {@link #tableColumns()}, {@link #openTableScan}, {@link #insert}, {@link #update},
 * {@link #delete}.
 */
public interface ModifiableTable extends RelationSource {
    /** Every attribute in attnum order, dropped ones included. Stable for the life of this object. */
    List<TableColumn> tableColumns();

    /**
     * Starts a scan that reports row identities (UPDATE and DELETE use it). Visibility as
     * {@link TableScan#next()} states.
     *
     * @throws org.pgjava.conf.errors.PgException 42501 permission denied
     */
    TableScan openTableScan(SessionContext session);

    /**
     * Inserts one row. The executor has already applied defaults, coerced every value to its column's type
     * and typmod, and checked NOT NULL; the implementation stores the values as given (it may still reject
     * a value too large to store: 54000).
     *
     * @param row one value per attribute (see the class comment); the implementation must not keep the array
     * @return the new row version's ctid
     */
    long insert(SessionContext session, Object[] row);

    /**
     * Replaces the row version {@code ctid} (returned by this command's scan, or by a
     * {@link ModifyResult.ConcurrentlyUpdated}) with {@code newRow}, after waiting for any transaction that
     * holds it. Values are coerced and checked as for {@link #insert}.
     *
     * @return the outcome; see {@link ModifyResult} for each case
     * @throws org.pgjava.conf.errors.PgException 40001 under REPEATABLE READ when the row was concurrently
     *         updated or deleted; 40P01 deadlock; 57014 cancel while waiting
     */
    ModifyResult update(SessionContext session, long ctid, Object[] newRow);

    /**
     * Deletes the row version {@code ctid}, with the same waiting and outcomes as {@link #update}
     * ({@link ModifyResult.Done} carries the deleted ctid).
     */
    ModifyResult delete(SessionContext session, long ctid);
}
