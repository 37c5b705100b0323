package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * Catalogs as heap tables over the wire: CREATE TABLE / ALTER TABLE ADD COLUMN / DROP TABLE are seen by
 * another backend only after commit (relation cache invalidation through the shared queue), the catalogs
 * are queryable, and DML works end to end from pgjdbc and psql.
 */
class CatalogTablesTest {
    static PgJavaServer server;

    @BeforeAll
    static void start() {
        server = PgJavaServer.start(PgJavaServer.options());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection(server.jdbcUrl("postgres"), p);
    }

    static List<String> column(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void createAndAddColumnReachOtherSessionsAtCommit() throws Exception {
        try (Connection c1 = connect(); Connection c2 = connect();
             Statement s1 = c1.createStatement(); Statement s2 = c2.createStatement()) {
            c1.setAutoCommit(false);
            s1.execute("CREATE TABLE shared_t (a int4 NOT NULL, b text DEFAULT 'x')");
            s1.execute("INSERT INTO shared_t (a) VALUES (1), (2)");
            assertEquals(List.of("1", "2"), column(s1, "SELECT a FROM shared_t ORDER BY a"));
            SQLException notYet = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s2.executeQuery("SELECT * FROM shared_t"));
            assertEquals("42P01", notYet.getSQLState());
            c1.commit();
            assertEquals(List.of("x", "x"), column(s2, "SELECT b FROM shared_t"));
            s1.execute("ALTER TABLE shared_t ADD COLUMN c int8 DEFAULT 7");
            c1.commit();
            assertEquals(List.of("7", "7"), column(s2, "SELECT c FROM shared_t"));
            assertEquals(List.of("a", "b", "c"), column(s2, "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid"
                    + " WHERE c.relname = 'shared_t' AND a.attnum > 0 ORDER BY a.attnum"));
            s1.execute("DROP TABLE shared_t");
            // the table is AccessExclusive-locked by session 1 (a SELECT would wait, as in PostgreSQL);
            // its catalog row is still visible to session 2 until the commit
            assertEquals(List.of("shared_t"), column(s2, "SELECT relname FROM pg_class WHERE relname = 'shared_t'"));
            c1.commit();
            assertEquals(List.of(), column(s2, "SELECT relname FROM pg_class WHERE relname = 'shared_t'"));
            SQLException gone = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s2.executeQuery("SELECT * FROM shared_t"));
            assertEquals("42P01", gone.getSQLState());
        }
    }

    @Test
    void catalogsAreQueryableAndRollbackLeavesNoTrace() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            List<String> names = column(s, "SELECT relname FROM pg_class WHERE relnamespace = 11 ORDER BY relname");
            assertTrue(names.containsAll(List.of("pg_attribute", "pg_class", "pg_namespace", "pg_type")), names.toString());
            assertEquals(List.of("public"), column(s, "SELECT nspname FROM pg_namespace WHERE oid = 2200"));
            c.setAutoCommit(false);
            s.execute("CREATE TABLE rolled_back (x int4)");
            c.rollback();
            assertFalse(column(s, "SELECT relname FROM pg_class").contains("rolled_back"));
        }
    }

    @Test
    void dmlFromPsql() {
        PgJavaServer.ProcessResult r = server.psql("-c", "CREATE TABLE p (id int4, name varchar(10))",
                "-c", "INSERT INTO p VALUES (1, 'one'), (2, 'two')",
                "-c", "UPDATE p SET name = 'TWO' WHERE id = 2 RETURNING name",
                "-c", "DELETE FROM p WHERE id = 1",
                "-c", "SELECT id, name FROM p",
                "-c", "DROP TABLE p");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("TWO\n2|TWO\n", r.stdout());
    }
}
