package org.pgjava.backend.access.wal;

import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.wal.WalShared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support: a shared segment with an LWLock wait-slot region and a WAL region, a pg_wal directory, and
 * inserters bound to the calling thread (each with its own wait slot). Child JVMs attach the same layout
 * from {@link #layout(int)}.
 */
final class WalFixture implements AutoCloseable {
    static final String WAIT_SLOTS = "lwlock wait slots";
    static final String WAL = "wal";
    static final int SLOTS = 64;
    static final long SEGMENT_SIZE = 1 << 20;

    final Path directory;
    final SharedSegment segment;
    final int walBuffers;
    final WalSegments segments;
    private int nextSlot;
    private final List<WalInserter> inserters = new ArrayList<>();

    static RegionLayout layout(int walBuffers) {
        return RegionLayout.builder(1)
                .add(WAIT_SLOTS, LWLockWaitSlots.regionSize(SLOTS))
                .add(WAL, WalShared.regionSize(walBuffers), RegionLayout.PAGE)
                .build();
    }

    WalFixture(Path directory, int walBuffers) throws IOException {
        this.directory = directory;
        this.walBuffers = walBuffers;
        Files.createDirectories(directory);
        SegmentIdentity id = new SegmentIdentity(directory.resolve("pgjava.shmem"),
                (int) ProcessHandle.current().pid(), 1);
        this.segment = SharedSegment.create(id, layout(walBuffers));
        Path pgWal = directory.resolve("pg_wal");
        Files.createDirectories(pgWal);
        this.segments = new WalSegments(pgWal, SEGMENT_SIZE);
    }

    /** A new shared view for the calling thread (own wait slot). */
    synchronized WalShared sharedView() {
        LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(segment.region(WAIT_SLOTS)), nextSlot++);
        return new WalShared(segment.region(WAL), walBuffers, owner);
    }

    /** A view for the calling test thread, made once. */
    private org.pgjava.shmem.wal.WalShared testView;

    synchronized org.pgjava.shmem.wal.WalShared shared() {
        if (testView == null) {
            testView = sharedView();
        }
        return testView;
    }

    /** An inserter for the calling thread, fsync on, fdatasync. */
    WalInserter inserter() {
        return inserter(true);
    }

    synchronized WalInserter inserter(boolean fsync) {
        WalShared view = sharedView();
        WalInserter inserter = new WalInserter(view, segments, WalSyncMethod.FDATASYNC, fsync, true, nextSlot);
        inserters.add(inserter);
        return inserter;
    }

    @Override
    public void close() throws IOException {
        for (WalInserter i : inserters) {
            i.close();
        }
        segment.close();
        segment.remove();
    }
}
