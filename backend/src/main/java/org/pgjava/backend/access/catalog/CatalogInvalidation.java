package org.pgjava.backend.access.catalog;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.shmem.sinval.InvalidationMessage;
import org.pgjava.shmem.sinval.SharedInvalidationQueue;

/**
 * This backend's end of the shared invalidation queue (PostgreSQL's inval.c + sinval.c for the relation
 * cache). Entry points: {@link #join()}, {@link #leave()}, {@link #accept()}, {@link #relationChanged}.
 *
 * <p>Rules:
 * <ol>
 *   <li>The backend joins the queue with its process-array slot before it fills the cache, and leaves it
 *       when it gives the slot up.</li>
 *   <li>{@link #accept()} (AcceptInvalidationMessages) runs before every statement's catalog lookups: each
 *       relcache message for this database (or a shared catalog, database 0) drops that entry; RESET drops
 *       everything.</li>
 *   <li>A transaction that changes the catalog row of a relation calls {@link #relationChanged}: the local
 *       entry is dropped at once (the transaction's own later commands rebuild it from what they see), a
 *       relcache message is queued; at commit (a TransactionManager callback) the queued messages are
 *       inserted into the shared queue; at abort the local entries they name are dropped again (they may
 *       hold the aborted state).</li>
 * </ol>
 * Deviation: the TransactionManager runs commit callbacks after the transaction's locks are released
 * (PostgreSQL sends before releasing), so a backend that acquires the lock in that instant and has
 * already drained the queue may use one statement's worth of the old entry.
 */
public final class CatalogInvalidation {
    private final SharedInvalidationQueue queue;
    private final int slot;
    private final int pid;
    private final long databaseOid;
    private final RelationCache cache;
    private final InvalidationMessage[] buffer = new InvalidationMessage[64];
    private final Set<Long> pending = new LinkedHashSet<>();
    private boolean joined;
    private long registeredForXid;

    /**
     * @param queue       the shared queue ({@code ProcessStorage.invalidations()})
     * @param slot        this process's process-array slot
     * @param pid         this process's pid
     * @param databaseOid the database of this backend
     * @param cache       the relation cache to invalidate
     */
    public CatalogInvalidation(SharedInvalidationQueue queue, int slot, int pid, long databaseOid, RelationCache cache) {
        this.queue = queue;
        this.slot = slot;
        this.pid = pid;
        this.databaseOid = databaseOid;
        this.cache = cache;
    }

    /** Joins the queue (idempotent); the cache is flushed, since messages sent before now are not seen. */
    public void join() {
        if (!joined) {
            queue.join(slot, pid);
            joined = true;
            cache.invalidateAll();
        }
    }

    /** Leaves the queue (idempotent). */
    public void leave() {
        if (joined) {
            queue.leave(slot);
            joined = false;
        }
    }

    /** True between {@link #join()} and {@link #leave()}. */
    public boolean joined() {
        return joined;
    }

    /** Reads and applies every message waiting for this backend (joins first if needed). */
    public void accept() {
        join();
        while (true) {
            int n = queue.read(slot, buffer);
            if (n == SharedInvalidationQueue.RESET) {
                cache.invalidateAll();
                continue;
            }
            if (n == 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                InvalidationMessage m = buffer[i];
                if (m.databaseOid() != databaseOid && m.databaseOid() != 0) {
                    continue;
                }
                switch (m.kind()) {
                    case RELCACHE -> cache.invalidate(m.objectId());
                    case CATALOG, CATCACHE -> cache.invalidateAll();
                }
            }
        }
    }

    /**
     * The current transaction changed relation {@code relationOid}'s catalog rows: see rule 3.
     */
    public void relationChanged(TransactionManager tm, long relationOid) {
        cache.invalidate(relationOid);
        pending.add(relationOid);
        long xid = tm.assignXid();
        if (registeredForXid != xid) {
            registeredForXid = xid;
            tm.onCommit(this::sendPending);
        }
        tm.onAbort(this::dropLocalEntries);
    }

    private void sendPending() {
        List<InvalidationMessage> messages = new ArrayList<>();
        for (long oid : pending) {
            messages.add(InvalidationMessage.relcache(databaseOid, oid));
            cache.invalidate(oid);
        }
        pending.clear();
        registeredForXid = 0;
        if (!messages.isEmpty()) {
            queue.insert(messages);
        }
    }

    /**
     * Abort (of the transaction or a subtransaction): the local entries may hold the aborted state. The
     * pending messages are kept: after a subtransaction abort the parent's changes still need them, and
     * after a top-level abort they are merely sent with the next commit (a needless rebuild elsewhere).
     */
    private void dropLocalEntries() {
        for (long oid : pending) {
            cache.invalidate(oid);
        }
        registeredForXid = 0;
    }
}
