package org.pgjava.shmem.procarray;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.status.BackendStatusArray;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support for the process-array and status cross-process tests: a segment with a small process
 * array, a status array and a words region, and child JVMs started as the postmaster will start them
 * (java.home's java, the test class path, {@code PGJAVA_SHMEM}).
 *
 * <p>Words region (8-byte words): 0 go flag, 8 attached count, 16 violations, 24 operations done,
 * 32 signals received, 40 stop flag; 512.. one owner word per process-array slot.
 */
public final class ProcStatusFixture implements AutoCloseable {
    public static final String PROC = "proc array", STATUS = "backend status", WORDS = "test words";
    public static final int PROC_SLOTS = 3, STATUS_SLOTS = 4, QUERY_SIZE = 1024;
    public static final long GO = 0, ATTACHED = 8, VIOLATIONS = 16, DONE = 24, SIGNALS = 32, STOP = 40, OWNERS = 512;

    private final SharedSegment segment;
    private final Path directory;
    private final List<Process> children = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    public static RegionLayout layout() {
        return RegionLayout.builder(1)
                .add(PROC, ProcArray.regionSize(PROC_SLOTS))
                .add(STATUS, BackendStatusArray.regionSize(STATUS_SLOTS, QUERY_SIZE))
                .add(WORDS, 4096)
                .build();
    }

    public ProcStatusFixture(Path directory) throws IOException {
        this.directory = directory;
        this.segment = SharedSegment.create(new SegmentIdentity(directory.resolve("pgjava.shmem"),
                (int) ProcessHandle.current().pid(), 1), layout());
    }

    /** A child's attach. */
    public static SharedSegment attach() throws IOException {
        return SharedSegment.attach(SegmentIdentity.fromEnvironmentValue(
                System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE)), layout());
    }

    public SharedSegment segment() {
        return segment;
    }

    public MemorySegment words() {
        return segment.region(WORDS);
    }

    public Process start(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        Path log = directory.resolve("child-" + children.size() + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put(SegmentIdentity.ENVIRONMENT_VARIABLE, segment.identity().toEnvironmentValue());
        Process p = pb.start();
        children.add(p);
        logs.add(log);
        return p;
    }

    public void awaitAttachedThenGo(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (SharedAtomics.getLong(words(), ATTACHED) < count) {
            for (Process p : children) {
                if (!p.isAlive() && p.exitValue() != 0) throw new AssertionError("child failed: " + logsText());
            }
            if (System.currentTimeMillis() > deadline) throw new AssertionError("children did not attach: " + logsText());
            Thread.sleep(5);
        }
        SharedAtomics.setLong(words(), GO, 1);
    }

    public void awaitChildrenSucceed(long timeoutSeconds) throws InterruptedException {
        for (Process p : children) {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) throw new AssertionError("child hung: " + logsText());
            if (p.exitValue() != 0) throw new AssertionError("child exited " + p.exitValue() + ": " + logsText());
        }
    }

    public String logsText() {
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

    @Override
    public void close() throws IOException {
        for (Process p : children) p.destroyForcibly();
        segment.close();
        segment.remove();
    }
}
