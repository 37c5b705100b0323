package org.pgjava.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.conf.errors.PgException;

/**
 * pg_hba.conf method {@code md5} with an MD5 verifier: AuthenticationMD5Password with 4 random salt
 * bytes; the client answers "md5" + hex(MD5(hex(MD5(password || user)) || salt)), which the server
 * recomputes from the stored "md5…" verifier.
 */
final class Md5PasswordExchange implements AuthExchange {
    private final String user;
    private final String stored;
    private final byte[] salt = new byte[4];
    private boolean started, done;

    Md5PasswordExchange(String user, String stored, SecureRandom random) {
        this.user = user;
        this.stored = stored;
        random.nextBytes(salt);
    }

    @Override
    public byte[] start() {
        started = true;
        return BackendMessages.authenticationMd5Password(salt);
    }

    @Override
    public Step onClientMessage(byte[] body) {
        if (!started || done) throw new IllegalStateException("exchange not running");
        done = true;
        try {
            String response = AuthExchanges.passwordString(body);
            if (stored == null) return AuthExchanges.fail(AuthExchanges.authFailed(user));
            byte[] inner = stored.substring(3).getBytes(StandardCharsets.US_ASCII);
            byte[] data = new byte[inner.length + 4];
            System.arraycopy(inner, 0, data, 0, inner.length);
            System.arraycopy(salt, 0, data, inner.length, 4);
            String expected = "md5" + PasswordVerifiers.md5Hex(data);
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), response.getBytes(StandardCharsets.UTF_8))) {
                return new Step(null, Outcome.SUCCESS, null);
            }
            return AuthExchanges.fail(AuthExchanges.authFailed(user));
        } catch (PgException e) {
            return AuthExchanges.fail(e);
        }
    }
}
