package org.pgjava.shmem.xact;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockOwner;

import java.lang.foreign.MemorySegment;

/**
 * The shared transaction-id state (PostgreSQL's TransamVariables / ShmemVariableCache plus the subxid
 * caches of PGPROC): the next full transaction id, the next OID, the latest completed xid, the two
 * LWLocks that order xid assignment and transaction end against snapshots, and one subtransaction-xid
 * cache per process-array slot. Region "transaction state", {@link #regionSize(int)} bytes.
 *
 * <p>Entry points: {@link #procArrayLock()}, {@link #xidGenLock()}, the counters
 * ({@link #nextFullXid()}, {@link #latestCompletedFullXid()}, {@link #allocateOid(long)}) and the subxid
 * cache accessors. The algorithms using them live in {@code backend/access/transam} (XidAssigner,
 * SnapshotBuilder, TransactionEnd).
 *
 * <h2>Layout (native byte order)</h2>
 * <pre>
 * offset size field                       guarded by
 *      0   64 ProcArrayLock (LWLock)      -; exclusive to end a transaction (clear xid, advance
 *                                         latestCompletedXid, drop subxids), shared to build a snapshot
 *     64   64 XidGenLock (LWLock)         -; exclusive to assign an xid
 *    128    8 nextFullXid (64-bit: epoch  written under XidGenLock exclusive; read atomically by anyone
 *             in the high 32 bits)
 *    136    8 latestCompletedFullXid      written under ProcArrayLock exclusive (only ever advances);
 *                                         read under ProcArrayLock (shared is enough)
 *    144    8 nextOid (low 32 bits used)  compare-and-set, no lock ({@link #allocateOid(long)}), or under
 *                                         XidGenLock exclusive ({@link #allocateOid(long, LongConsumer)})
 *    152    8 oidLogLimit: OIDs below it  XidGenLock exclusive; 0 after initialize (the first logged
 *             are covered by a logged     allocation writes a NEXTOID record)
 *             NEXTOID record
 *    160   32 reserved, zero
 *    192  320 x slots: subxid cache of process-array slot i at 192 + 320 i:
 *               0   4 count (0..64)       appended by the owner under XidGenLock (xid stored first, then
 *                                         the count with a release store, as PostgreSQL's
 *                                         GetNewTransactionId); decreased/cleared by the owner under
 *                                         ProcArrayLock exclusive; read under ProcArrayLock shared
 *               4   4 reserved
 *               8 256 64 subxids, 4 bytes each (32-bit xids), in assignment order
 *              264 56 reserved
 * </pre>
 * <b>All-zero</b> is a valid but <em>uninitialised</em> state: bootstrap/startup must call
 * {@link #initialize(long, long)} with nextFullXid (at least {@code FIRST_NORMAL} = 3, from the checkpoint
 * or WAL replay) and nextOid, before any process assigns an xid or takes a snapshot. It sets
 * latestCompletedFullXid = nextFullXid - 1, so that every xid below nextXid that is not in the process
 * array counts as finished (transactions interrupted by a crash are aborted: their clog status stays 0,
 * IN_PROGRESS, and no process runs them).
 *
 * <p>Subtransaction limit: a transaction may have at most {@value #MAX_CACHED_SUBXIDS} subtransactions
 * that were given xids (PostgreSQL's PGPROC_MAX_CACHED_SUBXIDS). pgjava has no pg_subtrans to fall back on
 * when the cache overflows: the next assignment fails with 0A000 (raised by the assigner).
 */
public final class TransactionState {
    /** Subtransaction xids cached per process (PostgreSQL's PGPROC_MAX_CACHED_SUBXIDS). */
    public static final int MAX_CACHED_SUBXIDS = 64;
    /** Bytes of one slot's subxid cache. */
    public static final int SUBXID_CACHE_SIZE = 320;

    static final long PROC_ARRAY_LOCK = 0, XID_GEN_LOCK = 64, NEXT_FULL_XID = 128, LATEST_COMPLETED = 136,
            NEXT_OID = 144, OID_LOG_LIMIT = 152, CACHES = 192;
    /** OIDs covered by one NEXTOID WAL record (PostgreSQL's VAR_OID_PREFETCH). */
    public static final long OID_PREFETCH = 8192;
    private static final long CACHE_COUNT = 0, CACHE_XIDS = 8;

    private final MemorySegment region;
    private final int slots;
    private final LWLock procArrayLock;
    private final LWLock xidGenLock;

    /**
     * This process's view of the region, with LWLock views bound to {@code owner}.
     *
     * @throws IllegalArgumentException if the region is not {@code regionSize(n)} bytes for some n &gt; 0
     */
    public TransactionState(MemorySegment region, LWLockOwner owner) {
        long cacheBytes = region.byteSize() - CACHES;
        if (cacheBytes <= 0 || cacheBytes % SUBXID_CACHE_SIZE != 0) {
            throw new IllegalArgumentException("transaction state region size " + region.byteSize()
                    + " is not regionSize(n)");
        }
        this.region = region;
        this.slots = (int) (cacheBytes / SUBXID_CACHE_SIZE);
        this.procArrayLock = new LWLock(region, PROC_ARRAY_LOCK, "ProcArrayLock", owner);
        this.xidGenLock = new LWLock(region, XID_GEN_LOCK, "XidGenLock", owner);
    }

    /** Region bytes for {@code slots} process-array slots (the same count as the process array). */
    public static long regionSize(int slots) {
        if (slots <= 0) throw new IllegalArgumentException("slot count must be positive: " + slots);
        return CACHES + (long) SUBXID_CACHE_SIZE * slots;
    }

    /** Number of process slots with a subxid cache. */
    public int slotCount() {
        return slots;
    }

    /**
     * Startup (single process, before others use the state): sets nextFullXid, latestCompletedFullXid =
     * nextFullXid - 1 and nextOid.
     *
     * @throws IllegalArgumentException if nextFullXid's low 32 bits are below FIRST_NORMAL (3)
     */
    public void initialize(long nextFullXid, long nextOid) {
        if ((nextFullXid & 0xFFFF_FFFFL) < 3) {
            throw new IllegalArgumentException("next xid " + nextFullXid + " is not a normal transaction id");
        }
        SharedAtomics.setLong(region, NEXT_FULL_XID, nextFullXid);
        SharedAtomics.setLong(region, LATEST_COMPLETED, nextFullXid - 1);
        SharedAtomics.setLong(region, NEXT_OID, nextOid & 0xFFFF_FFFFL);
        SharedAtomics.setLong(region, OID_LOG_LIMIT, 0);
    }

    /** True once {@link #initialize} ran (nextFullXid is not 0). */
    public boolean isInitialized() {
        return SharedAtomics.getLong(region, NEXT_FULL_XID) != 0;
    }

    /** ProcArrayLock: exclusive to end a transaction, shared to take a snapshot. */
    public LWLock procArrayLock() {
        return procArrayLock;
    }

    /** XidGenLock: exclusive while assigning an xid and publishing it. */
    public LWLock xidGenLock() {
        return xidGenLock;
    }

    /** The next full xid to assign (atomic read; exact only under XidGenLock). */
    public long nextFullXid() {
        return SharedAtomics.getLong(region, NEXT_FULL_XID);
    }

    /** Caller holds XidGenLock exclusively: stores the next full xid. */
    public void setNextFullXid(long fullXid) {
        SharedAtomics.setLong(region, NEXT_FULL_XID, fullXid);
    }

    /** The latest completed (committed or aborted) full xid; read under ProcArrayLock. */
    public long latestCompletedFullXid() {
        return SharedAtomics.getLong(region, LATEST_COMPLETED);
    }

    /**
     * Caller holds ProcArrayLock exclusively: advances latestCompletedFullXid to {@code fullXid} if that is
     * newer (it never moves back).
     */
    public void advanceLatestCompleted(long fullXid) {
        if (fullXid > SharedAtomics.getLong(region, LATEST_COMPLETED)) {
            SharedAtomics.setLong(region, LATEST_COMPLETED, fullXid);
        }
    }

    /**
     * Hands out the next OID (PostgreSQL's GetNewObjectId, without the relfilenode collision check, which
     * is the caller's): the counter moves on by one, wrapping at 2^32; a value below {@code floor} (after a
     * wrap, or at the first call) is replaced by {@code floor}. Normal operation passes 16384
     * (FirstNormalObjectId). Lock-free (compare-and-set).
     */
    public long allocateOid(long floor) {
        while (true) {
            long current = SharedAtomics.getLong(region, NEXT_OID);
            long oid = current < floor ? floor : current;
            if (SharedAtomics.compareAndSetLong(region, NEXT_OID, current, (oid + 1) & 0xFFFF_FFFFL)) {
                return oid;
            }
        }
    }

    /**
     * Hands out the next OID as {@link #allocateOid(long)} does, keeping the WAL ahead of the counter as
     * PostgreSQL's GetNewObjectId: when the OID reaches the logged limit (or after startup, when nothing is
     * logged yet), {@code logNextOid} is called with {@code oid + OID_PREFETCH} — it must insert an XLOG
     * NEXTOID record before returning — and the limit moves there. Under XidGenLock exclusive, so no OID
     * beyond a limit is handed out before that limit's record is in the WAL (a crash then never hands an
     * OID out twice: redo of the record sets nextOid to the limit).
     *
     * @param logNextOid writes the NEXTOID record (called with the new limit, at most once per call)
     */
    public long allocateOid(long floor, java.util.function.LongConsumer logNextOid) {
        xidGenLock.acquire(org.pgjava.shmem.lock.LWLockMode.EXCLUSIVE);
        try {
            long current = SharedAtomics.getLong(region, NEXT_OID);
            long oid = current < floor ? floor : current;
            long limit = SharedAtomics.getLong(region, OID_LOG_LIMIT);
            if (oid >= limit || oid < limit - OID_PREFETCH) {   // the second: the counter wrapped
                long newLimit = oid + OID_PREFETCH;
                logNextOid.accept(newLimit & 0xFFFF_FFFFL);
                SharedAtomics.setLong(region, OID_LOG_LIMIT, newLimit);
            }
            SharedAtomics.setLong(region, NEXT_OID, (oid + 1) & 0xFFFF_FFFFL);
            return oid;
        } finally {
            xidGenLock.release();
        }
    }

    /**
     * The OID an online checkpoint records: the logged limit when allocations are covered by a NEXTOID
     * record (redo from that checkpoint must not hand out OIDs used after it but below the limit), else
     * the counter (PostgreSQL: nextOid + oidCount).
     */
    public long checkpointNextOid() {
        long limit = SharedAtomics.getLong(region, OID_LOG_LIMIT);
        long next = SharedAtomics.getLong(region, NEXT_OID);
        return limit > next ? limit & 0xFFFF_FFFFL : next;
    }

    /** The OID counter (for a checkpoint record). */
    public long nextOid() {
        return SharedAtomics.getLong(region, NEXT_OID);
    }

    private long cache(int slot) {
        if (slot < 0 || slot >= slots) throw new IndexOutOfBoundsException("slot " + slot + " of " + slots);
        return CACHES + (long) SUBXID_CACHE_SIZE * slot;
    }

    /** Number of subxids cached for {@code slot} (acquire read: the entries below it are visible). */
    public int subxidCount(int slot) {
        return SharedAtomics.getIntAcquire(region, cache(slot) + CACHE_COUNT);
    }

    /** Subxid number {@code index} (0-based, below {@link #subxidCount}) of {@code slot}: a 32-bit xid. */
    public long subxid(int slot, int index) {
        return Integer.toUnsignedLong(SharedAtomics.getInt(region, cache(slot) + CACHE_XIDS + 4L * index));
    }

    /**
     * Owner, under XidGenLock exclusive: appends a subxid (entry first, then the count with a release
     * store).
     *
     * @return false (nothing stored) if the cache already holds {@value #MAX_CACHED_SUBXIDS}
     */
    public boolean appendSubxid(int slot, long xid) {
        long c = cache(slot);
        int n = SharedAtomics.getInt(region, c + CACHE_COUNT);
        if (n >= MAX_CACHED_SUBXIDS) return false;
        SharedAtomics.setInt(region, c + CACHE_XIDS + 4L * n, (int) xid);
        SharedAtomics.setIntRelease(region, c + CACHE_COUNT, n + 1);
        return true;
    }

    /**
     * Owner, under ProcArrayLock exclusive: removes the given xids from the slot's cache (PostgreSQL's
     * XidCacheRemoveRunningXids), keeping the order of the rest.
     */
    public void removeSubxids(int slot, long[] xids) {
        long c = cache(slot);
        int n = SharedAtomics.getInt(region, c + CACHE_COUNT);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            long x = Integer.toUnsignedLong(SharedAtomics.getInt(region, c + CACHE_XIDS + 4L * i));
            boolean drop = false;
            for (long r : xids) {
                if (r == x) {
                    drop = true;
                    break;
                }
            }
            if (!drop) {
                SharedAtomics.setInt(region, c + CACHE_XIDS + 4L * kept, (int) x);
                kept++;
            }
        }
        SharedAtomics.setIntRelease(region, c + CACHE_COUNT, kept);
    }

    /** Owner, under ProcArrayLock exclusive: empties the slot's cache (end of the top transaction). */
    public void clearSubxids(int slot) {
        SharedAtomics.setIntRelease(region, cache(slot) + CACHE_COUNT, 0);
    }
}
