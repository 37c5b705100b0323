package org.pgjava.backend.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Decodes the backend's output into one readable line per message, so tests assert exact sequences:
 * {@code "R 0"}, {@code "S DateStyle=ISO, MDY"}, {@code "K 4242"}, {@code "Z I"},
 * {@code "T ?column?:23:0"} (name:type:format per column), {@code "D 1|NULL"} (text values, binary as hex
 * {@code "x0000002a"}), {@code "C SELECT 1"}, {@code "E ERROR 42601 message"} (+ {@code " @P"} position),
 * {@code "N WARNING 25001 message"}, {@code "t 23,25"}, and the bare type for empty messages
 * ({@code "1"}, {@code "2"}, {@code "3"}, {@code "n"}, {@code "s"}, {@code "I"}).
 * Text in DataRow is decoded as {@code charset}. Fails when the output is not well framed.
 */
final class BackendTranscript {
    private BackendTranscript() {
    }

    static List<String> decode(byte[] out) {
        return decode(out, StandardCharsets.UTF_8);
    }

    static List<String> decode(byte[] out, java.nio.charset.Charset charset) {
        List<String> lines = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(out);
        while (b.hasRemaining()) {
            char type = (char) b.get();
            int len = b.getInt();
            if (len < 4 || len - 4 > b.remaining()) throw new AssertionError("bad framing at type " + type);
            byte[] body = new byte[len - 4];
            b.get(body);
            lines.add(render(type, ByteBuffer.wrap(body), charset));
        }
        return lines;
    }

    private static String cstr(ByteBuffer b, java.nio.charset.Charset cs) {
        int start = b.position();
        while (b.get() != 0) {
            // scan
        }
        return new String(b.array(), start, b.position() - start - 1, cs);
    }

    private static String render(char type, ByteBuffer b, java.nio.charset.Charset cs) {
        switch (type) {
            case 'R':
                return "R " + b.getInt();
            case 'S':
                return "S " + cstr(b, cs) + "=" + cstr(b, cs);
            case 'K':
                return "K " + b.getInt() + " " + b.getInt();
            case 'Z':
                return "Z " + (char) b.get();
            case 'C':
                return "C " + cstr(b, cs);
            case 'T': {
                int n = b.getShort();
                StringBuilder sb = new StringBuilder("T");
                for (int i = 0; i < n; i++) {
                    String name = cstr(b, cs);
                    b.getInt();
                    b.getShort();
                    int typ = b.getInt();
                    b.getShort();
                    b.getInt();
                    int fmt = b.getShort();
                    sb.append(i == 0 ? " " : ",").append(name).append(':').append(typ).append(':').append(fmt);
                }
                return sb.toString();
            }
            case 'D': {
                int n = b.getShort();
                StringBuilder sb = new StringBuilder("D ");
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append('|');
                    int l = b.getInt();
                    if (l < 0) {
                        sb.append("NULL");
                        continue;
                    }
                    byte[] v = new byte[l];
                    b.get(v);
                    sb.append(new String(v, cs));
                }
                return sb.toString();
            }
            case 't': {
                int n = b.getShort();
                StringBuilder sb = new StringBuilder("t");
                for (int i = 0; i < n; i++) sb.append(i == 0 ? " " : ",").append(b.getInt());
                return sb.toString();
            }
            case 'E':
            case 'N': {
                String sev = null, code = null, msg = null, pos = null;
                while (true) {
                    byte f = b.get();
                    if (f == 0) break;
                    String v = cstr(b, cs);
                    switch (f) {
                        case 'S' -> sev = v;
                        case 'C' -> code = v;
                        case 'M' -> msg = v;
                        case 'P' -> pos = v;
                        default -> {
                        }
                    }
                }
                return type + " " + sev + " " + code + " " + msg + (pos != null ? " @" + pos : "");
            }
            default:
                if (b.hasRemaining()) {
                    return type + " x" + HexFormat.of().formatHex(b.array());
                }
                return String.valueOf(type);
        }
    }

    /** Binary DataRow values rendered as hex, for binary-format results. */
    static List<String> decodeBinaryRows(byte[] out) {
        List<String> lines = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(out);
        while (b.hasRemaining()) {
            char type = (char) b.get();
            int len = b.getInt();
            byte[] body = new byte[len - 4];
            b.get(body);
            if (type != 'D') continue;
            ByteBuffer r = ByteBuffer.wrap(body);
            int n = r.getShort();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (i > 0) sb.append('|');
                int l = r.getInt();
                if (l < 0) {
                    sb.append("NULL");
                    continue;
                }
                byte[] v = new byte[l];
                r.get(v);
                sb.append(HexFormat.of().formatHex(v));
            }
            lines.add(sb.toString());
        }
        return lines;
    }
}
