package org.pgjava.tests.durability;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.pgjava.tests.harness.PgJavaServer;

/**
 * A database server under a durability test that can be killed and restarted on the same data directory:
 * pgjava ({@link PgJavaNode}, the default) or, to validate the tests themselves, the real PostgreSQL 15
 * ({@link Postgres15Node}, with {@code -Ddurability.server=postgres15}).
 *
 * <p>Entry points: {@link #create(Map)}, {@link #connect()}, {@link #powerCut()},
 * {@link #restart()}, {@link #stopClean()}, {@link #close()}.
 */
public abstract class DbNode implements AutoCloseable {

    /**
     * Starts a fresh server of the kind chosen by {@code -Ddurability.server} (pgjava|postgres15) with these
     * settings, plus those of {@code -Ddurability.settings=name=value,...} (e.g. synchronous_commit=off, to
     * see the tests catch lost commits).
     */
    public static DbNode create(Map<String, String> given) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(given);
        String extra = System.getProperty("durability.settings", "");
        for (String kv : extra.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        String kind = System.getProperty("durability.server", "pgjava");
        return switch (kind) {
            case "pgjava" -> PgJavaNode.start(settings);
            case "postgres15" -> Postgres15Node.start(settings);
            default -> throw new IllegalArgumentException("durability.server must be pgjava or postgres15, not " + kind);
        };
    }

    public abstract String host();
    public abstract int port();
    public abstract Path dataDir();
    /** The server log so far. */
    public abstract String log();
    /** Starts the server again on the same data directory and port (after a crash or a clean stop). */
    public abstract void restart();
    /** Clean (fast) shutdown; waits until the server is gone. */
    public abstract void stopClean();

    /** The postmaster's pid (first line of postmaster.pid). */
    public long postmasterPid() {
        try {
            return Long.parseLong(java.nio.file.Files.readAllLines(dataDir().resolve("postmaster.pid")).get(0).trim());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A pgjdbc connection as postgres to database postgres. */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "20");
        p.setProperty("socketTimeout", "120");
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port() + "/postgres", p);
    }

    /**
     * Power cut: the postmaster is stopped (SIGSTOP, so it forks nothing more), then it and every
     * descendant are sent SIGKILL by one kill(1) call; returns once they are all gone.
     */
    public void powerCut() {
        long pm = postmasterPid();
        ProcessHandle postmaster = ProcessHandle.of(pm).orElseThrow(() -> new IllegalStateException("no postmaster " + pm));
        run(List.of("kill", "-STOP", String.valueOf(pm)));
        List<ProcessHandle> all = new ArrayList<>();
        all.add(postmaster);
        postmaster.descendants().forEach(all::add);
        List<String> cmd = new ArrayList<>(List.of("kill", "-KILL"));
        all.forEach(h -> cmd.add(String.valueOf(h.pid())));
        run(cmd);
        if (!PgJavaServer.waitFor(() -> all.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(30))) {
            throw new IllegalStateException("processes survived kill -9: " + all.stream().filter(ProcessHandle::isAlive).toList());
        }
    }

    /** kill -9 of one process (a backend: the postmaster then does a crash-restart). */
    public static void kill9(long pid) {
        run(List.of("kill", "-KILL", String.valueOf(pid)));
    }

    /** Connects until a connection succeeds and answers a query (at most {@code timeout}); returns the ms it took. */
    public long awaitAccepting(Duration timeout) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(); var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
                rs.next();
                return (System.nanoTime() - t0) / 1_000_000;
            } catch (SQLException e) {
                last = e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
        throw new AssertionError("no connection accepted within " + timeout + ": " + last + "\n--- log tail ---\n" + logTail());
    }

    /** The last 6000 characters of the log. */
    public String logTail() {
        String l = log();
        return l.substring(Math.max(0, l.length() - 6000));
    }

    static PgJavaServer.ProcessResult run(List<String> cmd) {
        PgJavaServer.ProcessResult r = PgJavaServer.run(cmd, Map.of(), Duration.ofMinutes(3));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(cmd + " failed (" + r.exitCode() + "): " + r.all());
        }
        return r;
    }

    /** The settings as "-c name=value ..." for a server command line. */
    static String settingsArgs(Map<String, String> settings) {
        StringBuilder o = new StringBuilder();
        settings.forEach((k, v) -> o.append(" -c ").append(k).append('=').append(v));
        return o.toString();
    }

    static void deleteTree(Path p) {
        if (!java.nio.file.Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = java.nio.file.Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort
        }
    }

    @Override
    public abstract void close();
}
