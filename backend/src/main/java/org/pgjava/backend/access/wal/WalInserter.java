package org.pgjava.backend.access.wal;

import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.wal.WalFlusher;
import org.pgjava.shmem.wal.WalGeometry;
import org.pgjava.shmem.wal.WalShared;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One process's (one thread's) door to the shared WAL: inserts records into the shared ring, writes and
 * flushes the ring to the segment files with group commit, and the WAL writer's periodic cycle.
 * PostgreSQL's XLogInsertRecord + XLogFlush + XLogWrite + XLogBackgroundFlush. Entry points:
 * {@link #insert}, {@link #flush(long)}, {@link #walWriterCycle()}, {@link #beginCheckpointRedo()},
 * {@link #startAfterRecovery(long, long)}.
 *
 * <h2>Insert</h2>
 * Encode the record (full-page images decided against RedoRecPtr), take this process's insertion lock,
 * re-check RedoRecPtr (a checkpoint that started meanwhile may require images: encode again), reserve
 * space with one spinlock section, fill in xl_prev and the CRC, copy the bytes into the ring page by page
 * (setting the continuation header of each page the record runs onto), release the lock. A ring page not
 * yet initialised for its LSN is initialised under WALBufMappingLock; if its slot still holds an older page
 * that is not written, this process first says how far it got (insertingAt) and writes the WAL itself.
 *
 * <h2>Flush (group commit)</h2>
 * Return at once if flushed ≥ lsn. Else take WALWriteLock; if meanwhile someone flushed past lsn, return
 * (this is how waiters behind the lock share one fdatasync); else wait for every insertion below the current
 * insert position to finish copying, write everything copied (not only up to lsn), sync the segment files
 * from the old flushed position on, publish the new flushed position. Repeat until flushed ≥ lsn.
 *
 * <p>Errors: a failed write throws {@link WalPanicError}; a failed sync sets the shared "sync failed" flag
 * and throws {@link WalSyncFailedError}; once that flag is set every flush throws it. An error out of
 * {@link #insert} after space was reserved leaves a hole in the WAL: it is a {@link WalPanicError} too.
 *
 * <p>Process-safety: one instance per thread that inserts (its {@link WalShared} view carries the thread's
 * LWLock owner). Open segment files are this instance's.
 */
public final class WalInserter implements WalFlusher, AutoCloseable {
    private final WalShared shared;
    private final WalSegments segments;
    private final WalSyncMethod syncMethod;
    private final boolean fsync;
    private final boolean fullPageWrites;
    private final int insertionLock;
    private final long[] reservation = new long[3];
    private long lastRecordEnd;
    private long lastRecordStart;

    private long openSegNo = -1;
    private FileChannel openSegment;

    /** Counters for tests and statistics (this instance only). */
    private long writes;
    private long syncs;

    /**
     * @param shared         this thread's view of the shared WAL state
     * @param segments       the pg_wal directory
     * @param syncMethod     wal_sync_method
     * @param fsync          the fsync setting: off skips every sync (data may be lost at a power cut)
     * @param fullPageWrites full_page_writes
     * @param insertionLock  which insertion lock this process uses (e.g. its process slot mod 8)
     */
    public WalInserter(WalShared shared, WalSegments segments, WalSyncMethod syncMethod, boolean fsync,
                       boolean fullPageWrites, int insertionLock) {
        this.shared = shared;
        this.segments = segments;
        this.syncMethod = syncMethod;
        this.fsync = fsync;
        this.fullPageWrites = fullPageWrites;
        this.insertionLock = Math.floorMod(insertionLock, WalShared.INSERTION_LOCKS);
    }

    /** The shared state view. */
    public WalShared shared() {
        return shared;
    }

    /** The segment files. */
    public WalSegments segments() {
        return segments;
    }

    /**
     * Inserts one record and returns its end LSN (what the caller stores as the LSN of every page the record
     * changed, and what a commit flushes to). The caller holds the content locks of all pages in
     * {@code blocks} exclusively. Nothing is durable until {@link #flush(long)}.
     *
     * @throws IllegalArgumentException for a malformed record (nothing was reserved)
     * @throws WalPanicError            if WAL could not be written while making room in the ring
     */
    public long insert(int rmid, int info, long xid, List<WalBlockRef> blocks, byte[] mainData) {
        long redo = shared.redoRecPtr();
        WalRecord.Encoded encoded = WalRecord.encode(rmid, info, xid, blocks, mainData, redo, fullPageWrites);
        while (true) {
            shared.acquireInsertionLock(insertionLock);
            long nowRedo = shared.redoRecPtr();
            if (nowRedo != redo && fullPageWrites && encoded.lowestLsnWithoutImage() <= nowRedo) {
                // a checkpoint started after we decided: pages changed since then need an image
                shared.releaseInsertionLock(insertionLock);
                redo = nowRedo;
                encoded = WalRecord.encode(rmid, info, xid, blocks, mainData, redo, fullPageWrites);
                continue;
            }
            break;
        }
        byte[] record = encoded.bytes();
        try {
            shared.reserve(WalGeometry.align(record.length), reservation);
            long start = reservation[0];
            long end = reservation[1];
            WalRecord.seal(record, reservation[2]);
            try {
                copyIntoRing(record, start);
            } catch (RuntimeException | Error e) {
                throw e instanceof WalPanicError p ? p
                        : new WalPanicError("could not insert WAL record at " + WalGeometry.formatLsn(start), e);
            }
            lastRecordEnd = end;
            lastRecordStart = start;
            return end;
        } finally {
            shared.releaseInsertionLock(insertionLock);
        }
    }

    /** End LSN of the last record this instance inserted (0 if none): what a commit must flush. */
    public long lastRecordEnd() {
        return lastRecordEnd;
    }

    /** Start LSN of the last record this instance inserted (0 if none): where a checkpoint record is. */
    public long lastRecordStart() {
        return lastRecordStart;
    }

    private void copyIntoRing(byte[] record, long startLsn) {
        long lsn = startLsn;
        int offset = 0;
        int remaining = record.length;
        while (remaining > 0) {
            long pageStart = WalGeometry.pageStart(lsn);
            MemorySegment page = ringPage(pageStart);
            if (lsn == pageStart) {
                WalPageHeader.markContinuation(page, remaining);
                lsn += WalGeometry.PAGE_HEADER_SIZE;
            }
            int inPage = (int) Math.min(remaining, pageStart + WalGeometry.PAGE_SIZE - lsn);
            MemorySegment.copy(record, offset, page, ValueLayout.JAVA_BYTE, lsn - pageStart, inPage);
            lsn += inPage;
            offset += inPage;
            remaining -= inPage;
        }
    }

    /** The ring page for the WAL page at {@code pageStart}, initialising ring pages up to it if needed. */
    private MemorySegment ringPage(long pageStart) {
        long pageEnd = pageStart + WalGeometry.PAGE_SIZE;
        int slot = shared.slotOf(pageStart);
        if (shared.pageEnd(slot) != pageEnd) {
            // all of our record below pageStart is copied: a writer need not wait for us below it
            shared.updateInsertingAt(insertionLock, pageStart);
            advanceRing(pageEnd);
        }
        return shared.page(pageStart);
    }

    /** Initialises ring pages until the one ending at {@code upto} is there (PostgreSQL's AdvanceXLInsertBuffer). */
    private void advanceRing(long upto) {
        LWLock mapping = shared.bufMappingLock();
        while (true) {
            long mustBeWritten = 0;
            mapping.acquire(LWLockMode.EXCLUSIVE);
            try {
                long next = shared.initializedUpTo();
                while (next < upto) {
                    int slot = shared.slotOf(next);
                    long oldEnd = shared.pageEnd(slot);
                    if (oldEnd != 0 && shared.writtenLsn() < oldEnd) {
                        mustBeWritten = oldEnd;
                        break;
                    }
                    WalPageHeader.initialize(shared.page(next), next);
                    shared.setPageEnd(slot, next + WalGeometry.PAGE_SIZE);
                    next += WalGeometry.PAGE_SIZE;
                    shared.setInitializedUpTo(next);
                }
            } finally {
                mapping.release();
            }
            if (mustBeWritten == 0) {
                return;
            }
            writeOrFlush(mustBeWritten, false);
        }
    }

    /**
     * Makes WAL below {@code lsn} durable (group commit, see the class comment). With fsync off it is only
     * written. Returns at once if it already is.
     *
     * @throws WalSyncFailedError if a sync failed now or earlier in any process
     * @throws WalPanicError      if a write failed
     */
    @Override
    public void flush(long lsn) {
        if (shared.flushedLsn() >= lsn) {
            return;
        }
        shared.requestFlush(lsn);
        while (shared.flushedLsn() < lsn) {
            int sequence = shared.flushSequence();
            if (shared.walWriteLock().isExclusivelyHeld()) {
                // another process is writing and syncing: wait for its flush instead of queueing for the
                // lock (PostgreSQL's LWLockAcquireOrWait); a commit it covers returns without the lock
                checkSyncFailed();
                shared.awaitFlushProgress(sequence, flushWaitTimeout.address());
                continue;
            }
            writeOrFlush(lsn, true);
        }
    }

    /** struct timespec {0 s, 1 ms}: the longest sleep of one wait for another process's flush. */
    private final java.lang.foreign.MemorySegment flushWaitTimeout = flushWaitTimeout();

    private static java.lang.foreign.MemorySegment flushWaitTimeout() {
        java.lang.foreign.MemorySegment t = java.lang.foreign.Arena.ofAuto().allocate(16, 8);
        t.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 0L);
        t.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, 1_000_000L);
        return t;
    }

    /**
     * One cycle of the WAL writer process (every wal_writer_delay): writes and flushes whatever inserting
     * backends have completed, so asynchronous commits become durable within about three cycles. Returns
     * true if it wrote anything. Also pre-allocates the segment after the current one.
     */
    public boolean walWriterCycle() {
        long insertEnd = shared.insertEndLsn();
        if (insertEnd > shared.flushedLsn()) {
            long flushedBefore = shared.flushedLsn();
            writeOrFlush(insertEnd, true);
            preallocateNext();
            return shared.flushedLsn() > flushedBefore;
        }
        return false;
    }

    private void preallocateNext() {
        try {
            segments.preallocate(segments.segmentOf(shared.insertEndLsn()) + 1);
        } catch (IOException e) {
            // PostgreSQL logs and goes on: the segment is created on demand later
            System.err.println("WARNING:  could not pre-allocate WAL segment: " + e.getMessage());
        }
    }

    /**
     * One round under WALWriteLock: write everything copied into the ring up to the insert position (at
     * least trying to reach {@code target}), and with {@code flush} sync it. May stop below {@code target}
     * when an inserter waits for ring space below it; the caller loops.
     */
    private void writeOrFlush(long target, boolean flush) {
        if (flush) {
            checkSyncFailed();
        }
        LWLock writeLock = shared.walWriteLock();
        writeLock.acquire(LWLockMode.EXCLUSIVE);
        try {
            checkSyncFailed();
            if ((flush ? shared.flushedLsn() : shared.writtenLsn()) >= target) {
                return;
            }
            long insertEnd = shared.insertEndLsn();
            long upto = shared.waitInsertionsToFinish(Math.max(insertEnd, target));
            long written = shared.writtenLsn();
            if (upto > written) {
                writeRange(written, upto);
                shared.setWrittenLsn(upto);
            }
            long flushed = shared.flushedLsn();
            long nowWritten = shared.writtenLsn();
            if (flush && nowWritten > flushed) {
                if (fsync && !syncMethod.syncsOnWrite()) {
                    syncSegments(flushed, nowWritten);
                }
                shared.setFlushedLsn(nowWritten);
            }
        } finally {
            writeLock.release();
        }
    }

    private void checkSyncFailed() {
        if (shared.syncFailed()) {
            throw new WalSyncFailedError("could not flush WAL: an earlier fsync of WAL failed", null);
        }
    }

    /** Writes ring bytes [from, to) to the segment files; caller holds WALWriteLock. */
    private void writeRange(long from, long to) {
        long position = from;
        while (position < to) {
            long pageStart = WalGeometry.pageStart(position);
            long segNo = segments.segmentOf(position);
            long segEnd = segments.segmentStart(segNo + 1);
            // contiguous run of ring pages within one segment and without wrapping the ring
            long runEnd = Math.min(to, segEnd);
            long slotRunEnd = pageStart + (long) (shared.walBuffers() - shared.slotOf(pageStart)) * WalGeometry.PAGE_SIZE;
            runEnd = Math.min(runEnd, slotRunEnd);
            MemorySegment run = shared.ringBytes(position, runEnd - position);
            writeToSegment(segNo, position - segments.segmentStart(segNo), run.asByteBuffer());
            position = runEnd;
        }
    }

    private void writeToSegment(long segNo, long offset, ByteBuffer bytes) {
        FileChannel ch = segmentChannel(segNo);
        int length = bytes.remaining();
        try {
            long position = offset;
            while (bytes.hasRemaining()) {
                position += ch.write(bytes, position);
            }
            writes++;
        } catch (IOException e) {
            throw new WalPanicError("could not write to log file " + segments.fileName(segNo) + " at offset "
                    + offset + ", length " + length + ": " + e.getMessage(), e);
        }
    }

    private FileChannel segmentChannel(long segNo) {
        if (openSegNo == segNo && openSegment != null) {
            return openSegment;
        }
        closeSegment();
        Path path = segments.path(segNo);
        try {
            segments.ensureExists(segNo);
            List<java.nio.file.OpenOption> options = new ArrayList<>(List.of(StandardOpenOption.WRITE,
                    StandardOpenOption.READ));
            options.addAll(syncMethod.openOptions());
            openSegment = FileChannel.open(path, options.toArray(new java.nio.file.OpenOption[0]));
            openSegNo = segNo;
            return openSegment;
        } catch (IOException e) {
            throw new WalPanicError("could not open file \"" + path + "\": " + e.getMessage(), e);
        }
    }

    private void closeSegment() {
        if (openSegment != null) {
            try {
                openSegment.close();
            } catch (IOException e) {
                // closing after successful writes and syncs loses nothing
            }
            openSegment = null;
            openSegNo = -1;
        }
    }

    /** Syncs every segment holding WAL in [from, to); caller holds WALWriteLock. */
    private void syncSegments(long from, long to) {
        long first = segments.segmentOf(from);
        long last = segments.segmentOf(to - 1);
        for (long segNo = first; segNo <= last; segNo++) {
            FileChannel ch = segmentChannel(segNo);
            try {
                ch.force(syncMethod == WalSyncMethod.FSYNC);
                syncs++;
            } catch (IOException e) {
                shared.markSyncFailed();
                throw new WalSyncFailedError("could not " + (syncMethod == WalSyncMethod.FSYNC ? "fsync" : "fdatasync")
                        + " file \"" + segments.fileName(segNo) + "\": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Checkpoint start (PostgreSQL's CreateCheckPoint taking all insertion locks): with no insertion in
     * progress, the start LSN of the next record becomes RedoRecPtr and is returned: the checkpoint's redo
     * LSN. From now on a page whose LSN is ≤ it gets a full-page image in the next record that changes it.
     */
    public long beginCheckpointRedo() {
        shared.acquireAllInsertionLocks();
        try {
            long redo = shared.nextRecordLsn();
            shared.setRedoRecPtr(redo);
            return redo;
        } finally {
            shared.releaseAllInsertionLocks();
        }
    }

    /**
     * After recovery, before anyone inserts: the next record goes at {@code endOfWal} (the end LSN of the
     * last valid record the reader found, or a segment start for a fresh cluster), with xl_prev
     * {@code prevRecordLsn}. Copies the partial last page from its segment file into the ring and zeroes it
     * from {@code endOfWal} on, so the next write of that page keeps the records before it.
     */
    public void startAfterRecovery(long endOfWal, long prevRecordLsn) {
        long pageStart = WalGeometry.pageStart(endOfWal);
        long initializedUpTo = pageStart;
        if (endOfWal != pageStart) {
            MemorySegment page = shared.page(pageStart);
            page.fill((byte) 0);
            long segNo = segments.segmentOf(pageStart);
            ByteBuffer buffer = page.asByteBuffer();
            try (FileChannel ch = FileChannel.open(segments.path(segNo), StandardOpenOption.READ)) {
                long position = pageStart - segments.segmentStart(segNo);
                while (buffer.hasRemaining()) {
                    int n = ch.read(buffer, position + buffer.position());
                    if (n < 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new WalPanicError("could not read WAL page at " + WalGeometry.formatLsn(pageStart) + ": "
                        + e.getMessage(), e);
            }
            page.asSlice(endOfWal - pageStart).fill((byte) 0);
            shared.setPageEnd(shared.slotOf(pageStart), pageStart + WalGeometry.PAGE_SIZE);
            initializedUpTo = pageStart + WalGeometry.PAGE_SIZE;
        }
        shared.startAt(endOfWal, prevRecordLsn, initializedUpTo);
    }

    /** WAL writes this instance issued (tests and statistics). */
    public long writeCount() {
        return writes;
    }

    /** WAL syncs this instance issued. */
    public long syncCount() {
        return syncs;
    }

    /** Closes this instance's open segment file. */
    @Override
    public void close() {
        closeSegment();
    }
}
