package org.pgjava.postmaster.initdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.auth.PasswordVerifiers;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.AuthFile;
import org.pgjava.conf.ConfigFile;
import org.pgjava.conf.Settings;
import org.pgjava.conf.hba.AuthMethod;
import org.pgjava.conf.hba.ConnectionKind;
import org.pgjava.conf.hba.HbaFile;
import org.pgjava.conf.hba.HbaRule;

class InitDbTest {
    @TempDir
    Path tmp;

    private record Result(int rc, String out, String err) {
    }

    /**
     * The backend's BootstrapMain is not on this module's class path (it is tested in the backend module
     * and end to end in src/test): this bootstrap checks what InitDb promises it (configuration files and
     * the auth file with the superuser are written) and writes a marker.
     */
    private static final BootstrapProcess AUTH_FILE_CHECKING_BOOTSTRAP = dir -> {
        if (!Files.exists(dir.resolve("postgresql.conf")) || AuthFile.read(dir).roleByOid(10).isEmpty()) {
            return new BootstrapProcess.Outcome(1, "bootstrap: error: data directory not prepared");
        }
        Files.writeString(dir.resolve("global/bootstrapped"), "yes");
        return new BootstrapProcess.Outcome(0, "");
    };

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc = InitDb.run(List.of(args), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), env, AUTH_FILE_CHECKING_BOOTSTRAP);
        return new Result(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createsAClusterWithTrust() throws Exception {
        Path d = tmp.resolve("data");
        Result r = run(Map.of(), "-D", d.toString(), "-U", "admin");
        assertEquals(0, r.rc, r.err);
        assertTrue(r.out.contains("creating directory " + d + " ... ok"), r.out);
        assertTrue(r.out.contains("selecting default max_connections ... 100"));
        assertTrue(r.out.contains("running bootstrap script ... ok"), r.out);
        assertTrue(Files.exists(d.resolve("global/bootstrapped")));
        assertTrue(r.out.contains("selecting default shared_buffers ... 128MB"));
        assertTrue(r.out.endsWith("    bin/pgjava start -D " + d + " -l logfile\n\n"), r.out);
        assertTrue(r.err.contains("initdb: warning: enabling \"trust\" authentication for local connections"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
        assertEquals("15\n", Files.readString(d.resolve("PG_VERSION")));
        for (String sub : new String[] {"global", "base/1", "base/4", "base/5", "pg_wal", "pg_xact"}) {
            assertTrue(Files.isDirectory(d.resolve(sub)), sub);
        }

        AuthData auth = AuthFile.read(d);
        var su = auth.role("admin").orElseThrow();
        assertEquals(10, su.oid());
        assertTrue(su.superuser() && su.canLogin());
        assertNull(su.passwordVerifier());
        assertEquals(1, auth.database("template1").orElseThrow().oid());
        assertFalse(auth.database("template0").orElseThrow().allowConnections());
        assertTrue(auth.database("template0").orElseThrow().isTemplate());
        assertEquals(5, auth.database("postgres").orElseThrow().oid());
        assertEquals(32, org.pgjava.catalog.authfile.MockAuthNonce.read(d).length);

        // the generated postgresql.conf is valid and every line applies
        Settings s = Settings.defaults();
        assertEquals(List.of(), s.applyFile(ConfigFile.parse(d.resolve("postgresql.conf")), false));
        assertEquals("localhost", s.show("listen_addresses"));
        assertEquals("/tmp", s.show("unix_socket_directories"));
        assertEquals("configuration file", s.sourceOf("port"));
        String conf = Files.readString(d.resolve("postgresql.conf"));
        assertTrue(conf.contains("#work_mem = 4MB"), "commented defaults");
        assertTrue(conf.contains("#standby_backends = 2"), "pgjava's own settings");

        List<HbaRule> rules = HbaFile.parse(d.resolve("pg_hba.conf"));
        assertEquals(6, rules.size());
        assertEquals(AuthMethod.TRUST, HbaFile.firstMatch(rules, ConnectionKind.HOST, "postgres", "admin",
                java.net.InetAddress.getByName("127.0.0.1"), g -> false).orElseThrow().method());
        assertTrue(HbaFile.firstMatch(rules, ConnectionKind.HOST, "postgres", "admin",
                java.net.InetAddress.getByName("10.0.0.1"), g -> false).isEmpty());
    }

    @Test
    void pwfileAndScram() throws Exception {
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "s3cret\nignored\n");
        Path d = tmp.resolve("data");
        Files.createDirectories(d); // an existing empty directory is fine
        Result r = run(Map.of("PGDATA", d.toString()), "-U", "postgres", "--pwfile=" + pw, "--auth-local", "scram-sha-256",
                "--auth-host=md5", "-E", "UTF8");
        assertEquals(0, r.rc, r.err);
        assertTrue(r.out.contains("fixing permissions on existing directory " + d + " ... ok"));
        assertFalse(r.err.contains("trust"));
        String v = AuthFile.read(d).role("postgres").orElseThrow().passwordVerifier();
        assertEquals(PasswordVerifiers.Type.SCRAM_SHA_256, PasswordVerifiers.typeOf(v));
        assertTrue(PasswordVerifiers.verifyCleartext(v, "postgres", "s3cret"));
        List<HbaRule> rules = HbaFile.parse(d.resolve("pg_hba.conf"));
        assertEquals(AuthMethod.SCRAM_SHA_256, rules.get(0).method());
        assertEquals(AuthMethod.MD5, rules.get(1).method());
    }

    @Test
    void errorsAsInitdb() throws IOException {
        Path d = tmp.resolve("full");
        Files.createDirectories(d);
        Files.writeString(d.resolve("x"), "x");
        Result r = run(Map.of(), "-D", d.toString());
        assertEquals(1, r.rc);
        assertTrue(r.err.contains("initdb: error: directory \"" + d + "\" exists but is not empty\n"), r.err);
        assertTrue(r.err.contains("initdb: hint: If you want to create a new database system, either remove or empty the directory \""
                + d + "\" or run initdb with an argument other than \"" + d + "\"."), r.err);

        r = run(Map.of());
        assertEquals(1, r.rc);
        assertTrue(r.err.startsWith("initdb: error: no data directory specified\n"), r.err);

        Path n = tmp.resolve("new");
        r = run(Map.of(), "-D", n.toString(), "--auth=foo");
        assertEquals("initdb: error: invalid authentication method \"foo\" for \"local\" connections\n", r.err);
        r = run(Map.of(), "-D", n.toString(), "--auth=md5");
        assertEquals("initdb: error: must specify a password for the superuser to enable password authentication\n", r.err);
        r = run(Map.of(), "-D", n.toString(), "-U", "pg_x");
        assertEquals("initdb: error: superuser name \"pg_x\" is disallowed; role names cannot begin with \"pg_\"\n", r.err);
        r = run(Map.of(), "-D", n.toString(), "-E", "FOO");
        assertEquals("initdb: error: \"FOO\" is not a valid server encoding name\n", r.err);
        r = run(Map.of(), "-D", n.toString(), "--pwfile", tmp.resolve("nope").toString());
        assertTrue(r.err.startsWith("initdb: error: could not open file \"" + tmp.resolve("nope") + "\" for reading: No such file or directory"), r.err);
        Files.writeString(tmp.resolve("empty"), "");
        r = run(Map.of(), "-D", n.toString(), "--pwfile", tmp.resolve("empty").toString());
        assertEquals("initdb: error: password file \"" + tmp.resolve("empty") + "\" is empty\n", r.err);
        r = run(Map.of(), "-D", n.toString(), "--bogus");
        assertEquals(1, r.rc);
        assertFalse(Files.exists(n), "failed runs leave nothing behind");
    }

    @Test
    void failedBootstrapFailsInitdbAndRemovesTheDirectory() {
        Path d = tmp.resolve("data");
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc = InitDb.run(List.of("-D", d.toString()), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of(),
                dir -> new BootstrapProcess.Outcome(1, "bootstrap: error: disk full"));
        assertEquals(1, rc);
        String err = e.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("initdb: error: bootstrap process failed with exit status 1:\nbootstrap: error: disk full"), err);
        assertTrue(err.contains("initdb: removing data directory"), err);
        assertFalse(Files.exists(d));
    }

    @Test
    void bootstrapCommandNamesTheBackendClassOnTheSameClassPath() {
        List<String> cmd = BootstrapProcess.command(Path.of("/jdk/bin/java"), "a.jar:b.jar", Path.of("/data"));
        assertEquals("/jdk/bin/java", cmd.getFirst());
        assertTrue(cmd.contains("--enable-native-access=ALL-UNNAMED"));
        int cp = cmd.indexOf("-cp");
        assertEquals("a.jar:b.jar", cmd.get(cp + 1));
        assertEquals(List.of("org.pgjava.backend.main.BootstrapMain", "-D", "/data"), cmd.subList(cp + 2, cmd.size()));
    }
}
