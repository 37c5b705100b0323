package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * One OS process per client: concurrent connections are distinct child processes of the postmaster whose
 * pids are what pg_backend_pid() reports, with PostgreSQL-style process titles.
 */
class ProcessModelTest {
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

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void threeConnectionsAreThreeChildProcessesOfThePostmaster() throws Exception {
        long postmaster = server.postmasterPid();
        List<Connection> conns = new ArrayList<>();
        try {
            Set<Integer> pids = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Connection c = server.connect();
                conns.add(c);
                pids.add(backendPid(c));
            }
            assertEquals(3, pids.size(), "three connections, three distinct backend pids: " + pids);
            for (int pid : pids) {
                Optional<ProcessHandle> h = ProcessHandle.of(pid);
                assertTrue(h.isPresent(), "backend " + pid + " is a live OS process");
                assertEquals(Optional.of(postmaster), h.get().parent().map(ProcessHandle::pid),
                        "backend " + pid + " is a child of the postmaster");
                assertNotEquals(postmaster, (long) pid);
                String title = PgJavaServer.commandLine(pid);
                assertTrue(title.startsWith("pgjava: postgres postgres 127.0.0.1("), "ps title: " + title);
            }
            // each connection keeps talking to its own process
            for (Connection c : conns) {
                int pid = backendPid(c);
                assertTrue(pids.contains(pid));
            }
        } finally {
            for (Connection c : conns) {
                c.close();
            }
        }
    }

    /**
     * Issue 3 replaced issue 2's "log and keep serving": a backend killed with SIGKILL may have corrupted
     * shared memory, so, as PostgreSQL, the postmaster ends every other backend too (their clients lose
     * their connection) and starts afresh; new clients are served again.
     */
    @Test
    void killedBackendCrashRestartsEveryBackend() throws Exception {
        try (Connection victim = server.connect(); Connection other = server.connect()) {
            int victimPid = backendPid(victim);
            int otherPid = backendPid(other);
            ProcessHandle.of(victimPid).orElseThrow().destroyForcibly(); // kill -9
            assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(victimPid).isEmpty(), Duration.ofSeconds(10)));
            assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(otherPid).isEmpty(), Duration.ofSeconds(15)),
                    "the other backend is terminated too");
            SQLException dropped = null;
            try {
                backendPid(other);
            } catch (SQLException e) {
                dropped = e;
            }
            assertTrue(dropped != null, "the other client's connection dropped");
            assertTrue(PgJavaServer.waitFor(() -> {
                try (Connection fresh = server.connect()) {
                    return backendPid(fresh) > 0;
                } catch (SQLException e) {
                    return false;
                }
            }, Duration.ofSeconds(30)), "new clients are served after the restart:\n" + server.log());
            String log = server.log();
            assertTrue(log.contains("LOG:  server process (PID " + victimPid + ") was terminated by signal 9: Killed"),
                    "the postmaster logs the crash like PostgreSQL:\n" + log);
            assertTrue(log.contains("LOG:  terminating any other active server processes"), log);
            assertTrue(log.contains("LOG:  all server processes terminated; reinitializing"), log);
        } catch (SQLException ignored) {
            // closing the broken connections
        }
    }

    @Test
    void postmasterTitleAndStandbys() {
        String title = PgJavaServer.commandLine(server.postmasterPid());
        assertTrue(title.startsWith("pgjava: postmaster"), "postmaster title: " + title);
        assertTrue(PgJavaServer.waitFor(() -> server.childPids().size() >= 2, Duration.ofSeconds(60)),
                "the postmaster keeps standby_backends=2 pre-started backends: " + server.childPids());
    }

    @Test
    void idleTitleShowsUserDatabaseAndAddress() throws Exception {
        try (Connection c = server.connect()) {
            int pid = backendPid(c);
            assertTrue(PgJavaServer.waitFor(() -> PgJavaServer.commandLine(pid).endsWith(" idle"),
                    Duration.ofSeconds(5)), PgJavaServer.commandLine(pid));
        }
    }
}
