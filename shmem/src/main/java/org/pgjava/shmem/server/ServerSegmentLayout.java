package org.pgjava.shmem.server;

import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.procarray.ProcArray;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.status.BackendStatusArray;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's shared segment as one layout, built the same way by the postmaster (which creates the
 * segment) and by every child (which attaches it): the regions every process shares, the slot count
 * formula, where the file lives, and how the layout's two parameters travel to a child.
 *
 * <p>Entry points: {@link #slotCount(int, int)}, {@link #layout(int, int)}, {@link #segmentFile(Path, int)};
 * {@link #toEnvironmentValue()} in the postmaster (environment variable {@value #ENVIRONMENT_VARIABLE},
 * next to {@code SegmentIdentity.ENVIRONMENT_VARIABLE}) and {@link #fromEnvironmentValue(String)} in a child.
 */
public final class ServerSegmentLayout {
    /** Bumped whenever any region's byte layout changes (a child of another version refuses to attach). */
    public static final int LAYOUT_VERSION = 1;
    /** Region names. */
    public static final String PROC_ARRAY = "proc array", LWLOCK_WAIT_SLOTS = "lwlock wait slots",
            BACKEND_STATUS = "backend status";
    /** Auxiliary processes that hold a slot: checkpointer, background writer. */
    public static final int AUXILIARY_PROCESSES = 2;
    /**
     * Slots for processes that exist beside the counted ones for a moment: a backend still exiting while
     * its replacement starts, reused backends waiting idle beyond the standby count, an auxiliary process
     * restarting.
     */
    public static final int HEADROOM = 16;
    /** The child's environment variable carrying {@code slots:track_activity_query_size}. */
    public static final String ENVIRONMENT_VARIABLE = "PGJAVA_SHMEM_LAYOUT";

    private final int slots;
    private final int querySize;
    private final RegionLayout layout;

    private ServerSegmentLayout(int slots, int querySize) {
        this.slots = slots;
        this.querySize = querySize;
        this.layout = RegionLayout.builder(LAYOUT_VERSION)
                .add(PROC_ARRAY, ProcArray.regionSize(slots))
                .add(LWLOCK_WAIT_SLOTS, LWLockWaitSlots.regionSize(slots))
                .add(BACKEND_STATUS, BackendStatusArray.regionSize(slots, querySize))
                .build();
    }

    /**
     * The number of process slots (process array = LWLock wait slots = backend status slots):
     * {@code max_connections + standby_backends + AUXILIARY_PROCESSES + HEADROOM}.
     *
     * @throws IllegalArgumentException for negative arguments
     */
    public static int slotCount(int maxConnections, int standbyBackends) {
        if (maxConnections < 0 || standbyBackends < 0) {
            throw new IllegalArgumentException("negative process count");
        }
        return maxConnections + standbyBackends + AUXILIARY_PROCESSES + HEADROOM;
    }

    /**
     * The layout for {@code slots} processes and a query text of {@code querySize} bytes.
     *
     * @throws IllegalArgumentException if slots is not positive or querySize is out of
     *                                  track_activity_query_size's range
     */
    public static ServerSegmentLayout layout(int slots, int querySize) {
        return new ServerSegmentLayout(slots, querySize);
    }

    /** The region layout. */
    public RegionLayout regions() {
        return layout;
    }

    /** The number of process slots. */
    public int slots() {
        return slots;
    }

    /** track_activity_query_size the status slots were sized with. */
    public int querySize() {
        return querySize;
    }

    /** {@code slots:querySize}, parsed back by {@link #fromEnvironmentValue(String)}. */
    public String toEnvironmentValue() {
        return slots + ":" + querySize;
    }

    /**
     * Parses {@link #toEnvironmentValue()}'s text.
     *
     * @throws IllegalArgumentException if the text is null or not of that form
     */
    public static ServerSegmentLayout fromEnvironmentValue(String value) {
        int colon = value == null ? -1 : value.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid " + ENVIRONMENT_VARIABLE + " value: \"" + value + "\"");
        }
        try {
            return layout(Integer.parseInt(value.substring(0, colon)), Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + ENVIRONMENT_VARIABLE + " value: \"" + value + "\"", e);
        }
    }

    /**
     * Where the segment file lives: {@code /dev/shm/pgjava.PORT.shmem} when /dev/shm is a writable directory
     * (tmpfs), else {@code DATA/pg_internal/shmem} (created if missing). The port keeps two servers on one
     * machine apart (two running servers never share a port).
     */
    public static Path segmentFile(Path dataDir, int port) {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm.resolve("pgjava." + port + ".shmem");
        }
        Path dir = dataDir.resolve("pg_internal");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir.resolve("shmem");
    }
}
