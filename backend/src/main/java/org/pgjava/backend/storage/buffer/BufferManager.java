package org.pgjava.backend.storage.buffer;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.buffer.BufferDescriptors;
import org.pgjava.shmem.buffer.BufferMappingTable;
import org.pgjava.shmem.buffer.BufferPages;
import org.pgjava.shmem.buffer.BufferState;
import org.pgjava.shmem.buffer.BufferStrategyControl;
import org.pgjava.shmem.buffer.SharedBufferPool;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockArray;
import org.pgjava.shmem.lock.LWLockMode;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.pgjava.shmem.buffer.BufferState.*;

/**
 * One process's buffer manager over the shared buffer pool and its own storage manager, PostgreSQL's
 * bufmgr.c. Entry points: {@link #readBuffer}, {@link #extend}, {@link #lockContent} /
 * {@link #unlockContent}, {@link #markDirty}, {@link #markDirtyHint}, {@link #releaseBuffer},
 * {@link #page}, {@link #releaseAll()} (abort / exit), {@link #flushAllDirty()} (checkpointer),
 * {@link #cleanAhead} (background writer), {@link #dropRelationBuffers} (DROP / TRUNCATE).
 *
 * <p>A buffer is named by its id 0..N-1; {@link #INVALID_BUFFER} is -1. The rules of docs/buffer/README.md
 * apply: pin before lock, EXCLUSIVE content lock to change a page (SHARE plus {@link #markDirtyHint} for
 * hint bits), WAL flushed up to the page LSN before the page is written, and every pin this process holds
 * is remembered privately so that {@link #releaseAll()} can drop them.
 *
 * <p>Process-safety: one instance per process, used by the thread that owns the process's
 * {@code LWLockOwner} (the LWLock views in the {@link SharedBufferPool} are bound to it).
 */
public final class BufferManager {
    /** No buffer. */
    public static final int INVALID_BUFFER = -1;
    /** PostgreSQL's MaxBlockNumber. */
    public static final long MAX_BLOCK_NUMBER = 0xFFFFFFFEL;
    /** Bound of each futex sleep while waiting for another process's I/O (the loop re-checks). */
    private static final long IO_WAIT_SLICE_NANOS = 10_000_000L;

    private final SharedBufferPool pool;
    private final BufferDescriptors descriptors;
    private final BufferMappingTable mapping;
    private final LWLockArray mappingLocks;
    private final LWLockArray contentLocks;
    private final LWLockArray extensionLocks;
    private final BufferStrategyControl strategy;
    private final BufferPages pages;
    private final StorageManager smgr;
    private final WalFlusher wal;
    private final int nbuffers;

    /** Pins this process holds per buffer (PostgreSQL's PrivateRefCount). */
    private final int[] privateRefCount;
    /** Buffers with privateRefCount &gt; 0, in no order. */
    private int[] pinned = new int[16];
    private int pinnedCount;
    /** The buffer whose BM_IO_IN_PROGRESS this process owns, or -1 (PostgreSQL's InProgressBuf). */
    private int ioInProgress = INVALID_BUFFER;
    /** Set by {@link #bufferAlloc}: the buffer returned already held a valid page. */
    private boolean allocFoundValid;
    private final long ioWaitTimespec;
    /**
     * The native memory behind {@link #ioWaitTimespec}: kept reachable for the manager's life (an auto
     * arena frees a segment once it is unreachable, and the futex would then read freed memory).
     */
    private final MemorySegment ioWaitTimespecMemory;

    /**
     * @param pool this process's views of the shared pool
     * @param smgr this process's storage manager (its sync sink decides who fsyncs written files)
     * @param wal  the write-ahead hook called before each page write
     */
    public BufferManager(SharedBufferPool pool, StorageManager smgr, WalFlusher wal) {
        this.pool = pool;
        this.descriptors = pool.descriptors();
        this.mapping = pool.mappingTable();
        this.mappingLocks = pool.mappingLocks();
        this.contentLocks = pool.contentLocks();
        this.extensionLocks = pool.extensionLocks();
        this.strategy = pool.strategy();
        this.pages = pool.pages();
        this.smgr = smgr;
        this.wal = wal;
        this.nbuffers = pool.nbuffers();
        this.privateRefCount = new int[nbuffers];
        MemorySegment ts = Arena.ofAuto().allocate(16, 8);
        ts.set(ValueLayout.JAVA_LONG, 0, 0L);
        ts.set(ValueLayout.JAVA_LONG, 8, IO_WAIT_SLICE_NANOS);
        this.ioWaitTimespecMemory = ts;
        this.ioWaitTimespec = ts.address();
    }

    /** The pool size N. */
    public int bufferCount() {
        return nbuffers;
    }

    /** This process's storage manager. */
    public StorageManager storageManager() {
        return smgr;
    }

    // =====================================================================================================
    // Reading and extending
    // =====================================================================================================

    /**
     * Returns a buffer holding block {@code block} of the fork, reading it from disk if it is not in the pool
     * (PostgreSQL's ReadBufferExtended, RBM_NORMAL). The returned buffer has been pinned (release it with
     * {@link #releaseBuffer}) but not locked. If another process is reading the same block, this one waits
     * for that read instead of reading again.
     *
     * @throws PgException XX001 "could not read block ..." if the block is beyond the end of the fork, other
     *                     storage errors, or XX000 "no unpinned buffers available"; no pin is kept on error
     */
    public int readBuffer(RelFileLocator rel, ForkNumber fork, long block) {
        checkBlockNumber(block);
        int buf = bufferAlloc(rel, fork.ordinal(), (int) block);
        if (allocFoundValid) {
            return buf;
        }
        try {
            if (startBufferIO(buf, true)) {
                try {
                    smgr.read(rel, fork, block, pages.page(buf));
                } catch (Throwable t) {
                    abortBufferIO();
                    throw t;
                }
                terminateBufferIO(buf, false, BM_VALID);
            }
        } catch (Throwable t) {
            unpin(buf);
            throw t;
        }
        return buf;
    }

    /**
     * Adds a zeroed block at the end of the fork (PostgreSQL's ReadBuffer with P_NEW and
     * RBM_ZERO_AND_LOCK): the zero page is written to the file first, so the fork's size covers it. Extensions
     * of one relation are serialized by its extension lock. The returned buffer is pinned and locked
     * EXCLUSIVE; its block number is {@link #blockNumber(int)}. The page is all zeros and not marked dirty.
     *
     * @throws PgException 54000 "cannot extend relation ... beyond 4294967294 blocks", storage errors,
     *                     "no unpinned buffers available"; nothing is pinned or locked on error
     */
    public int extend(RelFileLocator rel, ForkNumber fork) {
        LWLock extensionLock = extensionLocks.get(Math.floorMod(
                BufferMappingTable.hash(rel.spcOid(), rel.dbOid(), rel.relNumber(), 0, 0), extensionLocks.size()));
        extensionLock.acquire(LWLockMode.EXCLUSIVE);
        try {
            long block = smgr.nblocks(rel, fork);
            if (block >= MAX_BLOCK_NUMBER) {
                throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "cannot extend relation "
                        + StorageManager.relativePath(rel, fork, 0) + " beyond " + MAX_BLOCK_NUMBER + " blocks");
            }
            int buf = bufferAlloc(rel, fork.ordinal(), (int) block);
            try {
                if (allocFoundValid || !startBufferIO(buf, true)) {
                    throw PgException.error(SqlState.INTERNAL_ERROR, "unexpected data beyond EOF in block " + block
                            + " of relation " + StorageManager.relativePath(rel, fork, 0))
                            .withHint("This has been seen to occur with buggy kernels; consider updating your system.");
                }
                MemorySegment page = pages.page(buf);
                try {
                    page.fill((byte) 0);
                    smgr.extend(rel, fork, block, page, false);
                } catch (Throwable t) {
                    abortBufferIO();
                    throw t;
                }
                // locked before the I/O ends: other processes that found the buffer wait for the I/O first
                contentLocks.get(buf).acquire(LWLockMode.EXCLUSIVE);
                terminateBufferIO(buf, false, BM_VALID);
            } catch (Throwable t) {
                unpin(buf);
                throw t;
            }
            return buf;
        } finally {
            extensionLock.release();
        }
    }

    private static void checkBlockNumber(long block) {
        if (block < 0 || block > MAX_BLOCK_NUMBER) {
            throw new IllegalArgumentException("invalid block number " + block);
        }
    }

    /**
     * Finds or makes the buffer for a tag (PostgreSQL's BufferAlloc). Returns it pinned; sets
     * {@link #allocFoundValid} if it already holds the page. Otherwise the buffer is mapped to the tag with
     * BM_TAG_VALID set and the caller must read (or create) the page under BM_IO_IN_PROGRESS.
     */
    private int bufferAlloc(RelFileLocator rel, int fork, int block) {
        int spc = rel.spcOid(), db = rel.dbOid(), relNumber = rel.relNumber();
        int hash = BufferMappingTable.hash(spc, db, relNumber, fork, block);
        int partition = BufferMappingTable.partition(hash);
        LWLock newLock = mappingLocks.get(partition);
        newLock.acquire(LWLockMode.SHARED);
        int found = mapping.lookup(hash, spc, db, relNumber, fork, block);
        if (found >= 0) {
            allocFoundValid = pin(found);
            newLock.release();
            return found;
        }
        newLock.release();

        while (true) {
            int victim = clockSweep();  // pinned by us
            long state = descriptors.state(victim);
            if ((state & BM_DIRTY) != 0) {
                LWLock content = contentLocks.get(victim);
                if (!content.conditionalAcquire(LWLockMode.SHARED)) {
                    unpin(victim);  // someone is using it after all: take another
                    continue;
                }
                boolean flushed = false;
                try {
                    flushBuffer(victim);
                    flushed = true;
                } finally {
                    content.release();
                    if (!flushed) {
                        unpin(victim);
                    }
                }
                state = descriptors.state(victim);
            }
            boolean oldValid = (state & BM_TAG_VALID) != 0;
            int oldHash = 0, oldPartition = -1, oSpc = 0, oDb = 0, oRel = 0, oFork = 0, oBlock = 0;
            if (oldValid) {  // stable: we hold a pin, and tags change only at refcount 0 or by the pin holder
                oSpc = descriptors.spcOid(victim);
                oDb = descriptors.dbOid(victim);
                oRel = descriptors.relNumber(victim);
                oFork = descriptors.forkNumber(victim);
                oBlock = descriptors.blockNumber(victim);
                oldHash = BufferMappingTable.hash(oSpc, oDb, oRel, oFork, oBlock);
                oldPartition = BufferMappingTable.partition(oldHash);
            }
            LWLock oldLock = oldValid && oldPartition != partition ? mappingLocks.get(oldPartition) : null;
            if (oldLock != null && oldPartition < partition) {
                oldLock.acquire(LWLockMode.EXCLUSIVE);
                newLock.acquire(LWLockMode.EXCLUSIVE);
            } else {
                newLock.acquire(LWLockMode.EXCLUSIVE);
                if (oldLock != null) {
                    oldLock.acquire(LWLockMode.EXCLUSIVE);
                }
            }
            found = mapping.lookup(hash, spc, db, relNumber, fork, block);
            if (found >= 0) {  // another process loaded the block meanwhile: use its buffer
                allocFoundValid = pin(found);
                releaseMappingLocks(newLock, oldLock);
                unpin(victim);
                return found;
            }
            long locked = descriptors.lockHeader(victim);
            if (refcount(locked) == 1 && (locked & BM_DIRTY) == 0) {
                if (oldValid) {
                    mapping.delete(oldHash, oSpc, oDb, oRel, oFork, oBlock);
                }
                mapping.insert(hash, spc, db, relNumber, fork, block, victim);
                descriptors.setTag(victim, spc, db, relNumber, fork, block);
                long next = (locked & REFCOUNT_MASK) | BM_LOCKED | BM_TAG_VALID | BM_PERMANENT | USAGE_COUNT_ONE;
                descriptors.unlockHeader(victim, next);
                releaseMappingLocks(newLock, oldLock);
                allocFoundValid = false;
                return victim;
            }
            // pinned by someone else or dirtied again since we looked: try another victim
            descriptors.unlockHeader(victim, locked);
            releaseMappingLocks(newLock, oldLock);
            unpin(victim);
        }
    }

    private static void releaseMappingLocks(LWLock newLock, LWLock oldLock) {
        if (oldLock != null) {
            oldLock.release();
        }
        newLock.release();
    }

    /**
     * The clock sweep (PostgreSQL's StrategyGetBuffer): advances the hand until it finds an unpinned buffer
     * with usage count 0, lowering the usage count of each unpinned buffer it passes. Returns it pinned.
     *
     * @throws PgException XX000 "no unpinned buffers available" after passing N pinned buffers in a row
     */
    private int clockSweep() {
        strategy.countAllocation();
        int tries = nbuffers;
        while (true) {
            int buf = strategy.advanceClockHand();
            if (refcount(descriptors.state(buf)) == 0) {
                long locked = descriptors.lockHeader(buf);
                if (refcount(locked) == 0) {
                    if (usageCount(locked) > 0) {
                        descriptors.unlockHeader(buf, locked - USAGE_COUNT_ONE);
                        tries = nbuffers;
                        continue;
                    }
                    pinLocked(buf, locked);
                    return buf;
                }
                descriptors.unlockHeader(buf, locked);
            }
            if (--tries == 0) {
                throw PgException.error(SqlState.INTERNAL_ERROR, "no unpinned buffers available");
            }
        }
    }

    // =====================================================================================================
    // Pins
    // =====================================================================================================

    /** Pins (PostgreSQL's PinBuffer): +1 refcount and usage on the first pin of this process. Returns BM_VALID. */
    private boolean pin(int buf) {
        if (privateRefCount[buf] > 0) {
            privateRefCount[buf]++;
            return (descriptors.state(buf) & BM_VALID) != 0;
        }
        while (true) {
            long old = descriptors.awaitHeaderUnlocked(buf);
            long next = BufferState.pinned(old);
            if (descriptors.compareAndSetState(buf, old, next)) {
                remember(buf);
                return (next & BM_VALID) != 0;
            }
        }
    }

    /** Pins a buffer whose header lock the caller holds, and releases that lock (PinBuffer_Locked). */
    private void pinLocked(int buf, long locked) {
        if (privateRefCount[buf] > 0) {
            descriptors.unlockHeader(buf, locked);
            privateRefCount[buf]++;
            return;
        }
        descriptors.unlockHeader(buf, locked + REFCOUNT_ONE);
        remember(buf);
    }

    private void remember(int buf) {
        privateRefCount[buf] = 1;
        if (pinnedCount == pinned.length) {
            pinned = Arrays.copyOf(pinned, pinnedCount * 2);
        }
        pinned[pinnedCount++] = buf;
    }

    private void unpin(int buf) {
        if (privateRefCount[buf] <= 0) {
            throw new IllegalStateException("buffer " + buf + " is not pinned by this process");
        }
        if (--privateRefCount[buf] > 0) {
            return;
        }
        for (int i = pinnedCount - 1; i >= 0; i--) {
            if (pinned[i] == buf) {
                pinned[i] = pinned[--pinnedCount];
                break;
            }
        }
        while (true) {
            long old = descriptors.awaitHeaderUnlocked(buf);
            if (descriptors.compareAndSetState(buf, old, BufferState.unpinned(old))) {
                return;
            }
        }
    }

    private void checkPinned(int buf) {
        if (buf < 0 || buf >= nbuffers || privateRefCount[buf] <= 0) {
            throw new IllegalStateException("buffer " + buf + " is not pinned by this process");
        }
    }

    /** Adds one more pin to a buffer this process already pinned (PostgreSQL's IncrBufferRefCount). */
    public void incrementPin(int buf) {
        checkPinned(buf);
        privateRefCount[buf]++;
    }

    /** Drops one pin (PostgreSQL's ReleaseBuffer). The content lock, if held, must have been released. */
    public void releaseBuffer(int buf) {
        checkPinned(buf);
        unpin(buf);
    }

    /** Unlocks the content lock and drops one pin (PostgreSQL's UnlockReleaseBuffer). */
    public void unlockReleaseBuffer(int buf) {
        unlockContent(buf);
        releaseBuffer(buf);
    }

    /** How many pins this process holds on {@code buf}. */
    public int pinCount(int buf) {
        return privateRefCount[buf];
    }

    /** How many distinct buffers this process has pinned (0 at the end of a clean transaction). */
    public int pinnedBufferCount() {
        return pinnedCount;
    }

    // =====================================================================================================
    // Content locks and dirtying
    // =====================================================================================================

    /**
     * Takes the buffer's content lock (PostgreSQL's LockBuffer). The caller must hold a pin; SHARE to read
     * the page, EXCLUSIVE to change it. Waits as long as needed.
     */
    public void lockContent(int buf, LWLockMode mode) {
        checkPinned(buf);
        contentLocks.get(buf).acquire(mode);
    }

    /** Takes the content lock only if free now (PostgreSQL's ConditionalLockBuffer); true if taken. */
    public boolean conditionalLockContent(int buf, LWLockMode mode) {
        checkPinned(buf);
        return contentLocks.get(buf).conditionalAcquire(mode);
    }

    /** Releases the content lock this process holds on {@code buf}. */
    public void unlockContent(int buf) {
        checkPinned(buf);
        contentLocks.get(buf).release();
    }

    /**
     * Takes the content lock EXCLUSIVE once this process holds the only pin (PostgreSQL's
     * LockBufferForCleanup, for VACUUM's pruning): retries every 100 µs while other processes hold pins.
     */
    public void lockForCleanup(int buf) {
        checkPinned(buf);
        if (privateRefCount[buf] != 1) {
            throw new IllegalStateException("incorrect local pin count: " + privateRefCount[buf]);
        }
        LWLock content = contentLocks.get(buf);
        while (true) {
            content.acquire(LWLockMode.EXCLUSIVE);
            if (refcount(descriptors.state(buf)) == 1) {
                return;
            }
            content.release();
            LockSupport.parkNanos(100_000L);
        }
    }

    /** Like {@link #lockForCleanup} but gives up at once (ConditionalLockBufferForCleanup); true if locked. */
    public boolean conditionalLockForCleanup(int buf) {
        checkPinned(buf);
        if (privateRefCount[buf] != 1) {
            return false;
        }
        LWLock content = contentLocks.get(buf);
        if (!content.conditionalAcquire(LWLockMode.EXCLUSIVE)) {
            return false;
        }
        if (refcount(descriptors.state(buf)) == 1) {
            return true;
        }
        content.release();
        return false;
    }

    /**
     * Marks the page changed (PostgreSQL's MarkBufferDirty): sets BM_DIRTY and BM_JUST_DIRTIED. The caller
     * holds a pin and the EXCLUSIVE content lock, and must have WAL-logged the change (page LSN set) before
     * releasing the lock.
     *
     * @throws IllegalStateException if the exclusive content lock is not held
     */
    public void markDirty(int buf) {
        checkPinned(buf);
        if (!contentLocks.get(buf).heldByMe(LWLockMode.EXCLUSIVE)) {
            throw new IllegalStateException("markDirty of buffer " + buf + " without its exclusive content lock");
        }
        while (true) {
            long old = descriptors.awaitHeaderUnlocked(buf);
            if (descriptors.compareAndSetState(buf, old, old | BM_DIRTY | BM_JUST_DIRTIED)) {
                return;
            }
        }
    }

    /**
     * Marks the page changed by a hint (PostgreSQL's MarkBufferDirtyHint, without checksums): the caller
     * holds a pin and the content lock in either mode; the change needs no WAL and losing it is harmless.
     */
    public void markDirtyHint(int buf) {
        checkPinned(buf);
        if (!contentLocks.get(buf).heldByMe()) {
            throw new IllegalStateException("markDirtyHint of buffer " + buf + " without its content lock");
        }
        long s = descriptors.state(buf);
        if ((s & (BM_DIRTY | BM_JUST_DIRTIED)) == (BM_DIRTY | BM_JUST_DIRTIED)) {
            return;
        }
        long locked = descriptors.lockHeader(buf);
        descriptors.unlockHeader(buf, locked | BM_DIRTY | BM_JUST_DIRTIED);
    }

    /** The page frame of a pinned buffer (8192 bytes of shared memory; lock rules as README). */
    public MemorySegment page(int buf) {
        checkPinned(buf);
        return pages.page(buf);
    }

    /** The block number of a pinned buffer (PostgreSQL's BufferGetBlockNumber). */
    public long blockNumber(int buf) {
        checkPinned(buf);
        return Integer.toUnsignedLong(descriptors.blockNumber(buf));
    }

    /** The relation of a pinned buffer (BufferGetTag). */
    public RelFileLocator relation(int buf) {
        checkPinned(buf);
        return new RelFileLocator(descriptors.spcOid(buf), descriptors.dbOid(buf), descriptors.relNumber(buf));
    }

    /** The fork of a pinned buffer. */
    public ForkNumber fork(int buf) {
        checkPinned(buf);
        return ForkNumber.of(descriptors.forkNumber(buf));
    }

    /** The shared state word (for tests and diagnostics). */
    public long state(int buf) {
        return descriptors.state(buf);
    }

    /** The LSN in a page's first 8 bytes: native uint32 xlogid (high) then xrecoff (low). */
    public static long pageLsn(MemorySegment page) {
        return org.pgjava.backend.storage.page.Page.lsn(page);
    }

    /** Stores an LSN in a page's first 8 bytes (PageSetLSN); the caller holds the exclusive content lock. */
    public static void setPageLsn(MemorySegment page, long lsn) {
        org.pgjava.backend.storage.page.Page.setLsn(page, lsn);
    }

    // =====================================================================================================
    // I/O
    // =====================================================================================================

    /**
     * Claims the buffer's I/O (PostgreSQL's StartBufferIO): waits while another process's I/O runs, then
     * returns false if there is nothing left to do (input: the page is valid; output: the page is clean),
     * else sets BM_IO_IN_PROGRESS (output: clears BM_JUST_DIRTIED) and returns true. Caller holds a pin.
     */
    private boolean startBufferIO(int buf, boolean forInput) {
        long locked;
        while (true) {
            locked = descriptors.lockHeader(buf);
            if ((locked & BM_IO_IN_PROGRESS) == 0) {
                break;
            }
            descriptors.unlockHeader(buf, locked);
            descriptors.awaitIoDone(buf, ioWaitTimespec);
        }
        if (forInput ? (locked & BM_VALID) != 0 : (locked & BM_DIRTY) == 0) {
            descriptors.unlockHeader(buf, locked);
            return false;
        }
        long next = locked | BM_IO_IN_PROGRESS;
        if (!forInput) {
            next &= ~BM_JUST_DIRTIED;
        }
        descriptors.unlockHeader(buf, next);
        ioInProgress = buf;
        return true;
    }

    /**
     * Ends this process's I/O (PostgreSQL's TerminateBufferIO): clears BM_IO_IN_PROGRESS and BM_IO_ERROR,
     * clears BM_DIRTY and BM_CHECKPOINT_NEEDED if {@code clearDirty} and the page was not dirtied again
     * meanwhile, sets {@code setFlags}, and wakes waiters.
     */
    private void terminateBufferIO(int buf, boolean clearDirty, long setFlags) {
        long locked = descriptors.lockHeader(buf);
        long next = locked & ~(BM_IO_IN_PROGRESS | BM_IO_ERROR);
        if (clearDirty && (next & BM_JUST_DIRTIED) == 0) {
            next &= ~(BM_DIRTY | BM_CHECKPOINT_NEEDED);
        }
        descriptors.unlockHeader(buf, next | setFlags);
        ioInProgress = INVALID_BUFFER;
        descriptors.wakeIoWaiters(buf);
    }

    /** Ends a failed I/O of this process, if any (PostgreSQL's AbortBufferIO): BM_IO_ERROR set, waiters woken. */
    private void abortBufferIO() {
        int buf = ioInProgress;
        if (buf == INVALID_BUFFER) {
            return;
        }
        long locked = descriptors.lockHeader(buf);
        descriptors.unlockHeader(buf, (locked & ~BM_IO_IN_PROGRESS) | BM_IO_ERROR);
        ioInProgress = INVALID_BUFFER;
        descriptors.wakeIoWaiters(buf);
    }

    /**
     * Writes the page if it is dirty (PostgreSQL's FlushBuffer): WAL flushed up to the page LSN first, then
     * the write, which registers the fsync request before the page is marked clean. The caller holds a pin
     * and the content lock (SHARE or EXCLUSIVE).
     *
     * @return true if this call wrote the page
     */
    private boolean flushBuffer(int buf) {
        if (!startBufferIO(buf, false)) {
            return false;
        }
        try {
            MemorySegment page = pages.page(buf);
            if ((descriptors.state(buf) & BM_PERMANENT) != 0) {
                wal.flushUpTo(pageLsn(page));
            }
            RelFileLocator rel = new RelFileLocator(descriptors.spcOid(buf), descriptors.dbOid(buf),
                    descriptors.relNumber(buf));
            smgr.write(rel, ForkNumber.of(descriptors.forkNumber(buf)),
                    Integer.toUnsignedLong(descriptors.blockNumber(buf)), page, false);
        } catch (Throwable t) {
            abortBufferIO();
            throw t;
        }
        terminateBufferIO(buf, true, 0);
        return true;
    }

    /**
     * Writes a pinned buffer now if it is dirty (PostgreSQL's FlushOneBuffer); the caller holds the content
     * lock. Returns true if written.
     */
    public boolean flushBufferNow(int buf) {
        checkPinned(buf);
        if (!contentLocks.get(buf).heldByMe()) {
            throw new IllegalStateException("flush of buffer " + buf + " without its content lock");
        }
        return flushBuffer(buf);
    }

    // =====================================================================================================
    // Checkpointer, background writer, DROP
    // =====================================================================================================

    /**
     * Writes every permanent buffer that is dirty when the call starts (PostgreSQL's BufferSync): first marks
     * them all BM_CHECKPOINT_NEEDED, then writes them in tag order, skipping those another process wrote
     * meanwhile. Pages dirtied after the start are not waited for. Each write registers its fsync request
     * with this process's sync sink; the caller (the checkpointer) then fsyncs them
     * ({@code SyncRequestTable.syncAll}) before it records the checkpoint.
     *
     * @return how many pages this call wrote
     */
    public int flushAllDirty() {
        record Candidate(int buf, int spc, int db, int rel, int fork, long block) {
        }
        List<Candidate> toWrite = new ArrayList<>();
        for (int buf = 0; buf < nbuffers; buf++) {
            if (!BufferState.has(descriptors.state(buf), BM_DIRTY | BM_PERMANENT)) {
                continue;
            }
            long locked = descriptors.lockHeader(buf);
            if (BufferState.has(locked, BM_DIRTY | BM_PERMANENT | BM_TAG_VALID)) {
                toWrite.add(new Candidate(buf, descriptors.spcOid(buf), descriptors.dbOid(buf),
                        descriptors.relNumber(buf), descriptors.forkNumber(buf),
                        Integer.toUnsignedLong(descriptors.blockNumber(buf))));
                locked |= BM_CHECKPOINT_NEEDED;
            }
            descriptors.unlockHeader(buf, locked);
        }
        toWrite.sort(Comparator.comparingInt(Candidate::spc).thenComparingInt(Candidate::db)
                .thenComparingInt(Candidate::rel).thenComparingInt(Candidate::fork)
                .thenComparingLong(Candidate::block));
        int written = 0;
        for (Candidate c : toWrite) {
            if (syncOneBuffer(c.buf(), false)) {
                written++;
            }
        }
        return written;
    }

    /**
     * Writes one buffer for the checkpointer ({@code forBgwriter} false: only if BM_CHECKPOINT_NEEDED is
     * still set) or the background writer (true: only if unpinned with usage 0). Returns true if written.
     */
    private boolean syncOneBuffer(int buf, boolean forBgwriter) {
        long locked = descriptors.lockHeader(buf);
        boolean wanted = forBgwriter
                ? refcount(locked) == 0 && usageCount(locked) == 0
                : (locked & BM_CHECKPOINT_NEEDED) != 0;
        if (!wanted || !BufferState.has(locked, BM_VALID | BM_DIRTY)) {
            descriptors.unlockHeader(buf, locked);
            return false;
        }
        pinLocked(buf, locked);
        LWLock content = contentLocks.get(buf);
        try {
            content.acquire(LWLockMode.SHARED);
            try {
                return flushBuffer(buf);
            } finally {
                content.release();
            }
        } finally {
            unpin(buf);
        }
    }

    /**
     * One background-writer round (a simplified PostgreSQL BgBufferSync): looks at the buffers just ahead of
     * the clock hand and writes the dirty ones that are unpinned and unused, so that the processes
     * allocating buffers find clean victims. Stops after {@code maxPages} writes (bgwriter_lru_maxpages),
     * after finding {@code allocations × multiplier} reusable buffers (bgwriter_lru_multiplier; at least 16),
     * or after one pass over the pool.
     */
    public BgwriterRound cleanAhead(int maxPages, double multiplier) {
        long allocations = strategy.takeAllocationCount();
        long wanted = Math.max(16, (long) Math.ceil(allocations * multiplier));
        int start = (int) Long.remainderUnsigned(strategy.clockPosition(), nbuffers);
        int scanned = 0, written = 0, reusable = 0;
        while (scanned < nbuffers && reusable < wanted && written < maxPages) {
            int buf = (start + scanned) % nbuffers;
            scanned++;
            long s = descriptors.state(buf);
            if (refcount(s) != 0 || usageCount(s) != 0) {
                continue;
            }
            if ((s & BM_DIRTY) == 0) {
                reusable++;
            } else if (syncOneBuffer(buf, true)) {
                written++;
                reusable++;
            }
        }
        strategy.countBgwriterWrites(written);
        return new BgwriterRound(scanned, written, reusable, allocations);
    }

    /**
     * Forgets every buffer of the relation, dirty or not, without writing it (PostgreSQL's
     * DropRelationBuffers / DropRelationsAllBuffers), for DROP TABLE (all forks, {@code fork} null,
     * {@code firstBlock} 0) or truncation (blocks &ge; {@code firstBlock} of one fork). The caller holds a lock
     * that keeps other processes from using the relation; short pins by the checkpointer or background
     * writer are waited for.
     *
     * @return how many buffers were dropped
     * @throws IllegalStateException if this process still pins one of them
     */
    public int dropRelationBuffers(RelFileLocator rel, ForkNumber fork, long firstBlock) {
        int dropped = 0;
        for (int buf = 0; buf < nbuffers; buf++) {
            if (descriptors.relationEquals(buf, rel.spcOid(), rel.dbOid(), rel.relNumber())
                    && (descriptors.state(buf) & BM_TAG_VALID) != 0
                    && invalidateBuffer(buf, rel, fork, firstBlock)) {
                dropped++;
            }
        }
        return dropped;
    }

    /** All forks, all blocks. */
    public int dropRelationBuffers(RelFileLocator rel) {
        return dropRelationBuffers(rel, null, 0);
    }

    private boolean tagSelected(int buf, RelFileLocator rel, ForkNumber fork, long firstBlock) {
        return descriptors.relationEquals(buf, rel.spcOid(), rel.dbOid(), rel.relNumber())
                && (fork == null || descriptors.forkNumber(buf) == fork.ordinal())
                && Integer.toUnsignedLong(descriptors.blockNumber(buf)) >= firstBlock;
    }

    /** PostgreSQL's InvalidateBuffer: unmaps the buffer if its tag is still selected. */
    private boolean invalidateBuffer(int buf, RelFileLocator rel, ForkNumber fork, long firstBlock) {
        while (true) {
            long locked = descriptors.lockHeader(buf);
            if ((locked & BM_TAG_VALID) == 0 || !tagSelected(buf, rel, fork, firstBlock)) {
                descriptors.unlockHeader(buf, locked);
                return false;
            }
            int spc = descriptors.spcOid(buf), db = descriptors.dbOid(buf), relNumber = descriptors.relNumber(buf),
                    forkNumber = descriptors.forkNumber(buf), block = descriptors.blockNumber(buf);
            descriptors.unlockHeader(buf, locked);
            int hash = BufferMappingTable.hash(spc, db, relNumber, forkNumber, block);
            LWLock partitionLock = mappingLocks.get(BufferMappingTable.partition(hash));
            partitionLock.acquire(LWLockMode.EXCLUSIVE);
            locked = descriptors.lockHeader(buf);
            if ((locked & BM_TAG_VALID) == 0
                    || !descriptors.tagEquals(buf, spc, db, relNumber, forkNumber, block)) {
                descriptors.unlockHeader(buf, locked);
                partitionLock.release();
                continue;  // re-used meanwhile: look again
            }
            if (refcount(locked) != 0) {
                descriptors.unlockHeader(buf, locked);
                partitionLock.release();
                if (privateRefCount[buf] > 0) {
                    throw new IllegalStateException("buffer is pinned in InvalidateBuffer");
                }
                descriptors.awaitIoDone(buf, ioWaitTimespec);
                LockSupport.parkNanos(50_000L);
                continue;
            }
            mapping.delete(hash, spc, db, relNumber, forkNumber, block);
            descriptors.clearTag(buf);
            descriptors.unlockHeader(buf, 0L);
            partitionLock.release();
            return true;
        }
    }

    /**
     * Drops everything this process holds in the pool (PostgreSQL's AbortBufferIO + UnlockBuffers + the
     * resource owner's buffer release): ends its failed I/O, releases content locks it holds, and unpins
     * every buffer however many times it was pinned. Safe after {@code LWLockOwner.releaseAll()}. Call at
     * transaction abort and before exit.
     *
     * @return how many buffers were still pinned (0 after a clean transaction; more is a leak to report)
     */
    public int releaseAll() {
        abortBufferIO();
        int leaked = pinnedCount;
        while (pinnedCount > 0) {
            int buf = pinned[pinnedCount - 1];
            LWLock content = contentLocks.get(buf);
            while (content.heldByMe()) {
                content.release();
            }
            privateRefCount[buf] = 1;
            unpin(buf);
        }
        return leaked;
    }

    /** The shared pool this manager works on. */
    public SharedBufferPool pool() {
        return pool;
    }
}
