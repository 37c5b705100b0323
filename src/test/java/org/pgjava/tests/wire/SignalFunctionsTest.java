package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.AuthFile;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;

/**
 * pg_cancel_backend and pg_terminate_backend from SQL: results, the WARNING for a pid that is not a client
 * backend, PostgreSQL 15's permission errors for non-superusers, the negative-timeout error, waiting for
 * the target to exit, and the targets' view (57014; FATAL 57P01 and a closed connection; the row leaves
 * pg_stat_activity).
 */
class SignalFunctionsTest {
    @RegisterExtension
    static final PgJavaServerExtension db = new PgJavaServerExtension(
            PgJavaServer.options().beforeStart(SignalFunctionsTest::addRoles));

    private static void addRoles(java.nio.file.Path dir) {
        AuthData data = AuthFile.read(dir);
        List<RoleEntry> roles = new ArrayList<>(data.roles());
        roles.add(new RoleEntry(16384, "alice", false, true, -1, null, null, List.of()));
        roles.add(new RoleEntry(16385, "bob", false, true, -1, null, null, List.of()));
        AuthFile.write(dir, new AuthData(roles, data.databases()));
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean bool(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getBoolean(1);
        }
    }

    /** Runs pg_sleep(30) on {@code c} in the background; the future completes with its failure. */
    private static CompletableFuture<SQLException> sleeper(Connection c) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT pg_sleep(30)").close();
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
    }

    private static void awaitActive(Statement s, int pid) throws Exception {
        assertTrue(PgJavaServer.waitFor(() -> {
            try (ResultSet rs = s.executeQuery("SELECT state FROM pg_stat_activity WHERE pid = " + pid)) {
                return rs.next() && "active".equals(rs.getString(1));
            } catch (SQLException e) {
                return false;
            }
        }, Duration.ofSeconds(10)), "the target is running its statement");
    }

    @Test
    void cancelStopsAnotherSessionsStatement() throws Exception {
        try (Connection target = db.server().connect(); Connection me = db.server().connect();
             Statement s = me.createStatement()) {
            int pid = pid(target);
            CompletableFuture<SQLException> result = sleeper(target);
            awaitActive(s, pid);
            long t0 = System.nanoTime();
            assertTrue(bool(s, "SELECT pg_cancel_backend(" + pid + ")"));
            SQLException e = result.get(10, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotNull(e, "the statement was cancelled");
            assertEquals("57014", e.getSQLState());
            assertTrue(e.getMessage().contains("canceling statement due to user request"), e.getMessage());
            assertTrue(ms < 10_000, ms + " ms");
            try (Statement t = target.createStatement(); ResultSet rs = t.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the cancelled session goes on");
            }
        }
    }

    @Test
    void terminateEndsAnotherSessionAndWaitsWithTimeout() throws Exception {
        try (Connection target = db.server().connect(); Connection me = db.server().connect();
             Statement s = me.createStatement()) {
            int pid = pid(target);
            CompletableFuture<SQLException> result = sleeper(target);
            awaitActive(s, pid);
            assertTrue(bool(s, "SELECT pg_terminate_backend(" + pid + ", 10000)"),
                    "the target exited within the timeout");
            SQLException e = result.get(10, TimeUnit.SECONDS);
            assertNotNull(e);
            assertTrue(e.getMessage().contains("terminating connection due to administrator command")
                    || "08006".equals(e.getSQLState()), e.getSQLState() + " " + e.getMessage());
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the process is gone");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
                rs.next();
                assertEquals(0, rs.getInt(1), "its pg_stat_activity row is gone");
            }
            assertThrows(SQLException.class, () -> target.createStatement().executeQuery("SELECT 1"));
        }
    }

    @Test
    void terminatingItselfIsFatal() {
        PgJavaServer.ProcessResult r = db.server().psql("-c", "SELECT pg_terminate_backend(pg_backend_pid())");
        assertTrue(r.stderr().contains("FATAL:  terminating connection due to administrator command"), r.all());
    }

    @Test
    void notABackendWarnsAndNegativeTimeoutFails() throws Exception {
        try (Connection me = db.server().connect(); Statement s = me.createStatement()) {
            int[] found = new int[1];
            assertTrue(PgJavaServer.waitFor(() -> {
                try (ResultSet rs = s.executeQuery(
                        "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")) {
                    if (!rs.next()) return false;
                    found[0] = rs.getInt(1);
                    return true;
                } catch (SQLException e) {
                    return false;
                }
            }, Duration.ofSeconds(30)), "the checkpointer has a row (aux processes start after the first standby)");
            int checkpointer = found[0];
            for (String sql : List.of("SELECT pg_cancel_backend(" + checkpointer + ")",
                    "SELECT pg_terminate_backend(" + checkpointer + ")", "SELECT pg_cancel_backend(1)")) {
                try (ResultSet rs = s.executeQuery(sql)) {
                    assertTrue(rs.next());
                    assertFalse(rs.getBoolean(1), sql);
                    SQLWarning w = s.getWarnings();
                    assertNotNull(w, sql);
                    assertTrue(w.getMessage().matches("PID \\d+ is not a PostgreSQL backend process"), w.getMessage());
                    s.clearWarnings();
                }
            }
            assertTrue(ProcessHandle.of(checkpointer).map(ProcessHandle::isAlive).orElse(false),
                    "the checkpointer was not signalled");
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT pg_terminate_backend(1, -1)"));
            assertEquals("22023", e.getSQLState());
            assertTrue(e.getMessage().contains("\"timeout\" must not be negative"), e.getMessage());
            try (ResultSet rs = s.executeQuery(
                    "SELECT pg_cancel_backend(NULL) IS NULL, pg_terminate_backend(1, NULL) IS NULL")) {
                rs.next();
                assertTrue(rs.getBoolean(1) && rs.getBoolean(2), "strict functions return NULL for NULL");
            }
        }
    }

    @Test
    void permissionRulesForNonSuperusers() throws Exception {
        try (Connection superuser = db.server().connect(); Connection bob = db.server().connect("postgres", "bob", null);
             Connection alice = db.server().connect("postgres", "alice", null);
             Connection alice2 = db.server().connect("postgres", "alice", null);
             Statement s = alice.createStatement()) {
            SQLException su = assertThrows(SQLException.class,
                    () -> s.executeQuery("SELECT pg_cancel_backend(" + pid(superuser) + ")"));
            assertEquals("42501", su.getSQLState());
            assertTrue(su.getMessage().contains("must be a superuser to cancel superuser query"), su.getMessage());
            SQLException sut = assertThrows(SQLException.class,
                    () -> s.executeQuery("SELECT pg_terminate_backend(" + pid(superuser) + ")"));
            assertTrue(sut.getMessage().contains("must be a superuser to terminate superuser process"), sut.getMessage());
            SQLException other = assertThrows(SQLException.class,
                    () -> s.executeQuery("SELECT pg_cancel_backend(" + pid(bob) + ")"));
            assertEquals("42501", other.getSQLState());
            assertTrue(other.getMessage().contains(
                    "must be a member of the role whose query is being canceled or member of pg_signal_backend"),
                    other.getMessage());
            SQLException otherT = assertThrows(SQLException.class,
                    () -> s.executeQuery("SELECT pg_terminate_backend(" + pid(bob) + ")"));
            assertTrue(otherT.getMessage().contains(
                    "must be a member of the role whose process is being terminated or member of pg_signal_backend"),
                    otherT.getMessage());
            assertTrue(bool(s, "SELECT pg_cancel_backend(" + pid(alice2) + ")"), "same role may cancel");
            try (Statement b = bob.createStatement(); ResultSet rs = b.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "bob's session is untouched");
            }
            try (Statement su2 = superuser.createStatement()) {
                assertTrue(bool(su2, "SELECT pg_cancel_backend(" + pid(bob) + ")"), "a superuser may cancel anyone");
            }
        }
    }
}
