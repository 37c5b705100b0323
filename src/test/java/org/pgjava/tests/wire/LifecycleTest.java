package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServer.ProcessResult;

/**
 * pg_ctl-style life cycle: status, the postmaster.pid lock, reload of pg_hba.conf, shutdown modes, children
 * dying with the postmaster, and backend reuse with full session reset.
 */
class LifecycleTest {
    /** The auxiliary processes, which are children of the postmaster but not backends. */
    private static final java.util.Set<String> AUX_TITLES = java.util.Set.of("pgjava: checkpointer", "pgjava: background writer",
            "pgjava: walwriter", "pgjava: startup");

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String show(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void statusLockAndReload() throws Exception {
        try (PgJavaServer server = PgJavaServer.start(PgJavaServer.options())) {
            ProcessResult st = PgJavaServer.pgjava(List.of("status", "-D", server.dataDir().toString()));
            assertEquals(0, st.exitCode(), st.all());
            assertTrue(st.stdout().contains("server is running (PID: " + server.postmasterPid() + ")"), st.stdout());

            // a second postmaster on the same data directory refuses to start
            ProcessResult second = PgJavaServer.run(List.of(PgJavaServer.repoRoot().resolve("bin/pgjava").toString(),
                    "postmaster", "-D", server.dataDir().toString(), "-p", String.valueOf(PgJavaServer.freePort())),
                    java.util.Map.of(), Duration.ofSeconds(60));
            assertNotEquals(0, second.exitCode());
            assertTrue(second.all().contains("lock file \"postmaster.pid\" already exists"), second.all());
            assertEquals(0, server.psql("-c", "SELECT 1").exitCode(), "the first one still serves");

            // reload picks up a changed pg_hba.conf
            Files.writeString(server.dataDir().resolve("pg_hba.conf"),
                    "local all all trust\nhost all all 127.0.0.1/32 reject\n");
            ProcessResult rl = PgJavaServer.pgjava(List.of("reload", "-D", server.dataDir().toString()));
            assertEquals(0, rl.exitCode(), rl.all());
            assertTrue(PgJavaServer.waitFor(() -> server.psql("-c", "SELECT 1").stderr()
                    .contains("pg_hba.conf rejects connection"), Duration.ofSeconds(10)), server.log());
            ProcessResult viaSocket = PgJavaServer.run(List.of("psql", "-X", "-A", "-t", "-h",
                    server.socketDir().toString(), "-p", String.valueOf(server.port()), "-U", "postgres",
                    "-c", "SELECT 1"), PgJavaServer.psqlEnv(null), Duration.ofSeconds(60));
            assertEquals(0, viaSocket.exitCode(), viaSocket.all());
        }
    }

    @Test
    void fastShutdownTerminatesSessionsAndRemovesPidFile() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try (Connection c = server.connect()) {
            long pm = server.postmasterPid();
            int backend = pid(c);
            ProcessResult stop = PgJavaServer.pgjava(List.of("stop", "-D", server.dataDir().toString(), "-m", "fast"));
            assertEquals(0, stop.exitCode(), stop.all());
            assertTrue(stop.stdout().contains("server stopped"), stop.stdout());
            assertFalse(Files.exists(server.dataDir().resolve("postmaster.pid")));
            assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(pm).isEmpty()
                    && ProcessHandle.of(backend).isEmpty(), Duration.ofSeconds(10)));
            SQLException e = assertThrows(SQLException.class, () -> pid(c));
            assertTrue(e.getSQLState() == null || e.getSQLState().startsWith("08") || e.getSQLState().equals("57P01"),
                    e.getSQLState() + " " + e.getMessage());
            ProcessResult st = PgJavaServer.pgjava(List.of("status", "-D", server.dataDir().toString()));
            assertEquals(3, st.exitCode(), st.all());
        } finally {
            server.close();
        }
    }

    @Test
    void smartShutdownWaitsForClients() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try {
            Connection c = server.connect();
            long pm = server.postmasterPid();
            Process stopper = new ProcessBuilder(PgJavaServer.repoRoot().resolve("bin/pgjava").toString(), "stop",
                    "-D", server.dataDir().toString(), "-m", "smart", "-t", "60").redirectErrorStream(true).start();
            // new clients are refused while the old one keeps working
            assertTrue(PgJavaServer.waitFor(() -> server.psql("-c", "SELECT 1").stderr()
                    .contains("the database system is shutting down"), Duration.ofSeconds(20)), server.log());
            assertEquals(1, pid(c) > 0 ? 1 : 0);
            assertTrue(ProcessHandle.of(pm).isPresent(), "smart shutdown waits for the client");
            c.close();
            assertTrue(stopper.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, stopper.exitValue());
            assertTrue(ProcessHandle.of(pm).isEmpty());
        } finally {
            server.close();
        }
    }

    @Test
    void immediateShutdownAndChildrenDieWithPostmaster() throws Exception {
        PgJavaServer server = PgJavaServer.start(PgJavaServer.options());
        try (Connection c = server.connect()) {
            int backend = pid(c);
            Set<Long> kids = server.stableChildren(Duration.ofMillis(500));
            assertTrue(kids.contains((long) backend));
            ProcessHandle.of(server.postmasterPid()).orElseThrow().destroyForcibly(); // kill -9 the postmaster
            assertTrue(PgJavaServer.waitFor(() -> kids.stream().allMatch(p -> ProcessHandle.of(p).isEmpty()),
                    Duration.ofSeconds(15)), "every child exits when the postmaster dies");
        } catch (SQLException ignored) {
            // the connection breaks on close: expected
        } finally {
            server.close();
        }
        PgJavaServer again = PgJavaServer.start(PgJavaServer.options());
        try (Connection c = again.connect()) {
            int backend = pid(c);
            ProcessResult stop = PgJavaServer.pgjava(List.of("stop", "-D", again.dataDir().toString(), "-m", "immediate"));
            assertEquals(0, stop.exitCode(), stop.all());
            assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(backend).isEmpty(), Duration.ofSeconds(10)));
        } catch (SQLException ignored) {
            // expected once the server is gone
        } finally {
            again.close();
        }
    }

    @Test
    void idleReusedBackendsAreRetiredAfterABurst() throws Exception {
        try (PgJavaServer server = PgJavaServer.start(PgJavaServer.options()
                .set("standby_backends", "1").set("backend_idle_timeout", "1"))) {
            List<Connection> burst = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    burst.add(server.connect());
                }
            } finally {
                for (Connection c : burst) {
                    c.close();
                }
            }
            java.util.function.Supplier<List<Long>> backends = () -> server.childPids().stream()
                    .filter(p -> PgJavaServer.commandLine(p).startsWith("pgjava:")
                            && !AUX_TITLES.contains(PgJavaServer.commandLine(p))).toList();
            assertTrue(PgJavaServer.waitFor(() -> backends.get().size() <= 2, Duration.ofSeconds(20)),
                    "after backend_idle_timeout only standby_backends reused + standby_backends fresh remain: "
                            + backends.get().stream().map(PgJavaServer::commandLine).toList());
            assertEquals(0, server.psql("-c", "SELECT 1").exitCode(), "and clients are still served");
        }
    }

    @Test
    void reusedBackendStartsWithCleanSessionState() throws Exception {
        try (PgJavaServer server = PgJavaServer.start(PgJavaServer.options().set("standby_backends", "1"))) {
            int first;
            String startupDigits;
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                first = pid(c);
                startupDigits = show(c, "extra_float_digits");
                s.execute("SET extra_float_digits = -5");
                s.execute("SET application_name = 'dirty'");
            }
            // the same process may serve the next client of the same database, but with nothing left over
            boolean reused = false;
            for (int i = 0; i < 5 && !reused; i++) {
                try (Connection c = server.connect()) {
                    reused = pid(c) == first;
                    assertEquals(startupDigits, show(c, "extra_float_digits"));
                    assertEquals("PostgreSQL JDBC Driver", show(c, "application_name"));
                }
            }
            assertTrue(reused, "with backend_reuse=on a backend serves a later client of the same database");
        }
        try (PgJavaServer server = PgJavaServer.start(PgJavaServer.options().set("backend_reuse", "off"))) {
            int first;
            try (Connection c = server.connect()) {
                first = pid(c);
            }
            assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(first).isEmpty(), Duration.ofSeconds(10)),
                    "with backend_reuse=off the backend exits when its client leaves");
            try (Connection c = server.connect()) {
                assertNotEquals(first, pid(c));
            }
        }
    }
}
