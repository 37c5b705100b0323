package org.pgjava.backend.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.pgjava.conf.Encodings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * Conversion between the server encoding (always UTF8, like a database created with {@code -E UTF8}) and
 * the session's {@code client_encoding}: PostgreSQL's mbutils.c {@code pg_client_to_server} /
 * {@code pg_server_to_client} for the protocol layer.
 *
 * <p>Rules, as PostgreSQL's:
 * <ol>
 *   <li>UTF8 and SQL_ASCII clients: no conversion; text from the client is still verified as valid UTF8
 *       (the server encoding), with error 22021 {@code invalid byte sequence for encoding "UTF8": 0xc3 0x28}.</li>
 *   <li>Other client encodings (LATIN1, LATIN2, ..., WIN1252, KOI8R, ...): converted through the Java charset
 *       {@link Encodings} names for them; a server character the client encoding lacks is 22P05
 *       {@code character with byte sequence 0x.. in encoding "UTF8" has no equivalent in encoding "LATIN1"}.</li>
 * </ol>
 * Entry points: {@link #forName(String)}, {@link #decode}, {@link #encode}. Instances are immutable apart
 * from cached coders, so each session uses its own instance (not thread-safe).
 */
public final class ClientEncoding {
    /** The UTF8 (and SQL_ASCII) pass-through encoding. */
    public static final ClientEncoding UTF8 = new ClientEncoding("UTF8", null);

    private final String name;
    private final Charset charset;          // null: UTF8 / SQL_ASCII pass-through with verification
    private CharsetDecoder decoder;
    private CharsetEncoder encoder;

    private ClientEncoding(String name, Charset charset) {
        this.name = name;
        this.charset = charset;
    }

    /**
     * The encoding for a client_encoding value as SHOW displays it ("UTF8", "SQL_ASCII", "LATIN1", ...).
     *
     * @throws PgException 0A000 when pgjava has no conversion for that encoding
     */
    public static ClientEncoding forName(String pgName) {
        String n = Encodings.canonicalName(pgName);
        if (n == null) {
            throw PgException.notSupported("conversion between UTF8 and " + pgName + " is not supported");
        }
        if (n.equals("UTF8") || n.equals("SQL_ASCII")) return new ClientEncoding(n, null);
        return new ClientEncoding(n, Encodings.charset(n));
    }

    /** The PostgreSQL name of this encoding. */
    public String name() {
        return name;
    }

    /** The Java charset strings are encoded with (UTF-8 for UTF8 and SQL_ASCII). */
    public Charset charset() {
        return charset == null ? StandardCharsets.UTF_8 : charset;
    }

    /** True when text is sent and received as UTF-8 bytes (UTF8 and SQL_ASCII). */
    public boolean isUtf8PassThrough() {
        return charset == null;
    }

    /**
     * Decodes client bytes into a server string.
     *
     * @throws PgException 22021 for bytes that are not valid in the server encoding (UTF8 pass-through) or
     *                     in the client encoding
     */
    public String decode(byte[] buf, int off, int len) {
        if (charset == null) {
            // Fast path: ASCII without NUL needs no verification.
            int end = off + len;
            for (int i = off; i < end; i++) {
                if (buf[i] <= 0) {
                    verifyUtf8(buf, i, end);
                    return new String(buf, off, len, StandardCharsets.UTF_8);
                }
            }
            return new String(buf, off, len, StandardCharsets.ISO_8859_1);
        }
        if (decoder == null) {
            decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            return decoder.decode(ByteBuffer.wrap(buf, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw PgException.error(SqlState.CHARACTER_NOT_IN_REPERTOIRE,
                    "invalid byte sequence for encoding \"" + name + "\": " + firstBadBytes(buf, off, len));
        }
    }

    /**
     * Encodes a server string for the client.
     *
     * @throws PgException 22P05 for a character the client encoding cannot represent
     */
    public byte[] encode(String s) {
        if (charset == null) return s.getBytes(StandardCharsets.UTF_8);
        if (encoder == null) {
            encoder = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            ByteBuffer bb = encoder.encode(CharBuffer.wrap(s));
            byte[] out = new byte[bb.remaining()];
            bb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw untranslatable(s);
        }
    }

    private PgException untranslatable(String s) {
        CharsetEncoder probe = charset.newEncoder();
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            String one = new String(Character.toChars(cp));
            if (!probe.canEncode(one)) {
                return PgException.error(SqlState.UNTRANSLATABLE_CHARACTER, "character with byte sequence "
                        + hexBytes(one.getBytes(StandardCharsets.UTF_8), 0, one.getBytes(StandardCharsets.UTF_8).length)
                        + " in encoding \"UTF8\" has no equivalent in encoding \"" + name + "\"");
            }
            i += Character.charCount(cp);
        }
        return PgException.error(SqlState.UNTRANSLATABLE_CHARACTER,
                "character has no equivalent in encoding \"" + name + "\"");
    }

    /**
     * Verifies {@code buf[off, end)} as UTF-8 with PostgreSQL's rules (pg_utf8_islegal: no overlong forms,
     * no surrogates, nothing above U+10FFFF, no NUL).
     *
     * @throws PgException 22021 naming the bytes of the first invalid character as PostgreSQL does
     */
    public static void verifyUtf8(byte[] buf, int off, int end) {
        int i = off;
        while (i < end) {
            int b = buf[i] & 0xff;
            if (b < 0x80) {
                if (b == 0) throw invalidUtf8(buf, i, end, 1);
                i++;
                continue;
            }
            int len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            if (len == 1 || i + len > end || !legalUtf8(buf, i, len)) throw invalidUtf8(buf, i, end, len);
            i += len;
        }
    }

    private static boolean legalUtf8(byte[] s, int i, int len) {
        int a;
        switch (len) {
            case 4:
                a = s[i + 3] & 0xff;
                if (a < 0x80 || a > 0xbf) return false;
                // fall through
            case 3:
                a = s[i + 2] & 0xff;
                if (a < 0x80 || a > 0xbf) return false;
                // fall through
            case 2:
                a = s[i + 1] & 0xff;
                switch (s[i] & 0xff) {
                    case 0xe0: if (a < 0xa0 || a > 0xbf) return false; break;
                    case 0xed: if (a < 0x80 || a > 0x9f) return false; break;
                    case 0xf0: if (a < 0x90 || a > 0xbf) return false; break;
                    case 0xf4: if (a < 0x80 || a > 0x8f) return false; break;
                    default: if (a < 0x80 || a > 0xbf) return false; break;
                }
                // fall through
            default:
                a = s[i] & 0xff;
                if (a >= 0x80 && a < 0xc2) return false;
                if (a > 0xf4) return false;
                return true;
        }
    }

    private static PgException invalidUtf8(byte[] buf, int i, int end, int mblen) {
        int n = Math.min(mblen, end - i);
        return PgException.error(SqlState.CHARACTER_NOT_IN_REPERTOIRE,
                "invalid byte sequence for encoding \"UTF8\": " + hexBytes(buf, i, n));
    }

    private String firstBadBytes(byte[] buf, int off, int len) {
        CharsetDecoder d = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(buf, off, len);
        CharBuffer out = CharBuffer.allocate(len + 1);
        var result = d.decode(in, out, true);
        int at = in.position();
        int n = result.isError() ? result.length() : 1;
        return hexBytes(buf, at, Math.min(n, off + len - at));
    }

    /** "0xc3 0x28": PostgreSQL's way of printing bytes in encoding errors. */
    static String hexBytes(byte[] b, int off, int n) {
        StringBuilder sb = new StringBuilder();
        HexFormat hf = HexFormat.of();
        for (int k = 0; k < n; k++) {
            if (k > 0) sb.append(' ');
            sb.append("0x").append(hf.toHexDigits(b[off + k]));
        }
        return sb.toString();
    }
}
