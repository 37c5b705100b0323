package org.pgjava.catalog.authfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

class AuthFileTest {
    @TempDir
    Path dataDir;

    private static AuthData sample() {
        return new AuthData(List.of(
                new RoleEntry(10, "postgres", true, true, -1, "SCRAM-SHA-256$4096:c2FsdA==$a:b", null, List.of()),
                new RoleEntry(16384, "we\tird,\\name\n", false, true, 5, null, Instant.parse("2030-01-01T00:00:00Z"),
                        List.of("staff", "a,b")),
                new RoleEntry(16385, "staff", false, false, -1, "md5abc", null, List.of("admins")),
                new RoleEntry(16386, "admins", false, false, -1, null, null, List.of())),
                List.of(new DatabaseEntry(1, "template1", 10, true, true, -1),
                        new DatabaseEntry(4, "template0", 10, false, true, -1),
                        new DatabaseEntry(5, "postgres", 10, true, false, -1)));
    }

    @Test
    void roundTrip() {
        AuthData d = sample();
        AuthFile.write(dataDir, d);
        assertEquals(dataDir.resolve("global/pg_auth"), AuthFile.path(dataDir));
        assertTrue(Files.exists(AuthFile.path(dataDir)));
        assertFalse(Files.exists(dataDir.resolve("global/pg_auth.tmp")));
        assertEquals(d, AuthFile.read(dataDir));
        // overwrite
        AuthData d2 = new AuthData(d.roles().subList(0, 1), d.databases());
        AuthFile.write(dataDir, d2);
        assertEquals(d2, AuthFile.read(dataDir));
    }

    @Test
    void lookups() {
        AuthData d = sample();
        assertEquals(10, d.role("postgres").orElseThrow().oid());
        assertTrue(d.role("Postgres").isEmpty());
        assertEquals("staff", d.roleByOid(16385).orElseThrow().name());
        assertFalse(d.database("template0").orElseThrow().allowConnections());
        assertTrue(d.isMemberOf("we\tird,\\name\n", "admins"), "transitive membership");
        assertTrue(d.isMemberOf("staff", "staff"));
        assertFalse(d.isMemberOf("postgres", "staff"));
    }

    @Test
    void errors() throws IOException {
        PgException e = assertThrows(PgException.class, () -> AuthFile.read(dataDir));
        assertEquals(SqlState.UNDEFINED_FILE, e.sqlState());
        Files.createDirectories(dataDir.resolve("global"));
        Files.writeString(AuthFile.path(dataDir), "pgjava-auth\t2\n");
        e = assertThrows(PgException.class, () -> AuthFile.read(dataDir));
        assertEquals(SqlState.DATA_CORRUPTED, e.sqlState());
        Files.writeString(AuthFile.path(dataDir), "pgjava-auth\t1\nrole\tx\tname\tt\tt\t-1\t\\N\t\\N\t\n");
        e = assertThrows(PgException.class, () -> AuthFile.read(dataDir));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void mockNonce() throws IOException {
        assertThrows(PgException.class, () -> MockAuthNonce.read(dataDir));
        byte[] n = MockAuthNonce.create(dataDir, new java.security.SecureRandom());
        assertEquals(32, n.length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(n, MockAuthNonce.read(dataDir));
        Files.writeString(MockAuthNonce.path(dataDir), "xyz\n");
        assertEquals(SqlState.DATA_CORRUPTED, assertThrows(PgException.class, () -> MockAuthNonce.read(dataDir)).sqlState());
    }
}
