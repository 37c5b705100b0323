package org.pgjava.postmaster;

import org.pgjava.conf.ConfigFile;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.conf.hba.HbaFile;
import org.pgjava.conf.hba.HbaRule;
import org.pgjava.postmaster.pool.BackendCommand;
import org.pgjava.postmaster.pool.BackendPool;
import org.pgjava.postmaster.pool.PoolConfig;
import org.pgjava.postmaster.startup.BackendHandoff;
import org.pgjava.postmaster.supervisor.AuxProcesses;
import org.pgjava.postmaster.supervisor.ChildExit;
import org.pgjava.postmaster.supervisor.ChildKind;
import org.pgjava.postmaster.supervisor.ChildLauncher;
import org.pgjava.postmaster.supervisor.ServerLifecycle;
import org.pgjava.shmem.handoff.HandoffServer;
import org.pgjava.shmem.handoff.HandoffSocketPath;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.ProcessControl;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.server.ServerSegmentLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The postmaster process: composition root of the supervisor JVM. {@code postmaster -D DIR [-p PORT]
 * [-h ADDRESSES] [-k SOCKETDIRS] [-c name=value]... [--name=value]...} (DIR defaults to $PGDATA).
 *
 * <p><b>The postmaster never touches shared state it could corrupt, and never runs SQL</b> (as
 * postmaster.c says of PostgreSQL's): it reads configuration, accepts connections, runs the startup phase
 * (hba, authentication, role checks), and hands each client's socket to a backend JVM it supervises. It
 * starts backends by main-class name only and links against no backend code.
 *
 * <p>Start: settings (defaults, postgresql.conf, command line) → postmaster.pid → hand-off socket →
 * listeners → shared segment (once the port is ours: its file name carries the port) → the startup process
 * (WAL replay; connections get 57P03 "the database system is starting up" meanwhile) → when it exits 0:
 * status "ready", "database system is ready to accept connections", checkpointer, standby pool, background
 * writer and WAL writer once the first standby is ready; any other exit of the startup process aborts the
 * postmaster. Crash-restart: any child that exits by a signal or with a status PostgreSQL counts as a
 * crash ({@link ChildExit}) makes the postmaster log it, tell every other child to quit (SIGUSR1), SIGKILL
 * those still alive after {@link #CRASH_KILL_AFTER_SECONDS} s, and once all are gone rebuild shared memory
 * and start again ({@link #crashRestart}; docs/postmaster/README.md has the whole sequence).
 * Signals (sun.misc.Signal; SIGQUIT belongs to the JVM):
 * <ul>
 * <li>SIGHUP: reload postgresql.conf (reloadable settings) and pg_hba.conf, forward SIGHUP to backends;</li>
 * <li>SIGTERM: smart shutdown — no new clients, wait for sessions to end;</li>
 * <li>SIGINT: fast shutdown — no new clients, SIGTERM to backends (their clients get FATAL 57P01);</li>
 * <li>SIGUSR2: immediate shutdown (PostgreSQL uses SIGQUIT) — SIGKILL every backend and exit at once.</li>
 * </ul>
 * Smart and fast shutdown stop the backends first, then the background writer (SIGTERM), then the
 * checkpointer (SIGUSR2) last, as PostgreSQL. During any shutdown, new connections get FATAL 57P03 "the
 * database system is shutting down". Exit status: 0 after a shutdown, 1 when the server could not start
 * or shut down after a crash because restart_after_crash is off.
 */
public final class PostmasterMain {
    private static final Logger LOG = LoggerFactory.getLogger(PostmasterMain.class);
    /** PostgreSQL's SIGKILL_CHILDREN_AFTER_SECS: children told to quit after a crash get SIGKILL after this. */
    static final int CRASH_KILL_AFTER_SECONDS = 5;
    /** The auxiliary processes start when the first standby is ready, or after this many seconds. */
    static final int AUX_START_DELAY_SECONDS = 3;
    /** How long a smart or fast shutdown waits for the checkpointer's shutdown checkpoint before SIGKILL. */
    static final int CHECKPOINTER_SHUTDOWN_SECONDS = 300;

    private final Path dataDir;
    private final List<String> commandLineSettings;
    private final SecureRandom random = new SecureRandom();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ExecutorService signalWorker = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("postmaster-signals").daemon().unstarted(r));
    /** Runs crash-restarts, one at a time, off the process-exit threads. */
    private final ExecutorService supervisor = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("postmaster-supervisor").daemon().unstarted(r));
    /**
     * Held while the server changes phase (shutdown begins; reinitialization after a crash), so a shutdown
     * request never interleaves with a restart half-done.
     */
    private final Object transitions = new Object();
    private ServerLifecycle lifecycle;
    private ChildLauncher launcher;
    private AuxProcesses aux;
    private volatile int exitStatus;
    private PostmasterState state;
    private PidFile pidFile;
    private HandoffServer handoffServer;
    private BackendPool pool;
    private ClientListeners listeners;
    private volatile String shutdownMode;
    /** The shared segment's layout (the same for every generation) and the current generation. */
    private ServerSegmentLayout segmentLayout;
    private volatile SharedSegment segment;
    /** Set while the startup process runs after a crash (the pool resumes when it has finished). */
    private boolean restartingAfterCrash;

    private PostmasterMain(Path dataDir, List<String> commandLineSettings) {
        this.dataDir = dataDir;
        this.commandLineSettings = commandLineSettings;
    }

    /** Command-line entry point; exits the JVM with the postmaster's status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs a postmaster until it is shut down.
     * @return 0 after a clean shutdown, 1 when it could not start, 2 for bad arguments
     */
    public static int run(String[] args) {
        Path dir = null;
        List<String> settings = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                switch (a) {
                    case "-D" -> dir = Path.of(args[++i]);
                    case "-p" -> settings.add("port=" + args[++i]);
                    case "-h" -> settings.add("listen_addresses=" + args[++i]);
                    case "-k" -> settings.add("unix_socket_directories=" + args[++i]);
                    case "-c" -> settings.add(args[++i]);
                    case "--help" -> {
                        System.out.println("usage: postmaster -D DATADIR [-p PORT] [-h ADDRESSES] [-k SOCKETDIRS]"
                                + " [-c NAME=VALUE]...");
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("--") && a.contains("=")) {
                            settings.add(a.substring(2));
                        } else if (a.startsWith("-c") && a.length() > 2) {
                            settings.add(a.substring(2));
                        } else if (a.startsWith("-D") && a.length() > 2) {
                            dir = Path.of(a.substring(2));
                        } else {
                            System.err.println("postmaster: invalid argument: \"" + a + "\"");
                            System.err.println("Try \"postmaster --help\" for more information.");
                            return 2;
                        }
                    }
                }
            } catch (ArrayIndexOutOfBoundsException e) {
                System.err.println("postmaster: option requires an argument -- '" + a + "'");
                return 2;
            }
        }
        if (dir == null && System.getenv("PGDATA") != null) {
            dir = Path.of(System.getenv("PGDATA"));
        }
        if (dir == null) {
            System.err.println("postmaster does not know where to find the server configuration file.\n"
                    + "You must specify the -D invocation option or set the PGDATA environment variable.");
            return 2;
        }
        PostmasterMain pm = new PostmasterMain(dir.toAbsolutePath().normalize(), settings);
        try {
            pm.start();
        } catch (PgException e) {
            LOG.error(org.slf4j.MarkerFactory.getMarker("FATAL"), "{}", e.getMessage());
            if (e.hint() != null) {
                LOG.error(org.slf4j.MarkerFactory.getMarker("HINT"), "{}", e.hint());
            }
            pm.cleanupAfterFailedStart();
            return 1;
        } catch (Exception e) {
            LOG.error(org.slf4j.MarkerFactory.getMarker("FATAL"), "could not start server: {}", e.toString(), e);
            pm.cleanupAfterFailedStart();
            return 1;
        }
        pm.awaitStop();
        return pm.exitStatus;
    }

    /**
     * Loads the settings as the postmaster (and each backend) does: defaults, then DIR/postgresql.conf,
     * then -c options with source COMMAND_LINE.
     * @throws PgException FATAL when the file is missing or contains errors, or an option is invalid
     */
    public static Settings loadSettings(Path dataDir, List<String> commandLine) {
        Settings s = Settings.defaults();
        Path conf = dataDir.resolve("postgresql.conf");
        if (!Files.isRegularFile(conf)) {
            throw new PgException(Severity.FATAL, SqlState.UNDEFINED_FILE,
                    "could not access the server configuration file \"" + conf + "\": No such file or directory");
        }
        List<String> problems = s.applyFile(ConfigFile.parse(conf), false);
        if (!problems.isEmpty()) {
            problems.forEach(p -> LOG.info("{}", p));
            throw new PgException(Severity.FATAL, SqlState.CONFIG_FILE_ERROR,
                    "configuration file \"" + conf + "\" contains errors");
        }
        try {
            s.applyCommandLine(commandLine);
        } catch (PgException e) {
            throw new PgException(Severity.FATAL, e.sqlState(), e.getMessage());
        }
        return s;
    }

    static PoolConfig poolConfig(Settings s) {
        String opts = s.getString("backend_jvm_options");
        List<String> jvm = opts == null || opts.isBlank() ? List.of() : Arrays.asList(opts.trim().split("\\s+"));
        return new PoolConfig(s.getInt("standby_backends"), s.getBool("backend_reuse"),
                s.getInt("backend_max_clients"), jvm, s.getInt("backend_startup_timeout"),
                s.getInt("backend_idle_timeout") * 1000L);
    }

    private void start() throws Exception {
        if (!Files.isDirectory(dataDir)) {
            throw new PgException(Severity.FATAL, SqlState.UNDEFINED_FILE,
                    "data directory \"" + dataDir + "\" does not exist");
        }
        Settings settings = loadSettings(dataDir, commandLineSettings);
        int port = settings.getInt("port");
        List<String> dirs = ClientListeners.splitList(settings.getString("unix_socket_directories"));
        List<String> addrs = ClientListeners.splitList(settings.getString("listen_addresses"));
        ProcessControl title = new ProcessControl();
        title.setTitle("pgjava: postmaster -D " + dataDir);
        pidFile = PidFile.acquire(dataDir, ProcessControl.pid(), System.currentTimeMillis() / 1000, port,
                dirs.isEmpty() ? "" : dirs.get(0), addrs.isEmpty() ? "" : addrs.get(0));
        writeOptionsFile();
        LOG.info("starting pgjava 0.1 (PostgreSQL 15 wire protocol) on {}-linux, Java {}",
                System.getProperty("os.arch"), Runtime.version());
        state = new PostmasterState(dataDir, settings, random);
        lifecycle = state.lifecycle();
        Path socketPath = HandoffSocketPath.choose(dataDir, random);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        BackendCommand command = new BackendCommand(Path.of(java), System.getProperty("java.class.path"), dataDir,
                commandLineSettings, socketPath, ProcessControl.pid(), this::sharedMemoryEnvironment);
        launcher = new ChildLauncher();
        pool = new BackendPool(command, poolConfig(settings), random, launcher);
        pool.setExitObserver((pid, status, requested) -> onChildExit(ChildKind.BACKEND, pid, status, requested));
        aux = new AuxProcesses(command, launcher, this::onChildExit);
        state.setPool(pool);
        handoffServer = HandoffServer.start(socketPath, pool);
        listeners = new ClientListeners(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        listeners.open(settings.getString("listen_addresses"), port, settings.getString("unix_socket_directories"),
                settings.getInt("unix_socket_permissions"), dataDir, state, new BackendHandoff(pool));
        createSharedMemory(settings, port);
        installSignals();
        // the startup process runs first, alone; connections get 57P03 "the database system is starting
        // up" until it has finished (onStartupExit → startupFinished)
        aux.startStartupProcess();
    }

    /**
     * The startup process exited 0 (on the supervisor thread): the server runs. postmaster.pid says
     * "ready", "database system is ready to accept connections", the checkpointer starts at once (a
     * CHECKPOINT or a shutdown needs it), the standbys, and the other auxiliary processes once the first
     * standby is ready. Nothing happens if a shutdown began meanwhile.
     */
    private void startupFinished() {
        synchronized (transitions) {
            if (lifecycle.phase() != ServerLifecycle.Phase.STARTING) {
                return;
            }
            if (restartingAfterCrash) {
                pool.resumeAfterCrash();
            }
            pidFile.setStatus(PidFile.STATUS_READY);
            lifecycle.markRunning();
            LOG.info("database system is ready to accept connections");
            aux.startAll(List.of(ChildKind.CHECKPOINTER));
            startAuxiliaryProcessesSoon();
            pool.replenish();
            if (!restartingAfterCrash) {
                pool.prepareAotCache();
            }
            restartingAfterCrash = false;
        }
    }

    /**
     * The startup process's exit (from its process-exit thread). 0: the server starts running. Any other
     * status, unless the postmaster stopped it: PostgreSQL's "startup process (PID n) exited with exit code
     * 1" + "aborting startup due to startup process failure", and the postmaster exits with status 1 —
     * at the first start and after a crash alike.
     */
    private void onStartupExit(long pid, int status, boolean requested) {
        if (requested) {
            return;
        }
        if (status == 0) {
            supervisor.execute(this::startupFinished);
            return;
        }
        LOG.info("{}", ChildExit.describe(ChildKind.STARTUP, pid, status));
        LOG.info("aborting startup due to startup process failure");
        supervisor.execute(this::abortStartup);
    }

    /** After a failed startup process: every child is killed, files removed, exit status 1. */
    private void abortStartup() {
        synchronized (transitions) {
            lifecycle.beginShutdown();
            aux.killAll();
            pool.killAll();
            listeners.closeListeners();
            listeners.shutdownLoops();
            handoffServer.close();
            deleteHandoffDirectory();
            removeSharedMemory();
            pidFile.remove();
            exitStatus = 1;
            stopped.countDown();
        }
    }

    /**
     * Starts the background writer and the WAL writer once the first standby backend is ready (at most
     * {@link #AUX_START_DELAY_SECONDS} s from now): on a 2-core machine starting more JVMs together with the
     * standbys made the first accepted connection after a crash ~0.3–0.5 s later. (PostgreSQL starts its
     * checkpointer and background writer before its startup process; pgjava's startup process writes its
     * end-of-recovery checkpoint itself and needs neither.)
     */
    private void startAuxiliaryProcessesSoon() {
        pool.nextBackendReady().completeOnTimeout(null, AUX_START_DELAY_SECONDS, TimeUnit.SECONDS)
                .thenRunAsync(() -> {
                    synchronized (transitions) {
                        if (lifecycle.phase() == ServerLifecycle.Phase.RUNNING) {
                            aux.startAll();
                        }
                    }
                }, supervisor);
    }

    /**
     * THE PLACE WHERE THE POSTMASTER CREATES THE SHARED SEGMENT: at start, before any child exists, so every
     * child maps it. {@link ServerSegmentLayout#slotCount} slots (max_connections + standby_backends + 2
     * auxiliary + headroom), status slots sized by track_activity_query_size; the file is
     * {@link ServerSegmentLayout#segmentFile}. The postmaster maps it but never takes a lock in it.
     *
     * @throws java.io.IOException if the file cannot be created (e.g. ENOSPC on /dev/shm)
     */
    private void createSharedMemory(Settings settings, int port) throws java.io.IOException {
        int buffers = settings.getInt("shared_buffers");
        segmentLayout = ServerSegmentLayout.layout(
                ServerSegmentLayout.slotCount(settings.getInt("max_connections"), settings.getInt("standby_backends")),
                settings.getInt("track_activity_query_size"), buffers,
                ServerSegmentLayout.resolveWalBuffers(settings.getInt("wal_buffers"), buffers),
                settings.getInt("max_locks_per_transaction"));
        SegmentIdentity id = new SegmentIdentity(ServerSegmentLayout.segmentFile(dataDir, port), ProcessControl.pid(), 1);
        segment = SharedSegment.create(id, segmentLayout.regions());
        LOG.debug("created {} with {} process slots", segment, segmentLayout.slots());
    }

    /**
     * THE PLACE WHERE THE SHARED SEGMENT IS REBUILT AFTER A CRASH: called with no child alive, before any
     * child is started again (PostgreSQL: shmem_exit + reset_shared): the next generation replaces the file
     * (a straggler of the old one keeps its unlinked mapping and cannot attach the new one). Then (issue 4)
     * the startup process runs recovery before connections are accepted.
     */
    private void reinitializeSharedMemory() {
        SharedSegment old = segment;
        try {
            segment = SharedSegment.create(old.identity().nextGeneration(), segmentLayout.regions());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not re-create shared memory segment", e);
        }
        old.close();
    }

    /** The environment a child started now needs to attach the current segment. */
    private Map<String, String> sharedMemoryEnvironment() {
        SharedSegment s = segment;
        if (s == null) {
            return Map.of();
        }
        return Map.of(SegmentIdentity.ENVIRONMENT_VARIABLE, s.identity().toEnvironmentValue(),
                ServerSegmentLayout.ENVIRONMENT_VARIABLE, segmentLayout.toEnvironmentValue());
    }

    /** At the postmaster's exit: unmaps and deletes the segment file. Never throws. */
    private void removeSharedMemory() {
        SharedSegment s = segment;
        if (s == null) {
            return;
        }
        try {
            s.remove();
        } catch (Exception e) {
            LOG.warn("could not remove shared memory segment \"{}\": {}", s.identity().file(), e.toString());
        }
        try {
            s.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    // ---- children's exits and crash-restart ----

    /**
     * Every child's exit (from a process-exit thread): the lifecycle decides what it means; a crash is
     * logged here, at once, in PostgreSQL's words, and handled on the supervisor thread.
     */
    private void onChildExit(ChildKind kind, long pid, int status, boolean requested) {
        if (kind == ChildKind.STARTUP) {
            onStartupExit(pid, status, requested);
            return;
        }
        switch (lifecycle.onChildExit(kind, status, requested)) {
            case NORMAL -> {
            }
            case RESTART -> aux.start(kind);
            case CRASH -> {
                LOG.info("{}", ChildExit.describe(kind, pid, status));
                String activity = kind == ChildKind.BACKEND ? crashedActivity((int) pid) : null;
                if (activity != null) {
                    LOG.info(org.slf4j.MarkerFactory.getMarker("DETAIL"), "Failed process was running: {}", activity);
                }
                LOG.info("terminating any other active server processes");
                supervisor.execute(this::crashRestart);
            }
        }
    }

    /**
     * The last query text the crashed backend {@code pid} reported in its status slot (PostgreSQL's
     * pgstat_get_crashed_backend_activity), read without waiting on the slot's change counter; null if it
     * has none or the segment is gone.
     */
    private String crashedActivity(int pid) {
        SharedSegment s = segment;
        if (s == null) return null;
        try {
            return new org.pgjava.shmem.status.BackendStatusArray(
                    s.region(ServerSegmentLayout.BACKEND_STATUS), segmentLayout.querySize()).crashedActivity(pid);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * PostgreSQL's crash-restart: every other child is told to quit (backends send their client WARNING
     * 57P02 and exit; auxiliary processes exit) — SIGUSR1, pgjava's SIGQUIT — and those still alive after
     * {@link #CRASH_KILL_AFTER_SECONDS} get SIGKILL; new connections meanwhile get FATAL 57P03 "the
     * database system is in recovery mode". Once no child is left: with restart_after_crash off the
     * postmaster exits (status 1); during a shutdown the shutdown sequence finishes; otherwise "all server
     * processes terminated; reinitializing", shared memory is rebuilt, auxiliary processes and standbys
     * start again, and "database system is ready to accept connections". postmaster.pid says "ready"
     * throughout, as PostgreSQL's does (its postmaster writes "starting" only at its first start, and
     * "ready" again when the startup process finishes).
     */
    private void crashRestart() {
        CompletableFuture<Void> gone = CompletableFuture.allOf(pool.quitForCrash(), aux.quitAll());
        try {
            gone.get(CRASH_KILL_AFTER_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.info("issuing SIGKILL to recalcitrant children");
            pool.killAll();
            aux.killAll();
            gone.join();
        } catch (Exception e) {
            LOG.warn("waiting for children after a crash: {}", e.toString());
            gone.join();
        }
        boolean restart = state.settings().getBool("restart_after_crash");
        synchronized (transitions) {
            switch (lifecycle.afterChildrenGone(restart)) {
                case SHUTDOWN -> {
                    // a shutdown request came meanwhile: its sequence sees every child gone and finishes
                }
                case EXIT_AFTER_CRASH -> {
                    LOG.info("shutting down because restart_after_crash is off");
                    listeners.closeListeners();
                    listeners.shutdownLoops();
                    handoffServer.close();
                    deleteHandoffDirectory();
                    removeSharedMemory();
                    pidFile.remove();
                    LOG.info("database system is shut down"); // PostgreSQL logs it at every postmaster exit
                    exitStatus = 1;
                    stopped.countDown();
                }
                case REINITIALIZE -> {
                    LOG.info("all server processes terminated; reinitializing");
                    reinitializeSharedMemory();
                    // crash recovery by the startup process before connections are accepted again;
                    // startupFinished resumes the pool
                    restartingAfterCrash = true;
                    aux.startStartupProcess();
                }
            }
        }
    }

    /** DIR/postmaster.opts, as PostgreSQL writes it: the command line, shown by pg_ctl status. */
    private void writeOptionsFile() {
        StringBuilder b = new StringBuilder("pgjava postmaster \"-D\" \"" + dataDir + "\"");
        for (String c : commandLineSettings) {
            b.append(" \"-c\" \"").append(c).append('"');
        }
        try {
            Files.writeString(dataDir.resolve("postmaster.opts"), b.append('\n').toString());
        } catch (java.io.IOException e) {
            LOG.warn("could not write file \"postmaster.opts\": {}", e.getMessage());
        }
    }

    private void installSignals() {
        for (int sig : new int[]{LibC.SIGHUP, LibC.SIGTERM, LibC.SIGINT, LibC.SIGUSR2}) {
            ProcessControl.resetToDefault(sig);
        }
        Signal.handle(new Signal("HUP"), s -> signalWorker.execute(this::reload));
        Signal.handle(new Signal("TERM"), s -> signalWorker.execute(() -> shutdown("smart")));
        Signal.handle(new Signal("INT"), s -> signalWorker.execute(() -> shutdown("fast")));
        Signal.handle(new Signal("USR2"), s -> immediateShutdown());
    }

    private void reload() {
        if (shutdownMode != null) {
            return;
        }
        LOG.info("received SIGHUP, reloading configuration files");
        Settings fresh = state.settings().copy();
        try {
            List<String> problems = fresh.applyFile(ConfigFile.parse(dataDir.resolve("postgresql.conf")), true);
            for (String p : problems) {
                LOG.info("{}", p);
            }
            if (!problems.isEmpty()) {
                LOG.info("configuration file \"{}\" contains errors; unaffected changes were applied",
                        dataDir.resolve("postgresql.conf"));
            }
        } catch (PgException e) {
            LOG.info("{}", e.getMessage());
            LOG.info("configuration file \"{}\" contains errors; no changes were applied",
                    dataDir.resolve("postgresql.conf"));
            return;
        }
        List<HbaRule> rules = null;
        try {
            rules = HbaFile.parse(state.hbaPath(fresh));
        } catch (PgException e) {
            LOG.info("{}", e.getMessage());
            LOG.warn("pg_hba.conf was not reloaded");
        }
        state.replace(fresh, rules);
        pool.reconfigure(poolConfig(fresh));
        for (int pid : pool.announcedPids()) {
            ProcessControl.signal(pid, LibC.SIGHUP);
        }
        for (int pid : aux.pids()) {
            ProcessControl.signal(pid, LibC.SIGHUP);
        }
    }

    private void shutdown(String mode) {
        CompletableFuture<Void> gone;
        synchronized (transitions) {
            if (!lifecycle.beginShutdown()) {
                if (mode.equals("fast") && "smart".equals(shutdownMode)) {
                    shutdownMode = "fast"; // PostgreSQL lets a faster mode override a slower one
                    LOG.info("received fast shutdown request");
                    pool.shutdownFast();
                }
                return;
            }
            shutdownMode = mode;
            LOG.info("received {} shutdown request", mode);
            aux.disable(); // no restarts from now on; the running ones stop after the backends
            try {
                pidFile.setStatus(PidFile.STATUS_STOPPING);
            } catch (IllegalStateException e) {
                // e.g. the data directory was removed under us: still shut down
                LOG.warn("{}", e.getMessage());
            }
            gone = mode.equals("smart") ? pool.shutdownSmart() : pool.shutdownFast();
        }
        if (mode.equals("fast")) {
            LOG.info("aborting any active transactions");
        }
        while (true) {
            try {
                long waitSeconds = shutdownMode.equals("smart") ? 3600 : 10;
                gone.get(waitSeconds, TimeUnit.SECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                if (shutdownMode.equals("fast")) {
                    LOG.info("backends did not exit in time; killing them");
                    pool.killAll();
                    break;
                }
            } catch (Exception e) {
                break;
            }
        }
        stopAuxiliaryProcesses();
        finishShutdown();
    }

    /**
     * PostgreSQL's order once the backends are gone: a startup process still running, the background
     * writer and the WAL writer, then the checkpointer last (its shutdown checkpoint; given
     * {@link #CHECKPOINTER_SHUTDOWN_SECONDS}, the others 10 s).
     */
    private void stopAuxiliaryProcesses() {
        for (ChildKind kind : List.of(ChildKind.STARTUP, ChildKind.BACKGROUND_WRITER, ChildKind.WAL_WRITER,
                ChildKind.CHECKPOINTER)) {
            try {
                aux.stop(kind).get(kind == ChildKind.CHECKPOINTER ? CHECKPOINTER_SHUTDOWN_SECONDS : 10,
                        TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.info("{} did not exit in time; killing it", kind.logName());
                aux.killAll();
            }
        }
    }

    private void immediateShutdown() {
        LOG.info("received immediate shutdown request");
        shutdownMode = "immediate";
        lifecycle.beginShutdown();
        pool.killAll();
        aux.killAll();
        try {
            listeners.closeListeners();
            handoffServer.close();
            deleteHandoffDirectory();
            removeSharedMemory();
        } finally {
            pidFile.remove();
            LOG.info("database system is shut down");
            Runtime.getRuntime().halt(0);
        }
    }

    private void finishShutdown() {
        listeners.closeListeners();
        handoffServer.close();
        listeners.shutdownLoops();
        deleteHandoffDirectory();
        removeSharedMemory();
        pidFile.remove();
        LOG.info("database system is shut down");
        stopped.countDown();
    }

    private void deleteHandoffDirectory() {
        try {
            Files.deleteIfExists(handoffServer.socketPath().getParent());
        } catch (Exception ignored) {
            // not empty or already gone
        }
    }

    private void awaitStop() {
        while (true) {
            try {
                stopped.await();
                return;
            } catch (InterruptedException ignored) {
                // keep waiting
            }
        }
    }

    private void cleanupAfterFailedStart() {
        if (pool != null) {
            pool.killAll();
        }
        if (aux != null) {
            aux.killAll();
        }
        if (listeners != null) {
            listeners.closeListeners();
            listeners.shutdownLoops();
        }
        if (handoffServer != null) {
            handoffServer.close();
        }
        removeSharedMemory();
        if (pidFile != null) {
            pidFile.remove();
        }
    }
}
