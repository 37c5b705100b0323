package org.pgjava.tests.isolation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs an {@link IsolationSpec} against a server (PostgreSQL 15 or pgjava) and returns its transcript, a
 * deterministic text that src/test/isolation/expected/NAME.out holds for PostgreSQL 15.
 *
 * <p>Entry points: {@link #IsolationRunner(Target, Timing)}, {@link #run(IsolationSpec)}.
 *
 * <p>How a permutation runs (the rules are also in src/test/isolation/README.md):
 * <ol>
 * <li>The global setup blocks run on a control connection; then each session opens its own pgjdbc
 *     connection (autocommit on, so {@code BEGIN} starts a block as in psql), notes its
 *     {@code pg_backend_pid()} and runs its setup block.</li>
 * <li>Steps are started in the permutation's order, each on its session's own thread. If the step's
 *     session still has an earlier step waiting, the runner first waits for that one to finish.</li>
 * <li>After starting a step the runner <em>settles</em>: it polls until every unfinished step is
 *     waiting for a lock — {@code SELECT wait_event_type FROM pg_stat_activity WHERE pid = P} says
 *     {@code Lock} — and nothing has finished for {@link Timing#settle()} (so a step the new step just
 *     unblocked, or a deadlock victim whose deadlock_timeout is shorter than the settle time, is seen
 *     finished rather than waiting). Then it prints the new step (finished with its results, or
 *     {@code <waiting ...>}) and after it every older step that finished, in the order they were started,
 *     as {@code step NAME: <... completed>} and its results.</li>
 * <li>A step that is neither finished nor waiting for a lock for {@link Timing#stepTimeout()} fails the
 *     permutation (printed, and the connections are abandoned).</li>
 * <li>Session teardowns, disconnects, then the global teardown.</li>
 * </ol>
 *
 * <p>Results: a statement returning rows prints a small table (column names, '-' rule, rows with cells
 * padded and separated by '|', NULL as {@code (null)}, then {@code (N rows)}); INSERT/UPDATE/DELETE
 * without RETURNING print their command tag; other statements print nothing. An error prints
 * {@code ERROR:  SQLSTATE: message} (no DETAIL: it names pids and xids) and ends the step.
 */
public final class IsolationRunner {

    /** Where to connect: host, port, user, database, password (null for none). */
    public record Target(String host, int port, String user, String database, String password) {
        /** Parses {@code host:port} with user and database postgres and the password from PGPASSWORD. */
        public static Target parse(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("target must be host:port, not " + hostPort);
            }
            String pw = System.getenv("PGPASSWORD");
            return new Target(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)),
                    "postgres", "postgres", pw == null || pw.isEmpty() ? null : pw);
        }
    }

    /**
     * Timing: {@code settle} is how long every unfinished step must have been lock-waiting with nothing
     * finishing before the runner moves on; {@code stepTimeout} bounds a step that neither finishes nor
     * waits for a lock; {@code poll} is the interval between pg_stat_activity polls.
     */
    public record Timing(Duration settle, Duration stepTimeout, Duration poll) {
        /** Defaults 250 ms / 60 s / 5 ms; system properties isolation.settleMillis and isolation.stepTimeoutSeconds override. */
        public static Timing fromSystemProperties() {
            return new Timing(Duration.ofMillis(Long.getLong("isolation.settleMillis", 250)),
                    Duration.ofSeconds(Long.getLong("isolation.stepTimeoutSeconds", 60)), Duration.ofMillis(5));
        }
    }

    /** A permutation could not go on (timeout, lost connection); the transcript says why. */
    private static final class PermutationFailed extends Exception {
        PermutationFailed(String msg) {
            super(msg);
        }
    }

    private final Target target;
    private final Timing timing;

    public IsolationRunner(Target target, Timing timing) {
        this.target = target;
        this.timing = timing;
    }

    /** Runs every permutation of the spec in order and returns the whole transcript. */
    public String run(IsolationSpec spec) throws SQLException {
        StringBuilder out = new StringBuilder();
        out.append("Parsed test spec with ").append(spec.sessions().size()).append(" sessions\n");
        for (List<String> perm : spec.permutations()) {
            out.append("\nstarting permutation: ").append(String.join(" ", perm)).append('\n');
            try (Connection control = connect()) {
                runPermutation(spec, perm, control, out);
            }
        }
        return out.toString();
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", target.user());
        if (target.password() != null) {
            p.setProperty("password", target.password());
        }
        p.setProperty("connectTimeout", "20");
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + target.database(), p);
    }

    /** One session's connection, backend pid, worker thread and step in progress. */
    private static final class SessionRun {
        final IsolationSpec.Session session;
        Connection conn;
        int pid;
        final ExecutorService worker;

        SessionRun(IsolationSpec.Session session) {
            this.session = session;
            this.worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "isolation-" + session.name());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** A started step that has not been reported finished yet. */
    private record Pending(IsolationSpec.Step step, SessionRun session, Future<String> result) {
    }

    private void runPermutation(IsolationSpec spec, List<String> perm, Connection control, StringBuilder out)
            throws SQLException {
        for (String setup : spec.setups()) {
            String r = execute(control, setup);
            if (r.contains("ERROR:  ")) {
                out.append("setup failed:\n").append(r);
                return;
            }
        }
        List<SessionRun> sessions = new ArrayList<>();
        boolean abandoned = false;
        try {
            for (IsolationSpec.Session s : spec.sessions()) {
                SessionRun run = new SessionRun(s);
                sessions.add(run);
                run.conn = connect();
                try (Statement st = run.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    run.pid = rs.getInt(1);
                }
                if (s.setup() != null) {
                    String r = execute(run.conn, s.setup());
                    if (r.contains("ERROR:  ")) {
                        out.append("setup of session ").append(s.name()).append(" failed:\n").append(r);
                    }
                }
            }
            List<Pending> pending = new ArrayList<>();
            try {
                for (String stepName : perm) {
                    IsolationSpec.Step step = spec.step(stepName);
                    SessionRun run = sessions.stream().filter(r -> r.session.name().equals(step.session()))
                            .findFirst().orElseThrow();
                    Pending earlier = pending.stream().filter(p -> p.session() == run).findFirst().orElse(null);
                    if (earlier != null) {
                        settle(control, pending, null, earlier, out);
                    }
                    Pending started = new Pending(step, run,
                            run.worker.submit(() -> execute(run.conn, step.sql())));
                    pending.add(started);
                    settle(control, pending, started, null, out);
                }
                for (Pending p : List.copyOf(pending)) {
                    if (pending.contains(p)) {
                        settle(control, pending, null, p, out);
                    }
                }
            } catch (PermutationFailed e) {
                out.append("FAILED: ").append(e.getMessage()).append('\n');
                abandoned = true;
            }
            for (SessionRun run : sessions) {
                if (!abandoned && run.session.teardown() != null) {
                    String r = execute(run.conn, run.session.teardown());
                    if (r.contains("ERROR:  ")) {
                        out.append("teardown of session ").append(run.session.name()).append(" failed:\n").append(r);
                    }
                }
            }
        } finally {
            for (SessionRun run : sessions) {
                if (run.conn != null) {
                    if (abandoned) {
                        run.conn.abort(Runnable::run);
                    } else {
                        run.conn.close();
                    }
                }
                run.worker.shutdownNow();
            }
        }
        if (spec.teardown() != null) {
            // a session's backend may still be ending (its locks released as it exits): DROP waits for it
            String r = execute(control, spec.teardown());
            if (r.contains("ERROR:  ")) {
                out.append("teardown failed:\n").append(r);
            }
        }
    }

    /**
     * Polls until {@code mustFinish} (if any) has finished and then until every pending step has been
     * lock-waiting, with no step finishing, for the settle time; reports {@code started} (if any) first,
     * then every other finished step in start order, and removes the finished ones from {@code pending}.
     */
    private void settle(Connection control, List<Pending> pending, Pending started, Pending mustFinish,
            StringBuilder out) throws PermutationFailed, SQLException {
        long lastChange = System.nanoTime();
        List<Pending> finished = new ArrayList<>();
        while (true) {
            boolean changed = false;
            boolean allLockWaiting = true;
            for (Pending p : pending) {
                if (finished.contains(p)) {
                    continue;
                }
                if (p.result().isDone()) {
                    finished.add(p);
                    changed = true;
                } else if (!"Lock".equals(waitEventType(control, p.session().pid))) {
                    allLockWaiting = false;
                }
            }
            long now = System.nanoTime();
            if (changed) {
                lastChange = now;
            }
            boolean mustDone = mustFinish == null || finished.contains(mustFinish);
            boolean nothingLeft = finished.size() == pending.size();
            if (mustDone && (nothingLeft || (allLockWaiting && now - lastChange >= timing.settle().toNanos()))) {
                break;
            }
            if (!changed && !allLockWaiting && now - lastChange >= timing.stepTimeout().toNanos()) {
                throw new PermutationFailed("a step neither finished nor waited for a lock within "
                        + timing.stepTimeout().toSeconds() + " s: " + unfinishedNames(pending, finished));
            }
            if (mustFinish != null && !mustDone && now - lastChange >= timing.stepTimeout().toNanos()) {
                throw new PermutationFailed("step " + mustFinish.step().name() + " is still waiting after "
                        + timing.stepTimeout().toSeconds() + " s and its session has another step to run");
            }
            sleep(timing.poll());
        }
        if (started != null) {
            out.append("step ").append(started.step().name()).append(": ").append(started.step().oneLine());
            if (finished.contains(started)) {
                out.append('\n').append(result(started));
            } else {
                out.append(" <waiting ...>\n");
            }
        }
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (finished.contains(p)) {
                if (p != started) {
                    out.append("step ").append(p.step().name()).append(": <... completed>\n").append(result(p));
                }
                it.remove();
            }
        }
    }

    private static String unfinishedNames(List<Pending> pending, List<Pending> finished) {
        return pending.stream().filter(p -> !finished.contains(p)).map(p -> p.step().name()).toList().toString();
    }

    private static String result(Pending p) {
        try {
            return p.result().get();
        } catch (Exception e) {
            return "RUNNER ERROR: " + e + "\n";
        }
    }

    private static String waitEventType(Connection control, int pid) throws SQLException {
        try (Statement st = control.createStatement();
             ResultSet rs = st.executeQuery("SELECT wait_event_type FROM pg_stat_activity WHERE pid = " + pid)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the statements of a SQL block one by one on a connection and returns what the transcript
     * shows for them; stops at the first error.
     */
    static String execute(Connection conn, String block) {
        StringBuilder out = new StringBuilder();
        for (String sql : IsolationSpec.splitStatements(block)) {
            try (Statement st = conn.createStatement()) {
                boolean rows = st.execute(sql);
                if (rows) {
                    try (ResultSet rs = st.getResultSet()) {
                        appendTable(rs, out);
                    }
                } else {
                    String tag = commandTag(sql, st.getUpdateCount());
                    if (tag != null) {
                        out.append(tag).append('\n');
                    }
                }
            } catch (SQLException e) {
                out.append(errorLine(e));
                break;
            }
        }
        return out.toString();
    }

    /** {@code ERROR:  SQLSTATE: message} from the server's error fields (no DETAIL/HINT). */
    static String errorLine(SQLException e) {
        String state = e.getSQLState();
        String msg = e.getMessage();
        if (e instanceof org.postgresql.util.PSQLException pe && pe.getServerErrorMessage() != null) {
            msg = pe.getServerErrorMessage().getMessage();
            state = pe.getServerErrorMessage().getSQLState();
            String severity = pe.getServerErrorMessage().getSeverity();
            return (severity == null ? "ERROR" : severity) + ":  " + state + ": " + msg + "\n";
        }
        return "CLIENT ERROR:  " + state + ": " + msg + "\n";
    }

    /** The command tag for INSERT/UPDATE/DELETE (which psql prints), null for other statements. */
    static String commandTag(String sql, int count) {
        String first = sql.stripLeading().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        return switch (first) {
            case "INSERT" -> "INSERT 0 " + count;
            case "UPDATE", "DELETE" -> first + " " + count;
            default -> null;
        };
    }

    /** Appends a result as a small table: header, rule, rows, row count. */
    static void appendTable(ResultSet rs, StringBuilder out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[n];
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            header[i] = md.getColumnLabel(i + 1);
            width[i] = header[i].length();
        }
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                String v = rs.getString(i + 1);
                row[i] = v == null ? "(null)" : v;
                width[i] = Math.max(width[i], row[i].length());
            }
            rows.add(row);
        }
        appendRow(header, width, out);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                rule.append('+');
            }
            rule.append("-".repeat(width[i]));
        }
        out.append(rule).append('\n');
        for (String[] row : rows) {
            appendRow(row, width, out);
        }
        out.append('(').append(rows.size()).append(rows.size() == 1 ? " row)\n" : " rows)\n");
    }

    private static void appendRow(String[] cells, int[] width, StringBuilder out) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append('|');
            }
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(width[i] - cells[i].length()));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
