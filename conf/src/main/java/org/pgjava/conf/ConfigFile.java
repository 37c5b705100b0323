package org.pgjava.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;

/**
 * Reader for postgresql.conf syntax (PostgreSQL's guc-file.l). Entry point: {@link #parse(Path)}.
 *
 * <p>Rules, as in PostgreSQL:
 * <ol>
 *   <li>One {@code name [=] value} per line; {@code #} starts a comment; blank lines are ignored.</li>
 *   <li>A value is a quoted string ({@code 'it''s'}, backslash escapes \b \f \n \r \t, octal \ooo, any
 *       other \c means c), a number with optional unit letters ({@code 8MB}, {@code 0x1F}, {@code 1.5}),
 *       or an unquoted word of letters, digits and {@code - . _ : /}.</li>
 *   <li>{@code include 'file'}, {@code include_if_exists 'file'} and {@code include_dir 'dir'} read other
 *       files (relative paths are relative to the including file's directory; include_dir reads the
 *       {@code *.conf} files not starting with a dot, in name order); nesting deeper than 10 is an error.</li>
 *   <li>Anything else is {@code syntax error in file "f" line n, near token "t"} (or {@code near end of line}),
 *       SQLSTATE F0000.</li>
 * </ol>
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    private static final int MAX_DEPTH = 10;
    private static final Pattern ID = Pattern.compile("[A-Za-z_\\x80-\\uffff][A-Za-z_0-9\\x80-\\uffff]*(\\.[A-Za-z_\\x80-\\uffff][A-Za-z_0-9\\x80-\\uffff]*)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?([0-9]+|0x[0-9A-Fa-f]+)[A-Za-z]*");
    private static final Pattern REAL = Pattern.compile("[+-]?[0-9]*\\.[0-9]*([Ee][+-]?[0-9]+)?");
    private static final Pattern UNQUOTED = Pattern.compile("[A-Za-z_\\x80-\\uffff][A-Za-z_0-9\\x80-\\uffff\\-._:/]*");

    /**
     * Reads {@code file} and the files it includes.
     *
     * @return the entries in file order (include directives replaced by the entries they read)
     * @throws PgException F0000 syntax errors, with PostgreSQL's text; 58P01
     *         {@code could not open configuration file "f": No such file or directory}; 58030 other I/O errors
     */
    public static List<ConfigEntry> parse(Path file) {
        List<ConfigEntry> out = new ArrayList<>();
        parseInto(file.toAbsolutePath(), false, 0, out);
        return out;
    }

    private static void parseInto(Path file, boolean ifExists, int depth, List<ConfigEntry> out) {
        if (depth > MAX_DEPTH) {
            throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "could not open configuration file \"" + file
                    + "\": maximum nesting depth exceeded");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (ifExists) return;
            throw PgException.error(SqlState.UNDEFINED_FILE, "could not open configuration file \"" + file
                    + "\": No such file or directory");
        } catch (IOException e) {
            throw PgException.error(SqlState.IO_ERROR, "could not open configuration file \"" + file + "\": " + e.getMessage());
        }
        String[] lines = text.split("\n", -1);
        for (int ln = 0; ln < lines.length; ln++) {
            parseLine(file, ln + 1, lines[ln], depth, out);
        }
    }

    private static PgException syntax(Path file, int line, String token) {
        String near = token == null ? "near end of line" : "near token \"" + token + "\"";
        return new PgException(Severity.ERROR, SqlState.CONFIG_FILE_ERROR,
                "syntax error in file \"" + file + "\" line " + line + ", " + near);
    }

    private static void parseLine(Path file, int lineNo, String line, int depth, List<ConfigEntry> out) {
        int[] pos = {0};
        String name = nextToken(line, pos);
        if (name == null) return;
        if (!ID.matcher(name).matches()) throw syntax(file, lineNo, name);
        skipSpace(line, pos);
        if (pos[0] < line.length() && line.charAt(pos[0]) == '=') pos[0]++;
        skipSpace(line, pos);
        String value;
        if (pos[0] < line.length() && line.charAt(pos[0]) == '\'') {
            value = quoted(file, lineNo, line, pos);
        } else {
            String tok = nextToken(line, pos);
            if (tok == null) throw syntax(file, lineNo, null);
            if (!(ID.matcher(tok).matches() || INTEGER.matcher(tok).matches() || REAL.matcher(tok).matches()
                    || UNQUOTED.matcher(tok).matches()) || tok.equals(".")) {
                // the lexer would have read a number and then stopped: the error is near what follows it
                for (Pattern num : new Pattern[] {REAL, INTEGER}) {
                    var m = num.matcher(tok);
                    if (m.lookingAt() && m.end() > 0 && m.end() < tok.length()) throw syntax(file, lineNo, tok.substring(m.end()));
                }
                throw syntax(file, lineNo, tok);
            }
            value = tok;
        }
        skipSpace(line, pos);
        if (pos[0] < line.length() && line.charAt(pos[0]) != '#') {
            String tok = nextToken(line, pos);
            throw syntax(file, lineNo, tok == null ? line.substring(pos[0]) : tok);
        }
        Path dir = file.getParent();
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "include" -> parseInto(dir.resolve(value), false, depth + 1, out);
            case "include_if_exists" -> parseInto(dir.resolve(value), true, depth + 1, out);
            case "include_dir" -> {
                Path d = dir.resolve(value);
                List<Path> files = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                    for (Path p : ds) {
                        String fn = p.getFileName().toString();
                        if (!fn.startsWith(".") && fn.endsWith(".conf") && Files.isRegularFile(p)) files.add(p);
                    }
                } catch (NoSuchFileException e) {
                    throw PgException.error(SqlState.UNDEFINED_FILE, "could not open configuration directory \"" + d
                            + "\": No such file or directory");
                } catch (IOException e) {
                    throw PgException.error(SqlState.IO_ERROR, "could not open configuration directory \"" + d + "\": " + e.getMessage());
                }
                files.sort(null);
                for (Path p : files) parseInto(p, false, depth + 1, out);
            }
            default -> out.add(new ConfigEntry(name, value, file, lineNo));
        }
    }

    private static void skipSpace(String s, int[] pos) {
        while (pos[0] < s.length() && (s.charAt(pos[0]) == ' ' || s.charAt(pos[0]) == '\t' || s.charAt(pos[0]) == '\r'
                || s.charAt(pos[0]) == '\f')) {
            pos[0]++;
        }
    }

    /** The next run of characters up to whitespace, '=', '#' or a quote; null at end of line or comment. */
    private static String nextToken(String s, int[] pos) {
        skipSpace(s, pos);
        if (pos[0] >= s.length() || s.charAt(pos[0]) == '#') return null;
        int start = pos[0];
        if (s.charAt(start) == '=' || s.charAt(start) == '\'') {
            pos[0]++;
            return s.substring(start, pos[0]);
        }
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '=' || c == '#' || c == '\'') break;
            pos[0]++;
        }
        return s.substring(start, pos[0]);
    }

    /** A quoted string starting at pos (at the quote), with '' and backslash escapes (GUC_scanstr). */
    private static String quoted(Path file, int lineNo, String s, int[] pos) {
        int start = pos[0];
        int i = start + 1;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length() || s.charAt(i) == '\r') throw syntax(file, lineNo, s.substring(start).stripTrailing());
            char c = s.charAt(i);
            if (c == '\'') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    b.append('\'');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                i += 2;
                switch (e) {
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++) {
                            v = v * 8 + (s.charAt(i++) - '0');
                        }
                        b.append((char) v);
                    }
                    default -> b.append(e);
                }
                continue;
            }
            b.append(c);
            i++;
        }
        pos[0] = i;
        return b.toString();
    }
}
