package org.pgjava.backend.utils.adt;

import java.io.ByteArrayOutputStream;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** bytea text formats: hex output (\x...), escape output, and input of both (byteain). */
public final class Bytea {
    private Bytea() {
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Hex output: "\x" followed by two lower-case hex digits per byte. */
    public static String hexOut(byte[] b) {
        char[] out = new char[2 + b.length * 2];
        out[0] = '\\';
        out[1] = 'x';
        for (int i = 0; i < b.length; i++) {
            out[2 + i * 2] = HEX[(b[i] >> 4) & 0xF];
            out[3 + i * 2] = HEX[b[i] & 0xF];
        }
        return new String(out);
    }

    /** Escape output: printable ASCII as is, backslash doubled, everything else as \ooo octal. */
    public static String escapeOut(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xFF;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c < 0x20 || c > 0x7E) {
                sb.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7))).append((char) ('0' + (c & 7)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** byteain: "\x" hex form (blanks between pairs allowed) or the escape form. @throws PgException 22P02 */
    public static byte[] parse(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        if (s.startsWith("\\x")) {
            int i = 2;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    i++;
                    continue;
                }
                int hi = Character.digit(c, 16);
                if (hi < 0) {
                    throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid hexadecimal digit: \"" + c + "\"");
                }
                if (i + 1 >= s.length()) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid hexadecimal data: odd number of digits");
                }
                int lo = Character.digit(s.charAt(i + 1), 16);
                if (lo < 0) {
                    throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid hexadecimal digit: \"" + s.charAt(i + 1) + "\"");
                }
                out.write(hi * 16 + lo);
                i += 2;
            }
            return out.toByteArray();
        }
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int i = 0;
        while (i < utf8.length) {
            byte c = utf8[i];
            if (c != '\\') {
                out.write(c);
                i++;
            } else if (i + 1 < utf8.length && utf8[i + 1] == '\\') {
                out.write('\\');
                i += 2;
            } else if (i + 3 < utf8.length && isOct(utf8[i + 1]) && utf8[i + 1] <= '3' && isOct(utf8[i + 2]) && isOct(utf8[i + 3])) {
                out.write(((utf8[i + 1] - '0') << 6) | ((utf8[i + 2] - '0') << 3) | (utf8[i + 3] - '0'));
                i += 4;
            } else {
                throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea");
            }
        }
        return out.toByteArray();
    }

    private static boolean isOct(byte b) {
        return b >= '0' && b <= '7';
    }
}
