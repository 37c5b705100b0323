package org.pgjava.catalog.authfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * The flat role/database file {@code DATADIR/global/pg_auth} (design.md §1; PostgreSQL before 9.0 kept
 * such a file): backends rewrite it when a transaction that changes roles, passwords or databases commits;
 * the postmaster re-reads it when it changed, so it can authenticate without running SQL.
 *
 * <p>Format (UTF-8 text, one record per line, fields separated by one TAB):
 * <pre>
 * pgjava-auth	1                                      -- first line: magic and format version
 * # comment lines start with '#'
 * role	OID	NAME	SUPER	LOGIN	CONNLIMIT	PASSWORD	VALIDUNTIL	MEMBEROF
 * database	OID	NAME	OWNEROID	ALLOWCONN	ISTEMPLATE	CONNLIMIT
 * </pre>
 * Booleans are {@code t}/{@code f}; VALIDUNTIL is an ISO-8601 instant ({@code 2030-01-01T00:00:00Z});
 * MEMBEROF is a comma-separated list of role names (empty for none). In NAME, PASSWORD and MEMBEROF
 * items, {@code \\} is a backslash, {@code \t} TAB, {@code \n} newline, {@code \r} carriage return and
 * {@code \,} a comma; a field that is exactly {@code \N} is null (PASSWORD, VALIDUNTIL).
 *
 * <p>Entry points: {@link #read(Path)}, {@link #write(Path, AuthData)}, {@link #path(Path)}. Writing is
 * atomic and durable (temp file, fsync, rename, fsync of global/): a reader sees the old or the new file,
 * never a part. Concurrent writers must be serialised by the caller (backends hold the lock that guards
 * pg_authid/pg_database changes while writing).
 */
public final class AuthFile {
    private AuthFile() {
    }

    /** The first line's magic word. */
    public static final String MAGIC = "pgjava-auth";
    /** The format version this code reads and writes. */
    public static final int VERSION = 1;

    /** {@code dataDir/global/pg_auth}. */
    public static Path path(Path dataDir) {
        return dataDir.resolve("global").resolve("pg_auth");
    }

    /**
     * Reads the file of {@code dataDir}.
     *
     * @throws PgException 58P01 {@code could not open file "…": No such file or directory}; 58030 other I/O
     *         errors; XX001 {@code invalid authentication file "…" line n: …} for a malformed file
     */
    public static AuthData read(Path dataDir) {
        Path p = path(dataDir);
        List<String> lines;
        try {
            lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw PgException.error(SqlState.UNDEFINED_FILE, "could not open file \"" + p + "\": No such file or directory");
        } catch (IOException e) {
            throw PgException.error(SqlState.IO_ERROR, "could not read file \"" + p + "\": " + e.getMessage());
        }
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC + "\t" + VERSION)) {
            throw bad(p, 1, "expected \"" + MAGIC + " " + VERSION + "\" header");
        }
        List<RoleEntry> roles = new ArrayList<>();
        List<DatabaseEntry> dbs = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            try {
                switch (f[0]) {
                    case "role" -> {
                        if (f.length != 9) throw bad(p, i + 1, "role needs 9 fields");
                        roles.add(new RoleEntry(Integer.parseInt(f[1]), unescapeRequired(f[2]), bool(f[3]), bool(f[4]),
                                Integer.parseInt(f[5]), unescape(f[6]), f[7].equals("\\N") ? null : Instant.parse(f[7]),
                                list(f[8])));
                    }
                    case "database" -> {
                        if (f.length != 7) throw bad(p, i + 1, "database needs 7 fields");
                        dbs.add(new DatabaseEntry(Integer.parseInt(f[1]), unescapeRequired(f[2]), Integer.parseInt(f[3]),
                                bool(f[4]), bool(f[5]), Integer.parseInt(f[6])));
                    }
                    default -> throw bad(p, i + 1, "unknown record type \"" + f[0] + "\"");
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                throw bad(p, i + 1, e.getMessage());
            } catch (IllegalArgumentException e) {
                throw bad(p, i + 1, e.getMessage());
            }
        }
        return new AuthData(roles, dbs);
    }

    private static PgException bad(Path p, int line, String what) {
        return PgException.error(SqlState.DATA_CORRUPTED, "invalid authentication file \"" + p + "\" line " + line + ": " + what);
    }

    private static boolean bool(String s) {
        return switch (s) {
            case "t" -> true;
            case "f" -> false;
            default -> throw new IllegalArgumentException("bad boolean \"" + s + "\"");
        };
    }

    /**
     * Writes {@code data} as the file of {@code dataDir}, atomically and durably: {@code pg_auth.tmp} is
     * written and fsynced, renamed over {@code pg_auth}, and the directory fsynced. Creates global/ if needed.
     *
     * @throws PgException 58030 on any I/O error (the old file is then unchanged)
     */
    public static void write(Path dataDir, AuthData data) {
        Path p = path(dataDir);
        Path tmp = p.resolveSibling("pg_auth.tmp");
        StringBuilder b = new StringBuilder();
        b.append(MAGIC).append('\t').append(VERSION).append('\n');
        b.append("# pgjava roles and databases for the postmaster; rewritten on commit, do not edit\n");
        for (RoleEntry r : data.roles()) {
            List<String> ms = new ArrayList<>();
            for (String m : r.memberOf()) ms.add(escape(m));
            b.append("role\t").append(r.oid()).append('\t').append(escape(r.name())).append('\t')
                    .append(r.superuser() ? 't' : 'f').append('\t').append(r.canLogin() ? 't' : 'f').append('\t')
                    .append(r.connLimit()).append('\t')
                    .append(r.passwordVerifier() == null ? "\\N" : escape(r.passwordVerifier())).append('\t')
                    .append(r.validUntil() == null ? "\\N" : r.validUntil().toString()).append('\t')
                    .append(String.join(",", ms)).append('\n');
        }
        for (DatabaseEntry d : data.databases()) {
            b.append("database\t").append(d.oid()).append('\t').append(escape(d.name())).append('\t')
                    .append(d.ownerOid()).append('\t').append(d.allowConnections() ? 't' : 'f').append('\t')
                    .append(d.isTemplate() ? 't' : 'f').append('\t').append(d.connLimit()).append('\n');
        }
        try {
            Files.createDirectories(p.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(p.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw PgException.error(SqlState.IO_ERROR, "could not write file \"" + p + "\": " + e.getMessage());
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case ',' -> b.append("\\,");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String unescapeRequired(String s) {
        String v = unescape(s);
        if (v == null) throw new IllegalArgumentException("name must not be null");
        return v;
    }

    static String unescape(String s) {
        if (s.equals("\\N")) return null;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= s.length()) throw new IllegalArgumentException("dangling backslash");
            char e = s.charAt(i);
            switch (e) {
                case '\\' -> b.append('\\');
                case 't' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case ',' -> b.append(',');
                default -> throw new IllegalArgumentException("bad escape \\" + e);
            }
        }
        return b.toString();
    }

    /** Splits an escaped comma list at unescaped commas. */
    private static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        if (s.isEmpty()) return out;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == ',') {
                out.add(unescapeRequired(cur.toString()));
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(unescapeRequired(cur.toString()));
        return out;
    }
}
