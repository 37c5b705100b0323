package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;

/**
 * pg_stat_activity end to end over the shared segment the postmaster creates: client backends with their
 * state, query, user, database, application_name and client address/port (TCP and Unix socket), the
 * checkpointer and background writer rows, a closed connection's row disappearing, and no dead pid left
 * after a kill -9 crash-restart (the last test: it restarts the server's children).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatActivityTest {
    @RegisterExtension
    static final PgJavaServerExtension db = new PgJavaServerExtension(PgJavaServer.options());

    private static final String CLIENTS = "SELECT pid, state, query, backend_type, usename, datname, application_name,"
            + " client_addr, client_port FROM pg_stat_activity WHERE backend_type = 'client backend' ORDER BY pid";

    /** One pg_stat_activity row, as read through pgjdbc. */
    record Row(int pid, String state, String query, String backendType, String user, String database,
               String applicationName, String clientAddress, Integer clientPort) {
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The local TCP port of a pgjdbc connection (the server's client_port for it). */
    private static int localPort(Connection c) throws Exception {
        var stream = c.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
        var field = org.postgresql.core.QueryExecutorBase.class.getDeclaredField("pgStream");
        field.setAccessible(true);
        return ((org.postgresql.core.PGStream) field.get(stream)).getSocket().getLocalPort();
    }

    private static Map<Integer, Row> clientRows(Connection c) throws SQLException {
        Map<Integer, Row> rows = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CLIENTS)) {
            while (rs.next()) {
                int port = rs.getInt(9);
                rows.put(rs.getInt(1), new Row(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.wasNull() ? null : port));
            }
        }
        return rows;
    }

    private static Set<Integer> allPids(Connection c) throws SQLException {
        Set<Integer> pids = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    @Test
    @Order(1)
    void threeClientsWithTheirStatesQueriesAndAddresses() throws Exception {
        try (Connection sleeper = db.server().connect(); Connection idle = db.server().connect();
             Connection reader = db.server().connect()) {
            int sleeperPid = pid(sleeper);
            int idlePid = pid(idle);
            int readerPid = pid(reader);
            try (Statement s = idle.createStatement()) {
                s.execute("SET application_name = 'idle-one'");
                s.executeQuery("SELECT 42 AS answer").close();
            }
            CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
                try (Statement s = sleeper.createStatement()) {
                    s.executeQuery("SELECT pg_sleep(2)").close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(PgJavaServer.waitFor(() -> {
                try {
                    Row r = clientRows(reader).get(sleeperPid);
                    return r != null && "active".equals(r.state());
                } catch (SQLException e) {
                    return false;
                }
            }, Duration.ofSeconds(10)), "the sleeping connection shows as active");
            Map<Integer, Row> rows = clientRows(reader);
            assertEquals(Set.of(sleeperPid, idlePid, readerPid), rows.keySet(), rows.toString());

            Row sl = rows.get(sleeperPid);
            assertEquals("active", sl.state());
            assertEquals("SELECT pg_sleep(2)", sl.query());
            try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = " + sleeperPid)) {
                assertTrue(rs.next());
                assertEquals("Timeout", rs.getString(1), "pg_sleep waits on Timeout/PgSleep as in PostgreSQL");
                assertEquals("PgSleep", rs.getString(2));
            }
            Row id = rows.get(idlePid);
            assertEquals("idle", id.state());
            assertEquals("SELECT 42 AS answer", id.query());
            assertEquals("idle-one", id.applicationName());
            Row rd = rows.get(readerPid);
            assertEquals("active", rd.state());
            assertEquals(CLIENTS, rd.query());
            assertEquals("PostgreSQL JDBC Driver", rd.applicationName());

            Map<Integer, Connection> byPid = Map.of(sleeperPid, sleeper, idlePid, idle, readerPid, reader);
            for (Row r : rows.values()) {
                assertEquals("client backend", r.backendType());
                assertEquals(db.server().superuser(), r.user());
                assertEquals("postgres", r.database());
                assertEquals("127.0.0.1", r.clientAddress());
                assertEquals(localPort(byPid.get(r.pid())), r.clientPort(), "client_port of pid " + r.pid());
            }
            sleeping.get(20, TimeUnit.SECONDS);
            Row after = clientRows(reader).get(sleeperPid);
            assertEquals("idle", after.state());
            assertEquals("SELECT pg_sleep(2)", after.query(), "an idle backend shows its last statement");
        }
    }

    @Test
    @Order(2)
    void unixSocketClientHasNullAddressAndPortMinusOne() {
        PgJavaServer.ProcessResult r = db.server().psql("-h", db.server().socketDir().toString(), "-c",
                "SELECT coalesce(client_addr::text, 'NULL') || '|' || client_port || '|' || state"
                        + " FROM pg_stat_activity WHERE pid = pg_backend_pid()");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("NULL|-1|active", r.stdout().trim());
    }

    @Test
    @Order(2)
    void backendXidAndXminComeFromTheProcessArray() throws Exception {
        try (Connection writer = db.server().connect(); Connection reader = db.server().connect();
             Statement w = writer.createStatement(); Statement r = reader.createStatement()) {
            w.execute("CREATE TABLE xid_probe (a int)");
            int pid = pid(writer);
            writer.setAutoCommit(false);
            w.execute("SELECT 1");
            String q = "SELECT backend_xid IS NULL, backend_xid::text FROM pg_stat_activity WHERE pid = " + pid;
            try (ResultSet rs = r.executeQuery(q)) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), "no xid before the transaction writes");
            }
            w.execute("INSERT INTO xid_probe VALUES (1)");
            try (ResultSet rs = r.executeQuery(q)) {
                assertTrue(rs.next());
                assertFalse(rs.getBoolean(1), "an xid once it wrote, as PostgreSQL shows it");
                assertTrue(Long.parseLong(rs.getString(2)) >= 3);
            }
            writer.commit();
            try (ResultSet rs = r.executeQuery(q)) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), "no xid after the commit");
            }
            // READ COMMITTED: a suspended portal keeps the process's xmin while other statements run
            w.execute("INSERT INTO xid_probe VALUES (2), (3), (4)");
            String xmin = "SELECT backend_xmin IS NULL FROM pg_stat_activity WHERE pid = " + pid;
            try (Statement cursor = writer.createStatement()) {
                cursor.setFetchSize(1);
                ResultSet open = cursor.executeQuery("SELECT a FROM xid_probe");
                assertTrue(open.next());
                try (ResultSet other = w.executeQuery("SELECT 1")) {
                    assertTrue(other.next());
                }
                try (ResultSet rs = r.executeQuery(xmin)) {
                    assertTrue(rs.next());
                    assertFalse(rs.getBoolean(1), "the suspended portal's snapshot still holds the xmin");
                }
                int rows = 1;
                while (open.next()) rows++;
                assertEquals(4, rows);
                open.close();
            }
            writer.commit();
            try (ResultSet rs = r.executeQuery(xmin)) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), "no xmin once the transaction ended");
            }
            writer.setAutoCommit(true);
            w.execute("DROP TABLE xid_probe");
        }
    }

    @Test
    @Order(3)
    void auxiliaryProcessesAppearWithTheirBackendType() throws Exception {
        try (Connection c = db.server().connect()) {
            assertTrue(PgJavaServer.waitFor(() -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_type IN ('checkpointer', 'background writer', 'walwriter')")) {
                    rs.next();
                    return rs.getInt(1) == 3;
                } catch (SQLException e) {
                    return false;
                }
            }, Duration.ofSeconds(20)), "checkpointer, background writer and walwriter rows");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT backend_type, datname, usename, state, query, wait_event_type"
                            + " FROM pg_stat_activity WHERE backend_type IN ('checkpointer', 'background writer', 'walwriter')"
                            + " ORDER BY backend_type")) {
                List<String> types = new ArrayList<>();
                while (rs.next()) {
                    types.add(rs.getString(1));
                    assertNull(rs.getString(2));
                    assertNull(rs.getString(3));
                    assertNull(rs.getString(4));
                    assertEquals("", rs.getString(5));
                }
                assertEquals(List.of("background writer", "checkpointer", "walwriter"), types);
            }
            // no standby backend ever shows (PostgreSQL has no such process)
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE backend_type NOT IN"
                            + " ('client backend', 'checkpointer', 'background writer', 'walwriter')")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        }
    }

    @Test
    @Order(4)
    void aClosedConnectionsRowDisappears() throws Exception {
        try (Connection reader = db.server().connect()) {
            Connection other = db.server().connect();
            int otherPid = pid(other);
            assertTrue(clientRows(reader).containsKey(otherPid));
            other.close();
            assertTrue(PgJavaServer.waitFor(() -> {
                try {
                    return !clientRows(reader).containsKey(otherPid) && !allPids(reader).contains(otherPid);
                } catch (SQLException e) {
                    return false;
                }
            }, Duration.ofSeconds(10)), "the closed connection's row is gone");
        }
    }

    @Test
    @Order(5)
    void psqlExpandedSelectStar() {
        PgJavaServer.ProcessResult r = db.server().psql("-x", "-c", "SELECT * FROM pg_stat_activity");
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.stdout().contains("backend_type|client backend"), r.stdout());
        assertTrue(r.stdout().contains("query|SELECT * FROM pg_stat_activity"), r.stdout());
        assertFalse(r.stderr().contains("ERROR"), r.stderr());
    }

    @Test
    @Order(6)
    void noDeadPidAfterCrashRestart() throws Exception {
        Set<Integer> before;
        int victim;
        try (Connection c = db.server().connect(); Connection other = db.server().connect()) {
            victim = pid(other);
            assertTrue(PgJavaServer.waitFor(() -> {
                try {
                    return allPids(c).size() >= 4; // two clients, checkpointer, background writer
                } catch (SQLException e) {
                    return false;
                }
            }, Duration.ofSeconds(20)));
            before = allPids(c);
            assertTrue(before.contains(victim));
            long survivor = c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // kill -9
            assertTrue(PgJavaServer.waitFor(() -> ProcessHandle.of(survivor).isEmpty(), Duration.ofSeconds(20)),
                    "the other backend is terminated too");
        }
        Connection[] fresh = new Connection[1];
        assertTrue(PgJavaServer.waitFor(() -> {
            try {
                fresh[0] = db.server().connect();
                return true;
            } catch (SQLException e) {
                return false;
            }
        }, Duration.ofSeconds(60)), "connections are accepted again");
        try (Connection c = fresh[0]) {
            assertTrue(PgJavaServer.waitFor(() -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_type IN ('checkpointer', 'background writer', 'walwriter')")) {
                    rs.next();
                    return rs.getInt(1) == 3;
                } catch (SQLException e) {
                    return false;
                }
            }, Duration.ofSeconds(30)), "the new auxiliary processes appear");
            Set<Integer> after = allPids(c);
            Set<Integer> stale = new HashSet<>(after);
            stale.retainAll(before);
            assertTrue(stale.isEmpty(), "pids of the old generation still shown: " + stale + " in " + after);
            assertTrue(after.contains(pid(c)));
            assertEquals(Set.of(pid(c)), clientRows(c).keySet());
        }
    }
}
