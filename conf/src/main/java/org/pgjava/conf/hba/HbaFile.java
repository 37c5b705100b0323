package org.pgjava.conf.hba;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * Reader and matcher for pg_hba.conf (PostgreSQL 15's hba.c).
 *
 * <p>Entry points: {@link #parse(Path)} → rules; {@link #firstMatch} → the rule for a connection;
 * {@link #noMatchError} / {@link #rejectError} → the FATAL the postmaster sends.
 *
 * <p>Rules:
 * <ol>
 *   <li>Lines: {@code local DATABASE USER METHOD [OPTIONS]} and
 *       {@code host|hostssl|hostnossl|hostgssenc|hostnogssenc DATABASE USER ADDRESS [MASK] METHOD [OPTIONS]};
 *       {@code #} comments; a backslash at the end of a line continues it; fields are separated by
 *       whitespace, list items by commas; double quotes make an item literal (never a keyword).</li>
 *   <li>DATABASE items: {@code all}, {@code sameuser}, {@code samerole} ({@code samegroup}),
 *       {@code replication} (matches only physical replication, which pgjava refuses), or a name.
 *       USER items: {@code all}, {@code +role} (members of role), or a name. {@code @file} inclusion is
 *       refused with a clear error.</li>
 *   <li>ADDRESS: {@code all}, {@code samehost}, {@code samenet}, {@code a.b.c.d/n}, an IPv6 CIDR, or an address
 *       followed by a separate netmask field. Host names are refused (pgjava does no DNS in the
 *       postmaster).</li>
 *   <li>METHOD: every PostgreSQL 15 keyword parses ({@link AuthMethod}); unknown ones are
 *       {@code invalid authentication method "x"}. Options are name=value with PostgreSQL's names.</li>
 *   <li>Any error makes the whole file invalid (PostgreSQL then keeps the old rules on reload, and refuses
 *       to start): the PgException (F0000) carries PostgreSQL's message and, as WHERE, the context
 *       {@code line N of configuration file "F"}.</li>
 *   <li>First matching line wins; no match is FATAL 28000 ({@link #noMatchError}).</li>
 * </ol>
 */
public final class HbaFile {
    private HbaFile() {
    }

    private static final Set<String> CONN_TYPES = Set.of("local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc");
    private static final Set<String> OPTION_NAMES = Set.of("clientcert", "clientname", "map", "include_realm",
            "compat_realm", "upn_username", "krb_realm", "pamservice", "pam_use_hostname", "ldapurl", "ldaptls",
            "ldapscheme", "ldapserver", "ldapport", "ldapbinddn", "ldapbindpasswd", "ldapsearchattribute",
            "ldapsearchfilter", "ldapbasedn", "ldapprefix", "ldapsuffix", "radiusservers", "radiussecrets",
            "radiusidentifiers", "radiusports");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * Reads a pg_hba.conf file.
     *
     * @return the rules in file order
     * @throws PgException F0000 with PostgreSQL's message for the first bad line (WHERE: {@code line N of
     *         configuration file "F"}); 58P01 {@code could not open file "F": No such file or directory}
     */
    public static List<HbaRule> parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw PgException.error(SqlState.UNDEFINED_FILE, "could not open file \"" + file + "\": No such file or directory");
        } catch (IOException e) {
            throw PgException.error(SqlState.IO_ERROR, "could not open file \"" + file + "\": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses pg_hba.conf text; {@code fileName} is used in error contexts. Same errors as {@link #parse(Path)}. */
    public static List<HbaRule> parse(String text, String fileName) {
        List<HbaRule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            StringBuilder raw = new StringBuilder(stripCr(lines[i]));
            while (endsWithContinuation(raw) && i + 1 < lines.length) {
                raw.setLength(raw.length() - 1);
                raw.append(stripCr(lines[++i]));
            }
            List<List<HbaRule.Token>> fields;
            try {
                fields = tokenize(raw.toString());
            } catch (PgException e) {
                throw e.withWhere(context(lineNo, fileName));
            }
            if (fields.isEmpty()) continue;
            try {
                rules.add(parseLine(lineNo, raw.toString().strip(), fields));
            } catch (PgException e) {
                throw e.withWhere(context(lineNo, fileName));
            }
        }
        return rules;
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean endsWithContinuation(StringBuilder s) {
        return s.length() > 0 && s.charAt(s.length() - 1) == '\\';
    }

    private static String context(int line, String file) {
        return "line " + line + " of configuration file \"" + file + "\"";
    }

    private static PgException err(String msg) {
        return new PgException(Severity.ERROR, SqlState.CONFIG_FILE_ERROR, msg);
    }

    /** Splits a line into fields of comma-separated tokens (PostgreSQL's next_field_expand/next_token). */
    private static List<List<HbaRule.Token>> tokenize(String line) {
        List<List<HbaRule.Token>> fields = new ArrayList<>();
        int i = 0, n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
            if (i >= n || line.charAt(i) == '#') break;
            List<HbaRule.Token> field = new ArrayList<>();
            while (true) {
                StringBuilder tok = new StringBuilder();
                boolean inQuote = false, quoted = false;
                while (i < n) {
                    char c = line.charAt(i);
                    if (!inQuote && (c == ' ' || c == '\t' || c == ',' || c == '#')) break;
                    if (c == '"') {
                        if (inQuote && i + 1 < n && line.charAt(i + 1) == '"') {
                            tok.append('"');
                            i += 2;
                            continue;
                        }
                        inQuote = !inQuote;
                        quoted = true;
                        i++;
                        continue;
                    }
                    tok.append(c);
                    i++;
                }
                if (inQuote) throw err("unterminated quoted string");
                field.add(new HbaRule.Token(tok.toString(), quoted));
                if (i < n && line.charAt(i) == ',') {
                    i++;
                    while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
                    if (i < n && line.charAt(i) != '#') continue;
                }
                break;
            }
            fields.add(field);
        }
        return fields;
    }

    private static HbaRule parseLine(int lineNo, String raw, List<List<HbaRule.Token>> fields) {
        int f = 0;
        List<HbaRule.Token> typeField = fields.get(f++);
        if (typeField.size() > 1) {
            throw err("multiple values specified for connection type").withHint("Specify exactly one connection type per line.");
        }
        String connType = typeField.get(0).text();
        if (!CONN_TYPES.contains(connType)) throw err("invalid connection type \"" + connType + "\"");
        if (f >= fields.size()) throw err("end-of-line before database specification");
        List<HbaRule.Token> dbs = fields.get(f++);
        if (f >= fields.size()) throw err("end-of-line before role specification");
        List<HbaRule.Token> users = fields.get(f++);
        for (HbaRule.Token t : dbs) checkNoInclusion(t);
        for (HbaRule.Token t : users) checkNoInclusion(t);

        HbaRule.Address address = null;
        boolean local = connType.equals("local");
        if (!local) {
            if (f >= fields.size()) throw err("end-of-line before IP address specification");
            List<HbaRule.Token> af = fields.get(f++);
            if (af.size() > 1) {
                throw err("multiple values specified for host address").withHint("Specify one address range per line.");
            }
            HbaRule.Token at = af.get(0);
            String a = at.text();
            if (at.isKeyword("all")) {
                address = new HbaRule.AnyAddress();
            } else if (at.isKeyword("samehost")) {
                address = new HbaRule.SameHost();
            } else if (at.isKeyword("samenet")) {
                address = new HbaRule.SameNet();
            } else {
                int slash = a.indexOf('/');
                String host = slash >= 0 ? a.substring(0, slash) : a;
                InetAddress ip = parseIp(host);
                if (ip == null) {
                    if (slash >= 0) throw err("specifying both host name and CIDR mask is invalid: \"" + a + "\"");
                    throw PgException.notSupported("host names in pg_hba.conf are not supported by pgjava: \"" + a
                            + "\"").withSeverity(Severity.ERROR).withHint("Use an IP address with a CIDR mask, or \"all\".");
                }
                byte[] mask;
                if (slash >= 0) {
                    String bits = a.substring(slash + 1);
                    int nbits;
                    try {
                        nbits = bits.matches("\\d{1,3}") ? Integer.parseInt(bits) : -1;
                    } catch (NumberFormatException e) {
                        nbits = -1;
                    }
                    int max = ip.getAddress().length * 8;
                    if (nbits < 0 || nbits > max) throw err("invalid CIDR mask in address \"" + a + "\"");
                    mask = prefixMask(ip.getAddress().length, nbits);
                } else {
                    if (f >= fields.size()) {
                        throw err("end-of-line before netmask specification")
                                .withHint("Specify an address range in CIDR notation, or provide a separate netmask.");
                    }
                    List<HbaRule.Token> mf = fields.get(f++);
                    if (mf.size() > 1) throw err("multiple values specified for netmask");
                    InetAddress m = parseIp(mf.get(0).text());
                    if (m == null) throw err("invalid IP mask \"" + mf.get(0).text() + "\": Name or service not known");
                    if (m.getAddress().length != ip.getAddress().length) throw err("IP address and mask do not match");
                    mask = m.getAddress();
                }
                address = new HbaRule.Network(ip, mask);
            }
        }

        if (f >= fields.size()) throw err("end-of-line before authentication method");
        List<HbaRule.Token> mfield = fields.get(f++);
        if (mfield.size() > 1) {
            throw err("multiple values specified for authentication type").withHint("Specify exactly one authentication type per line.");
        }
        String mtext = mfield.get(0).text();
        AuthMethod method = AuthMethod.fromKeyword(mtext);
        if (method == null) throw err("invalid authentication method \"" + mtext + "\"");
        if (local && method == AuthMethod.GSS) throw err("gssapi authentication is not supported on local sockets");
        if (local && method == AuthMethod.SSPI) throw err("sspi authentication is not supported on local sockets");
        if (!local && method == AuthMethod.PEER) throw err("peer authentication is only supported on local sockets");
        if (!connType.equals("hostssl") && method == AuthMethod.CERT) {
            throw err("cert authentication is only supported on hostssl connections");
        }

        Map<String, String> options = new LinkedHashMap<>();
        for (; f < fields.size(); f++) {
            for (HbaRule.Token t : fields.get(f)) {
                int eq = t.text().indexOf('=');
                if (eq < 0) throw err("authentication option not in name=value format: " + t.text());
                String name = t.text().substring(0, eq);
                if (!OPTION_NAMES.contains(name)) throw err("unrecognized authentication option name: \"" + name + "\"");
                if (name.equals("clientcert") && !connType.equals("hostssl")) {
                    throw err("clientcert can only be configured for \"hostssl\" rows");
                }
                options.put(name, t.text().substring(eq + 1));
            }
        }
        return new HbaRule(lineNo, raw, connType, dbs, users, address, method, options);
    }

    private static void checkNoInclusion(HbaRule.Token t) {
        if (!t.quoted() && t.text().startsWith("@")) {
            throw err("secondary authentication files (\"" + t.text() + "\") are not supported by pgjava")
                    .withHint("List the names in pg_hba.conf itself.");
        }
    }

    /** A literal IPv4 or IPv6 address (never a DNS lookup), or null. */
    static InetAddress parseIp(String s) {
        var m = IPV4.matcher(s);
        try {
            if (m.matches()) {
                byte[] b = new byte[4];
                for (int k = 0; k < 4; k++) {
                    int v = Integer.parseInt(m.group(k + 1));
                    if (v > 255) return null;
                    b[k] = (byte) v;
                }
                return InetAddress.getByAddress(b);
            }
            if (IPV6.matcher(s).matches()) {
                InetAddress a = InetAddress.getByName(s);
                // "::ffff:1.2.3.4" comes back as IPv4; keep the written family
                if (!(a instanceof Inet6Address)) {
                    byte[] b4 = a.getAddress();
                    byte[] b = new byte[16];
                    b[10] = (byte) 0xff;
                    b[11] = (byte) 0xff;
                    System.arraycopy(b4, 0, b, 12, 4);
                    return Inet6Address.getByAddress(null, b, -1);
                }
                return a;
            }
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** A netmask of {@code len} bytes with the first {@code bits} bits set. */
    static byte[] prefixMask(int len, int bits) {
        byte[] m = new byte[len];
        for (int i = 0; i < len; i++) {
            int b = Math.max(0, Math.min(8, bits - i * 8));
            m[i] = (byte) (0xff << (8 - b));
        }
        return m;
    }

    /**
     * The first rule that matches (PostgreSQL's check_hba), or empty when none does.
     * Arguments as for {@link HbaRule#matches}.
     */
    public static Optional<HbaRule> firstMatch(List<HbaRule> rules, ConnectionKind kind, String database, String user,
                                               InetAddress client, Predicate<String> isMemberOfGroup) {
        for (HbaRule r : rules) {
            if (r.matches(kind, database, user, client, isMemberOfGroup)) return Optional.of(r);
        }
        return Optional.empty();
    }

    /**
     * FATAL 28000 {@code no pg_hba.conf entry for host "127.0.0.1", user "u", database "d", no encryption}
     * ({@code host "[local]"} for Unix-socket connections).
     */
    public static PgException noMatchError(ConnectionKind kind, InetAddress client, String user, String database) {
        return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "no pg_hba.conf entry for host \""
                + hostText(kind, client) + "\", user \"" + user + "\", database \"" + database + "\", no encryption");
    }

    /** FATAL 28000 {@code pg_hba.conf rejects connection for host "h", user "u", database "d", no encryption}. */
    public static PgException rejectError(ConnectionKind kind, InetAddress client, String user, String database) {
        return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "pg_hba.conf rejects connection for host \""
                + hostText(kind, client) + "\", user \"" + user + "\", database \"" + database + "\", no encryption");
    }

    /** How PostgreSQL names a client in messages: "[local]", "127.0.0.1", "::1" (RFC 5952 form). */
    public static String hostText(ConnectionKind kind, InetAddress client) {
        if (kind == ConnectionKind.LOCAL || client == null) return "[local]";
        if (!(client instanceof Inet6Address)) return client.getHostAddress();
        byte[] b = client.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        boolean mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
        if (mapped) return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) j++;
                if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
