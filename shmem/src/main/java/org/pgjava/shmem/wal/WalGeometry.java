package org.pgjava.shmem.wal;

/**
 * The arithmetic of WAL positions: 8 KiB WAL pages, each starting with a {@value #PAGE_HEADER_SIZE}-byte
 * page header, and the two ways of naming a place in the WAL. Entry points:
 * {@link #startLsn(long)}, {@link #endLsn(long)}, {@link #bytePos(long)}, {@link #formatLsn(long)}.
 *
 * <ul>
 * <li>An <b>LSN</b> is a byte address in the WAL stream <em>including</em> page headers, as in PostgreSQL:
 *     LSN {@code L} lives in page {@code L / 8192} at offset {@code L % 8192}, and in segment
 *     {@code L / wal_segment_size}. Records, page LSNs, pg_control and the reader use LSNs.</li>
 * <li>A <b>byte position</b> counts only usable bytes ({@value #USABLE_BYTES_PER_PAGE} per page, page
 *     headers skipped), PostgreSQL's {@code CurrBytePos}. The shared insert position is a byte position, so
 *     reserving space for a record is one addition that never has to know where page headers fall.</li>
 * </ul>
 *
 * <p>Deviation from PostgreSQL: every page, including the first page of a segment, has the same short
 * header (PostgreSQL puts a long header with the system identifier and segment size on a segment's first
 * page). The conversion is therefore independent of the segment size.
 *
 * <p>A position that falls exactly on a page boundary has two LSNs: as the <em>start</em> of data it is the
 * first usable byte after the next page's header ({@link #startLsn}), as the <em>end</em> of data it is the
 * boundary itself ({@link #endLsn}), like PostgreSQL's XLogBytePosToRecPtr / XLogBytePosToEndRecPtr.
 *
 * <p>Stateless; all methods are pure.
 */
public final class WalGeometry {
    /** Bytes in one WAL page (XLOG_BLCKSZ). */
    public static final int PAGE_SIZE = 8192;
    /** Bytes of the header at the start of every WAL page. */
    public static final int PAGE_HEADER_SIZE = 24;
    /** Record bytes one page holds. */
    public static final int USABLE_BYTES_PER_PAGE = PAGE_SIZE - PAGE_HEADER_SIZE;
    /** Records start at multiples of this (MAXALIGN). */
    public static final int RECORD_ALIGNMENT = 8;

    private WalGeometry() {
    }

    /** The LSN at which data placed at byte position {@code bytePos} starts (never inside a page header). */
    public static long startLsn(long bytePos) {
        long page = bytePos / USABLE_BYTES_PER_PAGE;
        long offset = bytePos % USABLE_BYTES_PER_PAGE;
        return page * PAGE_SIZE + PAGE_HEADER_SIZE + offset;
    }

    /**
     * The LSN just past data that ends at byte position {@code bytePos}: a page boundary stays a page
     * boundary; 0 stays 0 (nothing inserted yet).
     */
    public static long endLsn(long bytePos) {
        long page = bytePos / USABLE_BYTES_PER_PAGE;
        long offset = bytePos % USABLE_BYTES_PER_PAGE;
        if (offset == 0) {
            return page * PAGE_SIZE;
        }
        return page * PAGE_SIZE + PAGE_HEADER_SIZE + offset;
    }

    /**
     * The byte position of LSN {@code lsn}; a page boundary maps to the position of the first usable byte of
     * that page.
     *
     * @throws IllegalArgumentException if {@code lsn} points inside a page header
     */
    public static long bytePos(long lsn) {
        long page = lsn / PAGE_SIZE;
        long offset = lsn % PAGE_SIZE;
        if (offset == 0) {
            return page * USABLE_BYTES_PER_PAGE;
        }
        if (offset < PAGE_HEADER_SIZE) {
            throw new IllegalArgumentException("LSN " + formatLsn(lsn) + " points into a WAL page header");
        }
        return page * USABLE_BYTES_PER_PAGE + offset - PAGE_HEADER_SIZE;
    }

    /** The LSN of the start of the page holding {@code lsn}. */
    public static long pageStart(long lsn) {
        return lsn - lsn % PAGE_SIZE;
    }

    /** {@code size} rounded up to {@value #RECORD_ALIGNMENT}. */
    public static long align(long size) {
        return (size + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /** PostgreSQL's text form of an LSN: {@code %X/%X} of the high and low 32 bits, e.g. {@code 0/16B3748}. */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
