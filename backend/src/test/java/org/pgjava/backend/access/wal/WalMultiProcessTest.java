package org.pgjava.backend.access.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.wal.WalGeometry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Several child JVMs insert and flush records into one shared WAL (one segment file for most of it, a small
 * ring so they also wait for each other's writes); afterwards a reader finds every acknowledged record exactly
 * once, in LSN order, with the end LSN the child was told.
 */
class WalMultiProcessTest {
    @TempDir
    Path dir;

    @Test
    void childProcessesShareOneWal() throws Exception {
        int children = 4;
        int perChild = 300;
        int walBuffers = 8;
        try (WalFixture f = new WalFixture(dir, walBuffers)) {
            List<Process> processes = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            for (int c = 0; c < children; c++) {
                Path log = dir.resolve("child-" + c + ".log");
                List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xshare:auto",
                        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        WalChildMain.class.getName(), String.valueOf(c), String.valueOf(10 + c), String.valueOf(perChild),
                        String.valueOf(walBuffers), f.segments.directory().toString(),
                        dir.resolve("ack-" + c).toString());
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().put(SegmentIdentity.ENVIRONMENT_VARIABLE, f.segment.identity().toEnvironmentValue());
                processes.add(pb.start());
                logs.add(log);
            }
            for (int c = 0; c < children; c++) {
                Process p = processes.get(c);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child " + c + " finished");
                assertEquals(0, p.exitValue(), () -> {
                    try {
                        return Files.readString(logs.get(processes.indexOf(p)));
                    } catch (Exception e) {
                        return e.toString();
                    }
                });
            }
            Map<Long, Long> acknowledged = new HashMap<>();
            for (int c = 0; c < children; c++) {
                for (String line : Files.readAllLines(dir.resolve("ack-" + c))) {
                    String[] parts = line.split(" ");
                    acknowledged.put(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                }
            }
            assertEquals(children * perChild, acknowledged.size());
            assertTrue(f.shared().flushedLsn() >= acknowledged.values().stream().mapToLong(Long::longValue).max()
                    .orElseThrow());
            Set<Long> seen = new HashSet<>();
            long previous = -1;
            int[] nextSequence = new int[children];
            for (WalRecord r : WalInserterTest.readAll(f.segments, WalGeometry.startLsn(0))) {
                long tag = WalInserterTest.tagOf(r);
                assertTrue(seen.add(tag), "record " + tag + " once");
                assertTrue(r.lsn() > previous);
                previous = r.lsn();
                assertEquals(acknowledged.get(tag), r.endLsn());
                int child = (int) (tag >>> 32);
                assertEquals(nextSequence[child]++, (int) tag, "a child's records in its order");
                assertArrayEquals(WalInserterTest.payload(tag, 16 + ((int) tag * 37) % 2500), r.mainData());
            }
            assertEquals(acknowledged.keySet(), seen);
        }
    }
}
