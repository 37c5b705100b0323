package org.pgjava.backend.utils.relation;

/**
 * A scan of a {@link ModifiableTable} that also reports each row's identity (its ctid), so UPDATE and
 * DELETE can name the row version they read. Created by {@link ModifiableTable#openTableScan}; run-time
 * state of one execution, never shared.
 */
public interface TableScan extends RowScan {
    /**
     * The next visible row version: one value per attribute of {@link ModifiableTable#tableColumns()}
     * (dropped ones included, as null), or null when the scan is exhausted. Visibility is that of the
     * current command's snapshot: rows inserted, and new versions made, by the command running this scan
     * are NOT returned (no Halloween problem), rows the command deleted or updated earlier in the same scan
     * are of course not returned twice.
     */
    @Override
    Object[] next();

    /**
     * The ctid of the row version the last {@link #next()} returned (block number in the high 48 bits,
     * line pointer offset in the low 16 bits, as {@code ItemPointer} packed into a long; only the
     * implementation interprets it).
     *
     * @throws IllegalStateException when next() has not returned a row yet, or returned null
     */
    long ctid();
}
