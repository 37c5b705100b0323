package org.pgjava.tests.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * PostgreSQL's crash-restart, end to end: a child killed with SIGKILL (a backend under load from other
 * clients, or the checkpointer) makes the postmaster log it, drop every other client with WARNING 57P02,
 * end every child process, and start again; new connections succeed within a bound and no old process
 * survives. One server for the class; every test leaves it accepting connections.
 */
class CrashRestartTest {
    static final String CHECKPOINTER = "pgjava: checkpointer";
    static final String BGWRITER = "pgjava: background writer";
    /** Bound for kill -9 → first accepted connection (measured ~1.5–3 s on 2 busy cores). */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    static PgJavaServer server;

    @BeforeAll
    static void start() {
        server = PgJavaServer.start(PgJavaServer.options().set("standby_backends", "2"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Connects until a connection succeeds; returns the milliseconds it took. */
    static long awaitAccepting(long startNanos) throws Exception {
        return awaitAccepting(startNanos, Set.of());
    }

    /**
     * Connects until a connection is served by a process not in oldPids (one started after the crash: a
     * connection that slipped in before the postmaster noticed the crash does not count); returns the
     * milliseconds since startNanos.
     */
    static long awaitAccepting(long startNanos, Set<Long> oldPids) throws Exception {
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = server.connect()) {
                int pid = backendPid(c);
                assertTrue(pid > 0);
                if (oldPids.contains((long) pid)) {
                    continue;
                }
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            } catch (SQLException e) {
                last = e;
                if ("57P03".equals(e.getSQLState())) {
                    assertTrue(e.getMessage().contains("the database system is in recovery mode"), e.getMessage());
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no connection accepted within " + RECOVERY_BOUND + ": " + last + "\n" + server.log());
    }

    static void assertLogInOrder(String log, String... lines) {
        int at = 0;
        for (String l : lines) {
            int i = log.indexOf(l, at);
            assertTrue(i >= 0, "log lacks (in this order) \"" + l + "\":\n" + log);
            at = i + l.length();
        }
    }

    static void assertAllGone(Set<Long> pids) {
        assertTrue(PgJavaServer.waitFor(() -> pids.stream().allMatch(p -> ProcessHandle.of(p).isEmpty()),
                Duration.ofSeconds(15)), "every old child process is gone: " + pids.stream()
                .filter(p -> ProcessHandle.of(p).isPresent()).map(p -> p + " " + PgJavaServer.commandLine(p)).toList());
    }

    @Test
    void killedBackendUnderLoadRestartsTheWholeServer() throws Exception {
        int clients = 3;
        List<Connection> others = new ArrayList<>();
        List<CompletableFuture<SQLException>> failures = new ArrayList<>();
        CountDownLatch running = new CountDownLatch(clients);
        try (Connection victim = server.connect()) {
            for (int i = 0; i < clients; i++) {
                Connection c = server.connect();
                others.add(c);
                CompletableFuture<SQLException> f = new CompletableFuture<>();
                failures.add(f);
                Thread.ofPlatform().daemon().start(() -> {
                    int n = 0;
                    try (Statement s = c.createStatement()) {
                        while (true) {
                            try (ResultSet rs = s.executeQuery("SELECT " + n + ", pg_sleep(0.005)")) {
                                rs.next();
                                assertEquals(n, rs.getInt(1));
                            }
                            if (++n == 3) {
                                running.countDown();
                            }
                        }
                    } catch (SQLException e) {
                        f.complete(e);
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                });
            }
            assertTrue(running.await(30, TimeUnit.SECONDS), "the clients run queries");
            int victimPid = backendPid(victim);
            Set<Long> before = server.childPids();
            assertTrue(before.contains((long) victimPid));
            // auxiliary processes start once the first standby is ready: wait for the checkpointer to exist
            assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle(CHECKPOINTER).isPresent(),
                    Duration.ofSeconds(20)), "a checkpointer before the crash");
            long checkpointer = server.childWithTitle(CHECKPOINTER).orElseThrow();
            long t0 = System.nanoTime();
            ProcessHandle.of(victimPid).orElseThrow().destroyForcibly(); // kill -9
            for (CompletableFuture<SQLException> f : failures) {
                SQLException e = f.get(20, TimeUnit.SECONDS);
                assertNotNull(e);
                String state = String.valueOf(e.getSQLState());
                assertTrue(state.equals("57P02") || state.startsWith("08"),
                        "the other clients' connections drop (57P02 warning, then closed): " + state + " " + e);
            }
            for (Connection c : others) {
                assertTrue(PgJavaServer.waitFor(() -> {
                    try {
                        return !c.isValid(2);
                    } catch (SQLException e) {
                        return true;
                    }
                }, Duration.ofSeconds(10)), "a dropped connection stays dropped");
            }
            long ms = awaitAccepting(t0, before);
            System.out.println("[crash] kill -9 of a backend under load -> first accepted connection: " + ms + " ms");
            assertAllGone(before);
            assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle(CHECKPOINTER).isPresent()
                    && server.childWithTitle(BGWRITER).isPresent(), Duration.ofSeconds(20)), "aux processes again");
            assertNotEquals(checkpointer, server.childWithTitle(CHECKPOINTER).orElseThrow());
            assertEquals("ready", server.pidFileStatus());
            assertLogInOrder(server.log(),
                    "LOG:  server process (PID " + victimPid + ") was terminated by signal 9: Killed",
                    "DETAIL:  Failed process was running: SELECT pg_backend_pid()",
                    "LOG:  terminating any other active server processes",
                    "LOG:  all server processes terminated; reinitializing",
                    "LOG:  database system was not properly shut down; automatic recovery in progress",
                    "LOG:  redo starts at ",
                    "LOG:  checkpoint starting: end-of-recovery immediate wait",
                    "LOG:  database system is ready to accept connections");
            try (Connection fresh = server.connect()) {
                assertFalse(before.contains((long) backendPid(fresh)), "served by a new process");
            }
        } catch (SQLException ignored) {
            // closing the victim's broken connection
        } finally {
            for (Connection c : others) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // broken
                }
            }
        }
    }

    @Test
    void psqlSeesPostgresCrashWarning() throws Exception {
        awaitAccepting(System.nanoTime());
        CompletableFuture<PgJavaServer.ProcessResult> sleeper = CompletableFuture.supplyAsync(
                () -> server.psql("-c", "SELECT pg_sleep(60)"));
        try (Connection victim = server.connect()) {
            int victimPid = backendPid(victim);
            assertTrue(PgJavaServer.waitFor(() -> server.children().stream()
                    .anyMatch(h -> PgJavaServer.commandLine(h.pid()).endsWith(" SELECT") && h.pid() != victimPid),
                    Duration.ofSeconds(30)), "psql's statement runs");
            ProcessHandle.of(victimPid).orElseThrow().destroyForcibly();
            PgJavaServer.ProcessResult r = sleeper.get(30, TimeUnit.SECONDS);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.stderr().contains("""
                    WARNING:  terminating connection because of crash of another server process
                    DETAIL:  The postmaster has commanded this server process to roll back the current transaction \
                    and exit, because another server process exited abnormally and possibly corrupted shared memory.
                    HINT:  In a moment you should be able to reconnect to the database and repeat your command.
                    server closed the connection unexpectedly"""), r.stderr());
        } catch (SQLException ignored) {
            // the victim's connection is broken
        }
        awaitAccepting(System.nanoTime());
        assertEquals("1", server.psql("-c", "SELECT 1").stdout().trim(), "psql connects again");
    }

    @Test
    void killedCheckpointerRestartsTheServerAndANewOneAppears() throws Exception {
        awaitAccepting(System.nanoTime());
        assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle(CHECKPOINTER).isPresent(), Duration.ofSeconds(20)));
        long checkpointer = server.childWithTitle(CHECKPOINTER).orElseThrow();
        Set<Long> before = server.childPids();
        long t0 = System.nanoTime();
        ProcessHandle.of(checkpointer).orElseThrow().destroyForcibly();
        long ms = awaitAccepting(t0, before);
        System.out.println("[crash] kill -9 of the checkpointer -> first accepted connection: " + ms + " ms");
        assertAllGone(before);
        assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle(CHECKPOINTER).isPresent(), Duration.ofSeconds(20)));
        assertNotEquals(checkpointer, server.childWithTitle(CHECKPOINTER).orElseThrow());
        assertLogInOrder(server.log(),
                "LOG:  checkpointer process (PID " + checkpointer + ") was terminated by signal 9: Killed",
                "LOG:  terminating any other active server processes",
                "LOG:  all server processes terminated; reinitializing",
                "LOG:  database system was not properly shut down; automatic recovery in progress",
                "LOG:  redo starts at ",
                "LOG:  checkpoint starting: end-of-recovery immediate wait",
                "LOG:  database system is ready to accept connections");
    }

    @Test
    void backgroundWriterThatExitsCleanlyIsRestartedWithoutACrash() throws Exception {
        awaitAccepting(System.nanoTime());
        assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle(BGWRITER).isPresent()
                && server.childWithTitle(CHECKPOINTER).isPresent(), Duration.ofSeconds(20)));
        long bgwriter = server.childWithTitle(BGWRITER).orElseThrow();
        long checkpointer = server.childWithTitle(CHECKPOINTER).orElseThrow();
        try (Connection c = server.connect()) {
            int pid = backendPid(c);
            ProcessHandle.of(bgwriter).orElseThrow().destroy(); // SIGTERM: exits with status 0
            assertTrue(PgJavaServer.waitFor(() -> server.childWithTitle(BGWRITER).filter(p -> p != bgwriter).isPresent(),
                    Duration.ofSeconds(20)), "a new background writer");
            try {
                assertEquals(pid, backendPid(c), "no crash-restart: the session goes on");
            } catch (java.sql.SQLException e) {
                throw new AssertionError("the session's backend went away; server log:\n" + server.log(), e);
            }
            assertEquals(Optional.of(checkpointer), server.childWithTitle(CHECKPOINTER));
            assertFalse(server.log().contains("background writer process (PID " + bgwriter + ")"), server.log());
        }
    }
}
