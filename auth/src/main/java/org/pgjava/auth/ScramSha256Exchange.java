package org.pgjava.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL 15 implements it (auth-sasl.c, auth-scram.c):
 * <pre>
 * S: AuthenticationSASL ["SCRAM-SHA-256"]
 * C: SASLInitialResponse  String mechanism, Int32 n (-1 = none), Byte[n] client-first-message
 *      client-first-message = gs2-header client-first-message-bare
 *      gs2-header = ("n" | "y") "," "," (authzid "a=" refused; "p=" channel binding refused without TLS)
 *      client-first-message-bare = "n=" user (ignored: the startup packet's user counts) ",r=" c-nonce [,ext]
 *   (when n = -1: S: AuthenticationSASLContinue with no data; C: SASLResponse client-first-message)
 * S: AuthenticationSASLContinue  "r=" c-nonce s-nonce ",s=" salt ",i=" iterations
 *      s-nonce = base64 of 18 random bytes
 * C: SASLResponse  "c=" base64(gs2-header) ",r=" nonce [,ext] ",p=" base64(ClientProof)
 * S: AuthenticationSASLFinal  "v=" base64(ServerSignature)          (on success; then AuthenticationOk)
 *    AuthMessage = client-first-message-bare "," server-first-message "," client-final-message-without-proof
 *    ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); success iff SHA-256(ClientKey) = StoredKey
 *    ServerSignature = HMAC(ServerKey, AuthMessage)
 * </pre>
 * Without a usable verifier the exchange runs against a mock secret (salt = SHA-256(user || mock nonce),
 * 4096 iterations) and fails at the proof with 28P01, as PostgreSQL does. Malformed messages fail with
 * FATAL 08P01 and PostgreSQL's texts ({@code malformed SCRAM message} plus DETAIL).
 */
final class ScramSha256Exchange implements AuthExchange {
    static final String MECHANISM = "SCRAM-SHA-256";
    private static final int RAW_NONCE_LENGTH = 18;

    private enum State { NEW, INIT, WAIT_CLIENT_FIRST, SALT_SENT, DONE }

    private final String user;
    private final SecureRandom random;
    private final int iterations;
    private final String saltBase64;
    private final byte[] storedKey;
    private final byte[] serverKey;
    private final boolean doomed;
    private State state = State.NEW;
    private char cbindFlag;
    private String clientNonce;
    private String serverNonce;
    private String clientFirstBare;
    private String serverFirst;

    ScramSha256Exchange(String user, String stored, SecureRandom random, byte[] mockNonce) {
        this.user = user;
        this.random = random;
        PasswordVerifiers.ScramSecret secret = stored == null ? null : PasswordVerifiers.parseScram(stored);
        if (secret != null) {
            iterations = secret.iterations();
            saltBase64 = secret.saltBase64();
            storedKey = secret.storedKey();
            serverKey = secret.serverKey();
            doomed = false;
        } else {
            byte[] u = user.getBytes(StandardCharsets.UTF_8);
            byte[] in = Arrays.copyOf(u, u.length + mockNonce.length);
            System.arraycopy(mockNonce, 0, in, u.length, mockNonce.length);
            iterations = PasswordVerifiers.SCRAM_ITERATIONS;
            saltBase64 = Base64.getEncoder().encodeToString(
                    Arrays.copyOf(PasswordVerifiers.sha256(in), PasswordVerifiers.SCRAM_SALT_LENGTH));
            storedKey = new byte[32];
            serverKey = new byte[32];
            doomed = true;
        }
    }

    @Override
    public boolean usesSasl() {
        return true;
    }

    @Override
    public byte[] start() {
        if (state != State.NEW) throw new IllegalStateException("already started");
        state = State.INIT;
        return BackendMessages.authenticationSasl(List.of(MECHANISM));
    }

    @Override
    public Step onClientMessage(byte[] body) {
        try {
            switch (state) {
                case INIT -> {
                    return initialResponse(body);
                }
                case WAIT_CLIENT_FIRST -> {
                    return clientFirst(scramInput(body));
                }
                case SALT_SENT -> {
                    return clientFinal(scramInput(body));
                }
                default -> throw new IllegalStateException("exchange not running");
            }
        } catch (PgException e) {
            state = State.DONE;
            return AuthExchanges.fail(e);
        }
    }

    private static PgException protocol(String msg) {
        return PgException.fatal(SqlState.PROTOCOL_VIOLATION, msg);
    }

    private static PgException malformed(String detail) {
        return protocol("malformed SCRAM message").withDetail(detail);
    }

    /** SASLInitialResponse: String mechanism, Int32 length (-1: none), bytes. */
    private Step initialResponse(byte[] body) {
        int nul = -1;
        for (int i = 0; i < body.length; i++) if (body[i] == 0) { nul = i; break; }
        if (nul < 0) throw protocol("invalid string in message");
        String mech = new String(body, 0, nul, StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(body, nul + 1, body.length - nul - 1);
        if (b.remaining() < 4) throw protocol("insufficient data left in message");
        int len = b.getInt();
        byte[] data = null;
        if (len != -1) {
            if (len < 0 || len > b.remaining()) throw protocol("insufficient data left in message");
            data = new byte[len];
            b.get(data);
        }
        if (b.hasRemaining()) throw protocol("invalid message format");
        if (!mech.equals(MECHANISM)) throw protocol("client selected an invalid SASL authentication mechanism");
        if (data == null) {
            state = State.WAIT_CLIENT_FIRST;
            return new Step(BackendMessages.authenticationSaslContinue(new byte[0]), Outcome.CONTINUE, null);
        }
        return clientFirst(scramInput(data));
    }

    /** PostgreSQL's checks on any SCRAM payload: not empty, no NUL inside. */
    private static String scramInput(byte[] data) {
        if (data.length == 0) throw malformed("The message is empty.");
        for (byte x : data) if (x == 0) throw malformed("Message length does not match input length.");
        return new String(data, StandardCharsets.UTF_8);
    }

    private static String sanitizeChar(String s, int i) {
        if (i >= s.length()) return "0x00";
        char c = s.charAt(i);
        if (c >= 0x21 && c <= 0x7E) return "'" + c + "'";
        return String.format("0x%02x", (int) (c & 0xff));
    }

    /** A cursor over a SCRAM message, reading attributes as PostgreSQL's read_attr_value/read_any_attr do. */
    private static final class Cursor {
        final String s;
        int p;

        Cursor(String s, int p) {
            this.s = s;
            this.p = p;
        }

        boolean atEnd() {
            return p >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(p);
        }

        private String value() {
            int end = s.indexOf(',', p);
            String v;
            if (end < 0) {
                v = s.substring(p);
                p = s.length();
            } else {
                v = s.substring(p, end);
                p = end + 1;
            }
            return v;
        }

        String attr(char attr) {
            if (peek() != attr) {
                throw malformed("Expected attribute \"" + attr + "\" but found \"" + sanitizeChar(s, p) + "\".");
            }
            p++;
            if (peek() != '=') throw malformed("Expected character \"=\" for attribute \"" + attr + "\".");
            p++;
            return value();
        }

        /** Reads any attribute; returns its letter in [0] and value in [1]. */
        String[] anyAttr() {
            char a = peek();
            if (atEnd()) throw malformed("Attribute expected, but found end of string.");
            if (!((a >= 'A' && a <= 'Z') || (a >= 'a' && a <= 'z'))) {
                throw malformed("Attribute expected, but found invalid character \"" + sanitizeChar(s, p) + "\".");
            }
            p++;
            if (peek() != '=') throw malformed("Expected character \"=\" for attribute \"" + a + "\".");
            p++;
            return new String[] {String.valueOf(a), value()};
        }
    }

    private Step clientFirst(String input) {
        Cursor c = new Cursor(input, 0);
        cbindFlag = c.peek();
        switch (cbindFlag) {
            case 'n', 'y' -> {
                c.p++;
                if (c.peek() != ',') throw malformed("Comma expected, but found character \"" + sanitizeChar(input, c.p) + "\".");
                c.p++;
            }
            case 'p' -> throw malformed("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.");
            default -> throw malformed("Unexpected channel-binding flag \"" + sanitizeChar(input, c.p) + "\".");
        }
        if (c.peek() == 'a') {
            throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "client uses authorization identity, but it is not supported");
        }
        if (c.peek() != ',') {
            throw malformed("Unexpected attribute \"" + sanitizeChar(input, c.p) + "\" in client-first-message.");
        }
        c.p++;
        clientFirstBare = input.substring(c.p);
        if (c.peek() == 'm') throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "client requires an unsupported SCRAM extension");
        c.attr('n');
        clientNonce = c.attr('r');
        for (int i = 0; i < clientNonce.length(); i++) {
            char ch = clientNonce.charAt(i);
            if (ch < 0x21 || ch > 0x7E || ch == ',') throw protocol("non-printable characters in SCRAM nonce");
        }
        while (!c.atEnd()) c.anyAttr();

        byte[] raw = new byte[RAW_NONCE_LENGTH];
        random.nextBytes(raw);
        serverNonce = Base64.getEncoder().encodeToString(raw);
        serverFirst = "r=" + clientNonce + serverNonce + ",s=" + saltBase64 + ",i=" + iterations;
        state = State.SALT_SENT;
        return new Step(BackendMessages.authenticationSaslContinue(serverFirst.getBytes(StandardCharsets.US_ASCII)),
                Outcome.CONTINUE, null);
    }

    private Step clientFinal(String input) {
        state = State.DONE;
        Cursor c = new Cursor(input, 0);
        String binding = c.attr('c');
        if (!((binding.equals("biws") && cbindFlag == 'n') || (binding.equals("eSws") && cbindFlag == 'y'))) {
            throw protocol("unexpected SCRAM channel-binding attribute in client-final-message");
        }
        String finalNonce = c.attr('r');
        int proofStart;
        String[] a;
        do {
            proofStart = c.p - 1;
            a = c.anyAttr();
        } while (!a[0].equals("p"));
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(a[1]);
        } catch (IllegalArgumentException e) {
            proof = null;
        }
        if (proof == null || proof.length != 32) throw malformed("Malformed proof in client-final-message.");
        if (!c.atEnd()) throw malformed("Garbage found at the end of client-final-message.");
        String withoutProof = input.substring(0, proofStart);
        if (!finalNonce.equals(clientNonce + serverNonce)) {
            throw protocol("invalid SCRAM response").withDetail("Nonce does not match.");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = PasswordVerifiers.hmac(storedKey, authMessage);
        byte[] clientKey = new byte[32];
        for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        boolean ok = MessageDigest.isEqual(PasswordVerifiers.sha256(clientKey), storedKey);
        if (!ok || doomed) return AuthExchanges.fail(AuthExchanges.authFailed(user));
        byte[] serverSignature = PasswordVerifiers.hmac(serverKey, authMessage);
        String fin = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        return new Step(BackendMessages.authenticationSaslFinal(fin.getBytes(StandardCharsets.US_ASCII)), Outcome.SUCCESS, null);
    }
}
