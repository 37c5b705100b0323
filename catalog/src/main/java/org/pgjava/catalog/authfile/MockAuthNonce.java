package org.pgjava.catalog.authfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The cluster's secret mock-authentication nonce (PostgreSQL keeps it in pg_control): 32 random bytes
 * created by initdb, stored as 64 hex digits plus a newline in {@code DATADIR/global/pg_mock_auth_nonce}.
 * SCRAM authentication of a role that does not exist (or has no usable password) derives its fake salt
 * from the user name and this nonce, so the salt is stable per name and unpredictable: an attacker cannot
 * tell a missing role from a wrong password.
 *
 * <p>Entry points: {@link #create(Path, SecureRandom)} (initdb), {@link #read(Path)} (postmaster start).
 */
public final class MockAuthNonce {
    private MockAuthNonce() {
    }

    /** Length of the nonce in bytes (PostgreSQL's MOCK_AUTH_NONCE_LEN). */
    public static final int LENGTH = 32;

    /** {@code dataDir/global/pg_mock_auth_nonce}. */
    public static Path path(Path dataDir) {
        return dataDir.resolve("global").resolve("pg_mock_auth_nonce");
    }

    /**
     * Creates a new random nonce file (replacing any) and returns the nonce.
     *
     * @throws PgException 58030 on I/O errors
     */
    public static byte[] create(Path dataDir, SecureRandom random) {
        byte[] n = new byte[LENGTH];
        random.nextBytes(n);
        Path p = path(dataDir);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, HexFormat.of().formatHex(n) + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw PgException.error(SqlState.IO_ERROR, "could not write file \"" + p + "\": " + e.getMessage());
        }
        return n;
    }

    /**
     * Reads the nonce.
     *
     * @throws PgException 58P01 when the file is missing (a data directory from an older initdb: the caller
     *         may fall back to an empty nonce), XX001 when it is malformed, 58030 on other I/O errors
     */
    public static byte[] read(Path dataDir) {
        Path p = path(dataDir);
        String s;
        try {
            s = Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw PgException.error(SqlState.UNDEFINED_FILE, "could not open file \"" + p + "\": No such file or directory");
        } catch (IOException e) {
            throw PgException.error(SqlState.IO_ERROR, "could not read file \"" + p + "\": " + e.getMessage());
        }
        if (!s.matches("[0-9a-f]{" + (2 * LENGTH) + "}")) {
            throw PgException.error(SqlState.DATA_CORRUPTED, "invalid mock authentication nonce in file \"" + p + "\"");
        }
        return HexFormat.of().parseHex(s);
    }
}
