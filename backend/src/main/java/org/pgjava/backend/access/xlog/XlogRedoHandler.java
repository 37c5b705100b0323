package org.pgjava.backend.access.xlog;

import org.pgjava.backend.access.wal.CheckpointRecord;
import org.pgjava.backend.access.wal.DecodedBlock;
import org.pgjava.backend.access.wal.RedoHandler;
import org.pgjava.backend.access.wal.WalRecord;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Redo of the XLOG resource manager (PostgreSQL's xlog_redo): checkpoint records carry the transaction and
 * OID counters, NEXTOID records the OID counter; full-page-image records (XLOG_FPI) need nothing beyond
 * the driver's image restore; NOOP and SWITCH nothing at all. The counters it finds are collected here
 * ({@link #nextFullXid()}, {@link #nextOid()}) and applied by the startup driver after replay.
 *
 * <p>Rules (xlog_redo's): a SHUTDOWN checkpoint sets both counters; an ONLINE checkpoint only advances
 * nextXid (never moves it back; the OID counter is covered by NEXTOID records); NEXTOID sets the OID
 * counter. Process-safety: the startup process's main thread only.
 */
public final class XlogRedoHandler implements RedoHandler {
    /** xl_info of XLOG_NOOP, XLOG_NEXTOID, XLOG_SWITCH, XLOG_FPI, XLOG_FPI_FOR_HINT (PostgreSQL's values). */
    public static final int XLOG_NOOP = 0x20, XLOG_NEXTOID = 0x30, XLOG_SWITCH = 0x40, XLOG_FPI = 0xB0,
            XLOG_FPI_FOR_HINT = 0xA0;

    private long nextFullXid;
    private long nextOid;

    /** @param checkpoint the checkpoint replay starts from (its counters are the starting values) */
    public XlogRedoHandler(CheckpointRecord checkpoint) {
        this.nextFullXid = checkpoint.nextXid();
        this.nextOid = checkpoint.nextOid();
    }

    @Override
    public void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page) {
        // XLOG records change pages only through full-page images, which the driver restores
    }

    @Override
    public void redoRecord(WalRecord record) {
        int info = record.info() & 0xF0;
        switch (info) {
            case CheckpointRecord.XLOG_CHECKPOINT_SHUTDOWN -> {
                CheckpointRecord c = CheckpointRecord.decode(record.mainData());
                nextFullXid = c.nextXid();
                nextOid = c.nextOid();
            }
            case CheckpointRecord.XLOG_CHECKPOINT_ONLINE -> {
                CheckpointRecord c = CheckpointRecord.decode(record.mainData());
                nextFullXid = Math.max(nextFullXid, c.nextXid());
            }
            case XLOG_NEXTOID -> nextOid = Integer.toUnsignedLong(
                    ByteBuffer.wrap(record.mainData()).order(ByteOrder.LITTLE_ENDIAN).getInt());
            default -> {
                // NOOP, SWITCH, FPI, FPI_FOR_HINT: nothing beyond the driver's image restore
            }
        }
    }

    /** nextXid (full form) after the records replayed so far. */
    public long nextFullXid() {
        return nextFullXid;
    }

    /** nextOid after the records replayed so far. */
    public long nextOid() {
        return nextOid;
    }
}
