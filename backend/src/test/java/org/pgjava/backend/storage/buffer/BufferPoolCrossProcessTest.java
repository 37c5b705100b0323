package org.pgjava.backend.storage.buffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.backend.storage.smgr.SyncRequestTable;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.buffer.SharedBufferPool;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Several child JVMs share one buffer pool of 16 buffers over a 40-block relation (3 segment files of 16
 * blocks) and increment page counters under exclusive content locks, while this JVM runs checkpoints
 * (flushAllDirty + fsync of the forwarded requests) and background-writer rounds. Afterwards every counter
 * in the files must be exact: no lost update through eviction, re-reads, concurrent I/O or checkpoints.
 */
class BufferPoolCrossProcessTest {
    static final int NBUFFERS = 16, BLOCKS = 40, SEGMENT_BLOCKS = 16, CHILDREN = 4, ITERATIONS = 1500;

    @TempDir
    Path dir;

    @Test
    void childrenIncrementPageCountersWithoutLostUpdates() throws Exception {
        Path data = dir.resolve("data");
        SegmentIdentity id = new SegmentIdentity(dir.resolve("pgjava.shmem"), (int) ProcessHandle.current().pid(), 1);
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try (SharedSegment segment = SharedSegment.create(id, BufferPoolFixture.layout(NBUFFERS))) {
            LWLockOwner owner = BufferPoolFixture.owner(segment::region, 0);
            SharedBufferPool pool = SharedBufferPool.attach(segment::region, NBUFFERS, owner);
            SyncRequestTable syncTable = new SyncRequestTable(pool.syncQueue());
            List<String> fsynced = new ArrayList<>();
            try (StorageManager smgr = new StorageManager(data, syncTable, SEGMENT_BLOCKS, 16, true)) {
                BufferManager bm = new BufferManager(pool, smgr, WalFlusher.NONE);
                smgr.create(BufferChildMain.REL, ForkNumber.MAIN, false);
                for (int b = 0; b < BLOCKS; b++) {
                    bm.unlockReleaseBuffer(bm.extend(BufferChildMain.REL, ForkNumber.MAIN));
                }
                for (int c = 1; c <= CHILDREN; c++) {
                    Path log = dir.resolve("child-" + c + ".log");
                    logs.add(log);
                    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xshare:auto",
                            "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                            BufferChildMain.class.getName(), data.toString(), Integer.toString(c),
                            Integer.toString(ITERATIONS), Integer.toString(NBUFFERS), Integer.toString(BLOCKS),
                            Integer.toString(SEGMENT_BLOCKS))
                            .redirectErrorStream(true).redirectOutput(log.toFile());
                    pb.environment().put(SegmentIdentity.ENVIRONMENT_VARIABLE, id.toEnvironmentValue());
                    children.add(pb.start());
                }
                MemorySegment words = segment.region(BufferPoolFixture.WORDS);
                long deadline = System.currentTimeMillis() + 60_000;
                while (SharedAtomics.getLong(words, BufferPoolFixture.ATTACHED) < CHILDREN) {
                    for (Process p : children) {
                        if (!p.isAlive()) {
                            fail("child exited early: " + logsText(logs));
                        }
                    }
                    assertTrue(System.currentTimeMillis() < deadline, "children did not attach: " + logsText(logs));
                    Thread.sleep(5);
                }
                SharedAtomics.setLong(words, BufferPoolFixture.GO, 1);
                int checkpoints = 0;
                while (children.stream().anyMatch(Process::isAlive)) {
                    assertTrue(System.currentTimeMillis() < deadline, "children did not finish: " + logsText(logs));
                    bm.flushAllDirty();
                    syncTable.syncAll(smgr);
                    bm.cleanAhead(8, 2.0);
                    checkpoints++;
                    Thread.sleep(20);
                }
                for (Process p : children) {
                    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                    assertEquals(0, p.exitValue(), "child failed: " + logsText(logs));
                }
                assertEquals(CHILDREN, SharedAtomics.getLong(words, BufferPoolFixture.DONE));
                assertTrue(checkpoints > 0);
                // final checkpoint, then the files hold every update
                bm.flushAllDirty();
                syncTable.syncAll(smgr);
                assertEquals(0, pool.syncQueue().size());
                assertEquals(0, bm.pinnedBufferCount());
                assertEquals(0, owner.heldCount());
                for (int b = 0; b < NBUFFERS; b++) {
                    assertEquals(0, org.pgjava.shmem.buffer.BufferState.refcount(bm.state(b)), "buffer " + b + " pinned");
                }
            }
            long[][] expected = new long[BLOCKS][CHILDREN + 1];
            for (int c = 1; c <= CHILDREN; c++) {
                for (int i = 0; i < ITERATIONS; i++) {
                    expected[BufferChildMain.blockOf(c, i, BLOCKS)][c]++;
                }
            }
            long grandTotal = 0;
            for (int b = 0; b < BLOCKS; b++) {
                ByteBuffer page = readBlock(data, b);
                long total = 0;
                for (int c = 1; c <= CHILDREN; c++) {
                    assertEquals(expected[b][c], page.getLong((int) (BufferChildMain.PER_CHILD + 8L * c)),
                            "block " + b + " child " + c);
                    total += expected[b][c];
                }
                assertEquals(total, page.getLong((int) BufferChildMain.TOTAL), "block " + b);
                grandTotal += total;
            }
            assertEquals((long) CHILDREN * ITERATIONS, grandTotal);
            segment.remove();
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }
    }

    private static ByteBuffer readBlock(Path data, int block) throws IOException {
        int segno = block / SEGMENT_BLOCKS;
        Path file = data.resolve("base/5/24576" + (segno > 0 ? "." + segno : ""));
        byte[] bytes = Files.readAllBytes(file);
        return ByteBuffer.wrap(bytes, (block % SEGMENT_BLOCKS) * 8192, 8192).slice().order(ByteOrder.nativeOrder());
    }

    private static String logsText(List<Path> logs) {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            try {
                sb.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
            } catch (IOException e) {
                sb.append(e);
            }
        }
        return sb.toString();
    }
}
