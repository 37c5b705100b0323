package org.pgjava.backend.utils.snapshot;

/**
 * Transaction ids as PostgreSQL stores them on tuples: 32-bit, compared modulo 2^32 (PostgreSQL's
 * TransactionIdPrecedes). In Java an xid is a {@code long} holding the unsigned 32-bit value
 * (0..4294967295). Ids below {@link #FIRST_NORMAL} are special and compare by value.
 */
public final class TransactionIds {
    private TransactionIds() {
    }

    /** No transaction. */
    public static final long INVALID = 0;
    /** The transaction that created the bootstrap catalogs (always committed). */
    public static final long BOOTSTRAP = 1;
    /** A frozen xid: committed and older than every snapshot. */
    public static final long FROZEN = 2;
    /** The first xid handed to a real transaction. */
    public static final long FIRST_NORMAL = 3;

    /** True for an xid handed to a real transaction (at least {@link #FIRST_NORMAL}). */
    public static boolean isNormal(long xid) {
        return xid >= FIRST_NORMAL;
    }

    /** True unless {@code xid} is {@link #INVALID}. */
    public static boolean isValid(long xid) {
        return xid != INVALID;
    }

    /**
     * True if {@code a} is logically older than {@code b}: modulo-2^32 comparison when both are normal,
     * plain comparison otherwise (PostgreSQL's TransactionIdPrecedes).
     */
    public static boolean precedes(long a, long b) {
        if (!isNormal(a) || !isNormal(b)) {
            return a < b;
        }
        return (int) (a - b) < 0;
    }

    /** precedes(a, b) or a == b. */
    public static boolean precedesOrEquals(long a, long b) {
        return a == b || precedes(a, b);
    }

    /** True if {@code a} is logically newer than {@code b}. */
    public static boolean follows(long a, long b) {
        return precedes(b, a);
    }

    /** The xid after {@code xid}, skipping the special ids on wraparound (PostgreSQL's TransactionIdAdvance). */
    public static long advance(long xid) {
        long next = (xid + 1) & 0xFFFF_FFFFL;
        return next < FIRST_NORMAL ? FIRST_NORMAL : next;
    }
}
