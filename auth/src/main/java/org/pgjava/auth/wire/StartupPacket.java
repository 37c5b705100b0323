package org.pgjava.auth.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * The first packet a client sends (PostgreSQL's ProcessStartupPacket): an untyped message.
 *
 * <pre>
 * Int32 length (including itself; 8 ..  10004)   -- read by the caller, checked with {@link #checkLength(int)}
 * Int32 code:
 *   80877103 (1234.5679)  SSLRequest       (length 8)
 *   80877104 (1234.5680)  GSSENCRequest    (length 8)
 *   80877102 (1234.5678)  CancelRequest    (length 16): Int32 backend pid, Int32 secret key
 *   otherwise             protocol version: major &lt;&lt; 16 | minor, then
 *                         (String name, String value)* Byte1 0   -- strings NUL-terminated
 * </pre>
 *
 * <p>Entry points: {@link #checkLength(int)} on the length word, then {@link #parse(byte[])} on the rest.
 * Errors are PostgreSQL's: FATAL 0A000 {@code unsupported frontend protocol 2.0: server supports 3.0 to
 * 3.0}, FATAL 08P01 {@code invalid startup packet layout: expected terminator as last byte}, FATAL 28000
 * {@code no PostgreSQL user name specified in startup packet}, FATAL 22023 for a bad "replication" value.
 * An error with severity LOG (PostgreSQL's COMMERROR: {@code invalid length of startup packet}) is only
 * logged: the connection is closed without a reply. Protocol 2.x clients get their error in the old
 * format ({@link BackendMessages#errorResponseV2}).
 */
public final class StartupPacket {
    private StartupPacket() {
    }

    public static final int SSL_REQUEST_CODE = 80877103;
    public static final int GSSENC_REQUEST_CODE = 80877104;
    public static final int CANCEL_REQUEST_CODE = 80877102;
    /** Protocol 3.0 as the version word. */
    public static final int PROTOCOL_3_0 = 3 << 16;
    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH: longest body after the length word. */
    public static final int MAX_LENGTH = 10000;
    /** NAMEDATALEN - 1: user and database names are cut to this many bytes. */
    public static final int MAX_NAME_BYTES = 63;

    /** What the first packet asked for. */
    public sealed interface Result permits SslRequest, GssEncRequest, CancelRequest, Startup {
    }

    /** SSLRequest: answer one byte, 'N' (no TLS yet), then read the next startup packet. */
    public record SslRequest() implements Result {
    }

    /** GSSENCRequest: answer one byte, 'N', then read the next startup packet. */
    public record GssEncRequest() implements Result {
    }

    /** CancelRequest for the backend with this pid and secret key; no reply is ever sent. */
    public record CancelRequest(int pid, int secret) implements Result {
    }

    /**
     * A StartupMessage. {@code params} holds every name/value pair in arrival order, with "database"
     * defaulted to the user name; names starting with "_pq_." are protocol options.
     */
    public record Startup(int protocolVersion, LinkedHashMap<String, String> params) implements Result {
        /** The role name to connect as (never empty). */
        public String user() {
            return params.get("user");
        }

        /** The database name (the user name when the client sent none). */
        public String database() {
            return params.get("database");
        }

        /** The "options" parameter (command-line switches for the backend), or null. */
        public String options() {
            return params.get("options");
        }

        /** The protocol minor version the client asked for (0 for 3.0). */
        public int minorVersion() {
            return protocolVersion & 0xffff;
        }

        /** The "_pq_." protocol options the client sent (pgjava knows none; report them in NegotiateProtocolVersion). */
        public List<String> protocolOptions() {
            List<String> out = new ArrayList<>();
            for (String k : params.keySet()) if (k.startsWith("_pq_.")) out.add(k);
            return out;
        }

        /** True when a NegotiateProtocolVersion must be sent (minor version above 0 or any _pq_ option). */
        public boolean needsNegotiation() {
            return minorVersion() > 0 || !protocolOptions().isEmpty();
        }

        /**
         * The parameters that are run-time settings (everything but user, database, options, replication
         * and _pq_.*), in arrival order: apply each with source CLIENT.
         */
        public LinkedHashMap<String, String> settingParams() {
            LinkedHashMap<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : params.entrySet()) {
                String k = e.getKey();
                if (k.equals("user") || k.equals("database") || k.equals("options") || k.equals("replication")
                        || k.startsWith("_pq_.")) continue;
                out.put(k, e.getValue());
            }
            return out;
        }
    }

    /**
     * Checks the length word of a startup packet (it counts itself).
     *
     * @throws PgException severity LOG, 08P01 {@code invalid length of startup packet}: close without reply
     */
    public static void checkLength(int lengthIncludingSelf) {
        int body = lengthIncludingSelf - 4;
        if (body < 4 || body > MAX_LENGTH) {
            throw new PgException(Severity.LOG, SqlState.PROTOCOL_VIOLATION, "invalid length of startup packet");
        }
    }

    /**
     * Parses a startup packet body (everything after the length word).
     *
     * @return the request; a Startup has a non-empty user and a database
     * @throws PgException as listed in the class comment
     */
    public static Result parse(byte[] body) {
        if (body.length < 4 || body.length > MAX_LENGTH) {
            throw new PgException(Severity.LOG, SqlState.PROTOCOL_VIOLATION, "invalid length of startup packet");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        int code = b.getInt();
        switch (code) {
            case SSL_REQUEST_CODE:
                return new SslRequest();
            case GSSENC_REQUEST_CODE:
                return new GssEncRequest();
            case CANCEL_REQUEST_CODE:
                if (body.length != 12) {
                    throw new PgException(Severity.LOG, SqlState.PROTOCOL_VIOLATION, "invalid length of startup packet");
                }
                return new CancelRequest(b.getInt(), b.getInt());
            default:
                break;
        }
        int major = code >>> 16, minor = code & 0xffff;
        if (major != 3) {
            throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol " + major + "." + minor
                    + ": server supports 3.0 to 3.0");
        }
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        int len = body.length;
        int offset = 4;
        while (offset < len) {
            if (body[offset] == 0) break;
            int nameEnd = indexOfNul(body, offset);
            int valOffset = nameEnd + 1;
            if (valOffset >= len) break;
            int valEnd = indexOfNul(body, valOffset);
            String name = new String(body, offset, nameEnd - offset, StandardCharsets.UTF_8);
            String value = new String(body, valOffset, valEnd - valOffset, StandardCharsets.UTF_8);
            if (name.equals("replication")) checkReplication(value);
            params.put(name, value);
            offset = valEnd + 1;
        }
        if (offset != len - 1) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid startup packet layout: expected terminator as last byte");
        }
        String user = params.get("user");
        if (user == null || user.isEmpty()) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet");
        }
        String db = params.get("database");
        if (db == null || db.isEmpty()) db = user;
        params.put("user", truncateName(user));
        params.put("database", truncateName(db));
        return new Startup(code, params);
    }

    private static int indexOfNul(byte[] b, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == 0) return i;
        return b.length;
    }

    private static void checkReplication(String v) {
        String l = v.toLowerCase(java.util.Locale.ROOT);
        if (l.equals("database") || l.equals("true") || l.equals("false") || l.equals("on") || l.equals("off")
                || l.equals("yes") || l.equals("no") || l.equals("1") || l.equals("0")) return;
        throw PgException.fatal(SqlState.INVALID_PARAMETER_VALUE, "invalid value for parameter \"replication\": \"" + v + "\"")
                .withHint("Valid values are: \"false\", 0, \"true\", 1, \"database\".");
    }

    /** Cuts a name to {@link #MAX_NAME_BYTES} UTF-8 bytes without splitting a character (PostgreSQL cuts silently). */
    public static String truncateName(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_NAME_BYTES) return s;
        int end = MAX_NAME_BYTES;
        while (end > 0 && (b[end] & 0xC0) == 0x80) end--;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Splits the "options" parameter into settings as PostgreSQL's pg_split_opts + process_postgres_switches
     * do for {@code -c name=value} and {@code --name=value} (whitespace separates words; a backslash makes
     * the next character literal).
     *
     * @return name → value in order
     * @throws PgException FATAL 42601 {@code invalid command-line argument for server process: X} (hint
     *         {@code Try "postgres --help" for more information.}), {@code -c X requires a value}
     */
    public static LinkedHashMap<String, String> parseOptions(String options) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = null;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (Character.isWhitespace(c)) {
                if (cur != null) { words.add(cur.toString()); cur = null; }
                continue;
            }
            if (cur == null) cur = new StringBuilder();
            if (c == '\\' && i + 1 < options.length()) c = options.charAt(++i);
            cur.append(c);
        }
        if (cur != null) words.add(cur.toString());
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String nv;
            String shown;
            if (w.equals("-c") && i + 1 < words.size()) {
                nv = words.get(++i);
                shown = "-c " + nv;
            } else if (w.startsWith("-c") && w.length() > 2) {
                nv = w.substring(2);
                shown = "-c " + nv;
            } else if (w.startsWith("--") && w.length() > 2) {
                nv = w.substring(2);
                shown = "--" + nv;
            } else {
                throw PgException.fatal(SqlState.SYNTAX_ERROR, "invalid command-line argument for server process: " + w)
                        .withHint("Try \"postgres --help\" for more information.");
            }
            int eq = nv.indexOf('=');
            if (eq < 0) {
                throw PgException.fatal(SqlState.SYNTAX_ERROR, shown + " requires a value");
            }
            out.put(nv.substring(0, eq).replace('-', '_'), nv.substring(eq + 1));
        }
        return out;
    }
}
