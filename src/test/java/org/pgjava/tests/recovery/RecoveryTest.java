package org.pgjava.tests.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * The startup process, the checkpointer and the shutdown checkpoint seen from outside: log lines in
 * PostgreSQL 15's words and order, CHECKPOINT from psql, a clean restart after a shutdown and crash
 * recovery after kill -9 of the postmaster and all its children.
 */
class RecoveryTest {
    static final String STARTUP_TITLE = "pgjava: startup";

    static void assertLogInOrder(String log, String... lines) {
        int from = 0;
        for (String l : lines) {
            int i = log.indexOf(l, from);
            assertTrue(i >= 0, "log lacks (in this order) \"" + l + "\":\n" + log);
            from = i + l.length();
        }
    }

    /** Starts the server again on the same data directory, logging to {@code log}; returns pg_ctl's result. */
    static PgJavaServer.ProcessResult restart(PgJavaServer server, Path log) {
        String o = "-c port=" + server.port() + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                + server.socketDir();
        return PgJavaServer.pgjava(List.of("start", "-D", server.dataDir().toString(), "-l", log.toString(), "-o", o,
                "-t", "120"));
    }

    @Test
    void startupProcessRunsFirstAndShutdownCheckpointMakesTheNextStartClean() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try {
            assertLogInOrder(server.log(), "LOG:  database system was shut down at ",
                    "LOG:  database system is ready to accept connections");
            assertFalse(server.log().contains("redo starts at"), "initdb leaves a cleanly shut down cluster");
            assertEquals("1", server.psql("-c", "SELECT 1").stdout().trim());
            assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle("pgjava: checkpointer").isPresent()
                    && server.childWithTitle("pgjava: walwriter").isPresent()
                    && server.childWithTitle("pgjava: background writer").isPresent(), Duration.ofSeconds(30)),
                    "aux processes: " + server.children().stream().map(h -> PgJavaServer.commandLine(h.pid())).toList());
            assertTrue(server.childWithTitle(STARTUP_TITLE).isEmpty(), "the startup process has exited");

            PgJavaServer.ProcessResult stop = PgJavaServer.pgjava(List.of("stop", "-D", server.dataDir().toString(),
                    "-m", "fast"));
            assertEquals(0, stop.exitCode(), stop.all());
            assertLogInOrder(server.log(), "LOG:  received fast shutdown request", "LOG:  shutting down",
                    "LOG:  checkpoint starting: shutdown immediate", "LOG:  checkpoint complete: wrote ",
                    "LOG:  database system is shut down");

            Path second = server.dataDir().resolveSibling("second.log");
            PgJavaServer.ProcessResult r = restart(server, second);
            assertEquals(0, r.exitCode(), r.all() + Files.readString(second));
            String log = Files.readString(second);
            assertLogInOrder(log, "LOG:  database system was shut down at ",
                    "LOG:  database system is ready to accept connections");
            assertFalse(log.contains("automatic recovery"), log);
            assertEquals("1", server.psql("-c", "SELECT 1").stdout().trim());
        } finally {
            server.close();
        }
    }

    /**
     * A power cut: SIGKILL to the postmaster and every descendant, waits until all are gone, and removes
     * the stale postmaster.pid so the next start on the same data directory is not refused.
     */
    private static void powerCut(PgJavaServer server) throws Exception {
        List<ProcessHandle> all = new ArrayList<>();
        ProcessHandle.of(server.postmasterPid()).ifPresent(h -> {
            all.add(h);
            h.descendants().forEach(all::add);
        });
        all.forEach(ProcessHandle::destroyForcibly);
        assertTrue(PgJavaServer.waitFor(() -> all.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(20)));
        Files.deleteIfExists(server.dataDir().resolve("postmaster.pid"));
    }

    @Test
    void killNineOfEverythingThenStartRunsCrashRecovery() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try {
            assertEquals("1", server.psql("-c", "SELECT 1").stdout().trim());
            powerCut(server);

            Path second = server.dataDir().resolveSibling("second.log");
            PgJavaServer.ProcessResult r = restart(server, second);
            assertEquals(0, r.exitCode(), r.all() + Files.readString(second));
            String log = Files.readString(second);
            assertLogInOrder(log, "LOG:  database system was interrupted; last known up at ",
                    "LOG:  database system was not properly shut down; automatic recovery in progress",
                    "LOG:  redo starts at 0/", "LOG:  redo done at 0/",
                    "LOG:  checkpoint starting: end-of-recovery immediate wait", "LOG:  checkpoint complete: wrote ",
                    "LOG:  database system is ready to accept connections");
            assertEquals("1", server.psql("-c", "SELECT 1").stdout().trim());
        } finally {
            server.close();
        }
    }

    @Test
    void checkpointFromPsqlIsLoggedByTheCheckpointer() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try {
            PgJavaServer.ProcessResult r = server.psql("-c", "CHECKPOINT");
            assertEquals(0, r.exitCode(), r.all());
            assertLogInOrder(server.log(), "LOG:  checkpoint starting: immediate force wait",
                    "LOG:  checkpoint complete: wrote ");
        } finally {
            server.close();
        }
    }

    @Test
    void committedRowsSurviveKillNineOfEverything() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try {
            PgJavaServer.ProcessResult setup = server.psql("-c", "CREATE TABLE survivors (id int, name text)",
                    "-c", "INSERT INTO survivors VALUES (1, 'one'), (2, 'two')",
                    "-c", "INSERT INTO survivors VALUES (3, 'three')");
            assertEquals(0, setup.exitCode(), setup.all());
            powerCut(server);
            Path second = server.dataDir().resolveSibling("second.log");
            PgJavaServer.ProcessResult r = restart(server, second);
            assertEquals(0, r.exitCode(), r.all() + Files.readString(second));
            PgJavaServer.ProcessResult rows = server.psql("-c", "SELECT id, name FROM survivors ORDER BY id");
            assertEquals("1|one\n2|two\n3|three", rows.stdout().trim(), rows.all() + Files.readString(second));
        } finally {
            server.close();
        }
    }
}
