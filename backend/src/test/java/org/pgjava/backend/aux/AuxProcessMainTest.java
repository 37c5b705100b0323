package org.pgjava.backend.aux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.server.ServerSegmentLayout;
import org.pgjava.shmem.status.BackendStatus;
import org.pgjava.shmem.status.BackendStatusArray;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The auxiliary-process JVM as the postmaster runs it (a real child process): title, the signals that stop
 * it (as PostgreSQL's checkpointer and background writer), SIGUSR1 = quit for crash, stdin EOF = the
 * postmaster is gone.
 */
class AuxProcessMainTest {
    @TempDir
    Path dataDir;
    /** The shared segment the child attaches, as the postmaster would create it. */
    private SharedSegment segment;
    private final ServerSegmentLayout layout = ServerSegmentLayout.layout(4, 1024);

    @AfterEach
    void closeSegment() {
        if (segment != null) {
            segment.close();
        }
    }

    /** The pid shown in the checkpointer's / background writer's status slot, 0 when none. */
    private int auxiliaryPidInStatus() {
        return new BackendStatusArray(segment.region(ServerSegmentLayout.BACKEND_STATUS), layout.querySize())
                .snapshot().stream()
                .filter(s -> s.backendType() == BackendType.CHECKPOINTER || s.backendType() == BackendType.BACKGROUND_WRITER)
                .mapToInt(BackendStatus::pid).findFirst().orElse(0);
    }

    private Process start(String kind) throws Exception {
        Files.writeString(dataDir.resolve("postgresql.conf"), "bgwriter_delay = 20ms\n");
        if (!Files.exists(dataDir.resolve("global/pg_control"))) {
            // the processes compose their storage views: they need a cluster (pg_control, pg_wal, pg_xact)
            org.pgjava.backend.access.xlog.ClusterStorageInit.initialize(dataDir, 16L << 20, 3, 16384, false);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx32m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AuxProcessMain.class.getName(), "--kind", kind, "-D", dataDir.toString())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true);
        pb.environment().put("PGJAVA_POSTMASTER_PID", Long.toString(ProcessHandle.current().pid()));
        if (segment == null) {
            segment = SharedSegment.create(new SegmentIdentity(dataDir.resolve("shmem"),
                    (int) ProcessHandle.current().pid(), 1), layout.regions());
        }
        pb.environment().put(SegmentIdentity.ENVIRONMENT_VARIABLE, segment.identity().toEnvironmentValue());
        pb.environment().put(ServerSegmentLayout.ENVIRONMENT_VARIABLE, layout.toEnvironmentValue());
        return pb.start();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ').trim();
        } catch (Exception e) {
            return "";
        }
    }

    private static void awaitTitle(Process p, String title) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end && !cmdline(p.pid()).equals(title)) {
            Thread.sleep(20);
        }
        assertEquals(title, cmdline(p.pid()));
        Thread.sleep(300); // signal handlers are installed right after the title
    }

    private static void kill(Process p, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor());
    }

    private void awaitStatusPid(int pid) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end && auxiliaryPidInStatus() != pid) {
            Thread.sleep(20);
        }
        assertEquals(pid, auxiliaryPidInStatus(), "the process shows in its status slot");
    }

    private static String output(Process p) throws Exception {
        return new String(p.getInputStream().readAllBytes());
    }

    @Test
    void checkpointerIgnoresSigtermAndStopsOnSigusr2() throws Exception {
        Process p = start("checkpointer");
        try {
            awaitTitle(p, "pgjava: checkpointer");
            awaitStatusPid((int) p.pid());
            kill(p, "TERM");
            assertTrue(!p.waitFor(1, TimeUnit.SECONDS), "SIGTERM is ignored, as PostgreSQL's checkpointer does");
            kill(p, "USR2");
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            assertTrue(output(p).contains("shutting down"), "the checkpointer logs its shutdown");
            assertEquals(0, auxiliaryPidInStatus(), "an orderly exit frees the status slot");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void backgroundWriterStopsOnSigtermAndQuitsOnSigusr1() throws Exception {
        Process p = start("background-writer");
        try {
            awaitTitle(p, "pgjava: background writer");
            awaitStatusPid((int) p.pid());
            kill(p, "TERM");
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            assertEquals(0, auxiliaryPidInStatus(), "an orderly exit frees the status slot");
        } finally {
            p.destroyForcibly();
        }
        Process q = start("background-writer");
        try {
            awaitTitle(q, "pgjava: background writer");
            awaitStatusPid((int) q.pid());
            kill(q, "USR1");
            assertTrue(q.waitFor(10, TimeUnit.SECONDS));
            assertEquals(2, q.exitValue(), "quit for crash: status 2, as PostgreSQL's quickdie");
            assertEquals((int) q.pid(), auxiliaryPidInStatus(), "a crash exit leaves its slot (the segment is replaced)");
        } finally {
            q.destroyForcibly();
        }
    }

    @Test
    void exitsWhenThePostmasterPipeCloses() throws Exception {
        Process p = start("checkpointer");
        try {
            awaitTitle(p, "pgjava: checkpointer");
            p.getOutputStream().close(); // what the postmaster's death looks like from the child
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badArgumentsExitWithStatusOne() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                AuxProcessMain.class.getName(), "--kind", "walwriter", "-D", dataDir.toString()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), output(p));
    }
}
