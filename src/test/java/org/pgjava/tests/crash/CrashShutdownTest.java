package org.pgjava.tests.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * Auxiliary processes in shutdown, and restart_after_crash = off: each test has its own server.
 */
class CrashShutdownTest {

    @Test
    void auxProcessesRunWithTitlesAndFastStopEndsThemCheckpointerLast() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try {
            assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle(CrashRestartTest.CHECKPOINTER).isPresent()
                    && server.childWithTitle(CrashRestartTest.BGWRITER).isPresent(), Duration.ofSeconds(30)),
                    "checkpointer and background writer are children of the postmaster: "
                            + server.children().stream().map(h -> PgJavaServer.commandLine(h.pid())).toList());
            long pm = server.postmasterPid();
            Set<Long> kids = server.childPids();
            PgJavaServer.ProcessResult r = PgJavaServer.pgjava(List.of("stop", "-D", server.dataDir().toString(),
                    "-m", "fast"));
            assertEquals(0, r.exitCode(), r.all());
            assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(pm).isEmpty()
                    && kids.stream().allMatch(p -> ProcessHandle.of(p).isEmpty()), Duration.ofSeconds(20)),
                    "postmaster and every child gone");
            CrashRestartTest.assertLogInOrder(server.log(), "LOG:  received fast shutdown request",
                    "LOG:  shutting down", "LOG:  database system is shut down");
        } finally {
            server.close();
        }
    }

    @Test
    void restartAfterCrashOffShutsTheServerDown() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options().set("restart_after_crash", "off"));
        try {
            long pm = server.postmasterPid();
            Set<Long> kids;
            try (Connection c = server.connect()) {
                int pid = CrashRestartTest.backendPid(c);
                kids = server.childPids();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(pm).isEmpty(), Duration.ofSeconds(30)),
                        "the postmaster exits:\n" + server.log());
            } catch (SQLException ignored) {
                kids = Set.of();
            }
            Set<Long> children = kids;
            assertTrue(PgJavaServer.waitFor(() -> children.stream().allMatch(p -> ProcessHandle.of(p).isEmpty()),
                    Duration.ofSeconds(15)));
            CrashRestartTest.assertLogInOrder(server.log(), "terminated by signal 9: Killed",
                    "LOG:  terminating any other active server processes",
                    "LOG:  shutting down because restart_after_crash is off");
            assertTrue(!Files.exists(server.dataDir().resolve("postmaster.pid")), "postmaster.pid removed");
        } finally {
            server.close();
        }
    }
}
