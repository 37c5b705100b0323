package org.pgjava.backend.access.heap;

/**
 * Row lock strengths (PostgreSQL's LockTupleMode) and the xmax infomask bits each leaves on a locked tuple
 * (compute_new_xmax_infomask for a tuple with no other live locker).
 */
public enum RowLockMode {
    /** FOR KEY SHARE. */
    KEY_SHARE(HeapTupleHeader.HEAP_XMAX_KEYSHR_LOCK, false),
    /** FOR SHARE. */
    SHARE(HeapTupleHeader.HEAP_XMAX_SHR_LOCK, false),
    /** FOR NO KEY UPDATE. */
    NO_KEY_EXCLUSIVE(HeapTupleHeader.HEAP_XMAX_EXCL_LOCK, false),
    /** FOR UPDATE. */
    EXCLUSIVE(HeapTupleHeader.HEAP_XMAX_EXCL_LOCK, true);

    private final int infomaskBits;
    private final boolean keysUpdated;

    RowLockMode(int infomaskBits, boolean keysUpdated) {
        this.infomaskBits = infomaskBits;
        this.keysUpdated = keysUpdated;
    }

    /** The lock-strength bits of t_infomask (HEAP_XMAX_LOCK_ONLY is added by the lock operation). */
    public int infomaskBits() {
        return infomaskBits;
    }

    /** True if the mode sets HEAP_KEYS_UPDATED in t_infomask2 (FOR UPDATE). */
    public boolean keysUpdated() {
        return keysUpdated;
    }
}
