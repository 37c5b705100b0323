package org.pgjava.backend.storage.smgr;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;

/**
 * Where the storage manager registers "this segment file was written and must be fsynced before the next
 * checkpoint completes", PostgreSQL's RegisterSyncRequest. Implementations: {@link ForwardingSyncSink}
 * (ordinary processes: forwards to the checkpointer through the shared queue), {@link SyncRequestTable}
 * (the checkpointer itself), {@link #IMMEDIATE} (no checkpointer: fsync at once).
 */
public interface SyncRequestSink {
    /**
     * Registers a segment for fsync.
     *
     * @return true if someone else (the checkpointer) takes over the fsync; false if the caller must fsync
     *         the file itself now
     */
    boolean register(RelFileLocator rel, ForkNumber fork, int segmentNumber);

    /** Told when the caller did fsync the file itself after {@link #register} returned false. */
    default void selfSynced() {
    }

    /** A sink that never takes a request: every write is fsynced by its writer (tests, single-process tools). */
    SyncRequestSink IMMEDIATE = (rel, fork, segno) -> false;
}
