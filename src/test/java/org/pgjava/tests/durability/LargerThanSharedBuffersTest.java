package org.pgjava.tests.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A table many times larger than shared_buffers: the server runs with shared_buffers = 128kB (16 buffers,
 * PostgreSQL 15's minimum), a few MB of rows are inserted, a tenth of them updated, and count/sum/min/max
 * queries (whose answers the test computes itself) must be right: while running, after a clean restart,
 * and after one more update followed by a power cut (kill -9 of everything) and recovery.
 *
 * <p>Tagged {@code storage}: skipped unless {@link StorageTestSwitch#enabled()}; PostgreSQL 15 with
 * {@code -Ddurability.server=postgres15}.
 */
@Tag("storage")
@EnabledIf("org.pgjava.tests.durability.StorageTestSwitch#enabled")
class LargerThanSharedBuffersTest {
    static final int ROWS = 40_000;
    static final int PER_INSERT = 500;
    static final String PAD = "x".repeat(100);

    /** What the table must hold: v = id * 3 initially, + 1000000 for rows whose grp was updated. */
    private static final class Model {
        final long[] v = new long[ROWS];

        Model() {
            for (int id = 0; id < ROWS; id++) {
                v[id] = id * 3L;
            }
        }

        void updateGroup(int grp, long delta) {
            for (int id = 0; id < ROWS; id++) {
                if (id % 10 == grp) {
                    v[id] += delta;
                }
            }
        }
    }

    @Test
    void tableLargerThanSharedBuffersSurvivesUpdatesRestartAndCrash() throws Exception {
        Model m = new Model();
        try (DbNode node = DbNode.create(Map.of("shared_buffers", "128kB"))) {
            try (Connection c = node.connect(); Statement st = c.createStatement()) {
                assertEquals("128kB", one(st, "SHOW shared_buffers"));
                st.execute("CREATE TABLE big (id int, grp int, v int8, pad text)");
                for (int first = 0; first < ROWS; first += PER_INSERT) {
                    StringBuilder sb = new StringBuilder("INSERT INTO big VALUES ");
                    for (int id = first; id < first + PER_INSERT; id++) {
                        if (id > first) {
                            sb.append(", ");
                        }
                        sb.append('(').append(id).append(", ").append(id % 10).append(", ").append(id * 3L)
                          .append(", '").append(PAD).append(id).append("')");
                    }
                    assertEquals(PER_INSERT, st.executeUpdate(sb.toString()));
                }
                check(st, m, "after the inserts");
                assertEquals(ROWS / 10, st.executeUpdate("UPDATE big SET v = v + 1000000 WHERE grp = 7"));
                m.updateGroup(7, 1_000_000);
                check(st, m, "after updating grp 7");
            }
            node.stopClean();
            node.restart();
            node.awaitAccepting(Duration.ofSeconds(90));
            try (Connection c = node.connect(); Statement st = c.createStatement()) {
                check(st, m, "after a clean restart");
                assertEquals(ROWS / 10, st.executeUpdate("UPDATE big SET v = v - 5 WHERE grp = 3"));
                m.updateGroup(3, -5);
                st.execute("BEGIN");
                st.executeUpdate("UPDATE big SET v = 0 WHERE grp = 1");
                st.executeUpdate("DELETE FROM big WHERE grp = 2");
                // left uncommitted: the power cut must undo it
            }
            node.powerCut();
            node.restart();
            node.awaitAccepting(Duration.ofSeconds(90));
            try (Connection c = node.connect(); Statement st = c.createStatement()) {
                check(st, m, "after a power cut and recovery");
            }
        }
    }

    private static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** count/sum/min/max over the whole table and one group, a point lookup and an ORDER BY ... LIMIT. */
    private static void check(Statement st, Model m, String when) throws SQLException {
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum7 = 0;
        for (int id = 0; id < ROWS; id++) {
            sum += m.v[id];
            min = Math.min(min, m.v[id]);
            max = Math.max(max, m.v[id]);
            if (id % 10 == 7) {
                sum7 += m.v[id];
            }
        }
        assertEquals(ROWS + "|" + sum + "|" + min + "|" + max + "|0|" + (ROWS - 1),
                row(st, "SELECT count(*), sum(v), min(v), max(v), min(id), max(id) FROM big"), when);
        assertEquals(ROWS / 10 + "|" + sum7, row(st, "SELECT count(*), sum(v) FROM big WHERE grp = 7"), when);
        assertEquals("12347|" + m.v[12347] + "|" + PAD + "12347",
                row(st, "SELECT id, v, pad FROM big WHERE id = 12347"), when);
        int top = 0;
        for (int id = 0; id < ROWS; id++) {
            if (m.v[id] > m.v[top] || (m.v[id] == m.v[top] && id > top)) {
                top = id;
            }
        }
        assertEquals(top + "|" + m.v[top], row(st, "SELECT id, v FROM big ORDER BY v DESC, id DESC LIMIT 1"), when);
    }

    private static String row(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            StringBuilder sb = new StringBuilder();
            int rows = 0;
            while (rs.next()) {
                rows++;
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    if (i > 1) {
                        sb.append('|');
                    }
                    sb.append(rs.getString(i));
                }
            }
            assertEquals(1, rows, sql);
            return sb.toString();
        }
    }
}
