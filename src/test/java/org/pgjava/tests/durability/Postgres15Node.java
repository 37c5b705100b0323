package org.pgjava.tests.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.pgjava.tests.harness.PgJavaServer;

/**
 * The real PostgreSQL 15 ({@code /usr/lib/postgresql/15/bin}, or $PGBIN) as a {@link DbNode}, used to
 * validate the durability tests themselves ({@code -Ddurability.server=postgres15}): initdb into a fresh
 * temp directory (trust, superuser postgres, UTF8, locale C), pg_ctl start/stop, as the OS user
 * {@code pgref} when running as root (PostgreSQL refuses root), like scripts/golden/generate.sh.
 */
final class Postgres15Node extends DbNode {
    private static final String PGBIN = System.getenv().getOrDefault("PGBIN", "/usr/lib/postgresql/15/bin");
    private final Path root;
    private final int port;
    private final Map<String, String> settings;

    private Postgres15Node(Path root, int port, Map<String, String> settings) {
        this.root = root;
        this.port = port;
        this.settings = settings;
    }

    static Postgres15Node start(Map<String, String> settings) {
        try {
            Path root = Files.createTempDirectory("pg15-durability-");
            Postgres15Node n = new Postgres15Node(root, PgJavaServer.freePort(), settings);
            if (isRoot()) {
                run(List.of("chown", "pgref:", root.toString()));
            }
            n.asPgref(List.of(PGBIN + "/initdb", "-D", n.dataDir().toString(), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C"));
            n.restart();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void asPgref(List<String> cmd) {
        List<String> c = new ArrayList<>();
        if (isRoot()) {
            c.addAll(List.of("runuser", "-u", "pgref", "--"));
        }
        c.addAll(cmd);
        run(c);
    }

    @Override public String host() { return "127.0.0.1"; }
    @Override public int port() { return port; }
    @Override public Path dataDir() { return root.resolve("data"); }

    @Override
    public String log() {
        try {
            Path l = root.resolve("postgres.log");
            return Files.exists(l) ? Files.readString(l) : "";
        } catch (IOException e) {
            return "(cannot read log: " + e + ")";
        }
    }

    @Override
    public void restart() {
        asPgref(List.of(PGBIN + "/pg_ctl", "-D", dataDir().toString(), "-l", root.resolve("postgres.log").toString(),
                "-w", "-t", "120", "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + root
                        + settingsArgs(settings), "start"));
    }

    @Override
    public void stopClean() {
        asPgref(List.of(PGBIN + "/pg_ctl", "-D", dataDir().toString(), "-m", "fast", "-w", "-t", "60", "stop"));
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dataDir().resolve("postmaster.pid"))) {
                long pm = postmasterPid();
                if (ProcessHandle.of(pm).isPresent()) {
                    try {
                        stopClean();
                    } catch (RuntimeException e) {
                        powerCut();
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // best effort
        }
        deleteTree(root);
    }
}
