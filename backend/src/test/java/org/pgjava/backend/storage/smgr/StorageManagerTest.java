package org.pgjava.backend.storage.smgr;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.buffer.SyncRequestQueue;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StorageManagerTest {
    @TempDir
    Path data;
    private final Arena arena = Arena.ofShared();
    private final RelFileLocator rel = RelFileLocator.of(5, 16384);
    private final List<String> registered = new ArrayList<>();
    private final List<FileChannel> fsynced = new ArrayList<>();
    private StorageManager smgr;

    private StorageManager recording(int segmentBlocks, boolean accept) {
        SyncRequestSink sink = (r, f, seg) -> {
            registered.add(StorageManager.relativePath(r, f, seg));
            return accept;
        };
        return new StorageManager(data, sink, segmentBlocks, 8, true, fsynced::add);
    }

    private MemorySegment page(int fill) {
        MemorySegment p = arena.allocate(StorageManager.BLCKSZ, 4096);
        p.fill((byte) fill);
        return p;
    }

    @AfterEach
    void close() {
        if (smgr != null) {
            smgr.close();
        }
    }

    @Test
    void pathsFollowPostgresql() {
        assertEquals("base/5/16384", StorageManager.relativePath(rel, ForkNumber.MAIN, 0));
        assertEquals("base/5/16384_fsm.3", StorageManager.relativePath(rel, ForkNumber.FSM, 3));
        assertEquals("base/5/16384_vm", StorageManager.relativePath(rel, ForkNumber.VISIBILITY_MAP, 0));
        assertEquals("global/1262", StorageManager.relativePath(RelFileLocator.global(1262), ForkNumber.MAIN, 0));
        assertEquals("pg_tblspc/16500/PG_15_202209061/5/16384",
                StorageManager.relativePath(new RelFileLocator(16500, 5, 16384), ForkNumber.MAIN, 0));
        assertEquals("base/5/4294967295",
                StorageManager.relativePath(RelFileLocator.of(5, -1), ForkNumber.MAIN, 0));
    }

    @Test
    void extendReadWriteAcrossSegmentBoundaries() throws IOException {
        smgr = recording(4, true);
        assertFalse(smgr.exists(rel, ForkNumber.MAIN));
        smgr.create(rel, ForkNumber.MAIN, false);
        assertTrue(smgr.exists(rel, ForkNumber.MAIN));
        assertEquals(0, smgr.nblocks(rel, ForkNumber.MAIN));
        for (int b = 0; b < 10; b++) {
            smgr.extend(rel, ForkNumber.MAIN, b, page(b + 1), false);
            assertEquals(b + 1, smgr.nblocks(rel, ForkNumber.MAIN));
        }
        assertEquals(4 * 8192, Files.size(data.resolve("base/5/16384")));
        assertEquals(4 * 8192, Files.size(data.resolve("base/5/16384.1")));
        assertEquals(2 * 8192, Files.size(data.resolve("base/5/16384.2")));
        MemorySegment into = page(0);
        for (int b = 0; b < 10; b++) {
            smgr.read(rel, ForkNumber.MAIN, b, into);
            assertEquals((byte) (b + 1), into.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals((byte) (b + 1), into.get(ValueLayout.JAVA_BYTE, 8191));
        }
        smgr.write(rel, ForkNumber.MAIN, 5, page(77), false);
        smgr.read(rel, ForkNumber.MAIN, 5, into);
        assertEquals(77, into.get(ValueLayout.JAVA_BYTE, 100));
        assertTrue(registered.containsAll(List.of("base/5/16384", "base/5/16384.1", "base/5/16384.2")));
        assertTrue(fsynced.isEmpty(), "an accepting sink means no fsync by the writer");

        PgException beyond = assertThrows(PgException.class, () -> smgr.read(rel, ForkNumber.MAIN, 10, into));
        assertEquals(SqlState.DATA_CORRUPTED, beyond.sqlState());
        assertEquals("could not read block 10 in file \"base/5/16384.2\": read only 0 of 8192 bytes",
                beyond.getMessage());
        PgException far = assertThrows(PgException.class, () -> smgr.read(rel, ForkNumber.MAIN, 40, into));
        assertEquals(SqlState.DATA_CORRUPTED, far.sqlState());

        // a second process's manager sees the same files
        try (StorageManager other = recording(4, true)) {
            assertEquals(10, other.nblocks(rel, ForkNumber.MAIN));
            other.read(rel, ForkNumber.MAIN, 9, into);
            assertEquals(10, into.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void truncateEmptiesLaterSegmentsWithoutDeletingThem() throws IOException {
        smgr = recording(4, true);
        smgr.create(rel, ForkNumber.MAIN, false);
        for (int b = 0; b < 10; b++) {
            smgr.extend(rel, ForkNumber.MAIN, b, page(b + 1), false);
        }
        registered.clear();
        smgr.truncate(rel, ForkNumber.MAIN, 3);
        assertEquals(3, smgr.nblocks(rel, ForkNumber.MAIN));
        assertEquals(3 * 8192, Files.size(data.resolve("base/5/16384")));
        assertEquals(0, Files.size(data.resolve("base/5/16384.1")));
        assertEquals(0, Files.size(data.resolve("base/5/16384.2")));
        assertEquals(List.of("base/5/16384.2", "base/5/16384.1", "base/5/16384"), registered);
        // grows again through the emptied segments
        for (int b = 3; b < 6; b++) {
            smgr.extend(rel, ForkNumber.MAIN, b, page(50 + b), false);
        }
        assertEquals(6, smgr.nblocks(rel, ForkNumber.MAIN));
        PgException grow = assertThrows(PgException.class, () -> smgr.truncate(rel, ForkNumber.MAIN, 9));
        assertEquals("could not truncate file \"base/5/16384\" to 9 blocks: it's only 6 blocks now", grow.getMessage());
        smgr.truncate(rel, ForkNumber.MAIN, 4);  // exactly one full segment
        assertEquals(4, smgr.nblocks(rel, ForkNumber.MAIN));
        smgr.truncate(rel, ForkNumber.MAIN, 0);
        assertEquals(0, smgr.nblocks(rel, ForkNumber.MAIN));
    }

    @Test
    void createTwiceUnlinkAndMissingFiles() {
        smgr = recording(4, true);
        smgr.create(rel, ForkNumber.MAIN, false);
        PgException dup = assertThrows(PgException.class, () -> smgr.create(rel, ForkNumber.MAIN, false));
        assertEquals(SqlState.DUPLICATE_FILE, dup.sqlState());
        assertEquals("could not create file \"base/5/16384\": File exists", dup.getMessage());
        smgr.create(rel, ForkNumber.MAIN, true);  // redo accepts it
        smgr.create(rel, ForkNumber.FSM, false);
        for (int b = 0; b < 6; b++) {
            smgr.extend(rel, ForkNumber.MAIN, b, page(1), false);
        }
        smgr.unlinkAll(rel);
        assertFalse(smgr.exists(rel, ForkNumber.MAIN));
        assertFalse(smgr.exists(rel, ForkNumber.FSM));
        assertFalse(Files.exists(data.resolve("base/5/16384.1")));
        PgException missing = assertThrows(PgException.class, () -> smgr.nblocks(rel, ForkNumber.MAIN));
        assertEquals(SqlState.UNDEFINED_FILE, missing.sqlState());
        assertEquals("could not open file \"base/5/16384\": No such file or directory", missing.getMessage());
        assertFalse(smgr.fsyncSegment(rel, ForkNumber.MAIN, 0), "a dropped file needs no fsync");
    }

    @Test
    void refusedSyncRequestIsFsyncedByTheWriter() {
        smgr = recording(4, false);
        smgr.create(rel, ForkNumber.MAIN, false);
        smgr.extend(rel, ForkNumber.MAIN, 0, page(1), false);
        assertEquals(1, fsynced.size());
        smgr.write(rel, ForkNumber.MAIN, 0, page(2), true);  // skipFsync
        assertEquals(1, fsynced.size());
        try (StorageManager off = new StorageManager(data, (r, f, s) -> false, 4, 8, false, fsynced::add)) {
            off.write(rel, ForkNumber.MAIN, 0, page(3), false);  // fsync = off
            off.immedsync(rel, ForkNumber.MAIN);
        }
        assertEquals(1, fsynced.size());
    }

    @Test
    void failedFsyncIsFatal() {
        smgr = new StorageManager(data, SyncRequestSink.IMMEDIATE, 4, 8, true, ch -> {
            throw new IOException("Input/output error");
        });
        smgr.create(rel, ForkNumber.MAIN, false);
        DataSyncFailedError e = assertThrows(DataSyncFailedError.class,
                () -> smgr.extend(rel, ForkNumber.MAIN, 0, page(1), false));
        assertEquals("could not fsync file \"base/5/16384\": Input/output error", e.getMessage());
        assertEquals("base/5/16384", e.path());
        assertThrows(DataSyncFailedError.class, () -> smgr.immedsync(rel, ForkNumber.MAIN));
        assertFalse(RuntimeException.class.isAssignableFrom(DataSyncFailedError.class),
                "must not be swallowed by catch (RuntimeException)");
    }

    /**
     * The checkpoint protocol: writers forward requests through the shared queue; the checkpointer's table
     * absorbs them and fsyncs each file once; a full queue makes the writer fsync itself; requests arriving
     * after syncAll stay for the next checkpoint.
     */
    @Test
    void checkpointerFsyncsEveryFileWrittenBeforeSyncAll() {
        LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(arena.allocate(LWLockWaitSlots.regionSize(2), 64)), 0);
        SyncRequestQueue queue = new SyncRequestQueue(arena.allocate(SyncRequestQueue.regionSize(3), 64), owner);
        List<FileChannel> backendSyncs = new ArrayList<>();
        StorageManager backend = new StorageManager(data, new ForwardingSyncSink(queue), 2, 8, true, backendSyncs::add);
        List<String> checkpointerSyncs = new ArrayList<>();
        SyncRequestTable table = new SyncRequestTable(queue);
        StorageManager checkpointer = new StorageManager(data, table, 2, 8, true, ch -> checkpointerSyncs.add("x"));
        RelFileLocator a = RelFileLocator.of(5, 100), b = RelFileLocator.of(5, 200), c = RelFileLocator.of(5, 300);
        for (RelFileLocator r : List.of(a, b, c)) {
            backend.create(r, ForkNumber.MAIN, false);
        }
        for (int blk = 0; blk < 4; blk++) {  // a: segments 0 and 1, each written twice
            backend.extend(a, ForkNumber.MAIN, blk, page(blk), false);
        }
        backend.extend(b, ForkNumber.MAIN, 0, page(1), false);
        assertEquals(3, queue.size());
        assertTrue(backendSyncs.isEmpty());
        backend.extend(c, ForkNumber.MAIN, 0, page(1), false);  // queue full, no duplicates: writer fsyncs
        assertEquals(1, backendSyncs.size());
        assertEquals(1, queue.backendFsyncs());
        checkpointer.extend(c, ForkNumber.MAIN, 1, page(2), false);  // the checkpointer's own write
        assertEquals(4, table.syncAll(checkpointer));
        assertEquals(4, checkpointerSyncs.size());  // a, a.1, b, c
        assertEquals(0, table.pendingCount());
        assertEquals(0, queue.size());
        backend.write(b, ForkNumber.MAIN, 0, page(9), false);  // after the checkpoint: next one
        assertEquals(1, queue.size());
        backend.unlinkAll(b);
        assertEquals(0, table.syncAll(checkpointer), "the dropped file is skipped");
        backend.close();
        checkpointer.close();
        assertEquals(0, owner.heldCount());
    }

    @Test
    void openFileCacheIsBounded() {
        smgr = recording(4, true);
        for (int r = 0; r < 20; r++) {
            smgr.create(RelFileLocator.of(5, 1000 + r), ForkNumber.MAIN, false);
        }
        assertTrue(smgr.openForkCount() <= 8);
        for (int r = 0; r < 20; r++) {
            smgr.extend(RelFileLocator.of(5, 1000 + r), ForkNumber.MAIN, 0, page(r), false);
        }
        MemorySegment into = page(0);
        smgr.read(RelFileLocator.of(5, 1003), ForkNumber.MAIN, 0, into);
        assertEquals(3, into.get(ValueLayout.JAVA_BYTE, 0));
        smgr.closeRelation(RelFileLocator.of(5, 1003));
        smgr.read(RelFileLocator.of(5, 1003), ForkNumber.MAIN, 0, into);
        assertEquals(3, into.get(ValueLayout.JAVA_BYTE, 7));
    }
}
