package org.pgjava.backend.access.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The main data of a checkpoint WAL record (rmid {@link RmgrIds#XLOG}, info
 * {@link #XLOG_CHECKPOINT_SHUTDOWN} or {@link #XLOG_CHECKPOINT_ONLINE}) and of pg_control's copy of the last
 * checkpoint: PostgreSQL's CheckPoint struct. Entry points: {@link #encode()}, {@link #decode(byte[])}.
 *
 * <pre>
 * off size field (little-endian)
 *   0  8  redo             where replay starts (insert position when the checkpoint began)
 *   8  4  timeline         1
 *  12  4  prevTimeline     1
 *  16  1  fullPageWrites   1/0
 *  17  3  padding, zero
 *  20  8  nextXid          next transaction id to assign (full 64-bit form)
 *  28  4  nextOid
 *  32  4  nextMulti
 *  36  4  nextMultiOffset
 *  40  4  oldestXid
 *  44  4  oldestXidDb
 *  48  4  oldestMulti
 *  52  4  oldestMultiDb
 *  56  8  time             seconds since the epoch
 *  64  4  oldestActiveXid  (0 if none)
 * </pre>
 */
public record CheckpointRecord(long redo, int timeline, int prevTimeline, boolean fullPageWrites, long nextXid,
                               long nextOid, long nextMulti, long nextMultiOffset, long oldestXid, long oldestXidDb,
                               long oldestMulti, long oldestMultiDb, long time, long oldestActiveXid) {
    /** xl_info of a checkpoint written at shutdown (nothing can be in progress). */
    public static final int XLOG_CHECKPOINT_SHUTDOWN = 0x00;
    /** xl_info of a checkpoint written while running. */
    public static final int XLOG_CHECKPOINT_ONLINE = 0x10;
    /** Bytes of the encoded form. */
    public static final int SIZE = 68;

    /** A checkpoint on timeline 1 with the given counters; multixact fields 1 and oldestXidDb 1 (as initdb). */
    public static CheckpointRecord of(long redo, long nextXid, long nextOid, long oldestXid, long time) {
        return new CheckpointRecord(redo, 1, 1, true, nextXid, nextOid, 1, 0, oldestXid, 1, 1, 1, time, 0);
    }

    /** The main data bytes. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(redo).putInt(timeline).putInt(prevTimeline).put((byte) (fullPageWrites ? 1 : 0)).put(new byte[3])
                .putLong(nextXid).putInt((int) nextOid).putInt((int) nextMulti).putInt((int) nextMultiOffset)
                .putInt((int) oldestXid).putInt((int) oldestXidDb).putInt((int) oldestMulti).putInt((int) oldestMultiDb)
                .putLong(time).putInt((int) oldestActiveXid);
        return b.array();
    }

    /**
     * Decodes main data written by {@link #encode()}.
     *
     * @throws IllegalArgumentException if the length is wrong
     */
    public static CheckpointRecord decode(byte[] data) {
        if (data.length != SIZE) {
            throw new IllegalArgumentException("checkpoint record of " + data.length + " bytes, expected " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long redo = b.getLong();
        int timeline = b.getInt();
        int prevTimeline = b.getInt();
        boolean fpw = b.get() != 0;
        b.position(b.position() + 3);
        long nextXid = b.getLong();
        return new CheckpointRecord(redo, timeline, prevTimeline, fpw, nextXid, u32(b), u32(b), u32(b), u32(b), u32(b),
                u32(b), u32(b), b.getLong(), u32(b));
    }

    private static long u32(ByteBuffer b) {
        return Integer.toUnsignedLong(b.getInt());
    }
}
