package org.pgjava.backend.access.wal;

import org.pgjava.shmem.wal.WalGeometry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The WAL segment files in {@code DATA/pg_wal}: names, creation (zero-filled, pre-allocated), recycling of
 * segments a checkpoint no longer needs. Entry points: {@link #fileName(long)}, {@link #segmentOf(long)},
 * {@link #ensureExists(long)}, {@link #preallocate(long)}, {@link #removeOldSegments(long, long, long)}.
 *
 * <p>Names are PostgreSQL's: timeline (8 hex digits, always 00000001), then the segment number split into
 * "log" and "seg" parts of 8 hex digits each, where one log holds {@code 0x100000000 / wal_segment_size}
 * segments: with 16 MiB segments LSN 0/1000000 is in {@code 000000010000000000000001}.
 *
 * <p>Creating a file is safe against other processes doing the same: the zero-filled file is built under
 * a temporary name ({@code xlogtemp.<pid>}), fsynced, then hard-linked to its final name (which fails if the
 * name exists, so a file already holding WAL is never replaced) and the temporary name removed; then the
 * directory is fsynced. Recycling renames the same way (link + unlink) to a future segment name.
 *
 * <p>Process-safety: no state but the paths; any process may call any method.
 */
public final class WalSegments {
    private final Path directory;
    private final long segmentSize;

    /**
     * @param directory   {@code DATA/pg_wal}
     * @param segmentSize wal_segment_size: a power of two from 1 MiB to 1 GiB
     */
    public WalSegments(Path directory, long segmentSize) {
        if (Long.bitCount(segmentSize) != 1 || segmentSize < (1 << 20) || segmentSize > (1L << 30)) {
            throw new IllegalArgumentException("WAL segment size must be a power of two between 1 MB and 1 GB: "
                    + segmentSize);
        }
        this.directory = directory;
        this.segmentSize = segmentSize;
    }

    /** The pg_wal directory. */
    public Path directory() {
        return directory;
    }

    /** wal_segment_size in bytes. */
    public long segmentSize() {
        return segmentSize;
    }

    /** The segment number holding {@code lsn}. */
    public long segmentOf(long lsn) {
        return lsn / segmentSize;
    }

    /** LSN of the first byte of segment {@code segNo}. */
    public long segmentStart(long segNo) {
        return segNo * segmentSize;
    }

    /** The file name of segment {@code segNo} on timeline 1. */
    public String fileName(long segNo) {
        long perLog = 0x1_0000_0000L / segmentSize;
        return String.format("%08X%08X%08X", WalPageHeader.TIMELINE, segNo / perLog, segNo % perLog);
    }

    /** The segment number a file name denotes, or -1 if it is not a timeline-1 segment name. */
    public long parseFileName(String name) {
        if (name.length() != 24 || !name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
            return -1;
        }
        if (Long.parseLong(name.substring(0, 8), 16) != WalPageHeader.TIMELINE) {
            return -1;
        }
        long perLog = 0x1_0000_0000L / segmentSize;
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        return seg >= perLog ? -1 : log * perLog + seg;
    }

    /** The path of segment {@code segNo}. */
    public Path path(long segNo) {
        return directory.resolve(fileName(segNo));
    }

    /** Segment numbers of the segment files present, ascending. */
    public List<Long> existingSegments() throws IOException {
        TreeSet<Long> found = new TreeSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path p : stream) {
                long segNo = parseFileName(p.getFileName().toString());
                if (segNo >= 0) {
                    found.add(segNo);
                }
            }
        }
        return new ArrayList<>(found);
    }

    /**
     * Makes sure segment {@code segNo} exists as a full-size file (PostgreSQL's XLogFileInit), creating a
     * zero-filled one if needed. Returns true if this call created it.
     */
    public boolean ensureExists(long segNo) throws IOException {
        Path target = path(segNo);
        if (Files.exists(target)) {
            return false;
        }
        Files.createDirectories(directory);
        Path temp = directory.resolve("xlogtemp." + ProcessHandle.current().pid() + "." + Thread.currentThread().threadId());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
            long position = 0;
            while (position < segmentSize) {
                zeros.clear();
                position += ch.write(zeros, position);
            }
            ch.force(true);
        }
        boolean created = true;
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            created = false;
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory();
        return created;
    }

    /**
     * Pre-allocates every missing segment from {@code fromSegNo} up to and including {@code throughSegNo}.
     * Returns how many files it created.
     */
    public int preallocate(long fromSegNo, long throughSegNo) throws IOException {
        int created = 0;
        for (long s = fromSegNo; s <= throughSegNo; s++) {
            if (ensureExists(s)) {
                created++;
            }
        }
        return created;
    }

    /** Same as {@link #preallocate(long, long)} starting at {@code throughSegNo} only. */
    public int preallocate(long throughSegNo) throws IOException {
        return preallocate(throughSegNo, throughSegNo);
    }

    /** Counts of one {@link #removeOldSegments} pass. */
    public record RemovalResult(int recycled, int removed) {
    }

    /**
     * After a checkpoint: every segment wholly before the segment of {@code redoLsn} is no longer needed by
     * recovery. Each is renamed to the lowest free future segment name after the segment of
     * {@code insertLsn} while fewer than {@code maxWalSize / wal_segment_size} segments would exist at or after
     * the redo segment, else deleted (PostgreSQL's RemoveOldXlogFiles + InstallXLogFileSegment). A recycled file
     * keeps its old contents: its pages' addresses tell the reader they are stale.
     */
    public RemovalResult removeOldSegments(long redoLsn, long insertLsn, long maxWalSize) throws IOException {
        long redoSeg = segmentOf(redoLsn);
        long maxSegments = Math.max(2, maxWalSize / segmentSize);
        List<Long> existing = existingSegments();
        long kept = existing.stream().filter(s -> s >= redoSeg).count();
        long nextFuture = Math.max(segmentOf(insertLsn) + 1, existing.isEmpty() ? 0 : existing.getLast() + 1);
        int recycled = 0, removed = 0;
        for (long segNo : existing) {
            if (segNo >= redoSeg) {
                break;
            }
            Path old = path(segNo);
            if (kept < maxSegments) {
                while (Files.exists(path(nextFuture))) {
                    nextFuture++;
                }
                try {
                    Files.createLink(path(nextFuture), old);
                    Files.delete(old);
                    recycled++;
                    kept++;
                    nextFuture++;
                    continue;
                } catch (FileAlreadyExistsException e) {
                    // someone created that name meanwhile: fall through and remove the old file
                }
            }
            try {
                Files.delete(old);
                removed++;
            } catch (NoSuchFileException e) {
                // already gone
            }
        }
        if (recycled + removed > 0) {
            syncDirectory();
        }
        return new RemovalResult(recycled, removed);
    }

    /** fsyncs the pg_wal directory (after creating or renaming files). */
    public void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /** The text form of {@code lsn}, e.g. {@code 0/16B3748}. */
    public static String lsn(long lsn) {
        return WalGeometry.formatLsn(lsn);
    }
}
