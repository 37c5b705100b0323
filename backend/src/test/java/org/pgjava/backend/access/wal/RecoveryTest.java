package org.pgjava.backend.access.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.shmem.wal.WalGeometry;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RecoveryTest {
    @TempDir
    Path dir;

    private static final RelFileLocator REL = RelFileLocator.of(5, 16384);

    /** Pages in memory keyed by block number; counts opens. */
    static final class FakeBlocks implements RedoBlockAccess {
        final Map<Integer, MemorySegment> pages = new HashMap<>();
        int dirtied;

        MemorySegment page(int block) {
            return pages.computeIfAbsent(block, b -> Arena.ofAuto().allocate(PageLsn.BLOCK_SIZE, 8));
        }

        @Override
        public RedoPage open(RelFileLocator locator, ForkNumber fork, int blockNumber, boolean zeroPage) {
            assertEquals(REL, locator);
            MemorySegment p = page(blockNumber);
            return new RedoPage() {
                public MemorySegment page() {
                    return p;
                }

                public void markDirty() {
                    dirtied++;
                }

                public void close() {
                }
            };
        }
    }

    /** Handler: block data byte b is written at page offset 8100 + b (a "tuple", above pd_upper). */
    static final class SetByteHandler implements RedoHandler {
        final List<String> calls = new ArrayList<>();

        public void redoBlock(WalRecord record, DecodedBlock block, MemorySegment page) {
            byte b = block.data()[0];
            page.set(ValueLayout.JAVA_BYTE, 8100 + b, b);
            calls.add("block " + block.blockNumber() + " " + b);
        }

        public void redoRecord(WalRecord record) {
            calls.add("record " + WalGeometry.formatLsn(record.lsn()));
        }
    }

    @Test
    void replayRestoresImagesSkipsNewerPagesAndAppliesTheRest() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter w = f.inserter();
            // the "live" pages the inserting side changes
            MemorySegment live0 = WalRecordTest.page(0, 64, 8000);
            MemorySegment live1 = WalRecordTest.page(0, 64, 8000);
            long redo = w.beginCheckpointRedo(); // redo 0/18: first changes of both pages carry images
            List<Long> ends = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                MemorySegment live = i % 2 == 0 ? live1 : live0;
                int block = i % 2 == 0 ? 1 : 0;
                live.set(ValueLayout.JAVA_BYTE, 8100 + i, (byte) i);
                long end = w.insert(RmgrIds.HEAP, 0, 1, List.of(WalBlockRef.standard(0, REL, ForkNumber.MAIN, block,
                        live, new byte[]{(byte) i})), null);
                PageLsn.set(live, end);
                ends.add(end);
            }
            w.insert(RmgrIds.XACT, 0, 1, List.of(), new byte[]{1});
            w.flush(f.shared().insertEndLsn());

            FakeBlocks blocks = new FakeBlocks();
            // block 1 on "disk" already has the change of record 4 (page LSN = its end)
            MemorySegment disk1 = blocks.page(1);
            disk1.copyFrom(WalRecordTest.page(0, 64, 8000));
            disk1.set(ValueLayout.JAVA_BYTE, 8102, (byte) 2);
            disk1.set(ValueLayout.JAVA_BYTE, 8104, (byte) 4);
            PageLsn.set(disk1, ends.get(3));
            // block 0 on disk is torn garbage: the image of record 1 repairs it
            blocks.page(0).fill((byte) 0x55);

            SetByteHandler heap = new SetByteHandler();
            SetByteHandler xact = new SetByteHandler();
            Recovery.Result result = Recovery.replay(f.segments, redo, Map.of(RmgrIds.HEAP, heap, RmgrIds.XACT, xact),
                    blocks);
            assertEquals(7, result.records());
            // records 1 and 2 carry images: restored unconditionally, even over block 1's newer disk page
            // (as PostgreSQL does), without calling the handler; records 3..6 are then applied on top
            assertEquals(2, result.imagesRestored());
            assertEquals(4, result.blocksApplied());
            assertEquals(0, result.blocksSkipped());
            assertEquals(List.of("record " + WalGeometry.formatLsn(WalGeometry.startLsn(0)),
                    "record " + WalGeometry.formatLsn(ends.get(0)),
                    "block 0 3", "record " + WalGeometry.formatLsn(ends.get(1)),
                    "block 1 4", "record " + WalGeometry.formatLsn(ends.get(2)),
                    "block 0 5", "record " + WalGeometry.formatLsn(ends.get(3)),
                    "block 1 6", "record " + WalGeometry.formatLsn(ends.get(4))), heap.calls);
            assertEquals(1, xact.calls.size());
            assertArrayEquals(live0.toArray(ValueLayout.JAVA_BYTE), blocks.page(0).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(live1.toArray(ValueLayout.JAVA_BYTE), blocks.page(1).toArray(ValueLayout.JAVA_BYTE));
            assertEquals("redo starts at 0/18", result.startMessage());
            assertTrue(result.stopReason().startsWith("invalid record length"), result.stopReason());
            assertEquals(f.shared().insertEndLsn(), result.endOfWal());

            // a second replay over the recovered pages: every block is already done
            SetByteHandler again = new SetByteHandler();
            FakeBlocks after = blocks;
            Recovery.Result second = Recovery.replay(f.segments, ends.get(1), Map.of(RmgrIds.HEAP, again,
                    RmgrIds.XACT, new SetByteHandler()), after);
            assertEquals(4, second.blocksSkipped());
            assertEquals(0, second.blocksApplied());
            assertTrue(again.calls.stream().noneMatch(c -> c.startsWith("block")), again.calls.toString());
        }
    }

    @Test
    void missingHandlerStopsRecovery() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter w = f.inserter();
            w.flush(w.insert(RmgrIds.BTREE, 0, 1, List.of(), new byte[]{1}));
            assertThrows(IllegalStateException.class, () -> Recovery.replay(f.segments, WalGeometry.startLsn(0),
                    Map.of(), new FakeBlocks()));
        }
    }

    @Test
    void controlFileRoundTripAndCorruption() throws IOException {
        assertThrows(NoSuchFileException.class, () -> ControlFile.read(dir));
        CheckpointRecord cp = CheckpointRecord.of(0x1000028, 740, 24576, 716, 1_700_000_000L);
        ControlFile.Data data = new ControlFile.Data(7_300_000_000_000_000_001L, DbState.IN_PRODUCTION, 1_700_000_001L,
                0x10000A0, cp, 16 << 20, 0);
        ControlFile.write(dir, data);
        assertEquals(data, ControlFile.read(dir));
        assertEquals(ControlFile.FILE_SIZE, Files.size(ControlFile.path(dir)));
        ControlFile.Data shutDown = data.withState(DbState.SHUT_DOWN, 1_700_000_002L);
        ControlFile.write(dir, shutDown);
        assertEquals(DbState.SHUT_DOWN, ControlFile.read(dir).state());
        assertFalse(Files.exists(ControlFile.path(dir).resolveSibling("pg_control.tmp")));
        byte[] bytes = Files.readAllBytes(ControlFile.path(dir));
        bytes[40] ^= 1;
        Files.write(ControlFile.path(dir), bytes);
        IOException e = assertThrows(IOException.class, () -> ControlFile.read(dir));
        assertEquals("incorrect checksum in control file", e.getMessage());
    }

    @Test
    void checkpointRecordInWalAndSegmentRecycling() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter w = f.inserter();
            long end = 0;
            for (int i = 0; i < 300; i++) {
                end = w.insert(RmgrIds.XACT, 0, i, List.of(), new byte[8000]);
            }
            w.flush(end);
            assertTrue(f.segments.existingSegments().size() >= 3);
            long redo = w.beginCheckpointRedo();
            CheckpointRecord cp = CheckpointRecord.of(redo, 1000, 20000, 3, 1);
            long cpEnd = w.insert(RmgrIds.XLOG, CheckpointRecord.XLOG_CHECKPOINT_ONLINE, 0, List.of(), cp.encode());
            w.flush(cpEnd);
            long before = f.segments.segmentOf(redo);
            WalSegments.RemovalResult r = f.segments.removeOldSegments(redo, cpEnd, 64L << 20);
            assertEquals(before, r.recycled(), "every segment before the redo segment recycled");
            assertEquals(before, f.segments.existingSegments().getFirst());
            assertTrue(f.segments.existingSegments().getLast() > f.segments.segmentOf(cpEnd));
            // the checkpoint record reads back; then the new inserts run into the recycled segments
            try (WalReader reader = new WalReader(f.segments, redo)) {
                WalRecord rec = reader.next();
                assertEquals(RmgrIds.XLOG, rec.rmid());
                assertEquals(cp, CheckpointRecord.decode(rec.mainData()));
            }
            long last = cpEnd;
            for (int i = 0; i < 300; i++) {
                last = w.insert(RmgrIds.XACT, 0, i, List.of(), new byte[8000]);
            }
            w.flush(last);
            List<WalRecord> fromRedo = WalInserterTest.readAll(f.segments, redo);
            assertEquals(301, fromRedo.size());
            assertEquals(last, fromRedo.getLast().endLsn());
            // maxWalSize small: removal instead of recycling
            long redo2 = w.beginCheckpointRedo();
            WalSegments.RemovalResult r2 = f.segments.removeOldSegments(redo2, last, 1L << 20);
            assertTrue(r2.removed() > 0);
        }
    }
}
