package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;

/**
 * Stopping a running statement: the protocol CancelRequest routed by the postmaster (pgjdbc's
 * Statement.cancel() and setQueryTimeout), statement_timeout, and a CancelRequest with the wrong key,
 * which must do nothing. Bounds are generous: latency is measured by bench/, not asserted here.
 */
class CancelTest {
    @RegisterExtension
    static final PgJavaServerExtension db = new PgJavaServerExtension(PgJavaServer.options());



    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void jdbcCancelStopsASleepingStatement() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long t0 = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT pg_sleep(20)"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            canceller.get(10, TimeUnit.SECONDS);
            assertEquals("57014", e.getSQLState());
            assertTrue(e.getMessage().contains("canceling statement due to user request"), e.getMessage());
            assertTrue(ms < 10_000, "cancelled long before pg_sleep(20) ends: " + ms + " ms");
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the session goes on after the cancel");
            }
        }
    }

    @Test
    void queryTimeoutAndStatementTimeout() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT pg_sleep(20)"));
            assertEquals("57014", e.getSQLState());
            s.setQueryTimeout(0);
            s.execute("SET statement_timeout = '300ms'");
            SQLException t = assertThrows(SQLException.class, () -> s.executeQuery("SELECT pg_sleep(20)"));
            assertEquals("57014", t.getSQLState());
            assertTrue(t.getMessage().contains("canceling statement due to statement timeout"), t.getMessage());
            try (ResultSet rs = s.executeQuery("SELECT pg_sleep(0.05)")) {
                assertTrue(rs.next(), "a statement shorter than the timeout completes");
            }
        }
        PgJavaServer.ProcessResult r = db.server().psql("-c", "SET statement_timeout = 200", "-c", "SELECT pg_sleep(20)");
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.stderr().contains("canceling statement due to statement timeout"), r.stderr());
    }

    @Test
    void idleTimeoutsEndTheSession() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            s.execute("SET idle_in_transaction_session_timeout = 300");
            c.setAutoCommit(false);
            s.executeQuery("SELECT 1").close();   // now idle in transaction
            Thread.sleep(1200);
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 2"));
            assertEquals("25P03", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("terminating connection due to idle-in-transaction timeout"));
        }
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            s.execute("SET idle_session_timeout = 300");
            Thread.sleep(1200);
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 2"));
            assertEquals("57P05", e.getSQLState(), e.getMessage());
        }
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            s.execute("SET idle_in_transaction_session_timeout = 300");
            Thread.sleep(600);   // idle outside a transaction block: that timeout does not apply
            try (ResultSet rs = s.executeQuery("SELECT 3")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void cancelRequestWithWrongKeyDoesNothing() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            int backend = pid(c);
            CompletableFuture<Void> bogus = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(300);
                    try (Socket sock = new Socket(db.server().host(), db.server().port())) {
                        OutputStream out = sock.getOutputStream();
                        out.write(ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(backend)
                                .putInt(0x5eadbeef).array());
                        out.flush();
                        sock.getInputStream().read(); // the postmaster just closes
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (ResultSet rs = s.executeQuery("SELECT pg_sleep(1.5), 'finished'")) {
                assertTrue(rs.next());
                assertEquals("finished", rs.getString(2));
            }
            bogus.get(10, TimeUnit.SECONDS);
        }
    }
}
