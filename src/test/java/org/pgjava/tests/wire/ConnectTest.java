package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;
import org.pgjava.tests.harness.PgJavaServer.ProcessResult;

/** psql and pgjdbc connect over TCP and the Unix socket and see a PostgreSQL 15 db.server(). */
class ConnectTest {
    @RegisterExtension
    static final PgJavaServerExtension db = new PgJavaServerExtension(PgJavaServer.options());



    @Test
    void psqlOverTcp() {
        ProcessResult r = db.server().psql("-c", "SELECT 1");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("1", r.stdout().trim());
    }

    @Test
    void psqlOverUnixSocket() {
        ProcessResult r = PgJavaServer.run(java.util.List.of("psql", "-X", "-A", "-t", "-h",
                db.server().socketDir().toString(), "-p", String.valueOf(db.server().port()), "-U", "postgres", "-d",
                "postgres", "-c", "SELECT 40 + 2"), PgJavaServer.psqlEnv(null), java.time.Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("42", r.stdout().trim());
    }

    @Test
    void psqlSeesServerVersion15AndSettings() {
        ProcessResult r = db.server().psql("-c", "SHOW server_version", "-c", "SHOW integer_datetimes",
                "-c", "SELECT current_user, current_database()");
        assertEquals(0, r.exitCode(), r.all());
        String[] lines = r.stdout().trim().split("\n");
        assertTrue(lines[0].startsWith("15."), r.stdout());
        assertEquals("on", lines[1]);
        assertEquals("postgres|postgres", lines[2]);
    }

    @Test
    void psqlMultipleStatementsAndErrors() {
        ProcessResult r = db.server().psql("-c", "SELECT 1; SELECT 2");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("1\n2", r.stdout().trim(), "psql 15 -c prints every statement's result");
        ProcessResult bad = db.server().psql("-v", "VERBOSITY=verbose", "-c", "SELEC 1");
        assertEquals(1, bad.exitCode(), bad.all());
        assertTrue(bad.stderr().contains("42601"), bad.stderr());
        assertTrue(bad.stderr().contains("syntax error at or near \"SELEC\""), bad.stderr());
    }

    @Test
    void jdbcConnectsAndQueries() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            assertTrue(c.getMetaData().getDatabaseProductVersion().startsWith("15."));
            try (ResultSet rs = s.executeQuery("SELECT 1 + 1 AS two, 'x' || 'y' AS xy, 2.50::numeric * 2 AS n")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt("two"));
                assertEquals("xy", rs.getString("xy"));
                assertEquals(new java.math.BigDecimal("5.00"), rs.getBigDecimal("n"));
            }
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                assertTrue(rs.next());
                assertTrue(rs.getInt(1) > 1);
            }
        }
    }

    @Test
    void jdbcOverUnixSocket() throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "postgres");
        p.setProperty("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg");
        p.setProperty("socketFactoryArg", db.server().socketDir().resolve(".s.PGSQL." + db.server().port()).toString());
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://localhost/postgres", p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 'unix'")) {
            assertTrue(rs.next());
            assertEquals("unix", rs.getString(1));
        }
    }

    @Test
    void jdbcTransactionsAndSet() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET application_name = 'wire-test'");
            try (ResultSet rs = s.executeQuery("SHOW application_name")) {
                assertTrue(rs.next());
                assertEquals("wire-test", rs.getString(1));
            }
            c.rollback();
            try (ResultSet rs = s.executeQuery("SHOW application_name")) {
                assertTrue(rs.next());
                assertEquals("PostgreSQL JDBC Driver", rs.getString(1), "SET is undone by ROLLBACK");
            }
            c.commit();
        }
    }
}
