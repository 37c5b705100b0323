package org.pgjava.shmem.sinval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;

/**
 * The invalidation queue across real processes: writer JVMs append numbered, checksummed messages while
 * reader JVMs (two fast, one slow) read them ({@link SinvalChildMain}). Every reader must see each
 * writer's messages in order, untorn, and complete unless it was reset; the slow reader must be reset and
 * the writers must finish regardless.
 *
 * <p>Test words region: 0 go flag, 8 attached count, 16 writers done, 24 stop flag; reader r's results
 * at {@link #readerWords(int)}: received count, reset count, then per writer the next expected sequence
 * (-1 when the reader was reset after the last message it saw from that writer).
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedInvalidationQueueCrossProcessTest {
    static final String WAIT_SLOTS = "lwlock wait slots";
    static final String QUEUE = "sinval queue";
    static final String WORDS = "test words";
    static final int QUEUE_SLOTS = 8;
    static final int QUEUE_SIZE = 1024;
    static final int MAX_WRITERS = 4;
    static final long GO = 0, ATTACHED = 8, WRITERS_DONE = 16, STOP = 24;

    static long readerWords(int reader) {
        return 256 + 128L * reader;
    }

    static RegionLayout layout() {
        return RegionLayout.builder(1)
                .add(WAIT_SLOTS, LWLockWaitSlots.regionSize(16))
                .add(QUEUE, SharedInvalidationQueue.regionSize(QUEUE_SLOTS, QUEUE_SIZE))
                .add(WORDS, 4096)
                .build();
    }

    @TempDir
    Path dir;

    @Test
    void writersAndReadersInSeparateJvms() throws Exception {
        int writers = 3;
        int perWriter = 20_000;
        SegmentIdentity id = new SegmentIdentity(dir.resolve("pgjava.shmem"), (int) ProcessHandle.current().pid(), 1);
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try (SharedSegment segment = SharedSegment.create(id, layout())) {
            MemorySegment w = segment.region(WORDS);
            for (int i = 0; i < writers; i++) {
                start(children, logs, id, "writer", 1 + i, i, perWriter);
            }
            start(children, logs, id, "reader", 8, 0, 0);        // fast
            start(children, logs, id, "reader", 9, 1, 0);        // fast
            start(children, logs, id, "reader", 10, 2, 3000);    // slow: 3 ms between reads of 8
            long deadline = System.currentTimeMillis() + 30_000;
            while (SharedAtomics.getLong(w, ATTACHED) < writers + 3) {
                for (Process p : children) {
                    assertFalse(!p.isAlive() && p.exitValue() != 0, () -> "child failed: " + logsText(logs));
                }
                assertTrue(System.currentTimeMillis() < deadline, () -> "children did not attach: " + logsText(logs));
                Thread.sleep(5);
            }
            SharedAtomics.setLong(w, GO, 1);
            deadline = System.currentTimeMillis() + 60_000;
            while (SharedAtomics.getLong(w, WRITERS_DONE) < writers) {
                assertTrue(System.currentTimeMillis() < deadline, () -> "writers did not finish: " + logsText(logs));
                Thread.sleep(5);
            }
            SharedAtomics.setLong(w, STOP, 1);
            for (Process p : children) {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> "child hung: " + logsText(logs));
                assertEquals(0, p.exitValue(), () -> "child failed: " + logsText(logs));
            }
            long total = (long) writers * perWriter;
            SharedInvalidationQueue queue = new SharedInvalidationQueue(segment.region(QUEUE), QUEUE_SLOTS, QUEUE_SIZE,
                    new org.pgjava.shmem.lock.LWLockOwner(new LWLockWaitSlots(segment.region(WAIT_SLOTS)), 0));
            assertEquals(total, queue.maxMessageNumber());
            for (int r = 0; r < 3; r++) {
                long base = readerWords(r);
                long received = SharedAtomics.getLong(w, base);
                long resets = SharedAtomics.getLong(w, base + 8);
                System.out.printf("sinval reader %d: %d of %d messages, %d resets%n", r, received, total, resets);
                for (int wr = 0; wr < writers; wr++) {
                    // every reader ends caught up: it saw each writer's last message, or was reset after the
                    // last message it saw from that writer (-1)
                    long next = SharedAtomics.getLong(w, base + 16 + 8L * wr);
                    assertTrue(next == perWriter || (next == -1 && resets > 0), "reader " + r + " writer " + wr + ": " + next);
                }
                if (resets == 0) {
                    assertEquals(total, received, "reader " + r + " was never reset, so it must see everything");
                } else {
                    assertTrue(received < total);
                }
                assertFalse(queue.inUse(r));
            }
            assertTrue(SharedAtomics.getLong(w, readerWords(2) + 8) > 0, "the slow reader was never reset");
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(dir.resolve("pgjava.shmem"));
        }
    }

    private void start(List<Process> children, List<Path> logs, SegmentIdentity id, String role,
                              int waitSlot, int index, int param) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SinvalChildMain.class.getName(),
                role, String.valueOf(waitSlot), String.valueOf(index), String.valueOf(param)));
        Path log = dir.resolve(role + "-" + index + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put(SegmentIdentity.ENVIRONMENT_VARIABLE, id.toEnvironmentValue());
        children.add(pb.start());
        logs.add(log);
    }

    private static String logsText(List<Path> logs) {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            try {
                sb.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
            } catch (IOException e) {
                sb.append("\n--- ").append(log).append(": ").append(e);
            }
        }
        return sb.toString();
    }
}
