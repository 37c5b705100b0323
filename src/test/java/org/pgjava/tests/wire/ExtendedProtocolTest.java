package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;
import org.postgresql.PGStatement;

/**
 * pgjdbc's extended-query usage: unnamed statements, then named server-side statements with binary
 * results past prepareThreshold; binary parameters; pipelined batches; portal suspension for
 * setFetchSize; skip-to-Sync after an error.
 */
class ExtendedProtocolTest {
    @RegisterExtension
    static final PgJavaServerExtension db = new PgJavaServerExtension(PgJavaServer.options());



    @Test
    void preparedStatementPastThresholdUsesServerPrepareAndBinary() throws Exception {
        try (Connection c = db.server().connect();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT ?::int4 + 1 AS a, ?::text || '!' AS b, ?::int8 * 2 AS c, ?::numeric / 4 AS d, "
                             + "?::float8 AS e, ?::bool AS f")) {
            for (int i = 0; i < 12; i++) {
                ps.setInt(1, i);
                ps.setString(2, "x" + i);
                ps.setLong(3, 10_000_000_000L + i);
                ps.setBigDecimal(4, new BigDecimal("10.5"));
                ps.setDouble(5, 0.1 * i);
                ps.setBoolean(6, i % 2 == 0);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(i + 1, rs.getInt("a"));
                    assertEquals("x" + i + "!", rs.getString("b"));
                    assertEquals(2 * (10_000_000_000L + i), rs.getLong("c"));
                    assertEquals(new BigDecimal("2.6250000000000000"), rs.getBigDecimal("d"));
                    assertEquals(0.1 * i, rs.getDouble("e"), 0.0);
                    assertEquals(i % 2 == 0, rs.getBoolean("f"));
                    assertFalse(rs.next());
                }
            }
            assertTrue(ps.unwrap(PGStatement.class).isUseServerPrepare(),
                    "after prepareThreshold executions pgjdbc uses a named server-side statement");
        }
    }

    @Test
    void nullParametersAndResults() throws Exception {
        try (Connection c = db.server().connect();
             PreparedStatement ps = c.prepareStatement("SELECT ?::int4 AS n, coalesce(?::text, 'dflt') AS t")) {
            ps.setNull(1, Types.INTEGER);
            ps.setNull(2, Types.VARCHAR);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertNull(rs.getObject("n"));
                assertEquals("dflt", rs.getString("t"));
            }
        }
    }

    @Test
    void fetchSizeSuspendsThePortal() throws Exception {
        try (Connection c = db.server().connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(2);
                List<Integer> got = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("VALUES (1), (2), (3), (4), (5), (6), (7)")) {
                    while (rs.next()) {
                        got.add(rs.getInt(1));
                    }
                }
                assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), got);
            }
            c.commit();
        }
    }

    @Test
    void errorSkipsToSyncAndTheConnectionRecovers() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1 / 0"));
            assertEquals("22012", e.getSQLState());
            try (ResultSet rs = s.executeQuery("SELECT 5")) {
                assertTrue(rs.next());
                assertEquals(5, rs.getInt(1));
            }
            c.setAutoCommit(false);
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT 'abc'::int4"));
            SQLException aborted = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 6"));
            assertEquals("25P02", aborted.getSQLState());
            c.rollback();
            try (ResultSet rs = s.executeQuery("SELECT 6")) {
                assertTrue(rs.next());
                assertEquals(6, rs.getInt(1));
            }
        }
    }

    @Test
    void batchOfPipelinedStatements() throws Exception {
        try (Connection c = db.server().connect(); Statement s = c.createStatement()) {
            s.addBatch("SET application_name = 'b1'");
            s.addBatch("SET extra_float_digits = 2");
            s.addBatch("SET application_name = 'b2'");
            int[] counts = s.executeBatch();
            assertEquals(3, counts.length);
            try (ResultSet rs = s.executeQuery("SHOW application_name")) {
                rs.next();
                assertEquals("b2", rs.getString(1));
            }
        }
    }

    @Test
    void simpleQueryModeWorksToo() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("preferQueryMode", "simple");
        try (Connection c = java.sql.DriverManager.getConnection(db.server().jdbcUrl("postgres"), p);
             PreparedStatement ps = c.prepareStatement("SELECT ? || '-' || ?")) {
            ps.setString(1, "it's");
            ps.setInt(2, 7);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("it's-7", rs.getString(1));
            }
        }
    }
}
