package org.pgjava.backend.access.wal;

import org.pgjava.shmem.wal.WalGeometry;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * Reads WAL records one after another from the segment files, from a given record start LSN across page
 * and segment boundaries (PostgreSQL's XLogReader). Entry points: the constructor, {@link #next()},
 * {@link #endReason()}, {@link #endOfWal()}.
 *
 * <p>Each record is validated: page headers (magic, page address = the page's own LSN, so a recycled
 * segment's old page is recognised, continuation flag and remaining length on pages a record runs onto),
 * total length, resource manager id, xl_prev = start of the record before, CRC-32C, and its block headers.
 * The first check that fails ends the WAL: {@link #next()} returns null and {@link #endReason()} says why
 * with PostgreSQL's message (e.g. {@code invalid record length at 0/3000060: wanted 24, got 0}). That is
 * where recovery stops; it is not an error.
 *
 * <p>Process-safety: one instance per thread; it keeps one segment file open.
 */
public final class WalReader implements AutoCloseable {
    private final WalSegments segments;
    private long nextBytePos;
    private long expectedPrev;
    private long lastRecordLsn;
    private long endOfWal;
    private String endReason;

    private long openSegNo = -1;
    private FileChannel openSegment;
    private long loadedPage = -1;
    private final byte[] page = new byte[WalGeometry.PAGE_SIZE];
    private final ByteBuffer pageBuffer = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * A reader positioned at the record starting at {@code startLsn}.
     *
     * @param expectedPrev the xl_prev the first record must have, or -1 to accept any
     */
    public WalReader(WalSegments segments, long startLsn, long expectedPrev) {
        this.segments = segments;
        this.nextBytePos = WalGeometry.bytePos(startLsn);
        this.expectedPrev = expectedPrev;
        this.endOfWal = startLsn;
    }

    /** A reader from {@code startLsn} that accepts any xl_prev on the first record. */
    public WalReader(WalSegments segments, long startLsn) {
        this(segments, startLsn, -1);
    }

    /** Start LSN of the last record returned (0 if none). */
    public long lastRecordLsn() {
        return lastRecordLsn;
    }

    /**
     * End LSN of the last valid record (where the next one would have started its slot), or the start LSN
     * if none was read: where inserting continues after recovery.
     */
    public long endOfWal() {
        return endOfWal;
    }

    /** Why reading stopped (PostgreSQL's message), or null while it has not. */
    public String endReason() {
        return endReason;
    }

    /** The next record, or null at the end of valid WAL (then {@link #endReason()} says why). */
    public WalRecord next() {
        if (endReason != null) {
            return null;
        }
        long start = WalGeometry.startLsn(nextBytePos);
        try {
            byte[] header = new byte[WalRecord.HEADER_SIZE];
            long afterHeader = readBytes(start, header, 0, WalRecord.HEADER_SIZE, 0, true);
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            long total = Integer.toUnsignedLong(h.getInt(WalRecord.TOT_LEN));
            if (total < WalRecord.HEADER_SIZE) {
                return stop("invalid record length at " + lsn(start) + ": wanted " + WalRecord.HEADER_SIZE + ", got "
                        + total);
            }
            if (total > WalRecord.MAX_RECORD_SIZE) {
                return stop("record length " + total + " at " + lsn(start) + " too long");
            }
            int rmid = Byte.toUnsignedInt(header[WalRecord.RMID]);
            if (rmid >= RmgrIds.COUNT) {
                return stop("invalid resource manager ID " + rmid + " at " + lsn(start));
            }
            long prev = h.getLong(WalRecord.PREV);
            if (expectedPrev >= 0 && prev != expectedPrev) {
                return stop("record with incorrect prev-link " + lsn(prev) + " at " + lsn(start));
            }
            byte[] record = new byte[(int) total];
            System.arraycopy(header, 0, record, 0, WalRecord.HEADER_SIZE);
            readBytes(afterHeader, record, WalRecord.HEADER_SIZE, (int) total - WalRecord.HEADER_SIZE, total, false);
            if (WalRecord.computeCrc(record, 0, record.length) != h.getInt(WalRecord.CRC)) {
                return stop("incorrect resource manager data checksum in record at " + lsn(start));
            }
            long endBytePos = nextBytePos + WalGeometry.align(total);
            long end = WalGeometry.endLsn(endBytePos);
            WalRecord decoded = WalRecord.decode(record, start, end, false);
            nextBytePos = endBytePos;
            expectedPrev = start;
            lastRecordLsn = start;
            endOfWal = end;
            return decoded;
        } catch (EndOfWal e) {
            return stop(e.getMessage());
        } catch (WalFormatException e) {
            return stop(e.getMessage());
        } catch (IOException e) {
            return stop("could not read WAL at " + lsn(start) + ": " + e.getMessage());
        }
    }

    private WalRecord stop(String reason) {
        endReason = reason;
        return null;
    }

    /**
     * Copies {@code length} record bytes starting at {@code lsn} (never inside a page header) into
     * {@code dst}, stepping over page headers; the header of every page entered after the first must say
     * the record continues with exactly the bytes still missing. Returns the LSN after the last byte.
     */
    private long readBytes(long lsn, byte[] dst, int dstOffset, int length, long totalLength, boolean recordStart)
            throws IOException, EndOfWal {
        long position = lsn;
        int done = 0;
        boolean first = true;
        while (done < length) {
            long pageStart = WalGeometry.pageStart(position);
            if (position == pageStart) {
                loadPage(pageStart);
                long alreadyRead = (recordStart ? 0 : WalRecord.HEADER_SIZE) + done;
                if (!(recordStart && first && done == 0)) {
                    checkContinuation(pageStart, totalLength == 0 ? -1 : totalLength - alreadyRead);
                }
                position += WalGeometry.PAGE_HEADER_SIZE;
            } else {
                loadPage(pageStart);
            }
            first = false;
            int inPage = (int) Math.min(length - done, pageStart + WalGeometry.PAGE_SIZE - position);
            System.arraycopy(page, (int) (position - pageStart), dst, dstOffset + done, inPage);
            done += inPage;
            position += inPage;
        }
        return position;
    }

    private void checkContinuation(long pageStart, long expectedRemaining) throws EndOfWal {
        MemorySegment p = MemorySegment.ofArray(page);
        if ((WalPageHeader.info(p) & WalPageHeader.FIRST_IS_CONTRECORD) == 0) {
            throw new EndOfWal("there is no contrecord flag at " + lsn(pageStart));
        }
        long remaining = WalPageHeader.remainingLength(p);
        if (expectedRemaining >= 0 && remaining != expectedRemaining) {
            throw new EndOfWal("invalid contrecord length " + remaining + " (expected " + expectedRemaining + ") at "
                    + lsn(pageStart));
        }
    }

    /** Loads and validates the page at {@code pageStart}. */
    private void loadPage(long pageStart) throws IOException, EndOfWal {
        if (loadedPage == pageStart) {
            return;
        }
        loadedPage = -1;
        long segNo = segments.segmentOf(pageStart);
        long offset = pageStart - segments.segmentStart(segNo);
        FileChannel ch = segment(segNo);
        pageBuffer.clear();
        while (pageBuffer.hasRemaining()) {
            int n = ch.read(pageBuffer, offset + pageBuffer.position());
            if (n < 0) {
                break;
            }
        }
        java.util.Arrays.fill(page, pageBuffer.position(), page.length, (byte) 0);
        MemorySegment p = MemorySegment.ofArray(page);
        int magic = WalPageHeader.magic(p);
        if (magic != WalPageHeader.MAGIC) {
            throw new EndOfWal(String.format("invalid magic number %04X in log segment %s, offset %d", magic,
                    segments.fileName(segNo), offset));
        }
        long address = WalPageHeader.pageAddress(p);
        if (address != pageStart) {
            throw new EndOfWal("unexpected pageaddr " + lsn(address) + " in log segment " + segments.fileName(segNo)
                    + ", offset " + offset);
        }
        loadedPage = pageStart;
    }

    private FileChannel segment(long segNo) throws IOException, EndOfWal {
        if (segNo == openSegNo) {
            return openSegment;
        }
        close();
        try {
            openSegment = FileChannel.open(segments.path(segNo), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new EndOfWal("could not open file \"" + segments.directory().getFileName() + "/"
                    + segments.fileName(segNo) + "\": No such file or directory");
        }
        openSegNo = segNo;
        return openSegment;
    }

    private static String lsn(long lsn) {
        return WalGeometry.formatLsn(lsn);
    }

    @Override
    public void close() {
        if (openSegment != null) {
            try {
                openSegment.close();
            } catch (IOException e) {
                // read-only file
            }
            openSegment = null;
            openSegNo = -1;
            loadedPage = -1;
        }
    }

    /** Internal: the WAL ends here, with this message. */
    private static final class EndOfWal extends Exception {
        EndOfWal(String message) {
            super(message, null, false, false);
        }
    }
}
