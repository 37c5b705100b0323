package org.pgjava.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;

import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.conf.hba.AuthMethod;

/**
 * Creates the {@link AuthExchange} for a pg_hba.conf method, with PostgreSQL 15's choices:
 * <ol>
 *   <li>TRUST: nothing is asked ({@link AuthExchange#start()} is null, {@link AuthExchange#startOutcome()} SUCCESS).</li>
 *   <li>PASSWORD: cleartext; checked against the SCRAM or MD5 verifier.</li>
 *   <li>MD5: salted MD5 challenge when the stored verifier is MD5; when it is SCRAM (or there is none and
 *       password_encryption is scram-sha-256) PostgreSQL switches to SCRAM-SHA-256, and so does pgjava.</li>
 *   <li>SCRAM_SHA_256: SASL with mechanism "SCRAM-SHA-256" only (no channel binding without TLS).</li>
 *   <li>A missing role, a role without password or with an expired one authenticates against a mock
 *       secret and fails exactly like a wrong password (FATAL 28P01 {@code password authentication failed
 *       for user "x"}), so clients cannot tell them apart.</li>
 *   <li>REJECT is not an exchange: the postmaster sends {@link org.pgjava.conf.hba.HbaFile#rejectError}.
 *       The other methods answer FATAL 0A000.</li>
 * </ol>
 */
public final class AuthExchanges {
    private AuthExchanges() {
    }

    /** The verifier to authenticate against: null when the role is missing, has no password, or it expired. */
    public static String usableVerifier(RoleEntry role, Instant now) {
        if (role == null || role.passwordVerifier() == null) return null;
        if (role.validUntil() != null && role.validUntil().isBefore(now)) return null;
        return role.passwordVerifier();
    }

    /**
     * The exchange for {@code method}, with password_encryption = scram-sha-256 and a mock salt derived from
     * the user name only.
     *
     * @param user           the role name from the startup packet (used in messages and the MD5 hash)
     * @param storedVerifier the role's rolpassword, or null (see {@link #usableVerifier})
     * @throws IllegalArgumentException for REJECT
     * @throws PgException FATAL 0A000 for methods pgjava does not implement
     */
    public static AuthExchange create(AuthMethod method, String user, String storedVerifier, SecureRandom random) {
        return create(method, user, storedVerifier, random, "scram-sha-256", new byte[0]);
    }

    /**
     * As {@link #create(AuthMethod, String, String, SecureRandom)}, with the password_encryption setting
     * (decides MD5 vs SCRAM when the role has no password) and the cluster's secret mock-authentication
     * nonce (makes the fake salt of unknown roles unpredictable yet stable, as PostgreSQL does).
     */
    public static AuthExchange create(AuthMethod method, String user, String storedVerifier, SecureRandom random,
                                      String passwordEncryption, byte[] mockNonce) {
        return switch (method) {
            case TRUST -> new TrustExchange();
            case REJECT -> throw new IllegalArgumentException("reject is answered with HbaFile.rejectError");
            case PASSWORD -> new CleartextPasswordExchange(user, storedVerifier);
            case MD5 -> {
                boolean useMd5 = storedVerifier != null
                        ? PasswordVerifiers.typeOf(storedVerifier) == PasswordVerifiers.Type.MD5
                        : passwordEncryption.equalsIgnoreCase("md5");
                yield useMd5 ? new Md5PasswordExchange(user, storedVerifier, random)
                        : new ScramSha256Exchange(user, storedVerifier, random, mockNonce);
            }
            case SCRAM_SHA_256 -> new ScramSha256Exchange(user, storedVerifier, random, mockNonce);
            default -> throw PgException.notSupported("authentication method \"" + method.keyword()
                    + "\" is not supported by pgjava").withSeverity(Severity.FATAL);
        };
    }

    /**
     * FATAL 08P01 for a message of the wrong type during authentication, as PostgreSQL words it:
     * {@code expected SASL response, got message type %d} / {@code expected password response, got message type %d}.
     */
    public static PgException unexpectedMessage(int type, boolean sasl) {
        return PgException.fatal(SqlState.PROTOCOL_VIOLATION, "expected " + (sasl ? "SASL" : "password")
                + " response, got message type " + type);
    }

    /** FATAL 28P01 {@code password authentication failed for user "x"}. */
    public static PgException authFailed(String user) {
        return PgException.fatal(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
    }

    static AuthExchange.Step fail(PgException e) {
        if (e.severity() != Severity.FATAL) e.withSeverity(Severity.FATAL);
        return new AuthExchange.Step(BackendMessages.errorResponse(e), AuthExchange.Outcome.FAILURE, e);
    }

    /** PostgreSQL's recv_password_packet checks: one NUL-terminated string filling the message, not empty. */
    static String passwordString(byte[] body) {
        int nul = -1;
        for (int i = 0; i < body.length; i++) if (body[i] == 0) { nul = i; break; }
        if (nul < 0 || nul != body.length - 1) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid password packet size");
        }
        if (nul == 0) throw PgException.fatal(SqlState.INVALID_PASSWORD, "empty password returned by client");
        return new String(body, 0, nul, StandardCharsets.UTF_8);
    }

    /** trust: nothing to exchange. */
    private static final class TrustExchange implements AuthExchange {
        @Override
        public byte[] start() {
            return null;
        }

        @Override
        public Step startOutcome() {
            return new Step(null, Outcome.SUCCESS, null);
        }

        @Override
        public Step onClientMessage(byte[] body) {
            throw new IllegalStateException("trust authentication expects no client message");
        }
    }
}
