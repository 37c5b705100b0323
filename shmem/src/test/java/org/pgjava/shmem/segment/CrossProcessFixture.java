package org.pgjava.shmem.segment;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support for cross-process tests: the layout every test process builds, the offsets of the test
 * words, and starting child JVMs (the test class path, JAVA_HOME's java) that run a main class with the
 * segment identity in their environment, as the postmaster will start its children.
 *
 * <p>Test words region ({@value #WORDS} bytes), all 8-byte aligned:
 * <pre>
 *   0 go flag (parent sets 1 when all children attached)   8 attached-children count
 *  16 counter A (plain, under LWLock 0)                    24 counter B (plain, under LWLock 0, always == A)
 *  32 counter under the spinlock (plain)                   40 atomic getAndAdd counter
 *  48 atomic compare-and-set counter                       56 spinlock word (4 bytes)
 *  64 parent's release timestamp (nanoTime)                72 round number (latency test)
 *  80 stop flag                                            88 shared acquisitions count (fairness test)
 *  96 invariant violations seen by readers                104 round done
 * 1024.. latencies, one long per round (up to 384 rounds)
 * </pre>
 */
public final class CrossProcessFixture implements AutoCloseable {
    public static final String WAIT_SLOTS = "lwlock wait slots";
    public static final String LOCKS = "test locks";
    public static final String WORDS = "test words";
    public static final int SLOT_COUNT = 16;
    public static final int LOCK_COUNT = 4;
    public static final int WORDS_SIZE = 4096;

    public static final long GO = 0, ATTACHED = 8, COUNTER_A = 16, COUNTER_B = 24, SPIN_COUNTER = 32,
            ATOMIC_ADD = 40, ATOMIC_CAS = 48, SPINLOCK = 56, RELEASE_NANOS = 64, ROUND = 72, STOP = 80,
            SHARED_ACQUISITIONS = 88, VIOLATIONS = 96, ROUND_DONE = 104, LATENCIES = 1024;
    public static final int MAX_ROUNDS = 384;

    private final SharedSegment segment;
    private final List<Process> children = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final Path directory;

    /** The layout parent and children use. */
    public static RegionLayout layout() {
        return RegionLayout.builder(1)
                .add(WAIT_SLOTS, 64L * SLOT_COUNT)
                .add(LOCKS, 64L * LOCK_COUNT)
                .add(WORDS, WORDS_SIZE)
                .build();
    }

    /** Creates a fresh segment in {@code directory} as the "postmaster" (this JVM's pid, generation 1). */
    public CrossProcessFixture(Path directory) throws IOException {
        this.directory = directory;
        SegmentIdentity id = new SegmentIdentity(directory.resolve("pgjava.shmem"),
                (int) ProcessHandle.current().pid(), 1);
        this.segment = SharedSegment.create(id, layout());
    }

    public SharedSegment segment() {
        return segment;
    }

    public MemorySegment words() {
        return segment.region(WORDS);
    }

    /** Starts a child JVM running {@code mainClass} with {@code args}; its output goes to a log file. */
    public Process start(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
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

    /** Waits until {@code count} children have incremented the attached counter, then sets the go flag. */
    public void awaitAttachedThenGo(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (words().get(java.lang.foreign.ValueLayout.JAVA_LONG, ATTACHED) < count) {
            for (Process p : children) {
                if (!p.isAlive() && p.exitValue() != 0) {
                    throw new AssertionError("child exited early with " + p.exitValue() + ": " + logsText());
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("children did not attach in time: " + logsText());
            }
            Thread.sleep(5);
        }
        org.pgjava.shmem.atomic.SharedAtomics.setLong(words(), GO, 1);
    }

    /** Waits for every child to exit and fails (with their output) unless all exited with status 0. */
    public void awaitChildrenSucceed(long timeoutSeconds) throws InterruptedException {
        for (Process p : children) {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError("child " + p.pid() + " did not finish: " + logsText());
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("child " + p.pid() + " exited with " + p.exitValue() + ": " + logsText());
            }
        }
    }

    /** All children's output. */
    public String logsText() {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            try {
                sb.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
            } catch (IOException e) {
                sb.append("\n--- ").append(log.getFileName()).append(": ").append(e);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        for (Process p : children) {
            p.destroyForcibly();
        }
        segment.close();
        segment.remove();
    }
}
