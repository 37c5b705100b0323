package org.pgjava.backend.access.wal;

import org.pgjava.shmem.wal.WalGeometry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The header at the start of every 8 KiB WAL page (PostgreSQL's XLogPageHeaderData, short form, on every
 * page). Entry points: {@link #initialize}, {@link #markContinuation}, and the readers' accessors.
 *
 * <pre>
 * off size field (little-endian)
 *   0  2  magic     0xD110 (PostgreSQL 15's XLOG_PAGE_MAGIC)
 *   2  2  info      0x0001 FIRST_IS_CONTRECORD: the page starts with the rest of a record from before
 *   4  4  timeline  1
 *   8  8  pageaddr  LSN of this page's first byte: a recycled segment's old pages show an older address
 *  16  4  rem_len   bytes of the continued record still to come (0 if none)
 *  20  4  reserved, zero
 * </pre>
 * The page is initialised (magic, timeline, pageaddr) by whoever makes the ring slot hold the page;
 * info and rem_len by the inserter whose record continues onto it.
 */
public final class WalPageHeader {
    public static final int MAGIC = 0xD110;
    public static final int FIRST_IS_CONTRECORD = 0x0001;
    public static final int TIMELINE = 1;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private WalPageHeader() {
    }

    /** Zero-fills {@code page} and writes the header of the WAL page starting at {@code pageAddress}. */
    public static void initialize(MemorySegment page, long pageAddress) {
        page.fill((byte) 0);
        page.set(U16, 0, (short) MAGIC);
        page.set(U32, 4, TIMELINE);
        page.set(U64, 8, pageAddress);
    }

    /** Marks the page as starting with {@code remainingLength} more bytes of a record begun before it. */
    public static void markContinuation(MemorySegment page, int remainingLength) {
        page.set(U16, 2, (short) FIRST_IS_CONTRECORD);
        page.set(U32, 16, remainingLength);
    }

    public static int magic(MemorySegment page) {
        return Short.toUnsignedInt(page.get(U16, 0));
    }

    public static int info(MemorySegment page) {
        return Short.toUnsignedInt(page.get(U16, 2));
    }

    public static long pageAddress(MemorySegment page) {
        return page.get(U64, 8);
    }

    public static long remainingLength(MemorySegment page) {
        return Integer.toUnsignedLong(page.get(U32, 16));
    }

    static int headerSize() {
        return WalGeometry.PAGE_HEADER_SIZE;
    }
}
