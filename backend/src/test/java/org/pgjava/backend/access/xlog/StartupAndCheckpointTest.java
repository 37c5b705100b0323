package org.pgjava.backend.access.xlog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.wal.ControlFile;
import org.pgjava.backend.access.wal.DbState;
import org.pgjava.backend.access.wal.DecodedBlock;
import org.pgjava.backend.access.wal.PageLsn;
import org.pgjava.backend.access.wal.RedoHandler;
import org.pgjava.backend.access.wal.RmgrIds;
import org.pgjava.backend.access.wal.WalBlockRef;
import org.pgjava.backend.access.wal.WalRecord;
import org.pgjava.backend.access.wal.WalSyncMethod;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.buffer.BufferManager;
import org.pgjava.shmem.checkpoint.CheckpointRequests;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.server.ProcessAttachment;
import org.pgjava.shmem.server.ServerSegmentLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint procedure and the startup driver over a real shared segment, data directory and WAL:
 * clean start, crash (shared memory thrown away without a checkpoint) and replay up to the end of WAL,
 * end-of-recovery and shutdown checkpoints, transaction counters carried through.
 */
class StartupAndCheckpointTest {
    private static final long SEGMENT = 1 << 20;
    private static final RelFileLocator REL = new RelFileLocator(1663, 5, 16400);
    /** A test resource manager: each block's data is (offset int, value byte), written into the page. */
    private static final int TEST_RMID = RmgrIds.HEAP;

    @TempDir
    Path dir;
    private SharedSegment segment;
    private ProcessAttachment attachment;
    private ProcessStorage storage;
    private int generation;
    private final List<Long> redoneRecords = new ArrayList<>();

    private final RedoHandler testHandler = new RedoHandler() {
        @Override
        public void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page) {
            ByteBuffer b = ByteBuffer.wrap(block.data()).order(ByteOrder.LITTLE_ENDIAN);
            page.set(ValueLayout.JAVA_BYTE, b.getInt(), b.get());
        }

        @Override
        public void redoRecord(WalRecord record) {
            redoneRecords.add(record.lsn());
        }
    };

    @BeforeEach
    void init() throws Exception {
        ClusterStorageInit.initialize(dir, SEGMENT, 3, 16384, false);
        boot();
    }

    @AfterEach
    void tearDown() {
        crash();
    }

    /** Fresh shared memory (a new server generation) and a process attached as the startup process. */
    private void boot() throws Exception {
        ServerSegmentLayout layout = ServerSegmentLayout.layout(8, 1024, 32, 8, 64);
        SegmentIdentity id = new SegmentIdentity(dir.resolve("shmem." + (++generation)),
                (int) ProcessHandle.current().pid(), generation);
        segment = SharedSegment.create(id, layout.regions());
        attachment = ProcessAttachment.attach(id.toEnvironmentValue(), layout.toEnvironmentValue(),
                (int) ProcessHandle.current().pid(), BackendType.STARTUP);
        storage = ProcessStorage.attach(attachment, dir,
                new ProcessStorage.Settings(false, true, WalSyncMethod.FDATASYNC, SEGMENT), true, () -> { });
    }

    /** Throws shared memory away without any checkpoint: what a kill -9 of every process leaves. */
    private void crash() {
        if (segment == null) return;
        storage.wal().close();
        storage.smgr().close();
        attachment.detach();
        try {
            segment.remove();
        } catch (Exception ignored) {
            // already gone
        }
        segment.close();
        segment = null;
    }

    private StartupRecovery.Outcome startup(Map<Integer, RedoHandler> handlers) throws Exception {
        List<String> titles = new ArrayList<>();
        StartupRecovery.Outcome o = new StartupRecovery(storage, handlers, true, 64L << 20).run(titles::add);
        if (o.replayed()) {
            assertEquals(1, titles.size());
            assertTrue(titles.get(0).matches("recovering [0-9A-F]{24}"), titles.get(0));
        }
        return o;
    }

    /** Changes one byte of block 0 of REL, WAL-logged by the test rmgr with xid {@code xid}. */
    private long changeByte(int offset, byte value, long xid) {
        BufferManager buffers = storage.buffers();
        if (!storage.smgr().exists(REL, ForkNumber.MAIN)) {
            storage.smgr().create(REL, ForkNumber.MAIN, false);
            buffers.unlockReleaseBuffer(buffers.extend(REL, ForkNumber.MAIN));
        }
        int buf = buffers.readBuffer(REL, ForkNumber.MAIN, 0);
        buffers.lockContent(buf, LWLockMode.EXCLUSIVE);
        try {
            MemorySegment page = buffers.page(buf);
            page.set(ValueLayout.JAVA_BYTE, offset, value);
            byte[] data = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).putInt(offset).put(value).array();
            long end = storage.wal().insert(TEST_RMID, 0, xid,
                    List.of(new WalBlockRef(0, REL, ForkNumber.MAIN, 0, page, 0, data)), new byte[0]);
            PageLsn.set(page, end);
            buffers.markDirty(buf);
            return end;
        } finally {
            buffers.unlockContent(buf);
            buffers.releaseBuffer(buf);
        }
    }

    private byte byteOnDisk(int offset) throws Exception {
        Path file = dir.resolve(org.pgjava.backend.storage.smgr.StorageManager.relativePath(REL, ForkNumber.MAIN, 0));
        return Files.readAllBytes(file)[offset];
    }

    @Test
    void cleanStartReplaysNothingAndGoesInProduction() throws Exception {
        ControlFile.Data before = ControlFile.read(dir);
        assertEquals(DbState.SHUT_DOWN, before.state());
        StartupRecovery.Outcome o = startup(Map.of());
        assertFalse(o.replayed());
        assertEquals(3, storage.transactionState().nextFullXid());
        assertEquals(16384, storage.transactionState().nextOid());
        assertEquals(DbState.IN_PRODUCTION, ControlFile.read(dir).state());
        assertEquals(before.checkPointLsn(), ControlFile.read(dir).checkPointLsn(), "no new checkpoint at a clean start");
        // the next record goes right after the checkpoint record
        long next = storage.wal().insert(RmgrIds.XLOG, XlogRedoHandler.XLOG_NOOP, 0, List.of(), new byte[8]);
        assertTrue(storage.wal().lastRecordStart() > before.checkPointLsn());
        assertTrue(next - before.checkPointLsn() < 200);
    }

    @Test
    void crashRecoveryReplaysToTheEndOfWalAndWritesAnEndOfRecoveryCheckpoint() throws Exception {
        startup(Map.of());
        changeByte(100, (byte) 7, 10);
        changeByte(200, (byte) 9, 12);
        byte[] nextOid = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(20000).array();
        long end = storage.wal().insert(RmgrIds.XLOG, XlogRedoHandler.XLOG_NEXTOID, 0, List.of(), nextOid);
        storage.wal().flush(end);
        crash(); // the dirty page never reached disk
        long controlCheckpoint = ControlFile.read(dir).checkPointLsn();

        boot();
        StartupRecovery.Outcome o = startup(Map.of(TEST_RMID, testHandler));
        assertTrue(o.replayed());
        assertNotNull(o.replay());
        assertEquals(2, redoneRecords.size(), "both test records replayed");
        assertEquals(end, o.endOfWal(), "replay stopped at the end of valid WAL");
        assertEquals(13, o.nextFullXid(), "nextXid advanced past every replayed xid");
        assertEquals(20000, o.nextOid());
        assertEquals(13, storage.transactionState().nextFullXid());
        ControlFile.Data after = ControlFile.read(dir);
        assertEquals(DbState.IN_PRODUCTION, after.state());
        assertTrue(after.checkPointLsn() > controlCheckpoint, "end-of-recovery checkpoint recorded");
        assertTrue(after.checkPointLsn() >= end);
        assertEquals(7, byteOnDisk(100), "the checkpoint wrote the redone page");
        assertEquals(9, byteOnDisk(200));

        // a second crash right after recovery replays nothing of the test rmgr (redo starts after it)
        crash();
        boot();
        redoneRecords.clear();
        StartupRecovery.Outcome again = startup(Map.of(TEST_RMID, testHandler));
        assertTrue(again.replayed(), "state was IN_PRODUCTION: recovery runs");
        assertEquals(0, redoneRecords.size());
        assertEquals(13, again.nextFullXid(), "the checkpoint carried nextXid");
    }

    @Test
    void onlineCheckpointMakesChangesDurableAndShutdownCheckpointMakesTheNextStartClean() throws Exception {
        startup(Map.of());
        changeByte(300, (byte) 5, 20);
        Checkpoint checkpoint = new Checkpoint(storage);
        Checkpoint.Result r = checkpoint.perform(CheckpointRequests.IMMEDIATE | CheckpointRequests.FORCE, true,
                64L << 20);
        assertFalse(r.skipped());
        assertEquals(1, r.buffersWritten());
        assertEquals(5, byteOnDisk(300));
        ControlFile.Data control = ControlFile.read(dir);
        assertEquals(r.checkpointLsn(), control.checkPointLsn());
        assertEquals(r.redo(), control.checkPointCopy().redo());
        assertTrue(r.redo() <= r.checkpointLsn());
        assertEquals(DbState.IN_PRODUCTION, control.state());

        Checkpoint.Result skipped = checkpoint.perform(CheckpointRequests.CAUSE_TIME, true, 64L << 20);
        assertTrue(skipped.skipped(), "nothing logged since the last checkpoint: a timed checkpoint is skipped");

        storage.transactionState().setNextFullXid(42);
        Checkpoint.Result shutdown = checkpoint.perform(CheckpointRequests.IS_SHUTDOWN | CheckpointRequests.IMMEDIATE,
                true, 64L << 20);
        assertFalse(shutdown.skipped());
        control = ControlFile.read(dir);
        assertEquals(DbState.SHUT_DOWN, control.state());
        assertEquals(42, control.checkPointCopy().nextXid());
        assertEquals(shutdown.redo(), shutdown.checkpointLsn(), "nothing between redo and a shutdown checkpoint");

        crash();
        boot();
        StartupRecovery.Outcome o = startup(Map.of(TEST_RMID, testHandler));
        assertFalse(o.replayed(), "clean shutdown: no replay");
        assertEquals(42, storage.transactionState().nextFullXid());
    }

    @Test
    void objectIdsHandedOutBeforeACrashAreNeverHandedOutAgain() throws Exception {
        startup(Map.of());
        long first = ObjectIds.newOid(storage);
        long second = ObjectIds.newOid(storage);
        assertEquals(ObjectIds.FIRST_NORMAL_OBJECT_ID, first);
        assertEquals(first + 1, second);
        // an online checkpoint after the allocations records the logged limit, not the counter
        assertFalse(new Checkpoint(storage).perform(CheckpointRequests.IMMEDIATE | CheckpointRequests.FORCE, false,
                64L << 20).skipped());
        long third = ObjectIds.newOid(storage);
        storage.wal().flush(storage.wal().insert(RmgrIds.XLOG, XlogRedoHandler.XLOG_NOOP, 0, List.of(), new byte[8]));
        crash();
        boot();
        StartupRecovery.Outcome o = startup(Map.of());
        assertTrue(o.replayed());
        long after = ObjectIds.newOid(storage);
        assertTrue(after > third, "after the crash the counter starts beyond every OID handed out: " + after
                + " vs " + third);
        assertTrue(after >= first + org.pgjava.shmem.xact.TransactionState.OID_PREFETCH,
                "at the logged limit: " + after);
    }

    @Test
    void missingControlFileIsAPanicAndAnUnknownRmgrStopsRecovery() throws Exception {
        startup(Map.of());
        changeByte(100, (byte) 1, 5);
        storage.wal().flush(storage.wal().lastRecordEnd());
        crash();
        boot();
        var e = assertThrows(org.pgjava.conf.errors.PgException.class, () -> startup(Map.of()));
        assertEquals(org.pgjava.conf.errors.Severity.PANIC, e.severity());
        assertTrue(e.getMessage().contains("rmgr 10 not found"), e.getMessage());
        assertEquals(DbState.IN_CRASH_RECOVERY, ControlFile.read(dir).state());

        Files.delete(ControlFile.path(dir));
        crash();
        boot();
        var missing = assertThrows(org.pgjava.conf.errors.PgException.class, () -> startup(Map.of()));
        assertEquals("could not open file \"global/pg_control\": No such file or directory", missing.getMessage());
    }
}
