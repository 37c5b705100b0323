package org.pgjava.backend.access.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.shmem.wal.WalGeometry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class WalInserterTest {
    @TempDir
    Path dir;

    /** Main data: 8-byte tag then {@code size - 8} bytes derived from the tag. */
    static byte[] payload(long tag, int size) {
        byte[] b = new byte[Math.max(8, size)];
        ByteBuffer.wrap(b).putLong(tag);
        for (int i = 8; i < b.length; i++) {
            b[i] = (byte) (tag * 13 + i);
        }
        return b;
    }

    static long tagOf(WalRecord r) {
        return ByteBuffer.wrap(r.mainData()).getLong();
    }

    static List<WalRecord> readAll(WalSegments segments, long from) {
        List<WalRecord> out = new ArrayList<>();
        try (WalReader reader = new WalReader(segments, from)) {
            WalRecord r;
            while ((r = reader.next()) != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void recordsCrossPagesSegmentsAndWrapTheRingAndReadBack() throws Exception {
        try (WalFixture f = new WalFixture(dir, 4)) {
            WalInserter w = f.inserter();
            Random random = new Random(1);
            List<Long> ends = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            long prevEnd = 0;
            // 2.5 MiB of WAL with 1 MiB segments and a 4-page ring: many page, segment and ring wraps
            for (int i = 0; prevEnd < 2_600_000; i++) {
                int size = switch (i % 4) {
                    case 0 -> 8 + random.nextInt(64);
                    case 1 -> 8 + random.nextInt(9000);
                    case 2 -> WalGeometry.USABLE_BYTES_PER_PAGE - WalRecord.HEADER_SIZE - 2 - 5;
                    default -> 8 + random.nextInt(40_000);
                };
                long end = w.insert(RmgrIds.HEAP, 0, i, List.of(), payload(i, size));
                assertTrue(end > prevEnd);
                assertEquals(0, end % 8 == 0 ? 0 : end % WalGeometry.PAGE_SIZE, "end is aligned or a boundary");
                ends.add(end);
                sizes.add(size);
                prevEnd = end;
            }
            w.flush(prevEnd);
            assertTrue(f.shared().flushedLsn() >= prevEnd);
            List<WalRecord> records = readAll(f.segments, WalGeometry.startLsn(0));
            assertEquals(ends.size(), records.size());
            long prevStart = 0;
            for (int i = 0; i < records.size(); i++) {
                WalRecord r = records.get(i);
                assertEquals(i, tagOf(r));
                assertArrayEquals(payload(i, sizes.get(i)), r.mainData());
                assertEquals(ends.get(i), r.endLsn());
                assertEquals(prevStart, r.prevLsn());
                prevStart = r.lsn();
            }
            assertTrue(Files.exists(f.segments.path(2)), "third segment written");
        }
    }

    @Test
    void readerStopsAtZeroesTornRecordsAndRecycledPages() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter w = f.inserter();
            List<Long> ends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ends.add(w.insert(RmgrIds.XACT, 0, i, List.of(), payload(i, 3000)));
            }
            w.flush(ends.getLast());
            long start = WalGeometry.startLsn(0);
            // end of WAL: zeroes after the last record
            try (WalReader reader = new WalReader(f.segments, start)) {
                int n = 0;
                while (reader.next() != null) {
                    n++;
                }
                assertEquals(50, n);
                assertEquals(ends.getLast(), reader.endOfWal());
                assertTrue(reader.endReason().startsWith("invalid record length at " + WalGeometry.formatLsn(ends.getLast())
                        + ": wanted 24, got 0"), reader.endReason());
            }
            // torn: flip a byte inside record 30's data
            long tornAt = ends.get(29) + 100;
            flipByte(f.segments, tornAt);
            List<WalRecord> read = readAll(f.segments, start);
            assertEquals(30, read.size());
            try (WalReader reader = new WalReader(f.segments, start)) {
                while (reader.next() != null) {
                }
                assertEquals("incorrect resource manager data checksum in record at " + WalGeometry.formatLsn(
                        read.getLast().endLsn()), reader.endReason());
            }
            flipByte(f.segments, tornAt);
            assertEquals(50, readAll(f.segments, start).size());

            // a recycled page: copy page 2 of the file over page 5 (an older page address)
            byte[] old = new byte[WalGeometry.PAGE_SIZE];
            try (FileChannel ch = FileChannel.open(f.segments.path(0), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.read(ByteBuffer.wrap(old), 2L * WalGeometry.PAGE_SIZE);
                ch.write(ByteBuffer.wrap(old), 5L * WalGeometry.PAGE_SIZE);
            }
            try (WalReader reader = new WalReader(f.segments, start)) {
                int n = 0;
                while (reader.next() != null) {
                    n++;
                }
                assertTrue(n < 50);
                assertTrue(reader.endReason().startsWith("unexpected pageaddr 0/4000 in log segment "
                        + "000000010000000000000000, offset 40960"), reader.endReason());
            }
        }
    }

    private static void flipByte(WalSegments segments, long lsn) throws IOException {
        try (FileChannel ch = FileChannel.open(segments.path(segments.segmentOf(lsn)), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long offset = lsn % segments.segmentSize();
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x01));
            b.rewind();
            ch.write(b, offset);
        }
    }

    @Test
    void groupCommitWithManyThreads() throws Exception {
        int threads = 8;
        int perThread = 150;
        try (WalFixture f = new WalFixture(dir, 16)) {
            ConcurrentHashMap<Long, Long> acknowledged = new ConcurrentHashMap<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> list = new ArrayList<>();
            long[] syncs = new long[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    try {
                        WalInserter w = f.inserter();
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            long tag = (long) id << 32 | i;
                            long end = w.insert(RmgrIds.XACT, 0, id, List.of(), payload(tag, 40 + (i % 7) * 300));
                            w.flush(end);
                            assertTrue(w.shared().flushedLsn() >= end);
                            acknowledged.put(tag, end);
                        }
                        syncs[id] = w.syncCount();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                thread.start();
                list.add(thread);
            }
            start.countDown();
            for (Thread t : list) {
                t.join(60_000);
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(threads * perThread, acknowledged.size());
            List<WalRecord> records = readAll(f.segments, WalGeometry.startLsn(0));
            assertEquals(threads * perThread, records.size());
            long previous = -1;
            for (WalRecord r : records) {
                assertTrue(r.lsn() > previous);
                previous = r.lsn();
                assertEquals(acknowledged.get(tagOf(r)), r.endLsn());
            }
            long totalSyncs = 0;
            for (long s : syncs) {
                totalSyncs += s;
            }
            assertTrue(totalSyncs <= threads * perThread, "at most one sync per commit: " + totalSyncs);
        }
    }

    @Test
    void fullPageImageAfterCheckpointRedoPointerMoves() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter w = f.inserter();
            RelFileLocator rel = RelFileLocator.of(5, 16384);
            var page = WalRecordTest.page(0, 64, 8000);
            long first = w.insert(RmgrIds.HEAP, 0, 1, List.of(WalBlockRef.standard(0, rel, ForkNumber.MAIN, 0, page,
                    new byte[]{1})), null);
            PageLsn.set(page, first);
            long second = w.insert(RmgrIds.HEAP, 0, 1, List.of(WalBlockRef.standard(0, rel, ForkNumber.MAIN, 0, page,
                    new byte[]{2})), null);
            PageLsn.set(page, second);
            long redo = w.beginCheckpointRedo();
            assertEquals(WalGeometry.startLsn(WalGeometry.bytePos(second)), redo);
            long third = w.insert(RmgrIds.HEAP, 0, 1, List.of(WalBlockRef.standard(0, rel, ForkNumber.MAIN, 0, page,
                    new byte[]{3})), null);
            PageLsn.set(page, third);
            long fourth = w.insert(RmgrIds.HEAP, 0, 1, List.of(WalBlockRef.standard(0, rel, ForkNumber.MAIN, 0, page,
                    new byte[]{4})), null);
            w.flush(fourth);
            List<WalRecord> records = readAll(f.segments, WalGeometry.startLsn(0));
            assertEquals(4, records.size());
            assertTrue(records.get(0).block(0).hasImage(), "page LSN 0 ≤ redo 0");
            assertFalse(records.get(1).block(0).hasImage());
            assertTrue(records.get(2).block(0).hasImage(), "first change after the checkpoint");
            assertFalse(records.get(3).block(0).hasImage());
            assertEquals(redo, records.get(2).lsn());
        }
    }

    @Test
    void continuesAfterRecoveryMidPage() throws Exception {
        long end;
        long lastStart;
        try (WalFixture f = new WalFixture(dir.resolve("a"), 8)) {
            WalInserter w = f.inserter();
            for (int i = 0; i < 10; i++) {
                w.insert(RmgrIds.XACT, 0, i, List.of(), payload(i, 1000 + i));
            }
            // an unflushed-but-written tail is fine; a never-written one is lost
            end = w.insert(RmgrIds.XACT, 0, 10, List.of(), payload(10, 500));
            w.flush(end);
            w.insert(RmgrIds.XACT, 0, 11, List.of(), payload(11, 500)); // never written: the "crash" loses it
            Files.createDirectories(dir.resolve("b"));
            Files.move(dir.resolve("a").resolve("pg_wal"), dir.resolve("b").resolve("pg_wal"));
        }
        try (WalFixture f = new WalFixture(dir.resolve("b"), 8)) {
            WalReader reader = new WalReader(f.segments, WalGeometry.startLsn(0));
            int n = 0;
            while (reader.next() != null) {
                n++;
            }
            reader.close();
            assertEquals(11, n);
            assertEquals(end, reader.endOfWal());
            lastStart = reader.lastRecordLsn();
            WalInserter w = f.inserter();
            w.startAfterRecovery(reader.endOfWal(), lastStart);
            long e2 = 0;
            for (int i = 11; i < 40; i++) {
                e2 = w.insert(RmgrIds.XACT, 0, i, List.of(), payload(i, 700));
            }
            w.flush(e2);
            List<WalRecord> all = readAll(f.segments, WalGeometry.startLsn(0));
            assertEquals(40, all.size());
            for (int i = 0; i < 40; i++) {
                assertEquals(i, tagOf(all.get(i)));
            }
        }
    }

    @Test
    void fsyncOffStillWritesAndWalWriterCycleFlushes() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter backend = f.inserter(false);
            long end = backend.insert(RmgrIds.XACT, 0, 1, List.of(), payload(1, 100));
            assertTrue(f.shared().flushedLsn() < end, "asynchronous commit: not flushed yet");
            WalInserter walWriter = f.inserter(true);
            assertTrue(walWriter.walWriterCycle());
            assertTrue(walWriter.shared().flushedLsn() >= end);
            assertFalse(walWriter.walWriterCycle(), "nothing new");
            assertTrue(Files.exists(f.segments.path(1)), "next segment pre-allocated");
            long end2 = backend.insert(RmgrIds.XACT, 0, 2, List.of(), payload(2, 100));
            backend.flush(end2);
            assertEquals(0, backend.syncCount(), "fsync=off never syncs");
            assertEquals(2, readAll(f.segments, WalGeometry.startLsn(0)).size());
        }
    }

    @Test
    void failedSyncFlagMakesEveryFlushPanic() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter w = f.inserter();
            long end = w.insert(RmgrIds.XACT, 0, 1, List.of(), payload(1, 100));
            f.shared().markSyncFailed();
            assertThrows(WalSyncFailedError.class, () -> w.flush(end));
            assertTrue(f.shared().flushedLsn() < end);
        }
    }

    @Test
    void freshClusterStartsAtSecondSegmentLikeInitdb() throws Exception {
        try (WalFixture f = new WalFixture(dir, 8)) {
            WalInserter w = f.inserter();
            long start = f.segments.segmentStart(1);
            w.startAfterRecovery(start, 0);
            long end = w.insert(RmgrIds.XLOG, CheckpointRecord.XLOG_CHECKPOINT_SHUTDOWN, 0, List.of(),
                    CheckpointRecord.of(start + 24, 3, 10000, 3, 0).encode());
            w.flush(end);
            assertFalse(Files.exists(f.segments.path(0)));
            assertEquals("000000010000000000000001", f.segments.path(1).getFileName().toString());
            List<WalRecord> records = readAll(f.segments, start + WalGeometry.PAGE_HEADER_SIZE);
            assertEquals(1, records.size());
            assertEquals("0/100018", WalGeometry.formatLsn(records.getFirst().lsn()));
            assertEquals(0, records.getFirst().prevLsn());
        }
    }
}
