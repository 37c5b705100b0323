package org.pgjava.backend.access.heap;

import java.lang.foreign.MemorySegment;

/**
 * The hint bits a visibility check found it may set on the tuple it examined (PostgreSQL's SetHintBits):
 * HEAP_XMIN_COMMITTED / HEAP_XMIN_INVALID / HEAP_XMAX_COMMITTED / HEAP_XMAX_INVALID, each reported only
 * when the oracle said the xid committed, or the xid is known not to be running and not committed
 * (aborted or crashed). The visibility functions never write the tuple; the caller applies the bits with
 * {@link #applyTo} (allowed under a shared content lock, without WAL) and marks the buffer dirty as a hint.
 *
 * <p>A caller with asynchronous commit must not set a COMMITTED bit until the committing transaction's
 * commit record is flushed (PostgreSQL checks the commit LSN): HEAP_XMIN_COMMITTED relies on the tuple's
 * xmin, HEAP_XMAX_COMMITTED on its xmax; drop such a bit from {@link #bits} before applying if needed.
 *
 * <p>Mutable and reusable: {@link #clear} before each check. Not thread-safe.
 */
public final class HintBits {
    private int bits;

    /** Forgets the bits of the previous check. */
    public void clear() {
        bits = 0;
    }

    void add(int bit) {
        bits |= bit;
    }

    /** The infomask bits to OR into the tuple, 0 if none. */
    public int bits() {
        return bits;
    }

    /**
     * ORs {@link #bits} into {@code tuple}'s infomask.
     *
     * @return true if the tuple changed (the caller marks its buffer dirty as a hint)
     */
    public boolean applyTo(MemorySegment tuple) {
        return applyTo(tuple, bits);
    }

    /** ORs {@code subset} (some of {@link #bits}) into {@code tuple}; true if the tuple changed. */
    public static boolean applyTo(MemorySegment tuple, int bits) {
        int before = HeapTupleHeader.infomask(tuple);
        if ((before | bits) == before) {
            return false;
        }
        HeapTupleHeader.setHintBits(tuple, bits);
        return true;
    }
}
