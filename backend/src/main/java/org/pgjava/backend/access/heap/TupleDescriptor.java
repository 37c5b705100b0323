package org.pgjava.backend.access.heap;

import java.util.List;

/**
 * The shape of a relation's rows as heap tuples need it (PostgreSQL's TupleDesc): the ordered attributes,
 * dropped ones included (they are stored as NULLs). Immutable.
 *
 * <p>Entry points: {@link #of(int...)} for tests and simple tables, the canonical constructor otherwise;
 * {@link HeapTuples#form} and {@link HeapTuples#deform} use it.
 *
 * @param columns the attributes in attnum order (attnum = index + 1)
 */
public record TupleDescriptor(List<HeapColumn> columns) {
    public TupleDescriptor {
        columns = List.copyOf(columns);
    }

    /** A descriptor of built-in types without typmods. */
    public static TupleDescriptor of(int... typeOids) {
        HeapColumn[] cols = new HeapColumn[typeOids.length];
        for (int i = 0; i < typeOids.length; i++) {
            cols[i] = HeapColumn.of(typeOids[i], -1);
        }
        return new TupleDescriptor(List.of(cols));
    }

    /** Number of attributes. */
    public int size() {
        return columns.size();
    }

    /** Attribute {@code index} (0-based). */
    public HeapColumn column(int index) {
        return columns.get(index);
    }
}
