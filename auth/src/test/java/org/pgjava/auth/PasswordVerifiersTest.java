package org.pgjava.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class PasswordVerifiersTest {

    /**
     * Taken from PostgreSQL 15.18: {@code SET password_encryption='md5'; CREATE ROLE md5u LOGIN PASSWORD 'pw';
     * SELECT rolpassword FROM pg_authid WHERE rolname='md5u'}.
     */
    @Test
    void md5MatchesPostgres() {
        assertEquals("md5d8e62e12d933f1a72e6c0325693c893a", PasswordVerifiers.md5("pw", "md5u"));
        assertTrue(PasswordVerifiers.verifyCleartext("md5d8e62e12d933f1a72e6c0325693c893a", "md5u", "pw"));
        assertFalse(PasswordVerifiers.verifyCleartext("md5d8e62e12d933f1a72e6c0325693c893a", "other", "pw"));
        assertEquals(PasswordVerifiers.Type.MD5, PasswordVerifiers.typeOf("md5d8e62e12d933f1a72e6c0325693c893a"));
    }

    /**
     * A verifier PostgreSQL 15.18 generated for {@code ALTER ROLE pwu PASSWORD 'clear'} checks out here.
     *
     * <p>The other direction was checked by hand once on the reference server: a verifier from
     * {@link PasswordVerifiers#scramSha256} for "s3cret" (and one for the non-ASCII "pässwörd") stored with
     * {@code CREATE/ALTER ROLE scramu LOGIN PASSWORD '<verifier>'}, pg_hba.conf line
     * {@code host all scramu 127.0.0.1/32 scram-sha-256}: {@code PGPASSWORD=s3cret psql -h 127.0.0.1 -U scramu}
     * logged in, PGPASSWORD=wrong got {@code FATAL: password authentication failed for user "scramu"}.
     */
    @Test
    void scramVerifierFromPostgres() {
        String pg = "SCRAM-SHA-256$4096:qT2YXn6+/SERXjnwIEx9hQ==$vpECRd3TlaadYMLzXdwwlFfmUsOHeRWMvw78pjRBosU=:huZENQ3zqzUc6g/xUWcyWvG/ooBaZoESDU89TSkgYUg=";
        assertTrue(PasswordVerifiers.verifyCleartext(pg, "pwu", "clear"));
        assertFalse(PasswordVerifiers.verifyCleartext(pg, "pwu", "Clear"));
        PasswordVerifiers.ScramSecret s = PasswordVerifiers.parseScram(pg);
        assertEquals(4096, s.iterations());
        assertEquals(pg, PasswordVerifiers.scramSha256("clear", s.salt(), 4096), "same salt gives PostgreSQL's verifier");
    }

    /** RFC 7677 section 3 (user "user", password "pencil"): the proof and server signature of the example. */
    @Test
    void rfc7677Vector() {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        PasswordVerifiers.ScramSecret s = PasswordVerifiers.parseScram(PasswordVerifiers.scramSha256("pencil", salt, 4096));
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
                + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
                + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        byte[] am = authMessage.getBytes(StandardCharsets.US_ASCII);
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        byte[] clientSignature = PasswordVerifiers.hmac(s.storedKey(), am);
        byte[] clientKey = new byte[32];
        for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        assertArrayEquals(s.storedKey(), PasswordVerifiers.sha256(clientKey));
        assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                Base64.getEncoder().encodeToString(PasswordVerifiers.hmac(s.serverKey(), am)));
    }

    @Test
    void formatAndEncrypt() {
        SecureRandom r = new SecureRandom();
        String v = PasswordVerifiers.scramSha256("x", r);
        assertTrue(v.matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}"), v);
        assertTrue(PasswordVerifiers.verifyCleartext(v, "anyone", "x"));
        assertEquals(v, PasswordVerifiers.encrypt(v, "u", "md5", r), "an existing verifier is stored as is");
        assertEquals(PasswordVerifiers.md5("p", "u"), PasswordVerifiers.encrypt("p", "u", "md5", r));
        assertEquals(PasswordVerifiers.Type.SCRAM_SHA_256, PasswordVerifiers.typeOf(PasswordVerifiers.encrypt("p", "u", "scram-sha-256", r)));
        assertEquals(PasswordVerifiers.Type.PLAINTEXT, PasswordVerifiers.typeOf("md5xyz"));
        assertNull(PasswordVerifiers.parseScram("SCRAM-SHA-256$x:abc$def:ghi"));
        assertFalse(PasswordVerifiers.verifyCleartext(null, "u", "p"));
    }

    @Test
    void saslPrep() {
        assertEquals("plain ascii\u0001", SaslPrep.prepare("plain ascii\u0001"), "ASCII is left alone, as in PostgreSQL");
        assertEquals("I X", SaslPrep.prepare("I\u00A0X"), "non-ASCII space maps to space");
        assertEquals("IX", SaslPrep.prepare("I\u00ADX"), "soft hyphen maps to nothing (RFC 4013 example)");
        assertEquals("a", SaslPrep.prepare("\u00AA"), "NFKC (RFC 4013 example)");
        assertEquals("IX", SaslPrep.prepare("\u2168"), "NFKC (RFC 4013 example)");
        assertNull(SaslPrep.prepare("\u0007\u00e9"), "prohibited character (RFC 4013 example)");
        assertNull(SaslPrep.prepare("\u0627\u0031"), "bidi rule (RFC 4013 example)");
        assertEquals("\u0007\u00e9", SaslPrep.prepareOrRaw("\u0007\u00e9"), "raw password when SASLprep fails");
    }
}
