package org.pgjava.backend.access.heap;

/**
 * Tuple ids (PostgreSQL's ItemPointerData, the {@code ctid} column) packed in a {@code long}:
 * {@code block << 16 | offset}, block an unsigned 32-bit block number, offset a 16-bit line pointer number
 * (1-based). On a tuple header the tid is 6 bytes: bi_hi (high 16 bits of the block), bi_lo (low 16 bits),
 * ip_posid (offset), each a native-order uint16.
 *
 * <p>Entry points: {@link #of}, {@link #block}, {@link #offset}, {@link #toString(long)}.
 */
public final class ItemPointer {
    private ItemPointer() {
    }

    /** "No tuple": block 0xFFFFFFFF (InvalidBlockNumber), offset 0. */
    public static final long INVALID = of(0xFFFF_FFFFL, 0);

    /** The tid of line pointer {@code offset} on block {@code block}. */
    public static long of(long block, int offset) {
        return ((block & 0xFFFF_FFFFL) << 16) | (offset & 0xFFFF);
    }

    /** The block number (unsigned 32-bit). */
    public static long block(long tid) {
        return (tid >>> 16) & 0xFFFF_FFFFL;
    }

    /** The offset number. */
    public static int offset(long tid) {
        return (int) (tid & 0xFFFF);
    }

    /** True for a tid whose offset is not 0 (ItemPointerIsValid). */
    public static boolean isValid(long tid) {
        return offset(tid) != 0;
    }

    /** PostgreSQL's tidout: {@code (block,offset)}. */
    public static String toString(long tid) {
        return "(" + block(tid) + "," + offset(tid) + ")";
    }

    /**
     * tidin: parses {@code (block,offset)}.
     *
     * @throws IllegalArgumentException for malformed text
     */
    public static long parse(String text) {
        String t = text.strip();
        if (!t.startsWith("(") || !t.endsWith(")")) {
            throw new IllegalArgumentException("invalid tid " + text);
        }
        String[] parts = t.substring(1, t.length() - 1).split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("invalid tid " + text);
        }
        long block = Long.parseLong(parts[0].strip());
        int offset = Integer.parseInt(parts[1].strip());
        if (block < 0 || block > 0xFFFF_FFFFL || offset < 0 || offset > 0xFFFF) {
            throw new IllegalArgumentException("invalid tid " + text);
        }
        return of(block, offset);
    }
}
