package org.pgjava.tests.durability;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pgjava.tests.harness.PgJavaServer;

/**
 * A pgjava server for durability tests: initialised and first started by {@link PgJavaServer} (which also
 * cleans everything up in {@link #close()}), restarted on the same data directory, port and settings with
 * {@code bin/pgjava start} the way PgJavaServer starts it.
 */
final class PgJavaNode extends DbNode {
    private final PgJavaServer server;
    private final Map<String, String> settings;

    private PgJavaNode(PgJavaServer server, Map<String, String> settings) {
        this.server = server;
        this.settings = settings;
    }

    static PgJavaNode start(Map<String, String> settings) {
        PgJavaServer.Options o = PgJavaServer.options();
        settings.forEach(o::set);
        return new PgJavaNode(PgJavaServer.start(o), new LinkedHashMap<>(settings));
    }

    @Override public String host() { return server.host(); }
    @Override public int port() { return server.port(); }
    @Override public Path dataDir() { return server.dataDir(); }
    @Override public String log() { return server.log(); }

    @Override
    public void restart() {
        String opts = "-c port=" + server.port() + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                + server.socketDir() + settingsArgs(settings);
        PgJavaServer.ProcessResult r = PgJavaServer.pgjava(List.of("start", "-D", server.dataDir().toString(),
                "-l", server.logFile().toString(), "-o", opts, "-t", "120"));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("pgjava start after a crash failed (" + r.exitCode() + "):\n" + r.all()
                    + "\n--- server log (tail) ---\n" + logTail());
        }
    }

    @Override
    public void stopClean() {
        PgJavaServer.ProcessResult r = PgJavaServer.pgjava(List.of("stop", "-D", server.dataDir().toString(),
                "-m", "fast", "-t", "60"));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("pgjava stop failed (" + r.exitCode() + "):\n" + r.all());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
