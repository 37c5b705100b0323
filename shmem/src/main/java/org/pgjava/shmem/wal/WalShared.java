package org.pgjava.shmem.wal;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.Spinlock;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

/**
 * The shared WAL state every process maps: the insert position, the ring of WAL buffer pages, the
 * insertion locks with their progress markers, the write/flush positions and the locks of group commit —
 * PostgreSQL's {@code XLogCtlData} and {@code XLogCtlInsert}. This class knows offsets and locking only;
 * the record format, page headers and file I/O live in {@code backend/access/wal} ({@code WalInserter}).
 * Entry points: {@link #regionSize(int)} when laying out the segment, the constructor in each process
 * (once per locking thread, because LWLock views belong to an {@link LWLockOwner}),
 * {@link #reserve(long, long[])}, {@link #acquireInsertionLock(int)}, {@link #waitInsertionsToFinish(long)}.
 *
 * <h2>Layout (native byte order; offsets in bytes from the region start)</h2>
 * <pre>
 * off  size field                     guarded by
 *   0    4  insert-position spinlock   itself
 *   8    8  currBytePos                spinlock: byte position (WalGeometry) where the next record goes
 *  16    8  prevRecordLsn              spinlock: start LSN of the last reserved record (next xl_prev)
 *  24    8  redoRecPtr                 written holding ALL insertion locks; read atomically (FPI decisions)
 *  32    8  writeRequest               atomic max: highest LSN somebody asked to be written
 *  40    8  flushRequest               atomic max: highest LSN somebody asked to be flushed
 *  48    8  writtenLsn                 advanced holding WALWriteLock; read atomically
 *  56    8  flushedLsn                 advanced holding WALWriteLock; read atomically (flushed ≤ written)
 *  64    8  initializedUpTo            WALBufMappingLock: end LSN of the newest page initialised in the ring
 *  72    4  syncFailed                 atomic: 1 once an fsync/fdatasync failed (never cleared; PANIC)
 *  76    4  flushSequence              atomic, futex word: +1 after every advance of flushedLsn (holding
 *                                       WALWriteLock); processes waiting for a group flush sleep on it
 *  80    4  flushSleepers              atomic: processes sleeping on flushSequence (the flusher wakes
 *                                       them only when it is not 0)
 *  84   44  reserved, zero
 * 128   64  WALWriteLock               LWLock: one writer of WAL files at a time (group commit)
 * 192   64  WALBufMappingLock          LWLock: initialising ring pages
 * 256 8×64  insertion lock i           bytes 0..15 LWLock; 16..23 insertingAt (atomic): 0 = free,
 *                                       1 = held, copying, progress unknown; ≥ 2 = held and every byte
 *                                       this holder inserts below that LSN is already copied
 * 768  8×N  pageEnd[slot]              atomic; written holding WALBufMappingLock: end LSN of the page the
 *                                       ring slot holds, 0 = none
 * P  8192×N pages                      P = 768 + 8N rounded up to 4096; slot s holds the WAL page whose
 *                                       start LSN / 8192 ≡ s (mod N). Bytes of a page are written by the
 *                                       inserter that reserved them (holding an insertion lock), the header
 *                                       by the process that initialised the page (holding WALBufMappingLock);
 *                                       a page is read by the writer (holding WALWriteLock) only below the
 *                                       position {@link #waitInsertionsToFinish} returned.
 * </pre>
 * All-zero is the valid empty state: nothing inserted, insert position 0 (first record at LSN 0/18), no
 * ring page initialised, nothing written. After recovery the startup process calls {@link #startAt}.
 *
 * <h2>Lock rules</h2>
 * <ol>
 * <li>An inserter takes ONE insertion lock (its own index), then the spinlock for the reservation only.</li>
 * <li>WALBufMappingLock is taken while holding an insertion lock, and held only to initialise pages: never
 *     while waiting for a write.</li>
 * <li>WALWriteLock may be taken while holding an insertion lock only after that lock's insertingAt says
 *     how far the holder got ({@link #updateInsertingAt}); otherwise the writer would wait for itself.</li>
 * <li>{@link #acquireAllInsertionLocks()} takes the eight locks in index order (checkpoint redo pointer).</li>
 * </ol>
 *
 * <p>Deviation from PostgreSQL: waiting for an insertion lock's progress
 * ({@code LWLockWaitForVar}) is a polling loop with back-off (spin, then 5–200 µs sleeps) instead of a
 * queued wait; copies take microseconds, so the loop rarely sleeps.
 *
 * <p>Process-safety: a view for one thread's {@link LWLockOwner}; the memory is shared by all processes.
 */
public final class WalShared {
    /** PostgreSQL's NUM_XLOGINSERT_LOCKS. */
    public static final int INSERTION_LOCKS = 8;

    static final long INSERT_SPINLOCK = 0, CURR_BYTE_POS = 8, PREV_RECORD_LSN = 16, REDO_REC_PTR = 24,
            WRITE_REQUEST = 32, FLUSH_REQUEST = 40, WRITTEN_LSN = 48, FLUSHED_LSN = 56, INITIALIZED_UP_TO = 64,
            SYNC_FAILED = 72, FLUSH_SEQUENCE = 76, FLUSH_SLEEPERS = 80, WAL_WRITE_LOCK = 128, BUF_MAPPING_LOCK = 192, INSERTION_LOCKS_OFFSET = 256,
            INSERTION_LOCK_STRIDE = 64, INSERTING_AT = 16, PAGE_ENDS = 768;

    /** insertingAt value of a held lock whose holder has not said how far it got. */
    public static final long INSERTING_UNKNOWN = 1;

    private final MemorySegment memory;
    private final int walBuffers;
    private final long pagesOffset;
    private final Spinlock insertSpinlock;
    private final LWLock walWriteLock;
    private final LWLock bufMappingLock;
    private final LWLock[] insertionLocks = new LWLock[INSERTION_LOCKS];

    /** Bytes of the region for {@code walBuffers} ring pages. */
    public static long regionSize(int walBuffers) {
        checkBuffers(walBuffers);
        return pagesOffset(walBuffers) + (long) walBuffers * WalGeometry.PAGE_SIZE;
    }

    private static long pagesOffset(int walBuffers) {
        return (PAGE_ENDS + 8L * walBuffers + 4095) & -4096L;
    }

    private static void checkBuffers(int walBuffers) {
        if (walBuffers < 4) {
            throw new IllegalArgumentException("wal_buffers must be at least 4 pages, got " + walBuffers);
        }
    }

    /**
     * This thread's view of the WAL state in {@code memory} (a region of {@link #regionSize}(walBuffers)
     * bytes), taking its LWLocks as {@code owner}.
     *
     * @throws IllegalArgumentException if the region is too small
     */
    public WalShared(MemorySegment memory, int walBuffers, LWLockOwner owner) {
        checkBuffers(walBuffers);
        if (memory.byteSize() < regionSize(walBuffers)) {
            throw new IllegalArgumentException("WAL region of " + memory.byteSize() + " bytes is smaller than "
                    + regionSize(walBuffers) + " for " + walBuffers + " buffers");
        }
        this.memory = memory;
        this.walBuffers = walBuffers;
        this.pagesOffset = pagesOffset(walBuffers);
        this.insertSpinlock = new Spinlock(memory, INSERT_SPINLOCK, "WAL insert position");
        this.walWriteLock = new LWLock(memory, WAL_WRITE_LOCK, "WALWrite", owner);
        this.bufMappingLock = new LWLock(memory, BUF_MAPPING_LOCK, "WALBufMapping", owner);
        for (int i = 0; i < INSERTION_LOCKS; i++) {
            insertionLocks[i] = new LWLock(memory, insertionLockOffset(i), "WALInsert[" + i + "]", owner);
        }
    }

    private static long insertionLockOffset(int index) {
        return INSERTION_LOCKS_OFFSET + (long) index * INSERTION_LOCK_STRIDE;
    }

    /** Number of ring pages. */
    public int walBuffers() {
        return walBuffers;
    }

    // ---- insert position ----

    /**
     * Reserves {@code alignedSize} bytes (a multiple of 8) for one record, PostgreSQL's
     * ReserveXLogInsertLocation. The caller must hold an insertion lock. Fills {@code out[0]} with the start
     * LSN, {@code out[1]} with the end LSN and {@code out[2]} with the previous record's start LSN (the new
     * record's xl_prev).
     */
    public void reserve(long alignedSize, long[] out) {
        insertSpinlock.acquire();
        long start = memory.get(java.lang.foreign.ValueLayout.JAVA_LONG, CURR_BYTE_POS);
        long prev = memory.get(java.lang.foreign.ValueLayout.JAVA_LONG, PREV_RECORD_LSN);
        long end = start + alignedSize;
        long startLsn = WalGeometry.startLsn(start);
        SharedAtomics.setLong(memory, CURR_BYTE_POS, end);
        SharedAtomics.setLong(memory, PREV_RECORD_LSN, startLsn);
        insertSpinlock.release();
        out[0] = startLsn;
        out[1] = WalGeometry.endLsn(end);
        out[2] = prev;
    }

    /** End LSN of everything reserved so far (records may still be being copied). */
    public long insertEndLsn() {
        return WalGeometry.endLsn(SharedAtomics.getLong(memory, CURR_BYTE_POS));
    }

    /** LSN at which the next record will start. */
    public long nextRecordLsn() {
        return WalGeometry.startLsn(SharedAtomics.getLong(memory, CURR_BYTE_POS));
    }

    /** Start LSN of the last reserved record (0 if none). */
    public long prevRecordLsn() {
        insertSpinlock.acquire();
        long prev = memory.get(java.lang.foreign.ValueLayout.JAVA_LONG, PREV_RECORD_LSN);
        insertSpinlock.release();
        return prev;
    }

    /**
     * Sets the state for inserting after recovery: the next record goes at {@code endOfWalLsn}, its xl_prev
     * is {@code prevRecordLsn}; everything before {@code endOfWalLsn} counts as written and flushed. The page
     * holding {@code endOfWalLsn} (if it is mid-page) must already be in its ring slot: the caller copies it
     * there first ({@link #page(long)}) and passes {@code initializedUpTo} = that page's end. Call only
     * while no other process inserts (startup).
     */
    public void startAt(long endOfWalLsn, long prevRecordLsn, long initializedUpTo) {
        SharedAtomics.setLong(memory, CURR_BYTE_POS, WalGeometry.bytePos(endOfWalLsn));
        SharedAtomics.setLong(memory, PREV_RECORD_LSN, prevRecordLsn);
        SharedAtomics.setLong(memory, WRITTEN_LSN, endOfWalLsn);
        SharedAtomics.setLong(memory, FLUSHED_LSN, endOfWalLsn);
        SharedAtomics.setLong(memory, WRITE_REQUEST, endOfWalLsn);
        SharedAtomics.setLong(memory, FLUSH_REQUEST, endOfWalLsn);
        SharedAtomics.setLong(memory, INITIALIZED_UP_TO, initializedUpTo);
    }

    // ---- redo pointer ----

    /** RedoRecPtr: the redo LSN of the last checkpoint started; pages with LSN ≤ it need a full image. */
    public long redoRecPtr() {
        return SharedAtomics.getLong(memory, REDO_REC_PTR);
    }

    /** Sets RedoRecPtr; the caller holds all insertion locks ({@link #acquireAllInsertionLocks}) or is startup. */
    public void setRedoRecPtr(long lsn) {
        SharedAtomics.setLong(memory, REDO_REC_PTR, lsn);
    }

    // ---- write / flush positions ----

    /** WAL is written to the segment files (not necessarily synced) below this LSN. */
    public long writtenLsn() {
        return SharedAtomics.getLong(memory, WRITTEN_LSN);
    }

    /** WAL is durable below this LSN. */
    public long flushedLsn() {
        return SharedAtomics.getLong(memory, FLUSHED_LSN);
    }

    /** Publishes the written position; caller holds WALWriteLock. */
    public void setWrittenLsn(long lsn) {
        SharedAtomics.setLong(memory, WRITTEN_LSN, lsn);
    }

    /** Publishes the flushed position; caller holds WALWriteLock. */
    public void setFlushedLsn(long lsn) {
        SharedAtomics.setLong(memory, FLUSHED_LSN, lsn);
        SharedAtomics.getAndAddInt(memory, FLUSH_SEQUENCE, 1);
        if (SharedAtomics.getInt(memory, FLUSH_SLEEPERS) != 0) {
            org.pgjava.shmem.os.Futex.wake(memory.address() + FLUSH_SEQUENCE, Integer.MAX_VALUE);
        }
    }

    /** The flush sequence (see the layout): read it before deciding to {@link #awaitFlushProgress}. */
    public int flushSequence() {
        return SharedAtomics.getInt(memory, FLUSH_SEQUENCE);
    }

    /**
     * Sleeps until flushedLsn advances past the state seen as {@code seenSequence} (returns at once if it
     * already did), or until the timeout at {@code timespecAddress} (native {@code struct timespec}) passes,
     * or spuriously: the caller rechecks. PostgreSQL's waiters in LWLockAcquireOrWait(WALWriteLock): a
     * process whose commit is covered by the flush in progress never takes the lock.
     */
    public void awaitFlushProgress(int seenSequence, long timespecAddress) {
        SharedAtomics.getAndAddInt(memory, FLUSH_SLEEPERS, 1);
        try {
            if (SharedAtomics.getInt(memory, FLUSH_SEQUENCE) == seenSequence) {
                org.pgjava.shmem.os.Futex.await(memory.address() + FLUSH_SEQUENCE, seenSequence, timespecAddress);
            }
        } finally {
            SharedAtomics.getAndAddInt(memory, FLUSH_SLEEPERS, -1);
        }
    }

    /** Raises the write request to at least {@code lsn}. */
    public void requestWrite(long lsn) {
        raise(WRITE_REQUEST, lsn);
    }

    /** Raises the flush request to at least {@code lsn} (asynchronous commit asks the WAL writer this way). */
    public void requestFlush(long lsn) {
        raise(FLUSH_REQUEST, lsn);
        raise(WRITE_REQUEST, lsn);
    }

    /** Highest LSN asked to be written. */
    public long writeRequest() {
        return SharedAtomics.getLong(memory, WRITE_REQUEST);
    }

    /** Highest LSN asked to be flushed. */
    public long flushRequest() {
        return SharedAtomics.getLong(memory, FLUSH_REQUEST);
    }

    private void raise(long offset, long lsn) {
        long current = SharedAtomics.getLong(memory, offset);
        while (current < lsn) {
            long witness = SharedAtomics.compareAndExchangeLong(memory, offset, current, lsn);
            if (witness == current) {
                return;
            }
            current = witness;
        }
    }

    /** True once any process saw an fsync/fdatasync of WAL fail. */
    public boolean syncFailed() {
        return SharedAtomics.getInt(memory, SYNC_FAILED) != 0;
    }

    /** Records that a WAL sync failed; nobody may report WAL as flushed afterwards. */
    public void markSyncFailed() {
        SharedAtomics.setInt(memory, SYNC_FAILED, 1);
    }

    // ---- locks ----

    /** The lock a process holds while writing WAL to files and advancing written/flushed. */
    public LWLock walWriteLock() {
        return walWriteLock;
    }

    /** The lock a process holds while initialising ring pages. */
    public LWLock bufMappingLock() {
        return bufMappingLock;
    }

    /**
     * Takes insertion lock {@code index} exclusively and marks it "copying, progress unknown". Afterwards the
     * caller must {@link #releaseInsertionLock(int)} it.
     */
    public void acquireInsertionLock(int index) {
        insertionLocks[index].acquire(LWLockMode.EXCLUSIVE);
        SharedAtomics.setLong(memory, insertionLockOffset(index) + INSERTING_AT, INSERTING_UNKNOWN);
    }

    /** Says that the holder of insertion lock {@code index} has copied everything it inserts below {@code lsn}. */
    public void updateInsertingAt(int index, long lsn) {
        SharedAtomics.setLong(memory, insertionLockOffset(index) + INSERTING_AT, Math.max(lsn, INSERTING_UNKNOWN));
    }

    /** Marks insertion lock {@code index} free and releases it. */
    public void releaseInsertionLock(int index) {
        SharedAtomics.setLong(memory, insertionLockOffset(index) + INSERTING_AT, 0);
        insertionLocks[index].release();
    }

    /** Takes every insertion lock in index order (no insertion can be in progress afterwards). */
    public void acquireAllInsertionLocks() {
        for (int i = 0; i < INSERTION_LOCKS; i++) {
            acquireInsertionLock(i);
        }
    }

    /** Releases every insertion lock (after {@link #acquireAllInsertionLocks()}). */
    public void releaseAllInsertionLocks() {
        for (int i = INSERTION_LOCKS - 1; i >= 0; i--) {
            releaseInsertionLock(i);
        }
    }

    /**
     * Waits until every insertion into WAL below {@code upto} is copied into the ring, or has said it is
     * waiting at some lower page (then returns that lower position): PostgreSQL's
     * WaitXLogInsertionsToFinish. Returns the LSN below which all reserved bytes are in the ring (≤ upto).
     * The caller must not hold an insertion lock whose insertingAt is {@link #INSERTING_UNKNOWN}.
     */
    public long waitInsertionsToFinish(long upto) {
        long finished = upto;
        for (int i = 0; i < INSERTION_LOCKS; i++) {
            long at = insertionLockOffset(i) + INSERTING_AT;
            int spins = 0;
            while (true) {
                long value = SharedAtomics.getLong(memory, at);
                if (value == 0) {
                    break;
                }
                if (value != INSERTING_UNKNOWN) {
                    if (value < finished) {
                        finished = value;
                    }
                    break;
                }
                backOff(spins++);
            }
        }
        return finished;
    }

    private static void backOff(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(Math.min(200_000L, 5_000L * (spins - 99)));
        }
    }

    // ---- ring pages ----

    /** End LSN of the newest page initialised in the ring (caller holds WALBufMappingLock to change it). */
    public long initializedUpTo() {
        return SharedAtomics.getLong(memory, INITIALIZED_UP_TO);
    }

    /** Sets initializedUpTo; caller holds WALBufMappingLock. */
    public void setInitializedUpTo(long lsn) {
        SharedAtomics.setLong(memory, INITIALIZED_UP_TO, lsn);
    }

    /** The ring slot for the WAL page starting at {@code pageStartLsn}. */
    public int slotOf(long pageStartLsn) {
        return (int) ((pageStartLsn / WalGeometry.PAGE_SIZE) % walBuffers);
    }

    /** End LSN of the page ring slot {@code slot} holds (0 = none). */
    public long pageEnd(int slot) {
        return SharedAtomics.getLongAcquire(memory, PAGE_ENDS + 8L * slot);
    }

    /** Records that slot {@code slot} now holds the page ending at {@code endLsn}; caller holds WALBufMappingLock. */
    public void setPageEnd(int slot, long endLsn) {
        SharedAtomics.setLongRelease(memory, PAGE_ENDS + 8L * slot, endLsn);
    }

    /** The 8 KiB of ring memory of the slot for the page starting at {@code pageStartLsn}. */
    public MemorySegment page(long pageStartLsn) {
        return memory.asSlice(pagesOffset + (long) slotOf(pageStartLsn) * WalGeometry.PAGE_SIZE, WalGeometry.PAGE_SIZE);
    }

    /**
     * The ring bytes holding WAL [lsn, lsn + length), which must lie in consecutive slots without wrapping
     * past the last slot (the writer splits its runs there).
     */
    public MemorySegment ringBytes(long lsn, long length) {
        long pageStart = WalGeometry.pageStart(lsn);
        long offset = pagesOffset + (long) slotOf(pageStart) * WalGeometry.PAGE_SIZE + (lsn - pageStart);
        if (offset + length > pagesOffset + (long) walBuffers * WalGeometry.PAGE_SIZE) {
            throw new IllegalArgumentException("WAL range wraps the ring");
        }
        return memory.asSlice(offset, length);
    }
}
