package org.pgjava.tests.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgjava.auth.PasswordVerifiers;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.AuthFile;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.tests.harness.PgJavaServer;
import org.pgjava.tests.harness.PgJavaServerExtension;
import org.pgjava.tests.harness.PgJavaServer.ProcessResult;

/**
 * Every authentication method from both clients (psql and pgjdbc), hba rejects, wrong passwords and role
 * checks — and that a client failing any of them costs no backend process.
 */
class AuthTest {
    static final String HBA = """
            # TYPE  DATABASE  USER        ADDRESS        METHOD
            local   all       all                        trust
            host    all       trustuser   127.0.0.1/32   trust
            host    all       rejectuser  127.0.0.1/32   reject
            host    all       pwuser      127.0.0.1/32   password
            host    all       md5user     127.0.0.1/32   md5
            host    all       scramuser   127.0.0.1/32   scram-sha-256
            host    all       md5scram    127.0.0.1/32   md5
            host    all       nologin     127.0.0.1/32   trust
            host    all       ghost       127.0.0.1/32   trust
            host    all       postgres    127.0.0.1/32   scram-sha-256
            """;

    @RegisterExtension
    static final PgJavaServerExtension db = new PgJavaServerExtension(
            PgJavaServer.options().password("supersecret").hba(HBA).beforeStart(AuthTest::addRoles));

    /** Adds the test roles to the flat auth file before the server starts. */
    private static void addRoles(java.nio.file.Path dir) {
        AuthData data = AuthFile.read(dir);
        SecureRandom rnd = new SecureRandom();
        List<RoleEntry> roles = new ArrayList<>(data.roles());
        roles.add(new RoleEntry(16384, "trustuser", false, true, -1, null, null, List.of()));
        roles.add(new RoleEntry(16385, "rejectuser", false, true, -1, null, null, List.of()));
        roles.add(new RoleEntry(16386, "pwuser", false, true, -1,
                PasswordVerifiers.scramSha256("pw-secret", rnd), null, List.of()));
        roles.add(new RoleEntry(16387, "md5user", false, true, -1,
                PasswordVerifiers.md5("md5-secret", "md5user"), null, List.of()));
        roles.add(new RoleEntry(16388, "scramuser", false, true, -1,
                PasswordVerifiers.scramSha256("scram-secret", rnd), null, List.of()));
        roles.add(new RoleEntry(16389, "md5scram", false, true, -1,
                PasswordVerifiers.scramSha256("ms-secret", rnd), null, List.of()));
        roles.add(new RoleEntry(16390, "nologin", false, false, -1, null, null, List.of()));
        AuthFile.write(dir, new AuthData(roles, data.databases()));
    }

    private static ProcessResult psqlAs(String user, String password, String database) {
        return PgJavaServer.run(List.of("psql", "-X", "-A", "-t", "-w", "-h", "127.0.0.1", "-p",
                String.valueOf(db.server().port()), "-U", user, "-d", database, "-c", "SELECT current_user"),
                PgJavaServer.psqlEnv(password), Duration.ofSeconds(60));
    }

    /** The postmaster's children once pool activity has settled for a second. */
    private static Set<Long> children() {
        return db.server().stableChildren(Duration.ofMillis(1500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"trustuser:", "pwuser:pw-secret", "md5user:md5-secret", "scramuser:scram-secret",
            "md5scram:ms-secret", "postgres:supersecret"})
    void eachMethodAcceptsTheRightPasswordFromPsqlAndJdbc(String userAndPassword) throws Exception {
        String user = userAndPassword.substring(0, userAndPassword.indexOf(':'));
        String pw = userAndPassword.substring(userAndPassword.indexOf(':') + 1);
        ProcessResult r = psqlAs(user, pw, "postgres");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals(user, r.stdout().trim());
        try (Connection c = db.server().connect("postgres", user, pw.isEmpty() ? null : pw);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals(user, rs.getString(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pwuser", "md5user", "scramuser", "md5scram", "postgres"})
    void wrongPasswordIs28P01AndCostsNoProcess(String user) {
        Set<Long> before = children();
        ProcessResult r = psqlAs(user, "wrong", "postgres");
        assertEquals(2, r.exitCode(), r.all());
        assertTrue(r.stderr().contains("password authentication failed for user \"" + user + "\""), r.stderr());
        SQLException e = assertThrows(SQLException.class, () -> db.server().connect("postgres", user, "wrong").close());
        assertEquals("28P01", e.getSQLState());
        assertEquals(before, children(), "a failed login must not start or use a backend process");
    }

    @Test
    void hbaRejectAndNoMatchAre28000() {
        Set<Long> before = children();
        ProcessResult r = psqlAs("rejectuser", "", "postgres");
        assertEquals(2, r.exitCode(), r.all());
        assertTrue(r.stderr().contains("pg_hba.conf rejects connection for host \"127.0.0.1\", user \"rejectuser\", "
                + "database \"postgres\", no encryption"), r.stderr());
        ProcessResult none = psqlAs("nobody", "", "postgres");
        assertEquals(2, none.exitCode(), none.all());
        assertTrue(none.stderr().contains("no pg_hba.conf entry for host \"127.0.0.1\", user \"nobody\", "
                + "database \"postgres\", no encryption"), none.stderr());
        SQLException e = assertThrows(SQLException.class, () -> db.server().connect("postgres", "nobody", null).close());
        assertEquals("28000", e.getSQLState());
        assertEquals(before, children(), "hba failures must not start or use a backend process");
    }

    @Test
    void roleAndDatabaseChecks() {
        Set<Long> before = children();
        SQLException ghost = assertThrows(SQLException.class, () -> db.server().connect("postgres", "ghost", null).close());
        assertEquals("28000", ghost.getSQLState());
        assertTrue(ghost.getMessage().contains("role \"ghost\" does not exist"), ghost.getMessage());

        SQLException nologin = assertThrows(SQLException.class,
                () -> db.server().connect("postgres", "nologin", null).close());
        assertEquals("28000", nologin.getSQLState());
        assertTrue(nologin.getMessage().contains("role \"nologin\" is not permitted to log in"), nologin.getMessage());

        SQLException nodb = assertThrows(SQLException.class,
                () -> db.server().connect("nosuchdb", "trustuser", null).close());
        assertEquals("3D000", nodb.getSQLState());
        assertTrue(nodb.getMessage().contains("database \"nosuchdb\" does not exist"), nodb.getMessage());

        SQLException t0 = assertThrows(SQLException.class, () -> db.server().connect("template0", "trustuser", null).close());
        assertEquals("55000", t0.getSQLState());
        assertTrue(t0.getMessage().contains("database \"template0\" is not currently accepting connections"),
                t0.getMessage());
        assertEquals(before, children(), "failed role checks must not start or use a backend process");
    }

    @Test
    void template1AcceptsConnections() throws Exception {
        try (Connection c = db.server().connect("template1", "trustuser", null);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            assertTrue(rs.next());
            assertEquals("template1", rs.getString(1));
        }
    }
}
