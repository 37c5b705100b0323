package org.pgjava.backend.access.transam;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.storage.RelFileLocator;

/**
 * The transaction resource manager's WAL payloads (rmid {@link #RM_XACT} = 1, PostgreSQL's RM_XACT_ID):
 * commit and abort records. The xid of the ended transaction is the WAL record header's xl_xid; the main
 * data carries the rest. Entry points: {@link XactRecord#encode()}, {@link #decode(int, byte[])}.
 *
 * <p><b>Main data layout</b> (little-endian, pgjava's own; PostgreSQL's xl_xact_commit carries the same
 * facts behind xinfo flags):
 * <pre>
 *   0  i64 time: commit / abort timestamp, microseconds since 2000-01-01 00:00 UTC (TimestampTz)
 *   8  u32 nsubxacts   12 u32 nrels
 *   16 nsubxacts × u32 subtransaction xid
 *      nrels × (u32 spcOid, u32 dbOid, u32 relNumber): relation files to delete when the record is replayed
 *      (commit: files of dropped relations; abort: files of relations created in the transaction)
 * </pre>
 */
public final class XactWalRecords {
    /** Resource manager id of transaction records. */
    public static final int RM_XACT = 1;
    /** Info of a commit record (XLOG_XACT_COMMIT). */
    public static final int XLOG_XACT_COMMIT = 0x00;
    /** Info of an abort record (XLOG_XACT_ABORT). */
    public static final int XLOG_XACT_ABORT = 0x20;
    /** Mask of the operation bits of the info byte (XLOG_XACT_OPMASK). */
    public static final int XLOG_XACT_OPMASK = 0x70;

    /** Microseconds between 1970-01-01 and 2000-01-01 (PostgreSQL's epoch shift). */
    private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

    private XactWalRecords() {
    }

    /**
     * A commit or abort record's payload.
     *
     * @param commit  true for a commit, false for an abort
     * @param time    TimestampTz of the end (microseconds since 2000-01-01)
     * @param subxids committed (commit) or aborted (abort) subtransaction xids, 32-bit values
     * @param rels    relation files to delete at replay
     */
    public record XactRecord(boolean commit, long time, long[] subxids, List<RelFileLocator> rels) {
        public XactRecord {
            subxids = subxids.clone();
            rels = List.copyOf(rels);
        }

        @Override
        public long[] subxids() {
            return subxids.clone();
        }

        /** The info byte. */
        public int info() {
            return commit ? XLOG_XACT_COMMIT : XLOG_XACT_ABORT;
        }

        /** The main data bytes (layout in the class comment). */
        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(16 + 4 * subxids.length + 12 * rels.size()).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(time).putInt(subxids.length).putInt(rels.size());
            for (long s : subxids) {
                b.putInt((int) s);
            }
            for (RelFileLocator r : rels) {
                b.putInt(r.spcOid()).putInt(r.dbOid()).putInt(r.relNumber());
            }
            return b.array();
        }
    }

    /** The current time as a TimestampTz (microseconds since 2000-01-01). */
    public static long nowTimestamp() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 - POSTGRES_EPOCH_MICROS;
    }

    /**
     * Decodes a record of rmid {@link #RM_XACT}.
     *
     * @throws IllegalArgumentException for an unknown info or a malformed payload
     */
    public static XactRecord decode(int info, byte[] mainData) {
        int op = info & XLOG_XACT_OPMASK;
        if (op != XLOG_XACT_COMMIT && op != XLOG_XACT_ABORT) {
            throw new IllegalArgumentException("unknown transaction record info 0x" + Integer.toHexString(info));
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(mainData).order(ByteOrder.LITTLE_ENDIAN);
            long time = b.getLong();
            int nsub = b.getInt();
            int nrels = b.getInt();
            long[] subs = new long[nsub];
            for (int i = 0; i < nsub; i++) {
                subs[i] = b.getInt() & 0xFFFF_FFFFL;
            }
            List<RelFileLocator> rels = new ArrayList<>(nrels);
            for (int i = 0; i < nrels; i++) {
                rels.add(new RelFileLocator(b.getInt(), b.getInt(), b.getInt()));
            }
            return new XactRecord(op == XLOG_XACT_COMMIT, time, subs, rels);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed transaction record: " + e, e);
        }
    }
}
