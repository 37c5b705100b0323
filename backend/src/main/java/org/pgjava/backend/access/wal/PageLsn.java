package org.pgjava.backend.access.wal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The LSN stored in the first 8 bytes of every data page (PostgreSQL's pd_lsn, a PageXLogRecPtr): two
 * native-order uint32, {@code xlogid} (high half) at byte 0 and {@code xrecoff} (low half) at byte 4.
 * Entry points: {@link #get(MemorySegment)}, {@link #set(MemorySegment, long)}. Also the standard page
 * header fields the full-page-image hole uses: pd_lower (uint16 at byte 12) and pd_upper (uint16 at 14).
 *
 * <p>The caller holds the page's buffer content lock (exclusive to set).
 */
public final class PageLsn {
    /** Bytes of one data page (BLCKSZ). */
    public static final int BLOCK_SIZE = 8192;
    /** PostgreSQL's SizeOfPageHeaderData. */
    public static final int PAGE_HEADER_SIZE = 24;
    static final long PD_LOWER = 12;
    static final long PD_UPPER = 14;

    private PageLsn() {
    }

    /** The page's LSN. */
    public static long get(MemorySegment page) {
        return org.pgjava.backend.storage.page.Page.lsn(page);
    }

    /** Stores {@code lsn} as the page's LSN. */
    public static void set(MemorySegment page, long lsn) {
        org.pgjava.backend.storage.page.Page.setLsn(page, lsn);
    }

    /** pd_lower of a standard page. */
    public static int lower(MemorySegment page) {
        return Short.toUnsignedInt(page.get(ValueLayout.JAVA_SHORT_UNALIGNED, PD_LOWER));
    }

    /** pd_upper of a standard page. */
    public static int upper(MemorySegment page) {
        return Short.toUnsignedInt(page.get(ValueLayout.JAVA_SHORT_UNALIGNED, PD_UPPER));
    }
}
