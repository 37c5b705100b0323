package org.pgjava.backend.main;

import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.wal.WalSyncMethod;
import org.pgjava.backend.protocol.StartupInfo;
import org.pgjava.backend.protocol.PostgresMain;
import org.pgjava.backend.protocol.SessionEnd;
import org.pgjava.backend.tcop.ActivityReporter;
import org.pgjava.conf.ConfigFile;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.handoff.HandoffClient;
import org.pgjava.shmem.handoff.HandoffPayload;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.ProcessControl;
import org.pgjava.shmem.os.UnixSockets;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SegmentValidationException;
import org.pgjava.shmem.server.ProcessAttachment;
import org.pgjava.shmem.server.ServerSegmentLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The backend process: composition root of a backend JVM, started by the postmaster as
 * {@code java ... org.pgjava.backend.main.BackendMain -D DIR [-c name=value]...} with the hand-off socket,
 * the postmaster's pid and a random token in its environment (PGJAVA_HANDOFF_SOCKET, PGJAVA_POSTMASTER_PID,
 * PGJAVA_BACKEND_TOKEN).
 *
 * <p>Life: PR_SET_PDEATHSIG(SIGKILL) and a watchdog on stdin (a pipe from the postmaster: EOF means the
 * postmaster is gone) → load settings as the postmaster does → attach the shared segment (PGJAVA_SHMEM,
 * PGJAVA_SHMEM_LAYOUT), claim a process slot and show as a standby backend in its status slot (another
 * generation or a full array: log, exit 1) → warm up (a whole scripted session against
 * an in-memory channel, so the first client meets loaded, compiled code) → connect to the hand-off socket
 * and announce READY → loop: receive a client socket + payload, serve it with {@link PostgresMain}, close
 * it, report DONE (reusable or not) → exit when not reusable, when told to quit, or at EOF on the link.
 *
 * <p>Shared segment: each client makes the process slot a client backend of its database and role with the
 * client's address (pg_stat_activity), and the session reports its activity there; a reused backend becomes
 * a standby again; every orderly exit frees the slot ({@link ProcessAttachment#detach()}), a crash exit does not.
 *
 * <p>Signals: SIGTERM ends the session with FATAL 57P01 "terminating connection due to administrator
 * command" (via PostgresMain's terminate flag; a session idle in a read gets the message written and its
 * socket shut down) and exits; SIGINT asks the running statement to cancel; SIGHUP makes the next session
 * use re-read settings; SIGUSR1 is pgjava's SIGQUIT (the JVM owns SIGQUIT), sent by the postmaster's
 * crash-restart: the client gets PostgreSQL's WARNING 57P02 "terminating connection because of crash of
 * another server process" (with its DETAIL and HINT), its socket is shut down, and the process exits at
 * once with status 2 (PostgreSQL's quickdie) — no cleanup, since shared memory may be corrupt. Process title: "pgjava: backend starting" until READY, "pgjava: standby backend" while waiting,
 * "pgjava: USER DB HOST(PORT) ACTIVITY" or "pgjava: USER DB [local] ACTIVITY" while serving.
 * Exit status 0 for every orderly exit; 1 when the backend cannot start. {@code --aot-training} runs only
 * the warm-up and exits (the postmaster's AOT-cache training run).
 */
public final class BackendMain {
    private static final Logger LOG = LoggerFactory.getLogger(BackendMain.class);
    private static final String STARTING_TITLE = "pgjava: backend starting";
    private static final String STANDBY_TITLE = "pgjava: standby backend";
    private static final int WARM_UP_ROUNDS = 40;
    /** How long the SIGUSR1 path waits for the warning to be written before it exits regardless. */
    private static final long CRASH_WARNING_WRITE_MILLIS = 1000;

    private final Path dataDir;
    private final List<String> commandLineSettings;
    private final ProcessControl title = new ProcessControl();
    private final int pid = ProcessControl.pid();
    private volatile Settings settings;
    /** This process's storage views, composed once after the segment is attached. */
    private ProcessStorage storage;
    private volatile boolean reloadPending;
    private volatile boolean terminating;
    private volatile PostgresMain session;
    private volatile SocketClientChannel sessionChannel;
    private volatile String activity = "";
    private final byte[] crashWarning = BackendMessages.noticeResponse(crashWarning());
    /** This process's place in the shared segment (null only in the AOT training run). */
    private volatile ProcessAttachment shared;

    private BackendMain(Path dataDir, List<String> commandLineSettings) {
        this.dataDir = dataDir;
        this.commandLineSettings = commandLineSettings;
    }

    /** Process entry point. */
    public static void main(String[] args) {
        Path dir = null;
        List<String> settings = new ArrayList<>();
        boolean training = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--aot-training" -> training = true;
                case "-D" -> dir = Path.of(args[++i]);
                case "-c" -> settings.add(args[++i]);
                default -> {
                    System.err.println("backend: invalid argument \"" + args[i] + "\"");
                    System.exit(1);
                }
            }
        }
        if (dir == null) {
            System.err.println("backend: -D is required");
            System.exit(1);
        }
        int status;
        BackendMain backend = new BackendMain(dir, settings);
        try {
            status = training ? backend.train() : backend.run();
        } catch (Throwable t) {
            LOG.error("backend process failed: {}", t.toString(), t);
            status = 1;
        }
        if (training) {
            System.exit(status); // the JVM writes the AOT cache during an orderly exit
        }
        // System.exit/halt would wait ~300 ms for the threads blocked in native code (see ProcessControl.exitNow)
        backend.exitNow(status);
    }

    private int run() throws IOException {
        int postmasterPid = intEnv("PGJAVA_POSTMASTER_PID");
        if (!ProcessControl.dieWithParent(postmasterPid)) {
            return 1; // the postmaster died before we could ask to die with it
        }
        ProcessControl.pid(); // binds libc (LibC) now, so a signal handler never triggers class loading
        installSignals(); // before the title: a signal must never meet the JVM's default action (see AuxProcessMain)
        ProcessControl.exitWhenStdinCloses();
        title.setTitle(STARTING_TITLE);
        settings = loadSettings();
        shared = attachSharedMemory(pid, BackendType.STANDBY_BACKEND);
        if (shared == null) {
            return 1;
        }
        storage = attachStorage(shared);
        if (storage == null) {
            return 1;
        }
        long t0 = System.nanoTime();
        warmUp();
        LOG.debug("backend warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
        String socket = System.getenv("PGJAVA_HANDOFF_SOCKET");
        String token = System.getenv("PGJAVA_BACKEND_TOKEN");
        if (socket == null || token == null) {
            LOG.error("backend started without PGJAVA_HANDOFF_SOCKET / PGJAVA_BACKEND_TOKEN");
            return 1;
        }
        try (HandoffClient link = HandoffClient.connect(Path.of(socket))) {
            link.announceReady(pid, token);
            title.setTitle(STANDBY_TITLE);
            while (!terminating) {
                HandoffClient.Incoming in = link.awaitNext();
                if (!(in instanceof HandoffClient.Client client)) {
                    return 0; // Quit, or the postmaster closed the link
                }
                boolean reusable = serve(client.descriptor(), client.payload());
                reusable &= !terminating;
                link.reportDone(reusable);
                if (!reusable) {
                    return 0;
                }
                title.setTitle(STANDBY_TITLE);
            }
        }
        return 0;
    }

    /**
     * The AOT training run (the postmaster runs it with -XX:AOTCacheOutput): load settings, run the
     * warm-up session, exit. The JVM writes the cache of every class this loaded when it exits.
     */
    private int train() {
        settings = loadSettings();
        warmUp();
        return 0;
    }

    /** Serves one client; returns whether this process may serve another one. */
    private boolean serve(int fd, HandoffPayload p) {
        if (reloadPending) {
            reloadPending = false;
            try {
                settings = loadSettings();
            } catch (RuntimeException e) {
                LOG.info("could not reload configuration: {}", e.getMessage());
            }
        }
        try {
            UnixSockets.setBlocking(fd);
        } catch (IOException e) {
            UnixSockets.closeQuietly(fd);
            return false;
        }
        if (!p.local()) {
            UnixSockets.setIntOption(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1);
        }
        SocketClientChannel channel = new SocketClientChannel(fd, p.pipelined(), p.clientAddress(), p.clientPort());
        StartupInfo info = new StartupInfo(p.user(), p.database(), p.roleOid(), p.databaseOid(), p.superuser(),
                new LinkedHashMap<>(p.parameters()), p.cancelSecret());
        String prefix = "pgjava: " + p.user() + " " + p.database() + " "
                + (p.local() ? "[local]" : p.clientAddress() + "(" + p.clientPort() + ")") + " ";
        PostgresMain s = new PostgresMain(channel, info, settings, pid, a -> {
            activity = a;
            title.setTitle(prefix + a);
        });
        ProcessAttachment sh = shared;
        sh.becomeClient(p.databaseOid(), p.database(), p.roleOid(), p.user(), p.parameters().get("application_name"),
                p.local(), p.clientAddress(), p.clientPort());
        s.attachActivity(org.pgjava.backend.tcop.ActivitySource.of(sh.statusArray(), sh.procs()),
                ActivityReporter.of(sh.statusSlot()));
        s.attachSignals(sh.statusArray()::snapshot, this::isSuperuserRole);
        ProcessStorage ps = storage;
        org.pgjava.backend.access.catalog.CatalogInvalidation catalogInvalidation = null;
        if (ps != null) {
            s.attachStorage(ps);
            catalogInvalidation = attachCatalog(s.session(), ps, p.databaseOid());
        }
        title.setTitle(prefix + "authentication");
        sessionChannel = channel;
        session = s;
        if (terminating) {
            s.requestTerminate();
        }
        SessionEnd end;
        try {
            end = s.run();
        } finally {
            if (catalogInvalidation != null) {
                catalogInvalidation.leave();
            }
            session = null;
            sessionChannel = null;
            channel.close();
            if (ps != null) {
                if (ps.panicked() != null) {
                    panic(ps.panicked());
                }
                // session reset for reuse: no LWLocks, no pins; the session's release aborted its transaction
                ps.releaseAfterError();
            } else {
                sh.lwlockOwner().releaseAll();
            }
        }
        if (end.reusable() && !terminating) {
            sh.becomeStandby();
        }
        return end.reusable();
    }

    /**
     * Catalog wiring (access/catalog): the session's relation cache, its end of the shared invalidation
     * queue (joined now with this process's slot; the caller leaves it when the session ends) and the
     * resolver/catalog writer over the session's transaction manager.
     */
    private org.pgjava.backend.access.catalog.CatalogInvalidation attachCatalog(org.pgjava.backend.tcop.Session s, ProcessStorage ps,
                                                                             int databaseOid) {
        if (bootstrapData == null) {
            bootstrapData = org.pgjava.catalog.bootstrap.BootstrapData.load();
        }
        var cache = new org.pgjava.backend.access.catalog.RelationCache(10_000);
        var invalidation = new org.pgjava.backend.access.catalog.CatalogInvalidation(ps.invalidations(),
                ps.attachment().slot(), (int) ProcessHandle.current().pid(), databaseOid, cache);
        invalidation.join();
        s.attachCatalog(new org.pgjava.backend.access.catalog.CatalogRelations(
                new org.pgjava.backend.access.catalog.CatalogAccess(bootstrapData, s.transactionManager(), databaseOid),
                cache, invalidation, s.context()));
        return invalidation;
    }

    /** The catalog shapes, loaded once per process by the first session. */
    private org.pgjava.catalog.bootstrap.BootstrapData bootstrapData;

    /**
     * Composes this process's storage views over the attached segment (on the attaching thread): the
     * postmaster-context settings fsync, full_page_writes, wal_sync_method, 16 MiB WAL segments; lock waits
     * poll the running session's interrupts; a PANIC (WAL write/flush failure, failed data fsync, an error
     * inside a critical section) logs {@code PANIC:  <message>} and exits with status 2 at once, without
     * detaching, so the postmaster runs crash-restart. Null after logging why not.
     */
    private ProcessStorage attachStorage(ProcessAttachment sh) {
        try {
            Settings s = settings;
            ProcessStorage ps = ProcessStorage.attach(sh, dataDir, new ProcessStorage.Settings(s.getBool("fsync"),
                    s.getBool("full_page_writes"), WalSyncMethod.fromSetting(s.getString("wal_sync_method")),
                    16L << 20), false, () -> {
                        PostgresMain m = session;
                        if (m != null) {
                            m.sessionContext().checkForInterrupts();
                        }
                    });
            ps.setPanicHandler(BackendMain::panic);
            return ps;
        } catch (RuntimeException e) {
            LOG.error("could not attach storage: {}", e.toString());
            return null;
        }
    }

    /** PANIC: log and exit with status 2 at once (the postmaster's crash-restart); never returns. */
    static void panic(Throwable error) {
        System.err.println("PANIC:  " + error.getMessage());
        System.err.flush();
        LOG.error("PANIC:  {}", error.getMessage(), error);
        ProcessControl.exitNow(2);
    }

    private void installSignals() {
        for (int sig : new int[]{LibC.SIGHUP, LibC.SIGTERM, LibC.SIGINT, LibC.SIGUSR1}) {
            ProcessControl.resetToDefault(sig);
        }
        Signal.handle(new Signal("USR1"), sig -> quitForCrash());
        Signal.handle(new Signal("TERM"), sig -> onTerminate());
        Signal.handle(new Signal("INT"), sig -> {
            PostgresMain s = session;
            if (s != null) {
                s.requestCancel();
            }
        });
        Signal.handle(new Signal("HUP"), sig -> reloadPending = true);
    }

    /**
     * PostgreSQL 15's quickdie message (WARNING_CLIENT_ONLY: to the client, not to the server log), sent
     * as a NoticeResponse before the connection closes.
     */
    /**
     * Whether {@code roleOid} is a superuser's, read from the role file the postmaster also reads (so a
     * role altered since this backend started is judged by its current attributes); false if unknown.
     */
    private boolean isSuperuserRole(int roleOid) {
        for (var r : org.pgjava.catalog.authfile.AuthFile.read(dataDir).roles()) {
            if (r.oid() == roleOid) return r.superuser();
        }
        return false;
    }

    static PgException crashWarning() {
        return new PgException(org.pgjava.conf.errors.Severity.WARNING, SqlState.CRASH_SHUTDOWN,
                "terminating connection because of crash of another server process")
                .withDetail("The postmaster has commanded this server process to roll back the current transaction"
                        + " and exit, because another server process exited abnormally and possibly corrupted"
                        + " shared memory.")
                .withHint("In a moment you should be able to reconnect to the database and repeat your command.");
    }

    /** SIGUSR1 from the postmaster's crash-restart: warn the client, exit at once with status 2. */
    private void quitForCrash() {
        terminating = true;
        SocketClientChannel ch = sessionChannel;
        if (ch != null) {
            // the session thread may hold the channel (a write to a slow client): never wait for it long
            Thread w = Thread.ofPlatform().daemon().name("crash-warning").start(() -> ch.writeFatalAndShutdown(crashWarning));
            try {
                w.join(CRASH_WARNING_WRITE_MILLIS);
            } catch (InterruptedException ignored) {
                // exit anyway
            }
        }
        ProcessControl.exitNow(2);
    }

    private void onTerminate() {
        terminating = true;
        PostgresMain s = session;
        SocketClientChannel ch = sessionChannel;
        if (s == null || ch == null) {
            exitNow(0); // idle standby: only the shared slot to free
            return;
        }
        s.requestTerminate();
        PgException fatal = PgException.fatal(SqlState.ADMIN_SHUTDOWN,
                "terminating connection due to administrator command");
        Thread.ofPlatform().daemon().name("terminate").start(() -> {
            // a running statement reacts at its next interrupt check; an idle session is blocked in read
            long deadline = System.currentTimeMillis() + (activity.startsWith("idle") ? 0 : 2000);
            while (session == s && System.currentTimeMillis() < deadline) {
                sleep(20);
            }
            if (session == s) {
                ch.writeFatalAndShutdown(BackendMessages.errorResponse(fatal));
            }
            sleep(5000);
            exitNow(0);
        });
    }

    /**
     * Attaches the shared segment named in the environment and claims a slot as {@code type}.
     *
     * @return the attachment, or null after logging why not (a dead generation, no free slot, no segment)
     */
    static ProcessAttachment attachSharedMemory(int pid, BackendType type) {
        try {
            return ProcessAttachment.attach(System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE),
                    System.getenv(ServerSegmentLayout.ENVIRONMENT_VARIABLE), pid, type);
        } catch (SegmentValidationException e) {
            LOG.info("shared memory segment belongs to another server generation: {}", e.getMessage());
        } catch (ProcessAttachment.NoFreeSlotException e) {
            LOG.error("{}", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.error("could not attach shared memory segment: {}", e.toString());
        }
        return null;
    }

    /** An orderly exit: frees this process's shared slot (if any), then ends the process at once. */
    private void exitNow(int status) {
        ProcessAttachment sh = shared;
        if (sh != null) {
            sh.detach();
        }
        ProcessControl.exitNow(status);
    }

    /** Runs a scripted session so classes are loaded and hot paths compiled before the first client. */
    private void warmUp() {
        try {
            LinkedHashMap<String, String> params = new LinkedHashMap<>();
            params.put("user", "pgjava_warmup");
            params.put("database", "postgres");
            params.put("application_name", "warm-up");
            params.put("client_encoding", "UTF8");
            StartupInfo info = new StartupInfo("pgjava_warmup", "postgres", 10, 5, true, params, 0);
            ScriptedClientChannel ch = new ScriptedClientChannel(ScriptedClientChannel.warmUpScript(WARM_UP_ROUNDS));
            new PostgresMain(ch, info, settings, pid, a -> { }).run();
            // load the error encoder the SIGTERM path uses, so a signal never triggers class loading
            BackendMessages.errorResponse(PgException.fatal(SqlState.ADMIN_SHUTDOWN, "warm-up"));
        } catch (RuntimeException e) {
            LOG.debug("warm-up failed: {}", e.toString());
        }
    }

    /** postgresql.conf plus the postmaster's -c options, which the postmaster has already validated. */
    private Settings loadSettings() {
        Settings s = Settings.defaults();
        s.applyFile(ConfigFile.parse(dataDir.resolve("postgresql.conf")), false);
        s.applyCommandLine(commandLineSettings);
        return s;
    }


    private static int intEnv(String name) {
        String v = System.getenv(name);
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
