package org.pgjava.postmaster;

import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.AuthFile;
import org.pgjava.catalog.authfile.MockAuthNonce;
import org.pgjava.conf.Settings;
import org.pgjava.conf.hba.HbaFile;
import org.pgjava.conf.hba.HbaRule;
import org.pgjava.postmaster.pool.BackendPool;
import org.pgjava.postmaster.pool.ConnectionSlots;
import org.pgjava.postmaster.startup.StartupPolicy;
import org.pgjava.postmaster.supervisor.ServerLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.List;

/**
 * The postmaster's configuration as connections see it: settings and pg_hba.conf rules (replaced as a
 * whole on SIGHUP), role/database data (re-read when the role file's modification time changes, as
 * PostgreSQL before 9.0 re-read its flat auth file), connection slots, cancel routing, and whether new
 * connections are refused now (the {@link ServerLifecycle}: starting, crash recovery, shutdown).
 * Created by {@link PostmasterMain}. Thread-safety: snapshots are volatile references to objects nobody
 * mutates after publication; {@link #authData()} is synchronized.
 */
public final class PostmasterState implements StartupPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(PostmasterState.class);

    private final Path dataDir;
    private final ConnectionSlots slots;
    private final SecureRandom random;
    private volatile Settings settings;
    private volatile List<HbaRule> hbaRules;
    private volatile BackendPool pool;
    private final ServerLifecycle lifecycle = new ServerLifecycle();
    private final byte[] mockAuthNonce;
    private AuthData authData;
    private FileTime authStamp;

    /**
     * @throws org.pgjava.conf.errors.PgException when pg_hba.conf or the role file cannot be read
     */
    public PostmasterState(Path dataDir, Settings settings, SecureRandom random) {
        this.dataDir = dataDir;
        this.settings = settings;
        this.random = random;
        this.slots = new ConnectionSlots(settings.getInt("max_connections"),
                settings.getInt("superuser_reserved_connections"));
        this.hbaRules = HbaFile.parse(hbaPath(settings));
        this.mockAuthNonce = readMockNonce(dataDir);
        authData();
    }

    /** Where pg_hba.conf is: the hba_file setting, else DIR/pg_hba.conf. */
    public Path hbaPath(Settings s) {
        String f = s.exists("hba_file") ? s.getString("hba_file") : "";
        return f == null || f.isEmpty() ? dataDir.resolve("pg_hba.conf") : Path.of(f);
    }

    void setPool(BackendPool pool) {
        this.pool = pool;
    }

    /** Publishes reloaded settings and rules. */
    void replace(Settings newSettings, List<HbaRule> newRules) {
        this.settings = newSettings;
        if (newRules != null) {
            this.hbaRules = newRules;
        }
    }

    /** The postmaster's state machine (start, run, crash-restart, shutdown). */
    ServerLifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public List<HbaRule> hbaRules() {
        return hbaRules;
    }

    @Override
    public synchronized AuthData authData() {
        Path file = AuthFile.path(dataDir);
        FileTime stamp;
        try {
            stamp = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            stamp = null;
        }
        if (authData == null || stamp == null || !stamp.equals(authStamp)) {
            try {
                authData = AuthFile.read(dataDir);
                authStamp = stamp;
            } catch (RuntimeException e) {
                if (authData == null) {
                    throw e;
                }
                LOG.warn("could not re-read role file \"{}\": {}", file, e.getMessage());
            }
        }
        return authData;
    }

    @Override
    public ConnectionSlots slots() {
        return slots;
    }

    @Override
    public boolean shuttingDown() {
        return lifecycle.phase() == ServerLifecycle.Phase.SHUTTING_DOWN;
    }

    @Override
    public String connectionRefusal() {
        return lifecycle.connectionRefusal();
    }

    @Override
    public void cancel(int pid, int secret) {
        BackendPool p = pool;
        if (p != null && !p.cancel(pid, secret)) {
            LOG.debug("cancel request for unknown backend PID {} ignored", pid);
        }
    }

    private static byte[] readMockNonce(Path dataDir) {
        try {
            return MockAuthNonce.read(dataDir);
        } catch (org.pgjava.conf.errors.PgException e) {
            if (e.sqlState() == org.pgjava.conf.errors.SqlState.UNDEFINED_FILE) {
                return new byte[0]; // data directory from an initdb that did not write one
            }
            throw e;
        }
    }

    @Override
    public byte[] mockAuthNonce() {
        return mockAuthNonce;
    }

    @Override
    public SecureRandom random() {
        return random;
    }
}
