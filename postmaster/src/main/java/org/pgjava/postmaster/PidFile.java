package org.pgjava.postmaster;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.os.ProcessControl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data directory's lock file, {@code postmaster.pid}, in PostgreSQL's layout (one value per line),
 * which pg_ctl (ours and the habits of PostgreSQL users) read:
 * <pre>
 * line 1  postmaster PID
 * line 2  data directory (absolute)
 * line 3  start time, seconds since the epoch
 * line 4  port
 * line 5  first Unix socket directory (empty when none)
 * line 6  first listen address ('*', 'localhost', an IP; empty when no TCP)
 * line 7  shared memory key and id (placeholder "0 0" until the shared segment exists)
 * line 8  status: "starting", "stopping" or "ready   " (padded to 8 like PostgreSQL, so it is rewritten in place)
 * </pre>
 * Entry points: {@link #acquire} (the postmaster), {@link #read} (pg_ctl), {@link #setStatus}, {@link #remove}.
 * The file is created with O_CREAT|O_EXCL mode 0600; a file left by a dead process is removed and the
 * creation retried, a live owner makes {@link #acquire} fail as PostgreSQL does.
 */
public final class PidFile {
    public static final String NAME = "postmaster.pid";
    public static final String STATUS_STARTING = "starting";
    public static final String STATUS_STOPPING = "stopping";
    public static final String STATUS_READY = "ready   ";

    private final Path path;
    private final List<String> lines;

    private PidFile(Path path, List<String> lines) {
        this.path = path;
        this.lines = lines;
    }

    /** The parsed contents of a postmaster.pid (missing trailing lines are empty strings). */
    public record Contents(int pid, String dataDirectory, long startEpoch, int port, String socketDirectory,
                           String listenAddress, String status) {
        /** True when line 8 says ready. */
        public boolean ready() {
            return status.trim().equals("ready");
        }
    }

    /**
     * Creates DIR/postmaster.pid for this process with status "starting".
     * @throws PgException FATAL when a live process owns the file (with PostgreSQL's HINT), or when the
     *                     file cannot be written
     */
    public static PidFile acquire(Path dataDir, int pid, long startEpoch, int port, String socketDir,
                                  String listenAddress) {
        Path path = dataDir.resolve(NAME);
        List<String> lines = new ArrayList<>(List.of(
                Integer.toString(pid), dataDir.toAbsolutePath().toString(), Long.toString(startEpoch),
                Integer.toString(port), socketDir == null ? "" : socketDir,
                listenAddress == null ? "" : listenAddress, "       0         0", STATUS_STARTING));
        byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Files.write(path, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
                return new PidFile(path, lines);
            } catch (FileAlreadyExistsException e) {
                Optional<Contents> other = read(dataDir);
                int otherPid = other.map(Contents::pid).orElse(0);
                if (otherPid > 0 && otherPid != pid && otherPid != ProcessControl.parentPid()
                        && ProcessControl.isAlive(otherPid)) {
                    throw new PgException(Severity.FATAL, SqlState.OBJECT_IN_USE,
                            "lock file \"" + NAME + "\" already exists")
                            .withHint("Is another postmaster (PID " + otherPid + ") running in data directory \""
                                    + dataDir.toAbsolutePath() + "\"?");
                }
                if (other.isEmpty() && attempt < 10) {
                    // possibly being written by a starting postmaster right now: give it a moment
                    sleepBriefly();
                    if (read(dataDir).isEmpty()) {
                        deleteStale(path);
                    }
                    continue;
                }
                deleteStale(path);
            } catch (IOException e) {
                throw new PgException(Severity.FATAL, SqlState.IO_ERROR,
                        "could not create lock file \"" + path + "\": " + e.getMessage());
            }
        }
        throw new PgException(Severity.FATAL, SqlState.IO_ERROR, "could not create lock file \"" + path + "\"");
    }

    /**
     * Reads DIR/postmaster.pid.
     * @return empty when the file does not exist or its first line is not a pid
     */
    public static Optional<Contents> read(Path dataDir) {
        try {
            List<String> l = Files.readAllLines(dataDir.resolve(NAME), StandardCharsets.UTF_8);
            if (l.isEmpty()) {
                return Optional.empty();
            }
            int pid = Integer.parseInt(l.get(0).trim());
            return Optional.of(new Contents(pid, at(l, 1), parseLong(at(l, 2)), (int) parseLong(at(l, 3)),
                    at(l, 4), at(l, 5), at(l, 7)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Rewrites line 8 (status). Written to a temporary file and renamed, so a reader never sees a torn file.
     * @throws IllegalStateException when the file cannot be written
     */
    public synchronized void setStatus(String status) {
        lines.set(7, status);
        Path tmp = path.resolveSibling(NAME + ".tmp");
        try {
            Files.writeString(tmp, String.join("\n", lines) + "\n");
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not write lock file \"" + path + "\": " + e.getMessage(), e);
        }
    }

    /** Deletes the file (clean shutdown); errors are ignored. */
    public void remove() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // nothing else to do
        }
    }

    /** The lock file's path. */
    public Path path() {
        return path;
    }

    private static void deleteStale(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new PgException(Severity.FATAL, SqlState.IO_ERROR,
                    "could not remove old lock file \"" + path + "\": " + e.getMessage());
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String at(List<String> l, int i) {
        return i < l.size() ? l.get(i) : "";
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
