package org.pgjava.backend.access.xlog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.wal.RmgrIds;

/**
 * New object ids (PostgreSQL's GetNewObjectId with XLogPutNextOid): the shared OID counter, kept behind a
 * limit written to the WAL as an XLOG NEXTOID record (info 0x30, payload the 4-byte little-endian limit),
 * so that after a crash the startup process restarts the counter at or above every OID handed out
 * (XlogRedoHandler applies the record; online checkpoints record the limit). Entry point:
 * {@link #newOid(ProcessStorage)}.
 */
public final class ObjectIds {
    /** PostgreSQL's FirstNormalObjectId: OIDs below it belong to initdb. */
    public static final long FIRST_NORMAL_OBJECT_ID = 16384;

    private ObjectIds() {
    }

    /**
     * The next OID at or above {@link #FIRST_NORMAL_OBJECT_ID}, with the NEXTOID record written first when
     * the logged limit is reached. The record needs no flush of its own: WAL is sequential, so anything
     * that makes the OID durable (a commit record) flushes the NEXTOID record before it.
     */
    public static long newOid(ProcessStorage storage) {
        return storage.transactionState().allocateOid(FIRST_NORMAL_OBJECT_ID, limit -> {
            byte[] payload = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) limit).array();
            storage.wal().insert(RmgrIds.XLOG, XlogRedoHandler.XLOG_NEXTOID, 0, List.of(), payload);
        });
    }
}
