package org.pgjava.backend.access.heap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The header of a heap tuple (PostgreSQL's HeapTupleHeaderData), read and written in place on a
 * {@link MemorySegment} whose byte 0 is the tuple's first byte (a page item from
 * {@link org.pgjava.backend.storage.page.Page#getItem} or a tuple formed by {@link HeapTuples#form}).
 *
 * <p><b>Layout</b> (native byte order, as PostgreSQL):
 * <pre>
 * offset size field
 *  0     4    t_xmin        inserting xid
 *  4     4    t_xmax        deleting / updating / locking xid, 0 if none
 *  8     4    t_cid         cmin or cmax (or a combo command id if HEAP_COMBOCID), PostgreSQL's t_cid/t_xvac
 * 12     2    t_ctid.bi_hi  block number of this or the newer version, high 16 bits
 * 14     2    t_ctid.bi_lo  ... low 16 bits
 * 16     2    t_ctid.posid  its offset number
 * 18     2    t_infomask2   number of attributes (bits 0-10) | HEAP_KEYS_UPDATED | HEAP_HOT_UPDATED | HEAP_ONLY_TUPLE
 * 20     2    t_infomask    HEAP_* flags below
 * 22     1    t_hoff        offset of the user data: MAXALIGN(23 + null bitmap)
 * 23     n    t_bits        null bitmap if HEAP_HASNULL: bit (i % 8) of byte (i / 8) set = attribute i not null
 * t_hoff ...  attribute data
 * </pre>
 *
 * <p><b>Concurrency</b>: hint bits (XMIN/XMAX COMMITTED/INVALID) may be set under a shared buffer content lock,
 * as in PostgreSQL; every other field changes only under the exclusive content lock and is WAL-logged.
 *
 * <p>Entry points: the getters and setters, {@link #isXmaxLockedOnly}, {@link #prepareInsert}.
 */
public final class HeapTupleHeader {
    private HeapTupleHeader() {
    }

    /** offsetof(HeapTupleHeaderData, t_bits). */
    public static final int SIZE = 23;

    public static final int OFF_XMIN = 0;
    public static final int OFF_XMAX = 4;
    public static final int OFF_CID = 8;
    public static final int OFF_CTID = 12;
    public static final int OFF_INFOMASK2 = 18;
    public static final int OFF_INFOMASK = 20;
    public static final int OFF_HOFF = 22;
    public static final int OFF_BITS = 23;

    // t_infomask
    public static final int HEAP_HASNULL = 0x0001;
    public static final int HEAP_HASVARWIDTH = 0x0002;
    public static final int HEAP_HASEXTERNAL = 0x0004;
    public static final int HEAP_XMAX_KEYSHR_LOCK = 0x0010;
    public static final int HEAP_COMBOCID = 0x0020;
    public static final int HEAP_XMAX_EXCL_LOCK = 0x0040;
    public static final int HEAP_XMAX_LOCK_ONLY = 0x0080;
    public static final int HEAP_XMAX_SHR_LOCK = HEAP_XMAX_EXCL_LOCK | HEAP_XMAX_KEYSHR_LOCK;
    public static final int HEAP_LOCK_MASK = HEAP_XMAX_SHR_LOCK | HEAP_XMAX_EXCL_LOCK | HEAP_XMAX_KEYSHR_LOCK;
    public static final int HEAP_XMIN_COMMITTED = 0x0100;
    public static final int HEAP_XMIN_INVALID = 0x0200;
    public static final int HEAP_XMIN_FROZEN = HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID;
    public static final int HEAP_XMAX_COMMITTED = 0x0400;
    public static final int HEAP_XMAX_INVALID = 0x0800;
    public static final int HEAP_XMAX_IS_MULTI = 0x1000;
    public static final int HEAP_UPDATED = 0x2000;
    public static final int HEAP_MOVED_OFF = 0x4000;
    public static final int HEAP_MOVED_IN = 0x8000;
    /** Every bit that describes xmax (cleared when a new xmax is set). */
    public static final int HEAP_XMAX_BITS = HEAP_XMAX_COMMITTED | HEAP_XMAX_INVALID | HEAP_XMAX_IS_MULTI
            | HEAP_LOCK_MASK | HEAP_XMAX_LOCK_ONLY;
    /** The hint bits: the only bits a reader may set under a shared content lock. */
    public static final int HINT_BITS = HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID | HEAP_XMAX_COMMITTED
            | HEAP_XMAX_INVALID;

    // t_infomask2
    public static final int HEAP_NATTS_MASK = 0x07FF;
    public static final int HEAP_KEYS_UPDATED = 0x2000;
    public static final int HEAP_HOT_UPDATED = 0x4000;
    public static final int HEAP_ONLY_TUPLE = 0x8000;

    /** MaxTupleAttributeNumber. */
    public static final int MAX_TUPLE_ATTRIBUTES = 1664;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    /** t_xmin (unsigned). */
    public static long xmin(MemorySegment t) {
        return t.get(INT, OFF_XMIN) & 0xFFFF_FFFFL;
    }

    public static void setXmin(MemorySegment t, long xid) {
        t.set(INT, OFF_XMIN, (int) xid);
    }

    /** t_xmax (unsigned, raw: a locker or a deleter). */
    public static long xmax(MemorySegment t) {
        return t.get(INT, OFF_XMAX) & 0xFFFF_FFFFL;
    }

    public static void setXmax(MemorySegment t, long xid) {
        t.set(INT, OFF_XMAX, (int) xid);
    }

    /** The raw t_cid field: cmin, cmax or a combo id (see {@link ComboCids}). */
    public static int rawCid(MemorySegment t) {
        return t.get(INT, OFF_CID);
    }

    public static void setRawCid(MemorySegment t, int cid) {
        t.set(INT, OFF_CID, cid);
    }

    /** t_ctid as an {@link ItemPointer} long. */
    public static long ctid(MemorySegment t) {
        long hi = t.get(SHORT, OFF_CTID) & 0xFFFF;
        long lo = t.get(SHORT, OFF_CTID + 2) & 0xFFFF;
        int off = t.get(SHORT, OFF_CTID + 4) & 0xFFFF;
        return ItemPointer.of((hi << 16) | lo, off);
    }

    public static void setCtid(MemorySegment t, long tid) {
        long block = ItemPointer.block(tid);
        t.set(SHORT, OFF_CTID, (short) (block >>> 16));
        t.set(SHORT, OFF_CTID + 2, (short) block);
        t.set(SHORT, OFF_CTID + 4, (short) ItemPointer.offset(tid));
    }

    public static int infomask(MemorySegment t) {
        return t.get(SHORT, OFF_INFOMASK) & 0xFFFF;
    }

    public static void setInfomask(MemorySegment t, int mask) {
        t.set(SHORT, OFF_INFOMASK, (short) mask);
    }

    public static int infomask2(MemorySegment t) {
        return t.get(SHORT, OFF_INFOMASK2) & 0xFFFF;
    }

    public static void setInfomask2(MemorySegment t, int mask) {
        t.set(SHORT, OFF_INFOMASK2, (short) mask);
    }

    /** Number of attributes stored in the tuple (HeapTupleHeaderGetNatts). */
    public static int natts(MemorySegment t) {
        return infomask2(t) & HEAP_NATTS_MASK;
    }

    /** t_hoff. */
    public static int hoff(MemorySegment t) {
        return t.get(ValueLayout.JAVA_BYTE, OFF_HOFF) & 0xFF;
    }

    /** True if bit {@code flag} of t_infomask is set. */
    public static boolean has(MemorySegment t, int flag) {
        return (infomask(t) & flag) != 0;
    }

    /** ORs hint bits (a subset of {@link #HINT_BITS}) into t_infomask. */
    public static void setHintBits(MemorySegment t, int bits) {
        if ((bits & ~HINT_BITS) != 0) {
            throw new IllegalArgumentException("not hint bits: 0x" + Integer.toHexString(bits));
        }
        if (bits != 0) {
            setInfomask(t, infomask(t) | bits);
        }
    }

    /** HEAP_XMAX_IS_LOCKED_ONLY: the xmax only locks the row, it did not delete or update it. */
    public static boolean isXmaxLockedOnly(int infomask) {
        return (infomask & HEAP_XMAX_LOCK_ONLY) != 0
                || (infomask & (HEAP_XMAX_IS_MULTI | HEAP_LOCK_MASK)) == HEAP_XMAX_EXCL_LOCK;
    }

    /** HeapTupleHeaderXminCommitted. */
    public static boolean xminCommitted(MemorySegment t) {
        return has(t, HEAP_XMIN_COMMITTED);
    }

    /** HeapTupleHeaderXminInvalid: XMIN_INVALID set and XMIN_COMMITTED not (frozen has both). */
    public static boolean xminInvalid(MemorySegment t) {
        return (infomask(t) & HEAP_XMIN_FROZEN) == HEAP_XMIN_INVALID;
    }

    /** HeapTupleHeaderXminFrozen. */
    public static boolean xminFrozen(MemorySegment t) {
        return (infomask(t) & HEAP_XMIN_FROZEN) == HEAP_XMIN_FROZEN;
    }

    /** HeapTupleHeaderIsHotUpdated: HOT-updated by a transaction that did not abort (as far as hints say). */
    public static boolean isHotUpdated(MemorySegment t) {
        return (infomask2(t) & HEAP_HOT_UPDATED) != 0 && !has(t, HEAP_XMAX_INVALID) && !xminInvalid(t);
    }

    /** HeapTupleHeaderIsHeapOnly. */
    public static boolean isHeapOnly(MemorySegment t) {
        return (infomask2(t) & HEAP_ONLY_TUPLE) != 0;
    }

    /**
     * heap_prepare_insert's header part: xmin = {@code xid}, cmin = {@code cid}, xmax = 0 with
     * HEAP_XMAX_INVALID, all transaction-status bits cleared; {@code updated} adds HEAP_UPDATED (a new row
     * version of an UPDATE), {@code heapOnly} marks a HOT tuple. Keeps natts, HASNULL, HASVARWIDTH, t_hoff.
     */
    public static void prepareInsert(MemorySegment t, long xid, int cid, boolean updated, boolean heapOnly) {
        int mask = infomask(t) & (HEAP_HASNULL | HEAP_HASVARWIDTH | HEAP_HASEXTERNAL);
        mask |= HEAP_XMAX_INVALID;
        if (updated) {
            mask |= HEAP_UPDATED;
        }
        setInfomask(t, mask);
        int mask2 = infomask2(t) & HEAP_NATTS_MASK;
        if (heapOnly) {
            mask2 |= HEAP_ONLY_TUPLE;
        }
        setInfomask2(t, mask2);
        setXmin(t, xid);
        setXmax(t, 0);
        setRawCid(t, cid);
    }
}
