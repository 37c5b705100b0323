package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;
import org.pgjava.tests.harness.PgJavaServer.ProcessResult;

/** max_connections: one client too many gets 53300 "sorry, too many clients already"; a slot frees on close. */
class MaxConnectionsTest {
    @RegisterExtension
    static final PgJavaServerExtension db = new PgJavaServerExtension(PgJavaServer.options()
                .set("max_connections", "3").set("superuser_reserved_connections", "0"));



    @Test
    void fourthClientIsRefusedAndSlotIsFreedOnClose() throws Exception {
        List<Connection> conns = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                conns.add(db.server().connect());
            }
            SQLException e = assertThrows(SQLException.class, () -> db.server().connect().close());
            assertEquals("53300", e.getSQLState());
            assertTrue(e.getMessage().contains("sorry, too many clients already"), e.getMessage());
            ProcessResult r = db.server().psql("-c", "SELECT 1");
            assertEquals(2, r.exitCode(), r.all());
            assertTrue(r.stderr().contains("sorry, too many clients already"), r.stderr());

            conns.remove(0).close();
            assertTrue(PgJavaServer.waitFor(() -> db.server().psql("-c", "SELECT 1").exitCode() == 0,
                    java.time.Duration.ofSeconds(10)), "a slot is free again after a client leaves");
            // the others were never disturbed
            for (Connection c : conns) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 7")) {
                    rs.next();
                    assertEquals(7, rs.getInt(1));
                }
            }
        } finally {
            for (Connection c : conns) {
                c.close();
            }
        }
    }
}
