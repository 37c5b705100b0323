package org.pgjava.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stored password forms of pg_authid.rolpassword, exactly as PostgreSQL 15 writes and checks them:
 * <pre>
 * SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt base64&gt;$&lt;StoredKey base64&gt;:&lt;ServerKey base64&gt;
 *     salt 16 random bytes, iterations 4096, password SASLprep'ed ({@link SaslPrep#prepareOrRaw}) then
 *     SaltedPassword = Hi(password, salt, i) (PBKDF2-HMAC-SHA-256), ClientKey = HMAC(SaltedPassword,
 *     "Client Key"), StoredKey = SHA-256(ClientKey), ServerKey = HMAC(SaltedPassword, "Server Key")
 * md5&lt;32 hex digits&gt;  = "md5" + hex(MD5(password || user name))
 * </pre>
 * Entry points: {@link #scramSha256}, {@link #md5}, {@link #verifyCleartext}, {@link #parseScram},
 * {@link #typeOf}, {@link #encrypt} (what CREATE/ALTER ROLE … PASSWORD stores). Stateless.
 */
public final class PasswordVerifiers {
    private PasswordVerifiers() {
    }

    /** PostgreSQL's SCRAM_DEFAULT_ITERATIONS. */
    public static final int SCRAM_ITERATIONS = 4096;
    /** PostgreSQL's SCRAM_DEFAULT_SALT_LEN. */
    public static final int SCRAM_SALT_LENGTH = 16;

    /** What a stored password is (PostgreSQL's get_password_type). */
    public enum Type { SCRAM_SHA_256, MD5, PLAINTEXT }

    /** A parsed SCRAM verifier. */
    public record ScramSecret(int iterations, String saltBase64, byte[] salt, byte[] storedKey, byte[] serverKey) {
    }

    /** A new SCRAM-SHA-256 verifier for {@code password} with a fresh random salt. */
    public static String scramSha256(String password, SecureRandom random) {
        byte[] salt = new byte[SCRAM_SALT_LENGTH];
        random.nextBytes(salt);
        return scramSha256(password, salt, SCRAM_ITERATIONS);
    }

    /** The SCRAM-SHA-256 verifier for {@code password} with the given salt and iteration count. */
    public static String scramSha256(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] storedKey = sha256(hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII)));
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        Base64.Encoder b64 = Base64.getEncoder();
        return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                + ":" + b64.encodeToString(serverKey);
    }

    /** "md5" + hex(MD5(password + user)), the MD5 form PostgreSQL stores. */
    public static String md5(String password, String user) {
        return "md5" + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex MD5 of {@code data}. */
    public static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PostgreSQL's get_password_type. */
    public static Type typeOf(String stored) {
        if (stored.startsWith("md5") && stored.length() == 35 && stored.substring(3).matches("[0-9a-f]{32}")) return Type.MD5;
        if (parseScram(stored) != null) return Type.SCRAM_SHA_256;
        return Type.PLAINTEXT;
    }

    /**
     * The password CREATE/ALTER ROLE … PASSWORD stores (PostgreSQL's encrypt_password): a value that already
     * is an MD5 or SCRAM verifier is stored as is; otherwise it is hashed per {@code passwordEncryption}
     * ("scram-sha-256" or "md5", the setting password_encryption).
     */
    public static String encrypt(String password, String user, String passwordEncryption, SecureRandom random) {
        if (typeOf(password) != Type.PLAINTEXT) return password;
        return switch (passwordEncryption.toLowerCase(Locale.ROOT)) {
            case "md5" -> md5(password, user);
            case "scram-sha-256" -> scramSha256(password, random);
            default -> throw new IllegalArgumentException("unknown password_encryption " + passwordEncryption);
        };
    }

    /**
     * Whether a cleartext password matches a stored verifier (PostgreSQL's plain_crypt_verify): SCRAM by
     * recomputing ServerKey, MD5 by recomputing the hash. False for null or unparseable verifiers.
     */
    public static boolean verifyCleartext(String stored, String user, String password) {
        if (stored == null) return false;
        switch (typeOf(stored)) {
            case SCRAM_SHA_256 -> {
                ScramSecret s = parseScram(stored);
                byte[] salted = saltedPassword(password, s.salt(), s.iterations());
                byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
                return MessageDigest.isEqual(serverKey, s.serverKey());
            }
            case MD5 -> {
                return MessageDigest.isEqual(md5(password, user).getBytes(StandardCharsets.US_ASCII),
                        stored.getBytes(StandardCharsets.US_ASCII));
            }
            default -> {
                return false;
            }
        }
    }

    /** Parses a SCRAM-SHA-256 verifier (PostgreSQL's parse_scram_secret), or null when it is not one. */
    public static ScramSecret parseScram(String stored) {
        if (!stored.startsWith("SCRAM-SHA-256$")) return null;
        String rest = stored.substring("SCRAM-SHA-256$".length());
        int colon = rest.indexOf(':');
        int dollar = rest.indexOf('$');
        if (colon < 0 || dollar < colon) return null;
        String iter = rest.substring(0, colon);
        String salt = rest.substring(colon + 1, dollar);
        String keys = rest.substring(dollar + 1);
        int colon2 = keys.indexOf(':');
        if (colon2 < 0 || salt.isEmpty()) return null;
        try {
            int iterations = Integer.parseInt(iter);
            if (iterations <= 0) return null;
            Base64.Decoder d = Base64.getDecoder();
            byte[] saltBytes = d.decode(salt);
            byte[] stKey = d.decode(keys.substring(0, colon2));
            byte[] svKey = d.decode(keys.substring(colon2 + 1));
            if (stKey.length != 32 || svKey.length != 32) return null;
            return new ScramSecret(iterations, salt, saltBytes, stKey, svKey);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Hi(SASLprep(password), salt, i): PBKDF2 with HMAC-SHA-256, one 32-byte block. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        byte[] pw = SaslPrep.prepareOrRaw(password).getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // SecretKeySpec refuses an empty key; HMAC zero-pads keys to the block size, so {0} is the same key
            mac.init(new SecretKeySpec(pw.length == 0 ? new byte[] {0} : pw, "HmacSHA256"));
            mac.update(salt);
            mac.update(new byte[] {0, 0, 0, 1});
            byte[] u = mac.doFinal();
            byte[] result = u.clone();
            for (int k = 1; k < iterations; k++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) result[j] ^= u[j];
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
