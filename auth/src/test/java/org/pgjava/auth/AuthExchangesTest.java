package org.pgjava.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pgjava.auth.AuthExchange.Outcome;
import org.pgjava.auth.AuthExchange.Step;
import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.conf.hba.AuthMethod;

class AuthExchangesTest {
    private final SecureRandom random = new SecureRandom();

    // ------------------------------------------------------------- a SCRAM client written from RFC 5802

    /** The client side of RFC 5802 §3, independent of the server code (except the HMAC primitive). */
    private static final class RfcScramClient {
        final String password;
        final String clientNonce;
        final String gs2;
        String clientFirstBare;
        String expectedServerSignature;

        RfcScramClient(String password, String gs2) {
            this.password = password;
            this.gs2 = gs2;
            byte[] n = new byte[18];
            new SecureRandom().nextBytes(n);
            this.clientNonce = Base64.getEncoder().encodeToString(n);
        }

        byte[] initialResponse() {
            clientFirstBare = "n=,r=" + clientNonce;   // libpq sends an empty user name
            return saslInitial("SCRAM-SHA-256", (gs2 + clientFirstBare).getBytes(StandardCharsets.US_ASCII));
        }

        byte[] finalMessage(String serverFirst) throws Exception {
            String[] parts = serverFirst.split(",");
            String nonce = parts[0].substring(2);
            assertTrue(nonce.startsWith(clientNonce));
            byte[] salt = Base64.getDecoder().decode(parts[1].substring(2));
            int i = Integer.parseInt(parts[2].substring(2));
            javax.crypto.SecretKeyFactory f = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = f.generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, i, 256)).getEncoded();
            byte[] clientKey = PasswordVerifiers.hmac(salted, "Client Key".getBytes());
            byte[] storedKey = java.security.MessageDigest.getInstance("SHA-256").digest(clientKey);
            String cbind = Base64.getEncoder().encodeToString(gs2.getBytes(StandardCharsets.US_ASCII));
            String withoutProof = "c=" + cbind + ",r=" + nonce;
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.US_ASCII);
            byte[] sig = PasswordVerifiers.hmac(storedKey, authMessage);
            byte[] proof = new byte[32];
            for (int k = 0; k < 32; k++) proof[k] = (byte) (clientKey[k] ^ sig[k]);
            byte[] serverKey = PasswordVerifiers.hmac(salted, "Server Key".getBytes());
            expectedServerSignature = "v=" + Base64.getEncoder().encodeToString(PasswordVerifiers.hmac(serverKey, authMessage));
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.US_ASCII);
        }
    }

    static byte[] saslInitial(String mech, byte[] data) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(mech.getBytes(StandardCharsets.US_ASCII));
        o.write(0);
        o.writeBytes(ByteBuffer.allocate(4).putInt(data == null ? -1 : data.length).array());
        if (data != null) o.writeBytes(data);
        return o.toByteArray();
    }

    /** The payload of an AuthenticationSASLContinue/Final message (after 'R', length, code). */
    static String saslPayload(byte[] msg, int expectedCode) {
        assertEquals('R', msg[0]);
        assertEquals(expectedCode, ByteBuffer.wrap(msg, 5, 4).getInt());
        return new String(msg, 9, msg.length - 9, StandardCharsets.US_ASCII);
    }

    static byte[] cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    private Step runScram(AuthExchange x, RfcScramClient c) throws Exception {
        assertArrayEquals(BackendMessages.authenticationSasl(List.of("SCRAM-SHA-256")), x.start());
        Step s1 = x.onClientMessage(c.initialResponse());
        assertEquals(Outcome.CONTINUE, s1.outcome());
        return x.onClientMessage(c.finalMessage(saslPayload(s1.reply(), 11)));
    }

    @Test
    void scramConversationSucceeds() throws Exception {
        String verifier = PasswordVerifiers.scramSha256("pencil", random);
        for (String gs2 : new String[] {"n,,", "y,,"}) {
            RfcScramClient c = new RfcScramClient("pencil", gs2);
            Step s = runScram(AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "user", verifier, random), c);
            assertEquals(Outcome.SUCCESS, s.outcome());
            assertNull(s.error());
            assertEquals(c.expectedServerSignature, saslPayload(s.reply(), 12), "server proves it knows the verifier");
        }
    }

    @Test
    void scramWithoutInitialData() throws Exception {
        String verifier = PasswordVerifiers.scramSha256("pencil", random);
        AuthExchange x = AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "user", verifier, random);
        x.start();
        Step empty = x.onClientMessage(saslInitial("SCRAM-SHA-256", null));
        assertEquals(Outcome.CONTINUE, empty.outcome());
        assertEquals("", saslPayload(empty.reply(), 11));
        RfcScramClient c = new RfcScramClient("pencil", "n,,");
        byte[] first = c.initialResponse();
        byte[] bare = ("n,," + c.clientFirstBare).getBytes(StandardCharsets.US_ASCII);
        assertTrue(first.length > bare.length);
        Step s1 = x.onClientMessage(bare);
        Step s2 = x.onClientMessage(c.finalMessage(saslPayload(s1.reply(), 11)));
        assertEquals(Outcome.SUCCESS, s2.outcome());
    }

    private static void assertAuthFailed(Step s, String user) {
        assertEquals(Outcome.FAILURE, s.outcome());
        assertEquals(SqlState.INVALID_PASSWORD, s.error().sqlState());
        assertEquals(Severity.FATAL, s.error().severity());
        assertEquals("password authentication failed for user \"" + user + "\"", s.error().getMessage());
        assertArrayEquals(BackendMessages.errorResponse(s.error()), s.reply());
    }

    @Test
    void scramWrongPasswordMissingRoleAndMd5Verifier() throws Exception {
        String verifier = PasswordVerifiers.scramSha256("pencil", random);
        assertAuthFailed(runScram(AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "user", verifier, random),
                new RfcScramClient("pencil!", "n,,")), "user");
        assertAuthFailed(runScram(AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "ghost", null, random),
                new RfcScramClient("pencil", "n,,")), "ghost");
        assertAuthFailed(runScram(AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "user", PasswordVerifiers.md5("pencil", "user"), random),
                new RfcScramClient("pencil", "n,,")), "user");
    }

    @Test
    void mockSaltIsStablePerUser() {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        String a = serverFirst(AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "ghost", null, random, "scram-sha-256", nonce));
        String b = serverFirst(AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "ghost", null, random, "scram-sha-256", nonce));
        assertEquals(a.substring(a.indexOf(",s=")), b.substring(b.indexOf(",s=")));
    }

    private static String serverFirst(AuthExchange x) {
        x.start();
        return saslPayload(x.onClientMessage(saslInitial("SCRAM-SHA-256", "n,,n=,r=abc".getBytes())).reply(), 11);
    }

    private static PgException malformed(byte[] initial, byte[] fin) {
        AuthExchange x = AuthExchanges.create(AuthMethod.SCRAM_SHA_256, "u", PasswordVerifiers.scramSha256("p", new SecureRandom()), new SecureRandom());
        x.start();
        Step s = x.onClientMessage(initial);
        if (fin != null) {
            assertEquals(Outcome.CONTINUE, s.outcome());
            s = x.onClientMessage(fin);
        }
        assertEquals(Outcome.FAILURE, s.outcome());
        assertEquals(Severity.FATAL, s.error().severity());
        return s.error();
    }

    @Test
    void malformedScramMessages() {
        PgException e = malformed(saslInitial("SCRAM-SHA-256-PLUS", "n,,n=,r=x".getBytes()), null);
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        assertEquals("client selected an invalid SASL authentication mechanism", e.getMessage());
        e = malformed(saslInitial("SCRAM-SHA-256", "x,,n=,r=x".getBytes()), null);
        assertEquals("malformed SCRAM message", e.getMessage());
        assertEquals("Unexpected channel-binding flag \"'x'\".", e.detail());
        e = malformed(saslInitial("SCRAM-SHA-256", "n,,r=x".getBytes()), null);
        assertEquals("Expected attribute \"n\" but found \"'r'\".", e.detail());
        e = malformed(saslInitial("SCRAM-SHA-256", "n,a=bob,n=,r=x".getBytes()), null);
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals("client uses authorization identity, but it is not supported", e.getMessage());
        e = malformed(saslInitial("SCRAM-SHA-256", "p=tls-server-end-point,,n=,r=x".getBytes()), null);
        assertEquals("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.", e.detail());
        e = malformed(saslInitial("SCRAM-SHA-256", new byte[0]), null);
        assertEquals("The message is empty.", e.detail());
        e = malformed("SCRAM-SHA-256".getBytes(), null);
        assertEquals("invalid string in message", e.getMessage());
        byte[] first = saslInitial("SCRAM-SHA-256", "n,,n=,r=abc".getBytes());
        e = malformed(first, "c=eSws,r=abc,p=AAAA".getBytes());
        assertEquals("unexpected SCRAM channel-binding attribute in client-final-message", e.getMessage());
        e = malformed(first, "c=biws,r=abcWRONG,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=".getBytes());
        assertEquals("invalid SCRAM response", e.getMessage());
        assertEquals("Nonce does not match.", e.detail());
        e = malformed(first, "c=biws,r=abc,p=AAAA".getBytes());
        assertEquals("Malformed proof in client-final-message.", e.detail());
        e = malformed(first, "c=biws,r=abc,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1".getBytes());
        assertEquals("Garbage found at the end of client-final-message.", e.detail());
    }

    @Test
    void cleartextPassword() {
        String scram = PasswordVerifiers.scramSha256("secret", random);
        String md5 = PasswordVerifiers.md5("secret", "bob");
        for (String v : new String[] {scram, md5}) {
            AuthExchange x = AuthExchanges.create(AuthMethod.PASSWORD, "bob", v, random);
            assertArrayEquals(BackendMessages.authenticationCleartextPassword(), x.start());
            Step s = x.onClientMessage(cstring("secret"));
            assertEquals(Outcome.SUCCESS, s.outcome());
            assertNull(s.reply());
            AuthExchange y = AuthExchanges.create(AuthMethod.PASSWORD, "bob", v, random);
            y.start();
            assertAuthFailed(y.onClientMessage(cstring("Secret")), "bob");
        }
        AuthExchange z = AuthExchanges.create(AuthMethod.PASSWORD, "bob", null, random);
        z.start();
        assertAuthFailed(z.onClientMessage(cstring("anything")), "bob");
        AuthExchange e = AuthExchanges.create(AuthMethod.PASSWORD, "bob", scram, random);
        e.start();
        Step s = e.onClientMessage(cstring(""));
        assertEquals("empty password returned by client", s.error().getMessage());
        assertEquals(SqlState.INVALID_PASSWORD, s.error().sqlState());
        AuthExchange f = AuthExchanges.create(AuthMethod.PASSWORD, "bob", scram, random);
        f.start();
        s = f.onClientMessage("secret".getBytes());
        assertEquals("invalid password packet size", s.error().getMessage());
        assertEquals(SqlState.PROTOCOL_VIOLATION, s.error().sqlState());
        assertThrows(IllegalStateException.class, () -> f.onClientMessage(cstring("secret")));
    }

    @Test
    void md5Challenge() {
        String md5 = PasswordVerifiers.md5("secret", "bob");
        AuthExchange x = AuthExchanges.create(AuthMethod.MD5, "bob", md5, random);
        byte[] req = x.start();
        assertEquals(13, req.length);
        assertEquals(5, ByteBuffer.wrap(req, 5, 4).getInt());
        byte[] salt = Arrays.copyOfRange(req, 9, 13);
        // the client's computation, as libpq's pg_password_sendauth does it
        String inner = PasswordVerifiers.md5Hex("secretbob".getBytes());
        byte[] data = new byte[36];
        System.arraycopy(inner.getBytes(), 0, data, 0, 32);
        System.arraycopy(salt, 0, data, 32, 4);
        String answer = "md5" + PasswordVerifiers.md5Hex(data);
        assertEquals(Outcome.SUCCESS, x.onClientMessage(cstring(answer)).outcome());
        AuthExchange y = AuthExchanges.create(AuthMethod.MD5, "bob", md5, random);
        y.start();
        assertAuthFailed(y.onClientMessage(cstring(answer)), "bob"); // a new salt
    }

    @Test
    void md5FallsBackToScram() {
        String scram = PasswordVerifiers.scramSha256("secret", random);
        AuthExchange x = AuthExchanges.create(AuthMethod.MD5, "bob", scram, random);
        assertTrue(x.usesSasl());
        assertArrayEquals(BackendMessages.authenticationSasl(List.of("SCRAM-SHA-256")), x.start());
        assertArrayEquals(BackendMessages.authenticationSasl(List.of("SCRAM-SHA-256")),
                AuthExchanges.create(AuthMethod.MD5, "ghost", null, random).start(), "no password and password_encryption=scram-sha-256");
        AuthExchange m = AuthExchanges.create(AuthMethod.MD5, "ghost", null, random, "md5", new byte[0]);
        assertEquals(13, m.start().length);
        assertFalse(m.usesSasl());
    }

    @Test
    void trustRejectAndUnsupported() {
        AuthExchange t = AuthExchanges.create(AuthMethod.TRUST, "bob", null, random);
        assertNull(t.start());
        assertEquals(Outcome.SUCCESS, t.startOutcome().outcome());
        assertThrows(IllegalArgumentException.class, () -> AuthExchanges.create(AuthMethod.REJECT, "bob", null, random));
        PgException e = assertThrows(PgException.class, () -> AuthExchanges.create(AuthMethod.PEER, "bob", null, random));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals(Severity.FATAL, e.severity());
        assertNotNull(AuthExchanges.unexpectedMessage('Q', true).getMessage());
    }

    @Test
    void usableVerifier() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        RoleEntry ok = new RoleEntry(10, "a", false, true, -1, "md5x", null, List.of());
        RoleEntry expired = new RoleEntry(11, "b", false, true, -1, "md5x", Instant.parse("2025-01-01T00:00:00Z"), List.of());
        assertEquals("md5x", AuthExchanges.usableVerifier(ok, now));
        assertNull(AuthExchanges.usableVerifier(expired, now));
        assertNull(AuthExchanges.usableVerifier(null, now));
    }
}
