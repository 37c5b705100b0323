package org.pgjava.backend.access.wal;

import java.lang.foreign.MemorySegment;

/**
 * The redo routine of one resource manager (PostgreSQL's rmgr redo callback), registered with
 * {@link Recovery} under its rmid. Entry points: {@link #redoBlock}, {@link #redoRecord}.
 */
public interface RedoHandler {
    /**
     * Applies {@code record}'s change to one block whose page is older than the record. Called only when
     * the record carries no full image of the block and the page LSN is below the record's end; the driver
     * then sets the page LSN to the record's end LSN and marks the buffer dirty. Must not keep {@code page}.
     */
    void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page);

    /**
     * Applies the record's effects outside data pages (commit status, OID counter, dropped files, ...).
     * Called once per record after its blocks; the default does nothing.
     */
    default void redoRecord(WalRecord record) {
    }
}
