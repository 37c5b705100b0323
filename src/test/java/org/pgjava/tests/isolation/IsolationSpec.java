package org.pgjava.tests.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An isolation spec: a parsed {@code src/test/isolation/specs/NAME.spec} file, a simplified form of
 * PostgreSQL's src/test/isolation spec files. The format (full description in
 * src/test/isolation/README.md):
 *
 * <pre>
 * # comment to end of line
 * setup    { SQL }          zero or more; run in order on a control connection before each permutation
 * teardown { SQL }          at most one; run on the control connection after each permutation
 * session NAME              one or more sessions, each with its own connection:
 *   setup    { SQL }        optional, at most one, run when the session connects
 *   step NAME { SQL }       one or more named steps (names unique across the whole spec)
 *   teardown { SQL }        optional, at most one, run before the session disconnects
 * permutation NAME ...      one or more: the step names in the order they are started
 * </pre>
 *
 * A name is {@code [A-Za-z0-9_]+} or a double-quoted string. A SQL block is everything between
 * {@code {} and the next {@code }} that is not inside a single- or double-quoted literal or a
 * {@code --} comment; it may hold several statements separated by semicolons.
 *
 * <p>Entry points: {@link #parse(String, String)}, {@link #load(Path)}, {@link #splitStatements(String)}.
 * Immutable once parsed; no database access.
 */
public final class IsolationSpec {

    /** A named step of a session. {@code sql} is the block's text as written (trimmed). */
    public record Step(String name, String session, String sql) {
        /** The SQL on one line (whitespace runs collapsed), as the transcript echoes it. */
        public String oneLine() {
            return normalize(sql);
        }
    }

    /** A session: its setup and teardown blocks ({@code null} when absent) and its steps in file order. */
    public record Session(String name, String setup, List<Step> steps, String teardown) {
    }

    private final String name;
    private final List<String> setups;
    private final String teardown;
    private final List<Session> sessions;
    private final List<List<String>> permutations;
    private final Map<String, Step> stepsByName;

    private IsolationSpec(String name, List<String> setups, String teardown, List<Session> sessions,
            List<List<String>> permutations) {
        this.name = name;
        this.setups = List.copyOf(setups);
        this.teardown = teardown;
        this.sessions = List.copyOf(sessions);
        this.permutations = List.copyOf(permutations);
        Map<String, Step> steps = new LinkedHashMap<>();
        for (Session s : sessions) {
            for (Step st : s.steps()) {
                if (steps.put(st.name(), st) != null) {
                    throw new IllegalArgumentException(name + ": step name " + st.name() + " is used twice");
                }
            }
        }
        this.stepsByName = steps;
        for (List<String> p : permutations) {
            for (String s : p) {
                if (!steps.containsKey(s)) {
                    throw new IllegalArgumentException(name + ": permutation names unknown step " + s);
                }
            }
        }
    }

    public String name() { return name; }
    public List<String> setups() { return setups; }
    /** The global teardown block, or {@code null}. */
    public String teardown() { return teardown; }
    public List<Session> sessions() { return sessions; }
    public List<List<String>> permutations() { return permutations; }

    /** The step called {@code stepName}. Precondition: it exists (checked at parse time for permutations). */
    public Step step(String stepName) {
        Step s = stepsByName.get(stepName);
        if (s == null) {
            throw new IllegalArgumentException("no step " + stepName);
        }
        return s;
    }

    /** Reads and parses a spec file; the spec's name is the file name without {@code .spec}. */
    public static IsolationSpec load(Path file) throws IOException {
        String fn = file.getFileName().toString();
        String stem = fn.endsWith(".spec") ? fn.substring(0, fn.length() - 5) : fn;
        return parse(stem, Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses spec text. Throws IllegalArgumentException with the line number on any syntax error, a
     * duplicate step name, a permutation naming an unknown step, or a spec without sessions or permutations.
     */
    public static IsolationSpec parse(String name, String text) {
        Lexer lx = new Lexer(name, text);
        List<String> setups = new ArrayList<>();
        String teardown = null;
        List<Session> sessions = new ArrayList<>();
        List<List<String>> perms = new ArrayList<>();
        String word;
        while ((word = lx.word()) != null) {
            switch (word) {
                case "setup" -> {
                    if (!sessions.isEmpty()) {
                        throw lx.error("global setup must come before the first session");
                    }
                    setups.add(lx.block());
                }
                case "teardown" -> {
                    if (!sessions.isEmpty()) {
                        throw lx.error("global teardown must come before the first session");
                    }
                    if (teardown != null) {
                        throw lx.error("more than one global teardown");
                    }
                    teardown = lx.block();
                }
                case "session" -> {
                    if (!perms.isEmpty()) {
                        throw lx.error("session after a permutation");
                    }
                    sessions.add(parseSession(lx, lx.name()));
                }
                case "permutation" -> {
                    List<String> p = new ArrayList<>();
                    while (lx.atNameOnSameLine()) {
                        p.add(lx.name());
                    }
                    if (p.isEmpty()) {
                        throw lx.error("empty permutation");
                    }
                    perms.add(List.copyOf(p));
                }
                default -> throw lx.error("unexpected '" + word + "'");
            }
        }
        if (sessions.isEmpty()) {
            throw new IllegalArgumentException(name + ": no session");
        }
        if (perms.isEmpty()) {
            throw new IllegalArgumentException(name + ": no permutation (this runner needs them listed)");
        }
        return new IsolationSpec(name, setups, teardown, sessions, perms);
    }

    private static Session parseSession(Lexer lx, String sessionName) {
        String setup = null;
        String teardown = null;
        List<Step> steps = new ArrayList<>();
        while (true) {
            String next = lx.peekWord();
            if ("setup".equals(next)) {
                lx.word();
                if (setup != null || !steps.isEmpty()) {
                    throw lx.error("session " + sessionName + ": one setup, before its steps");
                }
                setup = lx.block();
            } else if ("step".equals(next)) {
                lx.word();
                if (teardown != null) {
                    throw lx.error("session " + sessionName + ": step after teardown");
                }
                String stepName = lx.name();
                steps.add(new Step(stepName, sessionName, lx.block()));
            } else if ("teardown".equals(next)) {
                lx.word();
                if (teardown != null) {
                    throw lx.error("session " + sessionName + ": more than one teardown");
                }
                teardown = lx.block();
            } else {
                break;
            }
        }
        if (steps.isEmpty()) {
            throw lx.error("session " + sessionName + " has no step");
        }
        return new Session(sessionName, setup, List.copyOf(steps), teardown);
    }

    /** Collapses every whitespace run to one space and trims. */
    static String normalize(String sql) {
        return sql.trim().replaceAll("\\s+", " ");
    }

    /**
     * Splits a SQL block into statements at semicolons outside quotes and {@code --} comments; each
     * statement is trimmed, keeps no trailing semicolon, and empty ones are dropped.
     */
    public static List<String> splitStatements(String block) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        int n = block.length();
        while (i < n) {
            char c = block.charAt(i);
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (block.charAt(j) == c) {
                        if (j + 1 < n && block.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                cur.append(block, i, Math.min(n, j + 1));
                i = j + 1;
            } else if (c == '-' && i + 1 < n && block.charAt(i + 1) == '-') {
                int j = block.indexOf('\n', i);
                i = j < 0 ? n : j;
            } else if (c == ';') {
                add(out, cur);
                i++;
            } else {
                cur.append(c);
                i++;
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /** Tokenizer: words, names, {@code { SQL }} blocks, '#' comments, line tracking for errors. */
    private static final class Lexer {
        private final String spec;
        private final String s;
        private int pos;

        Lexer(String spec, String s) {
            this.spec = spec;
            this.s = s;
        }

        IllegalArgumentException error(String msg) {
            int line = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                }
            }
            return new IllegalArgumentException(spec + ".spec:" + line + ": " + msg);
        }

        private void skipSpace(boolean stopAtNewline) {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '#') {
                    while (pos < s.length() && s.charAt(pos) != '\n') {
                        pos++;
                    }
                } else if (c == '\n' && stopAtNewline) {
                    return;
                } else if (Character.isWhitespace(c)) {
                    pos++;
                } else {
                    return;
                }
            }
        }

        /** The next bare word, or null at end of input. */
        String word() {
            skipSpace(false);
            if (pos >= s.length()) {
                return null;
            }
            int start = pos;
            while (pos < s.length() && isNameChar(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a keyword, found '" + s.charAt(pos) + "'");
            }
            return s.substring(start, pos);
        }

        String peekWord() {
            int save = pos;
            try {
                skipSpace(false);
                int start = pos;
                while (pos < s.length() && isNameChar(s.charAt(pos))) {
                    pos++;
                }
                return start == pos ? null : s.substring(start, pos);
            } finally {
                pos = save;
            }
        }

        /** True when a name follows on the current line (permutations are one line each). */
        boolean atNameOnSameLine() {
            skipSpace(true);
            return pos < s.length() && (isNameChar(s.charAt(pos)) || s.charAt(pos) == '"');
        }

        String name() {
            skipSpace(false);
            if (pos < s.length() && s.charAt(pos) == '"') {
                int end = s.indexOf('"', pos + 1);
                if (end < 0) {
                    throw error("unterminated quoted name");
                }
                String n = s.substring(pos + 1, end);
                pos = end + 1;
                if (n.isEmpty()) {
                    throw error("empty name");
                }
                return n;
            }
            String w = word();
            if (w == null) {
                throw error("expected a name at end of file");
            }
            return w;
        }

        String block() {
            skipSpace(false);
            if (pos >= s.length() || s.charAt(pos) != '{') {
                throw error("expected '{'");
            }
            int start = ++pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\'' || c == '"') {
                    int end = s.indexOf(c, pos + 1);
                    if (end < 0) {
                        throw error("unterminated quoted literal in SQL block");
                    }
                    pos = end + 1;
                } else if (c == '-' && pos + 1 < s.length() && s.charAt(pos + 1) == '-') {
                    int end = s.indexOf('\n', pos);
                    pos = end < 0 ? s.length() : end;
                } else if (c == '}') {
                    String sql = s.substring(start, pos).trim();
                    pos++;
                    if (sql.isEmpty()) {
                        throw error("empty SQL block");
                    }
                    return sql;
                } else {
                    pos++;
                }
            }
            throw error("unterminated SQL block (missing '}')");
        }

        private static boolean isNameChar(char c) {
            return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
    }
}
