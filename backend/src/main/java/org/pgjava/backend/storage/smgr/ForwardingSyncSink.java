package org.pgjava.backend.storage.smgr;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.shmem.buffer.SyncRequestQueue;

/**
 * The sync sink of every process except the checkpointer: forwards requests to the checkpointer through the
 * shared {@link SyncRequestQueue} (PostgreSQL's ForwardSyncRequest). When the queue is full the storage
 * manager fsyncs the file itself and the queue's backend-fsync counter is incremented.
 */
public final class ForwardingSyncSink implements SyncRequestSink {
    private final SyncRequestQueue queue;

    public ForwardingSyncSink(SyncRequestQueue queue) {
        this.queue = queue;
    }

    @Override
    public boolean register(RelFileLocator rel, ForkNumber fork, int segmentNumber) {
        return queue.forward(rel.spcOid(), rel.dbOid(), rel.relNumber(), fork.ordinal(), segmentNumber);
    }

    @Override
    public void selfSynced() {
        queue.countBackendFsync();
    }
}
