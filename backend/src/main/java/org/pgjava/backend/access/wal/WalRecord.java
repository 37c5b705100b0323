package org.pgjava.backend.access.wal;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A WAL record: its on-disk format (encode, decode, CRC) and the decoded form the reader and the redo
 * driver hand around. Entry points: {@link #encode}, {@link #decode}, {@link #computeCrc}.
 *
 * <h2>Format (all integers little-endian; records start 8-byte aligned in the WAL)</h2>
 * <pre>
 * header, 24 bytes (PostgreSQL's XLogRecord):
 *   0  4  xl_tot_len   total length of the record, header included (padding to 8 not included)
 *   4  4  xl_xid       transaction id (0 = none)
 *   8  8  xl_prev      start LSN of the previous record in the WAL
 *  16  1  xl_info      flag bits; the high 4 bits belong to the resource manager
 *  17  1  xl_rmid      resource manager ({@link RmgrIds})
 *  18  2  padding, zero
 *  20  4  xl_crc       CRC-32C over bytes [24, xl_tot_len) and then bytes [0, 20)
 * block headers, one per block reference, block ids ascending:
 *   1  id             0..32
 *   1  fork_flags     bits 0-3 fork number; 0x10 HAS_IMAGE, 0x20 HAS_DATA, 0x40 WILL_INIT, 0x80 SAME_REL
 *   2  data_length    bytes of per-block data
 *   if HAS_IMAGE: 2 image_length, 2 hole_offset, 2 hole_length   (image_length + hole_length = 8192)
 *   if not SAME_REL: 4 spcOid, 4 dbOid, 4 relNumber   (SAME_REL: the previous block's relation)
 *   4  block number
 * main data header, if there is main data:
 *   1  255 (DATA_SHORT) + 1 length, or 254 (DATA_LONG) + 4 length
 * payloads, in header order: for each block its image (page bytes without the hole), then its data;
 * then the main data.
 * </pre>
 * The CRC field is written last, after the inserter knows xl_prev (the reservation decides it), as in
 * PostgreSQL's XLogInsertRecord.
 *
 * @param lsn      start LSN (0 for a record that has not been read from WAL)
 * @param endLsn   end LSN: start of the next record's slot (8-aligned end; a page boundary stays one)
 * @param xid      xl_xid (unsigned 32 bits in a long)
 * @param prevLsn  xl_prev
 * @param info     xl_info (0..255)
 * @param rmid     xl_rmid
 * @param blocks   block references
 * @param mainData main data (empty if none)
 */
public record WalRecord(long lsn, long endLsn, long xid, long prevLsn, int info, int rmid, List<DecodedBlock> blocks,
                        byte[] mainData) {
    /** Bytes of the record header. */
    public static final int HEADER_SIZE = 24;
    /** Highest block id (XLR_MAX_BLOCK_ID). */
    public static final int MAX_BLOCK_ID = 32;
    /** Largest record accepted (PostgreSQL's XLogRecordMaxSize, 1020 MB). */
    public static final int MAX_RECORD_SIZE = 1020 * 1024 * 1024;

    static final int FORK_MASK = 0x0F, HAS_IMAGE = 0x10, HAS_DATA = 0x20, WILL_INIT = 0x40, SAME_REL = 0x80;
    static final int DATA_SHORT = 255, DATA_LONG = 254;
    static final int TOT_LEN = 0, XID = 4, PREV = 8, INFO = 16, RMID = 17, CRC = 20;

    /** The block with id {@code blockId}, or null. */
    public DecodedBlock block(int blockId) {
        for (DecodedBlock b : blocks) {
            if (b.blockId() == blockId) {
                return b;
            }
        }
        return null;
    }

    /** Result of {@link #encode}: the bytes and the lowest page LSN of a block that got no image. */
    public record Encoded(byte[] bytes, long lowestLsnWithoutImage) {
    }

    /**
     * Encodes a record with xl_prev and xl_crc zero (the inserter fills them in). A block whose page LSN is
     * ≤ {@code redoRecPtr} gets a full-page image when {@code fullPageWrites} is on, unless WILL_INIT; a
     * FORCE_IMAGE block always does. {@code lowestLsnWithoutImage} is the smallest page LSN among blocks that
     * have a page but got no image (Long.MAX_VALUE if none): if the redo pointer moves to or past it before
     * the record is reserved, the record must be encoded again.
     *
     * @throws IllegalArgumentException if block ids are not ascending or the record is too large
     */
    public static Encoded encode(int rmid, int info, long xid, List<WalBlockRef> blocks, byte[] mainData,
                                 long redoRecPtr, boolean fullPageWrites) {
        int headerBytes = HEADER_SIZE;
        long payloadBytes = 0;
        int blockCount = blocks.size();
        boolean[] image = new boolean[blockCount];
        int[] holeOffset = new int[blockCount];
        int[] holeLength = new int[blockCount];
        long lowestWithoutImage = Long.MAX_VALUE;
        RelFileLocator previous = null;
        int lastId = -1;
        for (int i = 0; i < blockCount; i++) {
            WalBlockRef b = blocks.get(i);
            if (b.blockId() <= lastId) {
                throw new IllegalArgumentException("block ids must be ascending: " + b.blockId() + " after " + lastId);
            }
            lastId = b.blockId();
            boolean willInit = b.page() == null || (b.flags() & WalBlockRef.WILL_INIT) != 0;
            if (b.page() != null && (b.flags() & WalBlockRef.FORCE_IMAGE) != 0) {
                image[i] = true;
            } else if (!willInit) {
                long pageLsn = PageLsn.get(b.page());
                if (fullPageWrites && pageLsn <= redoRecPtr) {
                    image[i] = true;
                } else {
                    lowestWithoutImage = Math.min(lowestWithoutImage, pageLsn);
                }
            }
            headerBytes += 4 + 4;
            if (image[i]) {
                headerBytes += 6;
                if ((b.flags() & WalBlockRef.STANDARD_PAGE) != 0) {
                    int lower = PageLsn.lower(b.page());
                    int upper = PageLsn.upper(b.page());
                    if (lower >= PageLsn.PAGE_HEADER_SIZE && lower < upper && upper <= PageLsn.BLOCK_SIZE) {
                        holeOffset[i] = lower;
                        holeLength[i] = upper - lower;
                    }
                }
                payloadBytes += PageLsn.BLOCK_SIZE - holeLength[i];
            }
            if (!b.locator().equals(previous)) {
                headerBytes += 12;
            }
            previous = b.locator();
            if (b.data() != null) {
                payloadBytes += b.data().length;
            }
        }
        int mainLength = mainData == null ? 0 : mainData.length;
        if (mainLength > 0) {
            headerBytes += mainLength <= 255 ? 2 : 5;
        }
        long total = headerBytes + payloadBytes + mainLength;
        if (total > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException("WAL record of " + total + " bytes is too large");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt((int) total).putInt((int) xid).putLong(0).put((byte) info).put((byte) rmid).putShort((short) 0)
                .putInt(0);
        previous = null;
        for (int i = 0; i < blockCount; i++) {
            WalBlockRef b = blocks.get(i);
            boolean willInit = b.page() == null || (b.flags() & WalBlockRef.WILL_INIT) != 0;
            int dataLength = b.data() == null ? 0 : b.data().length;
            boolean sameRel = b.locator().equals(previous);
            int forkFlags = b.fork().ordinal() | (image[i] ? HAS_IMAGE : 0) | (dataLength > 0 ? HAS_DATA : 0)
                    | (willInit ? WILL_INIT : 0) | (sameRel ? SAME_REL : 0);
            out.put((byte) b.blockId()).put((byte) forkFlags).putShort((short) dataLength);
            if (image[i]) {
                out.putShort((short) (PageLsn.BLOCK_SIZE - holeLength[i])).putShort((short) holeOffset[i])
                        .putShort((short) holeLength[i]);
            }
            if (!sameRel) {
                out.putInt(b.locator().spcOid()).putInt(b.locator().dbOid()).putInt(b.locator().relNumber());
            }
            out.putInt(b.blockNumber());
            previous = b.locator();
        }
        if (mainLength > 0) {
            if (mainLength <= 255) {
                out.put((byte) DATA_SHORT).put((byte) mainLength);
            } else {
                out.put((byte) DATA_LONG).putInt(mainLength);
            }
        }
        for (int i = 0; i < blockCount; i++) {
            WalBlockRef b = blocks.get(i);
            if (image[i]) {
                MemorySegment page = b.page();
                int position = out.position();
                MemorySegment.copy(page, ValueLayout.JAVA_BYTE, 0, out.array(), position, holeOffset[i]);
                int afterHole = holeOffset[i] + holeLength[i];
                MemorySegment.copy(page, ValueLayout.JAVA_BYTE, afterHole, out.array(), position + holeOffset[i],
                        PageLsn.BLOCK_SIZE - afterHole);
                out.position(position + PageLsn.BLOCK_SIZE - holeLength[i]);
            }
            if (b.data() != null) {
                out.put(b.data());
            }
        }
        if (mainLength > 0) {
            out.put(mainData);
        }
        return new Encoded(out.array(), lowestWithoutImage);
    }

    /** CRC-32C of a complete record as stored in xl_crc: bytes [24, tot_len) then [0, 20). */
    public static int computeCrc(byte[] record, int offset, int totalLength) {
        CRC32C crc = new CRC32C();
        crc.update(record, offset + HEADER_SIZE, totalLength - HEADER_SIZE);
        crc.update(record, offset, CRC);
        return (int) crc.getValue();
    }

    /** Stores xl_prev and then the CRC into an encoded record. */
    public static void seal(byte[] record, long prevLsn) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(PREV, prevLsn);
        b.putInt(CRC, computeCrc(record, 0, record.length));
    }

    /**
     * Decodes a complete record (CRC already checked by the caller, or checked here when
     * {@code checkCrc}).
     *
     * @throws WalFormatException if lengths, ids or flags are inconsistent, or the CRC does not match
     */
    public static WalRecord decode(byte[] bytes, long lsn, long endLsn, boolean checkCrc) throws WalFormatException {
        if (bytes.length < HEADER_SIZE) {
            throw new WalFormatException("record too short: " + bytes.length);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int total = in.getInt(TOT_LEN);
        if (total != bytes.length) {
            throw new WalFormatException("record length " + total + " does not match " + bytes.length);
        }
        if (checkCrc && computeCrc(bytes, 0, total) != in.getInt(CRC)) {
            throw new WalFormatException("incorrect resource manager data checksum in record at "
                    + org.pgjava.shmem.wal.WalGeometry.formatLsn(lsn));
        }
        long xid = Integer.toUnsignedLong(in.getInt(XID));
        long prev = in.getLong(PREV);
        int info = Byte.toUnsignedInt(in.get(INFO));
        int rmid = Byte.toUnsignedInt(in.get(RMID));
        in.position(HEADER_SIZE);
        record Header(int id, int forkFlags, int dataLength, int imageLength, int holeOffset, int holeLength,
                      RelFileLocator locator, int blockNumber) {
        }
        List<Header> headers = new ArrayList<>();
        int mainLength = 0;
        RelFileLocator previous = null;
        int lastId = -1;
        long payloadTotal = 0;
        try {
            while (in.remaining() > payloadTotal) {
                int id = Byte.toUnsignedInt(in.get());
                if (id == DATA_SHORT) {
                    mainLength = Byte.toUnsignedInt(in.get());
                    payloadTotal += mainLength;
                    break;
                } else if (id == DATA_LONG) {
                    mainLength = in.getInt();
                    payloadTotal += Integer.toUnsignedLong(mainLength);
                    break;
                } else if (id > MAX_BLOCK_ID || id <= lastId) {
                    throw new WalFormatException("invalid block_id " + id + " at " + lsnText(lsn));
                }
                lastId = id;
                int forkFlags = Byte.toUnsignedInt(in.get());
                int dataLength = Short.toUnsignedInt(in.getShort());
                int imageLength = 0, holeOffset = 0, holeLength = 0;
                if ((forkFlags & HAS_IMAGE) != 0) {
                    imageLength = Short.toUnsignedInt(in.getShort());
                    holeOffset = Short.toUnsignedInt(in.getShort());
                    holeLength = Short.toUnsignedInt(in.getShort());
                    if (imageLength + holeLength != PageLsn.BLOCK_SIZE || holeOffset + holeLength > PageLsn.BLOCK_SIZE) {
                        throw new WalFormatException("invalid block image lengths at " + lsnText(lsn));
                    }
                }
                if (((forkFlags & HAS_DATA) != 0) != (dataLength > 0)) {
                    throw new WalFormatException("BKPBLOCK_HAS_DATA inconsistent with data length at " + lsnText(lsn));
                }
                RelFileLocator locator;
                if ((forkFlags & SAME_REL) != 0) {
                    if (previous == null) {
                        throw new WalFormatException("BKPBLOCK_SAME_REL set but no previous rel at " + lsnText(lsn));
                    }
                    locator = previous;
                } else {
                    locator = new RelFileLocator(in.getInt(), in.getInt(), in.getInt());
                }
                previous = locator;
                if ((forkFlags & FORK_MASK) >= ForkNumber.values().length) {
                    throw new WalFormatException("invalid fork number at " + lsnText(lsn));
                }
                payloadTotal += imageLength + dataLength;
                headers.add(new Header(id, forkFlags, dataLength, imageLength, holeOffset, holeLength, locator,
                        in.getInt()));
            }
            List<DecodedBlock> blocks = new ArrayList<>(headers.size());
            for (Header h : headers) {
                byte[] image = null;
                if ((h.forkFlags() & HAS_IMAGE) != 0) {
                    image = new byte[PageLsn.BLOCK_SIZE];
                    in.get(image, 0, h.holeOffset());
                    in.get(image, h.holeOffset() + h.holeLength(), PageLsn.BLOCK_SIZE - h.holeOffset() - h.holeLength());
                }
                byte[] data = new byte[h.dataLength()];
                in.get(data);
                blocks.add(new DecodedBlock(h.id(), h.locator(), ForkNumber.of(h.forkFlags() & FORK_MASK),
                        h.blockNumber(), (h.forkFlags() & WILL_INIT) != 0, image, data));
            }
            if (mainLength < 0 || mainLength != in.remaining()) {
                throw new WalFormatException("main data length " + mainLength + " does not match the "
                        + in.remaining() + " bytes left at " + lsnText(lsn));
            }
            byte[] main = new byte[mainLength];
            in.get(main);
            return new WalRecord(lsn, endLsn, xid, prev, info, rmid, List.copyOf(blocks), main);
        } catch (java.nio.BufferUnderflowException e) {
            throw new WalFormatException("record at " + lsnText(lsn) + " is shorter than its headers say");
        }
    }

    private static String lsnText(long lsn) {
        return org.pgjava.shmem.wal.WalGeometry.formatLsn(lsn);
    }

    @Override
    public String toString() {
        return "WalRecord[" + lsnText(lsn) + " rmgr " + RmgrIds.name(rmid) + " info 0x" + Integer.toHexString(info)
                + " xid " + xid + " prev " + lsnText(prevLsn) + " blocks " + blocks.size() + " main " + mainData.length + "]";
    }
}
