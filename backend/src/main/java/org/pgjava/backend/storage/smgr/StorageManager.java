package org.pgjava.backend.storage.smgr;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The storage manager: a relation fork as a sequence of 1 GiB segment files of 8 kB blocks, PostgreSQL's
 * md.c. One per process, over the data directory; keeps a private cache of open files. Entry points:
 * {@link #create}, {@link #exists}, {@link #unlink}, {@link #extend}, {@link #read}, {@link #write},
 * {@link #nblocks}, {@link #truncate}, {@link #immedsync}, {@link #fsyncSegment}, {@link #closeRelation}.
 *
 * <h2>Files</h2>
 * Block {@code b} of fork {@code f} of relation {@code r} is at byte {@code (b mod S) × 8192} of segment
 * {@code b / S} (S = segment size in blocks, {@value #RELSEG_SIZE} = 1 GiB by default), in
 * {@code DATA/base/<dbOid>/<relNumber><suffix>[.<segno>]} ({@code DATA/global/...} for tablespace 1664,
 * {@code DATA/pg_tblspc/<spcOid>/PG_15_202209061/<dbOid>/...} otherwise); suffix "", "_fsm", "_vm", "_init"
 * ({@link ForkNumber#fileSuffix()}). Block contents are the raw pages; the files have no header.
 *
 * <h2>Rules</h2>
 * <ol>
 * <li>Every segment before the last is exactly S blocks; {@link #nblocks} counts full segments and stops at
 *     the first shorter (or missing) one.</li>
 * <li>Truncation never deletes a segment file: segments past the new end become empty, so another process
 *     holding one open never writes into an unlinked file (md.c's reason too).</li>
 * <li>After each {@link #write} or {@link #extend} (unless {@code skipFsync}) the segment is registered with
 *     the {@link SyncRequestSink} before the call returns; if the sink refuses, the file is fsynced here.
 *     The buffer manager marks a page clean only after that, so a checkpoint that saw the page dirty finds
 *     the request.</li>
 * <li>A failed fsync throws {@link DataSyncFailedError} (PANIC); other I/O failures are ERRORs
 *     ({@link PgException}) with PostgreSQL's texts and SQLSTATEs.</li>
 * <li>{@link #unlink} removes the files at once (PostgreSQL defers the main fork's unlink to the next
 *     checkpoint to protect relfilenode reuse; pgjava's relfilenode allocation must not reuse a number
 *     before a checkpoint). Other processes must {@link #closeRelation} on invalidation.</li>
 * </ol>
 *
 * <p>Process-safety: one instance per process, used by one thread. Concurrency between processes is the
 * caller's: the buffer manager serializes extension per relation and writes a block only under its
 * buffer's I/O-in-progress flag.
 */
public final class StorageManager implements AutoCloseable {
    /** PostgreSQL's RELSEG_SIZE: blocks per 1 GiB segment. */
    public static final int RELSEG_SIZE = 131072;
    /** PostgreSQL's BLCKSZ. */
    public static final int BLCKSZ = 8192;
    /** The largest valid block number (0xFFFFFFFE; 0xFFFFFFFF is InvalidBlockNumber). */
    public static final long MAX_BLOCK_NUMBER = 0xFFFFFFFEL;
    /** PostgreSQL 15's TABLESPACE_VERSION_DIRECTORY. */
    public static final String TABLESPACE_VERSION_DIRECTORY = "PG_15_202209061";

    /** How a file is made durable; replaced in tests to inject failures. */
    @FunctionalInterface
    interface FileSyncer {
        void sync(FileChannel channel) throws IOException;
    }

    private record ForkKey(RelFileLocator rel, ForkNumber fork) {
    }

    /** Open segments of one fork, index = segment number (null = not open). */
    private static final class OpenFork {
        final List<FileChannel> segments = new ArrayList<>(1);

        void closeAll() {
            for (FileChannel ch : segments) {
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closing a file we only read or wrote positionally loses nothing
                    }
                }
            }
            segments.clear();
        }
    }

    private final Path dataDirectory;
    private final SyncRequestSink sync;
    private final int segmentBlocks;
    private final boolean fsyncEnabled;
    private final FileSyncer syncer;
    private final LinkedHashMap<ForkKey, OpenFork> open;

    /**
     * A storage manager with 1 GiB segments, fsync on, at most 256 open relation forks.
     *
     * @param dataDirectory the data directory (DATA)
     * @param sync          where written segments are registered for fsync
     */
    public StorageManager(Path dataDirectory, SyncRequestSink sync) {
        this(dataDirectory, sync, RELSEG_SIZE, 256, true);
    }

    /**
     * @param segmentBlocks blocks per segment file (tests use small values to cross segment boundaries)
     * @param maxOpenForks  relation forks kept open (least recently used closed beyond it)
     * @param fsyncEnabled  the fsync setting: false makes every fsync a no-op (as PostgreSQL's fsync=off)
     */
    public StorageManager(Path dataDirectory, SyncRequestSink sync, int segmentBlocks, int maxOpenForks,
                          boolean fsyncEnabled) {
        this(dataDirectory, sync, segmentBlocks, maxOpenForks, fsyncEnabled, ch -> ch.force(true));
    }

    StorageManager(Path dataDirectory, SyncRequestSink sync, int segmentBlocks, int maxOpenForks,
                   boolean fsyncEnabled, FileSyncer syncer) {
        if (segmentBlocks < 1) {
            throw new IllegalArgumentException("segment size " + segmentBlocks);
        }
        this.dataDirectory = dataDirectory;
        this.sync = sync;
        this.segmentBlocks = segmentBlocks;
        this.fsyncEnabled = fsyncEnabled;
        this.syncer = syncer;
        this.open = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ForkKey, OpenFork> eldest) {
                if (size() > maxOpenForks) {
                    eldest.getValue().closeAll();
                    return true;
                }
                return false;
            }
        };
    }

    /** Blocks per segment file. */
    public int segmentBlocks() {
        return segmentBlocks;
    }

    /** The data directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    // ---- paths ----

    /**
     * The path of a segment relative to the data directory, as PostgreSQL prints it in messages
     * ({@code base/5/16384}, {@code base/5/16384_fsm.1}, {@code global/1262}).
     */
    public static String relativePath(RelFileLocator rel, ForkNumber fork, int segmentNumber) {
        String name = Integer.toUnsignedString(rel.relNumber()) + fork.fileSuffix()
                + (segmentNumber > 0 ? "." + segmentNumber : "");
        if (rel.spcOid() == RelFileLocator.GLOBAL_TABLESPACE) {
            return "global/" + name;
        }
        String db = Integer.toUnsignedString(rel.dbOid());
        if (rel.spcOid() == RelFileLocator.DEFAULT_TABLESPACE) {
            return "base/" + db + "/" + name;
        }
        return "pg_tblspc/" + Integer.toUnsignedString(rel.spcOid()) + "/" + TABLESPACE_VERSION_DIRECTORY + "/"
                + db + "/" + name;
    }

    private Path path(RelFileLocator rel, ForkNumber fork, int segno) {
        return dataDirectory.resolve(relativePath(rel, fork, segno));
    }

    // ---- open-file cache ----

    private OpenFork fork(RelFileLocator rel, ForkNumber fork) {
        return open.computeIfAbsent(new ForkKey(rel, fork), k -> new OpenFork());
    }

    /** The channel of segment {@code segno}, opened (and created if {@code create}) on first use. */
    private FileChannel segment(RelFileLocator rel, ForkNumber fork, int segno, boolean create) throws IOException {
        OpenFork f = fork(rel, fork);
        while (f.segments.size() <= segno) {
            f.segments.add(null);
        }
        FileChannel ch = f.segments.get(segno);
        if (ch == null || !ch.isOpen()) {
            Path p = path(rel, fork, segno);
            ch = create ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE)
                    : FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            f.segments.set(segno, ch);
        }
        return ch;
    }

    /** Closes this process's open files of the relation (all forks); call on relation-cache invalidation. */
    public void closeRelation(RelFileLocator rel) {
        Iterator<Map.Entry<ForkKey, OpenFork>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ForkKey, OpenFork> e = it.next();
            if (e.getKey().rel().equals(rel)) {
                e.getValue().closeAll();
                it.remove();
            }
        }
    }

    /** Closes every open file. */
    @Override
    public void close() {
        for (OpenFork f : open.values()) {
            f.closeAll();
        }
        open.clear();
    }

    /** Relation forks with open files (for tests). */
    int openForkCount() {
        return open.size();
    }

    // ---- operations ----

    /**
     * Creates the fork's first segment, empty (PostgreSQL's mdcreate). Missing parent directories are made.
     *
     * @param isRedo true during WAL replay: an existing file is accepted
     * @throws PgException 58P02 "could not create file ...: File exists" (unless isRedo), or another file
     *                     access error
     */
    public void create(RelFileLocator rel, ForkNumber fork, boolean isRedo) {
        Path p = path(rel, fork, 0);
        try {
            Files.createDirectories(p.getParent());
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    isRedo ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW);
            OpenFork f = fork(rel, fork);
            f.closeAll();
            f.segments.add(ch);
        } catch (IOException e) {
            throw fileError("could not create file \"" + relativePath(rel, fork, 0) + "\"", e);
        }
    }

    /** True if the fork's first segment exists (PostgreSQL's mdexists). */
    public boolean exists(RelFileLocator rel, ForkNumber fork) {
        return Files.exists(path(rel, fork, 0));
    }

    /**
     * Removes every segment file of the fork (PostgreSQL's mdunlink). A fork that does not exist is no
     * error. Buffers of the relation must have been dropped first.
     *
     * @throws PgException if a file cannot be removed
     */
    public void unlink(RelFileLocator rel, ForkNumber fork) {
        OpenFork f = open.remove(new ForkKey(rel, fork));
        if (f != null) {
            f.closeAll();
        }
        for (int segno = 0; ; segno++) {
            try {
                if (!Files.deleteIfExists(path(rel, fork, segno))) {
                    return;
                }
            } catch (IOException e) {
                throw fileError("could not remove file \"" + relativePath(rel, fork, segno) + "\"", e);
            }
        }
    }

    /** Removes all forks of the relation. */
    public void unlinkAll(RelFileLocator rel) {
        for (ForkNumber fork : ForkNumber.values()) {
            unlink(rel, fork);
        }
    }

    /**
     * Writes {@code page} as block {@code block}, normally the current end of the fork (PostgreSQL's
     * mdextend); a new segment file is created when the block starts one.
     *
     * @param skipFsync true for a relation that needs no durability (the caller syncs it some other way)
     * @throws PgException 54000 "cannot extend file ... beyond %u blocks", 53100/58030 "could not extend
     *                     file ..." (hint "Check free disk space.")
     */
    public void extend(RelFileLocator rel, ForkNumber fork, long block, MemorySegment page, boolean skipFsync) {
        if (block >= MAX_BLOCK_NUMBER) {
            throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "cannot extend file \""
                    + relativePath(rel, fork, 0) + "\" beyond " + MAX_BLOCK_NUMBER + " blocks");
        }
        int segno = (int) (block / segmentBlocks);
        try {
            writeFully(rel, fork, segno, true, (block % segmentBlocks) * BLCKSZ, page);
        } catch (IOException e) {
            throw fileError("could not extend file \"" + relativePath(rel, fork, segno) + "\"", e)
                    .withHint("Check free disk space.");
        }
        if (!skipFsync) {
            registerDirtySegment(rel, fork, segno);
        }
    }

    /**
     * Reads block {@code block} into {@code into} (8192 bytes) (PostgreSQL's mdread).
     *
     * @throws PgException XX001 "could not read block %u in file ...: read only %d of 8192 bytes" when the
     *                     block is beyond the end of the file; 58030 etc. on I/O errors
     */
    public void read(RelFileLocator rel, ForkNumber fork, long block, MemorySegment into) {
        int segno = (int) (block / segmentBlocks);
        long offset = (block % segmentBlocks) * BLCKSZ;
        int got = 0;
        try {
            FileChannel ch;
            try {
                ch = segment(rel, fork, segno, false);
            } catch (NoSuchFileException e) {
                if (segno == 0) {
                    throw e;
                }
                ch = null;
            }
            if (ch != null) {
                ByteBuffer buf = into.asByteBuffer();
                while (buf.hasRemaining()) {
                    int n = readRetrying(rel, fork, segno, ch, buf, offset + buf.position());
                    if (n < 0) {
                        break;
                    }
                    ch = segment(rel, fork, segno, false);
                }
                got = buf.position();
            }
        } catch (IOException e) {
            if (e instanceof NoSuchFileException) {
                throw fileError("could not open file \"" + relativePath(rel, fork, segno) + "\"", e);
            }
            throw fileError("could not read block " + block + " in file \"" + relativePath(rel, fork, segno) + "\"",
                    e);
        }
        if (got != BLCKSZ) {
            throw PgException.error(SqlState.DATA_CORRUPTED, "could not read block " + block + " in file \""
                    + relativePath(rel, fork, segno) + "\": read only " + got + " of " + BLCKSZ + " bytes");
        }
    }

    /**
     * Writes {@code page} over existing block {@code block} (PostgreSQL's mdwrite), then registers the
     * segment for fsync (rule 3) unless {@code skipFsync}.
     *
     * @throws PgException "could not write block %u in file ...: ..." on failure (the segment must exist)
     */
    public void write(RelFileLocator rel, ForkNumber fork, long block, MemorySegment page, boolean skipFsync) {
        int segno = (int) (block / segmentBlocks);
        try {
            writeFully(rel, fork, segno, false, (block % segmentBlocks) * BLCKSZ, page);
        } catch (IOException e) {
            throw fileError("could not write block " + block + " in file \"" + relativePath(rel, fork, segno) + "\"",
                    e);
        }
        if (!skipFsync) {
            registerDirtySegment(rel, fork, segno);
        }
    }

    private void writeFully(RelFileLocator rel, ForkNumber fork, int segno, boolean create, long offset,
                            MemorySegment page) throws IOException {
        if (page.byteSize() != BLCKSZ) {
            throw new IllegalArgumentException("page of " + page.byteSize() + " bytes");
        }
        ByteBuffer buf = page.asByteBuffer();
        while (buf.hasRemaining()) {
            FileChannel ch = segment(rel, fork, segno, create);
            boolean interrupted = Thread.interrupted();
            try {
                ch.write(buf, offset + buf.position());
            } catch (ClosedChannelException e) {
                // a Java interrupt closed the channel (FileChannel semantics): reopen and retry once
                fork(rel, fork).closeAll();
                ch = segment(rel, fork, segno, create);
                ch.write(buf, offset + buf.position());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private int readRetrying(RelFileLocator rel, ForkNumber fork, int segno, FileChannel ch, ByteBuffer buf,
                             long position) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return ch.read(buf, position);
        } catch (ClosedChannelException e) {
            fork(rel, fork).closeAll();
            return segment(rel, fork, segno, false).read(buf, position);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** PostgreSQL's register_dirty_segment: forward to the sink, or fsync here if it refuses. */
    private void registerDirtySegment(RelFileLocator rel, ForkNumber fork, int segno) {
        if (!fsyncEnabled) {
            return;
        }
        if (sync.register(rel, fork, segno)) {
            return;
        }
        try {
            syncer.sync(segment(rel, fork, segno, false));
        } catch (IOException e) {
            throw new DataSyncFailedError(relativePath(rel, fork, segno), e);
        }
        sync.selfSynced();
    }

    /**
     * The number of blocks in the fork (PostgreSQL's mdnblocks).
     *
     * @throws PgException 58P01 "could not open file ..." if the fork does not exist
     */
    public long nblocks(RelFileLocator rel, ForkNumber fork) {
        for (int segno = 0; ; segno++) {
            long size;
            try {
                size = segment(rel, fork, segno, false).size();
            } catch (NoSuchFileException e) {
                if (segno == 0) {
                    throw fileError("could not open file \"" + relativePath(rel, fork, 0) + "\"", e);
                }
                return (long) segno * segmentBlocks;
            } catch (IOException e) {
                throw fileError("could not seek to end of file \"" + relativePath(rel, fork, segno) + "\"", e);
            }
            long blocks = size / BLCKSZ;
            if (blocks < segmentBlocks) {
                return (long) segno * segmentBlocks + blocks;
            }
            if (blocks > segmentBlocks) {
                throw PgException.error(SqlState.DATA_CORRUPTED, "segment too big: \""
                        + relativePath(rel, fork, segno) + "\" has " + blocks + " blocks");
            }
        }
    }

    /**
     * Cuts the fork to {@code nblocks} blocks (PostgreSQL's mdtruncate). Segments past the end become
     * empty files (rule 2); every changed segment is registered for fsync. Buffers of the cut blocks must
     * have been dropped first.
     *
     * @throws PgException "could not truncate file ... to %u blocks: it's only %u blocks now" when growing
     */
    public void truncate(RelFileLocator rel, ForkNumber fork, long nblocks) {
        long current = nblocks(rel, fork);
        if (nblocks > current) {
            throw PgException.error(SqlState.INTERNAL_ERROR, "could not truncate file \""
                    + relativePath(rel, fork, 0) + "\" to " + nblocks + " blocks: it's only " + current
                    + " blocks now");
        }
        int lastSegment = (int) (current / segmentBlocks);
        for (int segno = lastSegment; segno >= 0; segno--) {
            long prior = (long) segno * segmentBlocks;
            long keepBlocks = Math.max(0, Math.min(segmentBlocks, nblocks - prior));
            try {
                FileChannel ch;
                try {
                    ch = segment(rel, fork, segno, false);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (ch.size() > keepBlocks * BLCKSZ) {
                    ch.truncate(keepBlocks * BLCKSZ);
                    registerDirtySegment(rel, fork, segno);
                }
            } catch (IOException e) {
                throw fileError("could not truncate file \"" + relativePath(rel, fork, segno) + "\" to "
                        + keepBlocks + " blocks", e);
            }
        }
    }

    /**
     * Fsyncs every segment of the fork now (PostgreSQL's mdimmedsync), for data written with
     * {@code skipFsync} or bypassing the buffer pool.
     *
     * @throws DataSyncFailedError on failure
     */
    public void immedsync(RelFileLocator rel, ForkNumber fork) {
        if (!fsyncEnabled) {
            return;
        }
        for (int segno = 0; ; segno++) {
            if (!fsyncSegment(rel, fork, segno)) {
                return;
            }
        }
    }

    /**
     * Fsyncs one segment file (the checkpointer's part of PostgreSQL's ProcessSyncRequests). With fsync off
     * only checks that the file exists.
     *
     * @return false if the file does not exist (dropped or never created: nothing to sync)
     * @throws DataSyncFailedError if the file cannot be opened or fsynced
     */
    public boolean fsyncSegment(RelFileLocator rel, ForkNumber fork, int segno) {
        if (!Files.exists(path(rel, fork, segno))) {
            // dropped (or never created): a cached descriptor would only sync an unlinked file
            OpenFork stale = open.remove(new ForkKey(rel, fork));
            if (stale != null) {
                stale.closeAll();
            }
            return false;
        }
        FileChannel ch;
        try {
            ch = segment(rel, fork, segno, false);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new DataSyncFailedError(relativePath(rel, fork, segno), e);
        }
        if (!fsyncEnabled) {
            return true;
        }
        try {
            syncer.sync(ch);
        } catch (IOException e) {
            throw new DataSyncFailedError(relativePath(rel, fork, segno), e);
        }
        return true;
    }

    // ---- errors ----

    /** PostgreSQL's %m text for a Java I/O failure. */
    static String errorText(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** PostgreSQL's errcode_for_file_access + "%s: %m". */
    private static PgException fileError(String what, IOException e) {
        SqlState state;
        String text = errorText(e);
        if (e instanceof NoSuchFileException) {
            state = SqlState.UNDEFINED_FILE;
        } else if (e instanceof FileAlreadyExistsException) {
            state = SqlState.DUPLICATE_FILE;
        } else if (e instanceof AccessDeniedException) {
            state = SqlState.INSUFFICIENT_PRIVILEGE;
        } else if (text.contains("No space left on device") || text.contains("Disk quota exceeded")) {
            state = SqlState.DISK_FULL;
        } else {
            state = SqlState.IO_ERROR;
        }
        return new PgException(org.pgjava.conf.errors.Severity.ERROR, state, what + ": " + text, e);
    }
}
