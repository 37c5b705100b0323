package org.pgjava.tests.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A pgjava server started for a test, the way a user starts one: {@code bin/pgjava initdb} into a fresh
 * temporary directory, then {@code bin/pgjava start} on a free TCP port (127.0.0.1) with its Unix socket
 * inside that directory. {@link #close()} stops it (fast mode, then SIGKILL of the whole process tree if
 * it does not go) and deletes the directory, so every test leaves nothing running behind.
 *
 * <p>Entry points: {@link #start(Options)}, {@link #psql(String...)}, {@link #connect(String, String, String)},
 * {@link #postmasterPid()}, {@link #childPids()}, {@link #stableChildren(Duration)}.
 */
public final class PgJavaServer implements AutoCloseable {

    /** How to initialise and start the server. Mutable builder; defaults: superuser postgres, trust. */
    public static final class Options {
        String superuser = "postgres";
        String superuserPassword;        // null: no --pwfile
        String auth = "trust";
        String hbaConf;                   // null: initdb's default
        final Map<String, String> settings = new LinkedHashMap<>();
        java.util.function.Consumer<Path> beforeStart = d -> { };

        public Options superuser(String name) { this.superuser = name; return this; }
        /** Sets the superuser's password (initdb --pwfile). */
        public Options password(String pw) { this.superuserPassword = pw; return this; }
        /** initdb --auth METHOD (used for local and host lines). */
        public Options auth(String method) { this.auth = method; return this; }
        /** Replaces pg_hba.conf with this text before the server starts. */
        public Options hba(String text) { this.hbaConf = text; return this; }
        /** Runs after initdb and before the server starts, with the data directory (e.g. to add roles). */
        public Options beforeStart(java.util.function.Consumer<Path> hook) { this.beforeStart = hook; return this; }
        /** Adds {@code -c name=value} to the server's command line. */
        public Options set(String name, String value) { settings.put(name, value); return this; }
    }

    /** Result of running an external program. */
    public record ProcessResult(int exitCode, String stdout, String stderr) {
        public String all() { return stdout + stderr; }
    }

    private final Path root;
    private final Path dataDir;
    private final Path socketDir;
    private final int port;
    private final Options options;
    private boolean running;

    private PgJavaServer(Path root, Options options, int port) {
        this.root = root;
        this.dataDir = root.resolve("data");
        this.socketDir = root.resolve("sock");
        this.port = port;
        this.options = options;
    }

    public static Options options() {
        return new Options();
    }

    /** The repository root (system property pgjava.root, set by the src/test POM). */
    public static Path repoRoot() {
        String p = System.getProperty("pgjava.root");
        if (p == null) {
            p = Paths.get("").toAbsolutePath().resolve("../..").normalize().toString();
        }
        return Paths.get(p).toAbsolutePath().normalize();
    }

    /**
     * Initialises a data directory and starts a server. On failure everything started is stopped and the
     * directory removed before the exception propagates.
     */
    public static PgJavaServer start(Options options) {
        Path root;
        try {
            root = Files.createTempDirectory("pgjava-test-");
            Files.createDirectories(root.resolve("sock"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PgJavaServer s = new PgJavaServer(root, options, freePort());
        try {
            s.initdb();
            s.startServer();
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    private void initdb() {
        List<String> args = new ArrayList<>(List.of("initdb", "-D", dataDir.toString(), "-U", options.superuser,
                "--auth", options.auth));
        if (options.superuserPassword != null) {
            try {
                Path pw = root.resolve("pwfile");
                Files.writeString(pw, options.superuserPassword + "\n");
                args.add("--pwfile");
                args.add(pw.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ProcessResult r = pgjava(args);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("initdb failed (" + r.exitCode() + "):\n" + r.all());
        }
        if (options.hbaConf != null) {
            try {
                Files.writeString(dataDir.resolve("pg_hba.conf"), options.hbaConf);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        options.beforeStart.accept(dataDir);
    }

    private void startServer() {
        StringBuilder o = new StringBuilder();
        o.append("-c port=").append(port)
         .append(" -c listen_addresses=127.0.0.1")
         .append(" -c unix_socket_directories=").append(socketDir);
        for (Map.Entry<String, String> e : options.settings.entrySet()) {
            o.append(" -c ").append(e.getKey()).append('=').append(e.getValue());
        }
        ProcessResult r = pgjava(List.of("start", "-D", dataDir.toString(), "-l", logFile().toString(),
                "-o", o.toString(), "-t", "120"));
        running = true;
        if (r.exitCode() != 0) {
            throw new IllegalStateException("pgjava start failed (" + r.exitCode() + "):\n" + r.all()
                    + "\n--- server log ---\n" + log());
        }
    }

    /** Runs bin/pgjava with the given arguments and waits (at most 3 minutes). */
    public static ProcessResult pgjava(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(repoRoot().resolve("bin/pgjava").toString());
        cmd.addAll(args);
        return run(cmd, Map.of(), Duration.ofMinutes(3));
    }

    /** Runs a program, capturing stdout and stderr; kills it after the timeout. */
    public static ProcessResult run(List<String> cmd, Map<String, String> env, Duration timeout) {
        try {
            Path out = Files.createTempFile("pgjava-out", ".txt");
            Path err = Files.createTempFile("pgjava-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException("timed out after " + timeout + ": " + cmd
                            + "\nstdout: " + Files.readString(out) + "\nstderr: " + Files.readString(err));
                }
                return new ProcessResult(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the real psql binary against this server over TCP as the superuser, database postgres, with
     * {@code -X -q -A -t} (no psqlrc, quiet, unaligned, tuples only) unless args override them.
     */
    public ProcessResult psql(String... args) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-A", "-t", "-h", host(), "-p",
                String.valueOf(port), "-U", options.superuser, "-d", "postgres"));
        cmd.addAll(Arrays.asList(args));
        return run(cmd, psqlEnv(options.superuserPassword), Duration.ofSeconds(60));
    }

    /** Environment for psql: no PG* leakage from the caller, C locale, optional password. */
    public static Map<String, String> psqlEnv(String password) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGCONNECT_TIMEOUT", "20");
        env.put("LC_ALL", "C.UTF-8");
        env.put("PGCLIENTENCODING", "UTF8");
        env.put("PGSSLMODE", "disable");
        env.put("PGPASSWORD", password == null ? "" : password);
        return env;
    }

    /** A pgjdbc connection over TCP. */
    public Connection connect(String database, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "20");
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /** A pgjdbc connection as the superuser to database postgres. */
    public Connection connect() throws SQLException {
        return connect("postgres", options.superuser, options.superuserPassword);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public String host() { return "127.0.0.1"; }
    public int port() { return port; }
    public Path socketDir() { return socketDir; }
    public Path dataDir() { return dataDir; }
    public String superuser() { return options.superuser; }
    public Path logFile() { return root.resolve("server.log"); }

    /** The server log so far ("" if none). */
    public String log() {
        try {
            return Files.exists(logFile()) ? Files.readString(logFile(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read log: " + e + ")";
        }
    }

    /** The postmaster's pid from the first line of postmaster.pid. */
    public long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Direct children of the postmaster (standby and active backends, later auxiliary processes). */
    public List<ProcessHandle> children() {
        return ProcessHandle.of(postmasterPid()).map(h -> h.children().toList()).orElse(List.of());
    }

    /**
     * The set of the postmaster's child pids once it has stayed unchanged for {@code quiet} (pool
     * replenishment and backend reuse settle asynchronously), waiting at most 60 s.
     */
    public java.util.Set<Long> stableChildren(Duration quiet) {
        java.util.Set<Long> last = childPids();
        long stableSince = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            java.util.Set<Long> now = childPids();
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= quiet.toNanos()) {
                return now;
            }
        }
        return last;
    }

    /** The pids of the postmaster's direct children right now. */
    public java.util.Set<Long> childPids() {
        java.util.Set<Long> s = new java.util.TreeSet<>();
        for (ProcessHandle h : children()) {
            s.add(h.pid());
        }
        return s;
    }

    /** The pid of the postmaster's child whose process title is exactly title (e.g. "pgjava: checkpointer"), if any. */
    public Optional<Long> childWithTitle(String title) {
        for (ProcessHandle h : children()) {
            if (commandLine(h.pid()).equals(title)) {
                return Optional.of(h.pid());
            }
        }
        return Optional.empty();
    }

    /** Line 8 of postmaster.pid, trimmed ("starting", "ready", "stopping"); "" when the file is gone. */
    public String pidFileStatus() {
        try {
            List<String> l = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return l.size() >= 8 ? l.get(7).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The process title/command line of a process, as ps shows it ("" if gone). */
    public static String commandLine(long pid) {
        try {
            byte[] b = Files.readAllBytes(Paths.get("/proc/" + pid + "/cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls until the condition holds or the timeout passes; returns whether it held. */
    public static boolean waitFor(java.util.function.BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /**
     * Stops the server (fast), kills whatever is left of its process tree, deletes its directory and any
     * shared-memory segment file a killed postmaster left in /dev/shm.
     */
    @Override
    public void close() {
        if (running) {
            Optional<ProcessHandle> pm = Optional.empty();
            try {
                pm = ProcessHandle.of(postmasterPid());
            } catch (RuntimeException ignored) {
                // no pid file: nothing running
            }
            List<ProcessHandle> tree = new ArrayList<>();
            pm.ifPresent(h -> {
                tree.add(h);
                h.descendants().forEach(tree::add);
            });
            try {
                pgjava(List.of("stop", "-D", dataDir.toString(), "-m", "fast", "-t", "30"));
            } catch (RuntimeException ignored) {
                // fall through to the kill below
            }
            for (ProcessHandle h : tree) {
                if (h.isAlive()) {
                    h.destroyForcibly();
                }
            }
            running = false;
        }
        deleteTree(root);
        try {
            // a postmaster that was killed (kill -9 tests) leaves its shared segment, as PostgreSQL does
            Files.deleteIfExists(Paths.get("/dev/shm/pgjava." + port + ".shmem"));
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** A TCP port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
