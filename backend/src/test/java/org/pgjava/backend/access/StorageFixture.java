package org.pgjava.backend.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.pgjava.backend.access.wal.WalSyncMethod;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.server.ProcessAttachment;
import org.pgjava.shmem.server.ServerSegmentLayout;

/**
 * Test support: a real server segment ({@link ServerSegmentLayout}: 8 slots, {@code buffers} shared buffers,
 * 8 WAL pages) in a temp directory plus a data directory (pg_wal, pg_xact), with the transaction state
 * initialised as initdb does (nextXid 3, nextOid 10000) and WAL started at segment 1 — or, for a restart
 * after a simulated crash, left uninitialised for the test's replay. {@link #attach(int)} builds a
 * {@link ProcessStorage} for the calling thread (each thread is one "process" with its own slot, LWLock
 * owner and pid). fsync is off (tests), full_page_writes on, 16 MiB segments.
 */
public final class StorageFixture implements AutoCloseable {
    public static final long WAL_SEGMENT_SIZE = 16L << 20;

    private final Path directory;
    private final Path dataDirectory;
    private final ServerSegmentLayout layout;
    private final SharedSegment segment;
    private final List<ProcessAttachment> attachments = new ArrayList<>();

    /** A fresh cluster in {@code directory} with {@code buffers} shared buffers. */
    public static StorageFixture create(Path directory, int buffers) throws IOException {
        StorageFixture f = new StorageFixture(directory, buffers, 1);
        ProcessStorage init = f.attach(999);
        init.transactionState().initialize(3, 10000);
        init.wal().startAfterRecovery(init.walSegments().segmentStart(1), 0);
        return f;
    }

    /**
     * The same data directory after a crash: a new segment (generation {@code generation}), nothing
     * initialised; the caller replays WAL and initialises the transaction state and WAL position.
     */
    public static StorageFixture restart(Path directory, int buffers, int generation) throws IOException {
        return new StorageFixture(directory, buffers, generation);
    }

    private StorageFixture(Path directory, int buffers, int generation) throws IOException {
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        Files.createDirectories(dataDirectory.resolve("pg_wal"));
        Files.createDirectories(dataDirectory.resolve("pg_xact"));
        Files.createDirectories(dataDirectory.resolve("global"));
        this.layout = ServerSegmentLayout.layout(8, 1024, buffers, 8, 64);
        SegmentIdentity id = new SegmentIdentity(directory.resolve("pgjava.shmem." + generation),
                (int) ProcessHandle.current().pid(), generation);
        this.segment = SharedSegment.create(id, layout.regions());
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A process view for the calling thread, as process {@code pid}. */
    public synchronized ProcessStorage attach(int pid) {
        try {
            ProcessAttachment a = ProcessAttachment.attach(segment.identity().toEnvironmentValue(),
                    layout.toEnvironmentValue(), pid, BackendType.CLIENT_BACKEND);
            attachments.add(a);
            return ProcessStorage.attach(a, dataDirectory,
                    new ProcessStorage.Settings(false, true, WalSyncMethod.FDATASYNC, WAL_SEGMENT_SIZE), false, () -> { });
        } catch (IOException | ProcessAttachment.NoFreeSlotException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (ProcessAttachment a : attachments) {
            a.segment().close();
        }
        segment.close();
        segment.remove();
    }
}
