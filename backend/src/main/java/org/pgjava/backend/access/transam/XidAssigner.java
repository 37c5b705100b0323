package org.pgjava.backend.access.transam;

import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.conf.errors.PgException;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.procarray.ProcArray;
import org.pgjava.shmem.xact.TransactionState;

/**
 * Hands out transaction ids (PostgreSQL's GetNewTransactionId). Entry point: {@link #assign(int, boolean)}.
 *
 * <p>Order, all under XidGenLock exclusive: read nextFullXid (skipping the special values 0-2 of a new
 * epoch), extend the commit log when the xid starts a page, advance nextFullXid, publish the xid in the
 * process array (top xid) or the slot's subxid cache (subtransaction), release. Publishing before the
 * release guarantees that a snapshot whose xmax is past this xid sees it running (see
 * docs/transactions/README.md, rule 3). Lock order: XidGenLock, then the clog control lock.
 *
 * <p>Limits: no xid wraparound protection (PostgreSQL stops assigning 3 million xids before the oldest
 * unfrozen one would wrap; pgjava has no freezing yet); at most
 * {@value TransactionState#MAX_CACHED_SUBXIDS} subtransaction xids per transaction (0A000 beyond).
 */
public final class XidAssigner {
    private final TransactionState state;
    private final ProcArray procArray;
    private final CommitLog commitLog;

    public XidAssigner(TransactionState state, ProcArray procArray, CommitLog commitLog) {
        this.state = state;
        this.procArray = procArray;
        this.commitLog = commitLog;
    }

    /**
     * Assigns the next xid to process-array slot {@code slot}: as its top-level xid, or as a subtransaction
     * xid appended to the slot's subxid cache. The caller must then take the xid's transaction lock
     * ({@code LockManager.lockTransaction}).
     *
     * @return the full (64-bit) xid; its low 32 bits are the xid stored on tuples
     * @throws PgException 0A000 when the transaction already has 64 subtransaction xids
     * @throws IllegalStateException when the transaction state was never initialised (startup's job)
     */
    public long assign(int slot, boolean subtransaction) {
        LWLock lock = state.xidGenLock();
        lock.acquire(LWLockMode.EXCLUSIVE);
        try {
            long full = state.nextFullXid();
            if (full == 0) throw new IllegalStateException("transaction state not initialised (nextXid 0)");
            if ((full & 0xFFFF_FFFFL) < TransactionIds.FIRST_NORMAL) {
                full = (full & ~0xFFFF_FFFFL) | TransactionIds.FIRST_NORMAL;
            }
            long xid = full & 0xFFFF_FFFFL;
            if (subtransaction && state.subxidCount(slot) >= TransactionState.MAX_CACHED_SUBXIDS) {
                throw PgException.notSupported("more than " + TransactionState.MAX_CACHED_SUBXIDS
                        + " subtransactions with transaction ids in one transaction are not supported");
            }
            commitLog.extendFor(xid);
            state.setNextFullXid(full + 1);
            if (subtransaction) {
                state.appendSubxid(slot, xid);
            } else {
                procArray.setXid(slot, xid);
            }
            return full;
        } finally {
            lock.release();
        }
    }
}
