package org.pgjava.backend.access.transam;

import org.pgjava.backend.utils.snapshot.TransactionIds;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.xact.SlruBuffers;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The commit log (PostgreSQL's clog.c, directory {@code pg_xact}): two bits per transaction id saying
 * whether it is in progress, committed, aborted or sub-committed, read and written through the shared
 * {@link SlruBuffers}.
 *
 * <p>Entry points: {@link #status(long)}, {@link #didCommit(long)}, {@link #didAbort(long)},
 * {@link #setCommitted(long, long[], long)}, {@link #setAborted(long, long[])}, {@link #extendFor(long)}
 * (called by the xid assigner under XidGenLock), {@link #flushAll()} (checkpoint).
 *
 * <h2>On disk (as PostgreSQL)</h2>
 * Files {@code pg_xact/0000}, {@code 0001}, ... (segment number in 4 upper-case hex digits), each
 * {@value #PAGES_PER_SEGMENT} pages of 8192 bytes; page p of the log is page p % 32 of segment p / 32.
 * Transaction {@code xid} (32-bit) is on page xid / {@value #XIDS_PER_PAGE}, byte (xid % 32768) / 4, bits
 * 2 (xid % 4) and 2 (xid % 4) + 1 (least significant first): 0 IN_PROGRESS, 1 COMMITTED, 2 ABORTED,
 * 3 SUB_COMMITTED. A page or segment missing on disk (or a short file) reads as zeroes: transactions
 * interrupted by a crash are in progress in the log and, as nobody runs them, treated as aborted.
 *
 * <h2>Rules</h2>
 * <ol>
 * <li>All page contents and buffer tags are changed under the control lock exclusively; status reads of a
 *     resident page take it shared. Page I/O happens under the exclusive control lock (deviation:
 *     PostgreSQL releases it and uses per-buffer I/O locks).</li>
 * <li>A page is never written before the WAL up to its LSN is flushed (the commit LSN passed to
 *     {@link #setCommitted}; matters for synchronous_commit = off): the {@code walFlush} callback.</li>
 * <li>A page written because its buffer is reused is fsynced at once (the checkpointer does not know about
 *     it); {@link #flushAll()} writes every dirty page and fsyncs the files it wrote. A failed fsync is a
 *     PANIC (crash-restart), never retried.</li>
 * <li>Setting a committed tree follows TransactionIdSetTreeStatus: subxids on other pages than the top xid
 *     are marked SUB_COMMITTED first, then the top xid's page, then the rest COMMITTED; all under one hold
 *     of the control lock, so readers never see a partial tree. A SUB_COMMITTED status read by
 *     {@link #didCommit} answers false (there is no pg_subtrans; it can only be left by a crash in the
 *     middle, and WAL replay then sets the tree again).</li>
 * </ol>
 * Process-safety: one instance per process over the shared buffers; its methods take and release the
 * control lock themselves (call them holding no other LWLock than XidGenLock).
 */
public final class CommitLog {
    /** Status: in progress (or never finished). */
    public static final int IN_PROGRESS = 0;
    /** Status: committed. */
    public static final int COMMITTED = 1;
    /** Status: aborted. */
    public static final int ABORTED = 2;
    /** Status: a subtransaction committed into a parent whose own status is not yet set. */
    public static final int SUB_COMMITTED = 3;
    /** Transactions per 8 KiB page (4 per byte). */
    public static final int XIDS_PER_PAGE = SlruBuffers.PAGE_SIZE * 4;
    /** Pages per segment file (SLRU_PAGES_PER_SEGMENT). */
    public static final int PAGES_PER_SEGMENT = 32;

    private final SlruBuffers buffers;
    private final Path directory;
    private final LongConsumer walFlush;
    private final LWLock control;

    /**
     * @param buffers   the shared clog buffers
     * @param directory DATA/pg_xact (created when the first page is written)
     * @param walFlush  flushes WAL up to the given LSN (the WAL writer's flush); called before a page whose
     *                  LSN is not 0 is written, with the control lock held
     */
    public CommitLog(SlruBuffers buffers, Path directory, LongConsumer walFlush) {
        this.buffers = buffers;
        this.directory = directory;
        this.walFlush = walFlush;
        this.control = buffers.controlLock();
    }

    /** The segment file name of segment {@code segment} ("0000", "001F"). */
    public static String segmentName(long segment) {
        return String.format("%04X", segment);
    }

    private static long pageOf(long xid) {
        return xid / XIDS_PER_PAGE;
    }

    private static long byteOf(long xid) {
        return (xid % XIDS_PER_PAGE) / 4;
    }

    private static int shiftOf(long xid) {
        return (int) (xid % 4) * 2;
    }

    /**
     * The logged status of {@code xid} (32-bit). BOOTSTRAP and FROZEN are COMMITTED, INVALID is ABORTED
     * (PostgreSQL's TransactionLogFetch).
     */
    public int status(long xid) {
        if (!TransactionIds.isNormal(xid)) {
            return xid == TransactionIds.INVALID ? ABORTED : COMMITTED;
        }
        long page = pageOf(xid);
        control.acquire(LWLockMode.SHARED);
        try {
            int b = buffers.findPage(page);
            if (b >= 0) {
                buffers.touch(b);
                return read(b, xid);
            }
        } finally {
            control.release();
        }
        control.acquire(LWLockMode.EXCLUSIVE);
        try {
            return read(bufferFor(page, true), xid);
        } finally {
            control.release();
        }
    }

    private int read(int buffer, long xid) {
        byte v = buffers.page(buffer).get(ValueLayout.JAVA_BYTE, byteOf(xid));
        return (v >> shiftOf(xid)) & 3;
    }

    /** True if {@code xid} committed (TransactionIdDidCommit; SUB_COMMITTED answers false). */
    public boolean didCommit(long xid) {
        return status(xid) == COMMITTED;
    }

    /**
     * An upper bound of the commit LSN of {@code xid} (PostgreSQL's TransactionIdGetCommitLSN, at page
     * granularity): the LSN of its commit-log page while the page is in the shared buffers, 0 when it is not
     * (an evicted page was written, so WAL is flushed past every commit on it). Hint bits for an
     * asynchronously committed xid must wait until WAL is flushed to this LSN.
     */
    public long commitLsnBound(long xid) {
        if (!TransactionIds.isNormal(xid)) {
            return 0;
        }
        control.acquire(LWLockMode.SHARED);
        try {
            int b = buffers.findPage(pageOf(xid));
            return b >= 0 ? buffers.pageLsn(b) : 0;
        } finally {
            control.release();
        }
    }

    /** True if {@code xid} aborted (TransactionIdDidAbort). */
    public boolean didAbort(long xid) {
        return status(xid) == ABORTED;
    }

    /**
     * Marks {@code xid} and its committed subtransactions committed (TransactionIdCommitTree). Call after
     * the commit record is in WAL (flushed, or inserted at {@code commitLsn} for an asynchronous commit).
     *
     * @param commitLsn end of the commit record; the pages are not written before WAL is flushed to it
     *                  (0 = no constraint)
     */
    public void setCommitted(long xid, long[] subxids, long commitLsn) {
        setTreeStatus(xid, subxids, COMMITTED, commitLsn);
    }

    /** Marks {@code xid} and {@code subxids} aborted (TransactionIdAbortTree); no WAL constraint. */
    public void setAborted(long xid, long[] subxids) {
        setTreeStatus(xid, subxids, ABORTED, 0);
    }

    private void setTreeStatus(long xid, long[] subxids, int status, long lsn) {
        control.acquire(LWLockMode.EXCLUSIVE);
        try {
            long topPage = pageOf(xid);
            if (status == COMMITTED) {
                for (long s : subxids) {
                    if (pageOf(s) != topPage) set(s, SUB_COMMITTED, lsn);
                }
            }
            for (long s : subxids) {
                if (pageOf(s) == topPage) set(s, status, lsn);
            }
            set(xid, status, lsn);
            for (long s : subxids) {
                if (pageOf(s) != topPage) set(s, status, lsn);
            }
        } finally {
            control.release();
        }
    }

    /** Control lock held exclusively. */
    private void set(long xid, int status, long lsn) {
        if (!TransactionIds.isNormal(xid)) throw new IllegalArgumentException("cannot set the status of xid " + xid);
        int b = bufferFor(pageOf(xid), true);
        MemorySegment page = buffers.page(b);
        long at = byteOf(xid);
        int shift = shiftOf(xid);
        byte old = page.get(ValueLayout.JAVA_BYTE, at);
        page.set(ValueLayout.JAVA_BYTE, at, (byte) ((old & ~(3 << shift)) | (status << shift)));
        buffers.markDirty(b, lsn);
    }

    /**
     * ExtendCLOG: called by the xid assigner (under XidGenLock) for each new xid; when {@code xid} is the
     * first of its page (or FIRST_NORMAL), the page is zeroed in a buffer (dirty) without reading the disk.
     */
    public void extendFor(long xid) {
        if (xid % XIDS_PER_PAGE != 0 && xid != TransactionIds.FIRST_NORMAL) return;
        control.acquire(LWLockMode.EXCLUSIVE);
        try {
            long page = pageOf(xid);
            int b = buffers.findPage(page);
            if (b < 0) b = bufferFor(page, false);
            buffers.page(b).fill((byte) 0);
            buffers.markDirty(b, 0);
        } finally {
            control.release();
        }
    }

    /**
     * Control lock held exclusively: the buffer holding {@code page}, evicting (writing) the least recently
     * used page if needed, and reading the page from disk when {@code read} (else leaving old contents,
     * which the caller overwrites).
     */
    private int bufferFor(long page, boolean read) {
        int b = buffers.findPage(page);
        if (b >= 0) {
            buffers.touch(b);
            return b;
        }
        b = buffers.chooseVictim();
        if (buffers.pageNumber(b) >= 0 && buffers.isDirty(b)) {
            writePage(b, true);
        }
        buffers.assign(b, page);
        if (read) readPage(b, page);
        return b;
    }

    private Path segmentFile(long page) {
        return directory.resolve(segmentName(page / PAGES_PER_SEGMENT));
    }

    private void readPage(int buffer, long page) {
        MemorySegment target = buffers.page(buffer);
        target.fill((byte) 0);
        Path file = segmentFile(page);
        if (!Files.exists(file)) return;
        ByteBuffer bb = target.asByteBuffer();
        long position = (page % PAGES_PER_SEGMENT) * (long) SlruBuffers.PAGE_SIZE;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (bb.hasRemaining()) {
                int n = ch.read(bb, position + bb.position());
                if (n < 0) break; // beyond the end: the rest stays zero
            }
        } catch (IOException e) {
            buffers.assign(buffer, -1);
            throw PgException.error(SqlState.IO_ERROR, "could not access status of transaction "
                    + page * XIDS_PER_PAGE).withDetail("Could not read from file \"pg_xact/" + file.getFileName()
                    + "\" at offset " + position + ": " + e.getMessage() + ".");
        }
    }

    /** Control lock held exclusively: writes a dirty page (after flushing WAL to its LSN); fsync if asked. */
    private Path writePage(int buffer, boolean fsync) {
        long page = buffers.pageNumber(buffer);
        long lsn = buffers.pageLsn(buffer);
        if (lsn != 0) walFlush.accept(lsn);
        Path file = segmentFile(page);
        long position = (page % PAGES_PER_SEGMENT) * (long) SlruBuffers.PAGE_SIZE;
        try {
            Files.createDirectories(directory);
            boolean created = !Files.exists(file);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ByteBuffer bb = buffers.page(buffer).asByteBuffer();
                while (bb.hasRemaining()) ch.write(bb, position + bb.position());
                if (fsync) force(ch, file);
            }
            if (created && fsync) fsyncDirectory();
        } catch (IOException e) {
            throw PgException.error(SqlState.IO_ERROR, "could not access status of transaction "
                    + page * XIDS_PER_PAGE).withDetail("Could not write to file \"pg_xact/" + file.getFileName()
                    + "\" at offset " + position + ": " + e.getMessage() + ".");
        }
        buffers.markClean(buffer);
        return file;
    }

    private static void force(FileChannel ch, Path file) {
        try {
            ch.force(false);
        } catch (IOException e) {
            throw new PgException(Severity.PANIC, SqlState.IO_ERROR, "could not fsync file \"pg_xact/"
                    + file.getFileName() + "\": " + e.getMessage());
        }
    }

    private void fsyncDirectory() {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new PgException(Severity.PANIC, SqlState.IO_ERROR, "could not fsync directory \"pg_xact\": "
                    + e.getMessage());
        }
    }

    /**
     * Checkpoint (CheckPointCLOG): writes every dirty page, then fsyncs each file written and the
     * directory. Afterwards everything set before the call is durable.
     *
     * @throws PgException PANIC when an fsync fails; ERROR 58030 when a write fails
     */
    public void flushAll() {
        Set<Path> written = new HashSet<>();
        control.acquire(LWLockMode.EXCLUSIVE);
        try {
            for (int b = 0; b < buffers.bufferCount(); b++) {
                if (buffers.pageNumber(b) >= 0 && buffers.isDirty(b)) written.add(writePage(b, false));
            }
        } finally {
            control.release();
        }
        for (Path file : written) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                force(ch, file);
            } catch (IOException e) {
                throw new PgException(Severity.PANIC, SqlState.IO_ERROR, "could not fsync file \"pg_xact/"
                        + file.getFileName() + "\": " + e.getMessage());
            }
        }
        if (!written.isEmpty()) fsyncDirectory();
    }
}
