package org.pgjava.shmem.handoff;

import org.pgjava.shmem.os.UnixSockets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the postmaster puts its private hand-off socket: {@code DATA/pg_internal/handoff.sock} in a 0700
 * directory, or, when that path does not fit in sun_path (107 bytes), {@code /tmp/pgjava-<16 hex>/handoff.sock}
 * in a fresh 0700 directory with a random name. Entry point {@link #choose}.
 */
public final class HandoffSocketPath {
    /** Name of the socket file inside its directory. */
    public static final String SOCKET_NAME = "handoff.sock";

    private HandoffSocketPath() {
    }

    /**
     * Creates (if needed) the 0700 directory and returns the socket path to bind.
     * @throws IOException when no directory can be created
     */
    public static Path choose(Path dataDir, SecureRandom random) throws IOException {
        Path dir = dataDir.toAbsolutePath().resolve("pg_internal");
        Path candidate = dir.resolve(SOCKET_NAME);
        if (!UnixSockets.fitsSocketPath(candidate)) {
            byte[] r = new byte[8];
            random.nextBytes(r);
            dir = Path.of("/tmp", "pgjava-" + HexFormat.of().formatHex(r));
            candidate = dir.resolve(SOCKET_NAME);
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return candidate;
    }
}
