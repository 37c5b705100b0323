package org.pgjava.backend.aux;

import org.pgjava.backend.access.ProcessStorage;
import org.pgjava.backend.access.wal.ControlFile;
import org.pgjava.backend.access.wal.RedoHandler;
import org.pgjava.backend.access.wal.WalPanicError;
import org.pgjava.backend.access.wal.WalSyncMethod;
import org.pgjava.backend.access.xlog.Checkpoint;
import org.pgjava.backend.access.xlog.StartupRecovery;
import org.pgjava.backend.storage.buffer.BgwriterRound;
import org.pgjava.backend.storage.smgr.DataSyncFailedError;
import org.pgjava.conf.ConfigFile;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.shmem.checkpoint.CheckpointRequests;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.ProcessControl;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SegmentValidationException;
import org.pgjava.shmem.server.ProcessAttachment;
import org.pgjava.shmem.server.ServerSegmentLayout;
import org.pgjava.shmem.status.WaitEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MarkerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An auxiliary process (startup, checkpointer, background writer, WAL writer): composition root of its own
 * JVM, started by the postmaster as {@code java ... org.pgjava.backend.aux.AuxProcessMain --kind
 * startup|checkpointer|background-writer|walwriter -D DIR [-c name=value]...} with PGJAVA_POSTMASTER_PID
 * and the shared segment's identity in its environment and stdin a pipe from the postmaster.
 *
 * <p>Life: PR_SET_PDEATHSIG(SIGKILL) and a stdin-EOF watchdog (the postmaster is gone → exit 1) → signal
 * handlers → process title ({@code pgjava: startup}, {@code pgjava: checkpointer}, {@code pgjava: background
 * writer}, {@code pgjava: walwriter}) → settings as the postmaster loads them → attach the shared segment,
 * claim a process slot (pg_stat_activity shows the process with its backend_type) → compose its
 * {@link ProcessStorage} (the startup process and the checkpointer as the sync-request collector) → its
 * work:
 * <ul>
 * <li>startup: {@link StartupRecovery} (replay WAL if needed, end-of-recovery checkpoint), then exit 0 —
 *     the postmaster accepts connections only after that;</li>
 * <li>checkpointer: {@link #checkpointerLoop}: a checkpoint every checkpoint_timeout, when WAL since the last
 *     checkpoint's redo exceeds max_wal_size / (1 + checkpoint_completion_target), or on request
 *     ({@link CheckpointRequests}, SIGINT); sync requests absorbed between checkpoints; on SIGUSR2 "shutting
 *     down" and the shutdown checkpoint, then exit 0;</li>
 * <li>background writer: every bgwriter_delay a {@code BufferManager.cleanAhead} round; when a round found
 *     nothing to do, it hibernates for 50 delays (wait event BgWriterHibernate);</li>
 * <li>WAL writer: every wal_writer_delay a {@code WalInserter.walWriterCycle()}.</li>
 * </ul>
 *
 * <p>Signals: checkpointer SIGINT = checkpoint request, SIGUSR2 = shutdown checkpoint and exit, SIGTERM
 * ignored; background writer and WAL writer SIGTERM = exit 0; startup SIGTERM = exit 1; all SIGUSR1 = quit
 * at once with status 2 (pgjava's SIGQUIT: crash-restart), SIGHUP = re-read postgresql.conf.
 *
 * <p>PANIC: a {@link WalPanicError} (WAL write or fsync failed), {@link DataSyncFailedError} (a data file
 * fsync failed) or a PgException of severity PANIC is logged as {@code PANIC:  message} and the process
 * exits with status 2, so the postmaster crash-restarts and recovery replays WAL. A failed fsync is never
 * retried. Exit status otherwise: 0 when done or told to stop, 1 when it cannot start (no or a foreign
 * segment, no free slot, FATAL error) or the postmaster died.
 */
public final class AuxProcessMain {
    private static final Logger LOG = LoggerFactory.getLogger(AuxProcessMain.class);
    /** PostgreSQL's HIBERNATE_FACTOR for the background writer. */
    static final int HIBERNATE_FACTOR = 50;
    /** The checkpointer wakes at least this often to absorb sync requests and check the WAL volume. */
    static final long CHECKPOINTER_MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The kinds, by their --kind argument. */
    enum Kind {
        STARTUP("startup", "pgjava: startup", BackendType.STARTUP, null),
        CHECKPOINTER("checkpointer", "pgjava: checkpointer", BackendType.CHECKPOINTER, WaitEvent.CHECKPOINTER_MAIN),
        BACKGROUND_WRITER("background-writer", "pgjava: background writer", BackendType.BACKGROUND_WRITER,
                WaitEvent.BGWRITER_MAIN),
        WAL_WRITER("walwriter", "pgjava: walwriter", BackendType.WAL_WRITER, WaitEvent.WALWRITER_MAIN);

        final String argument;
        final String title;
        final BackendType backendType;
        final WaitEvent mainWait;

        Kind(String argument, String title, BackendType backendType, WaitEvent mainWait) {
            this.argument = argument;
            this.title = title;
            this.backendType = backendType;
            this.mainWait = mainWait;
        }

        static Kind of(String argument) {
            for (Kind k : values()) {
                if (k.argument.equals(argument)) {
                    return k;
                }
            }
            return null;
        }
    }

    private final Kind kind;
    private final Path dataDir;
    private final List<String> commandLineSettings;
    private final Thread mainThread = Thread.currentThread();
    private final ProcessControl processControl = new ProcessControl();
    private volatile boolean stopRequested;
    private volatile boolean reloadPending;

    private AuxProcessMain(Kind kind, Path dataDir, List<String> commandLineSettings) {
        this.kind = kind;
        this.dataDir = dataDir;
        this.commandLineSettings = commandLineSettings;
    }

    /** Process entry point; exits the JVM with the status described in the class comment. */
    public static void main(String[] args) {
        Path dir = null;
        Kind kind = null;
        List<String> settings = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--kind" -> kind = Kind.of(args[++i]);
                    case "-D" -> dir = Path.of(args[++i]);
                    case "-c" -> settings.add(args[++i]);
                    default -> throw new IllegalArgumentException("invalid argument \"" + args[i] + "\"");
                }
            }
        } catch (RuntimeException e) {
            System.err.println("auxiliary process: " + e.getMessage());
            System.exit(1);
        }
        if (dir == null || kind == null) {
            System.err.println("auxiliary process: --kind startup|checkpointer|background-writer|walwriter and -D DIR"
                    + " are required");
            System.exit(1);
        }
        int status;
        try {
            status = new AuxProcessMain(kind, dir, settings).run();
        } catch (WalPanicError | DataSyncFailedError e) {
            LOG.error(MarkerFactory.getMarker("PANIC"), "{}", e.getMessage());
            status = 2;
        } catch (PgException e) {
            LOG.error(MarkerFactory.getMarker(e.severity() == Severity.PANIC ? "PANIC" : "FATAL"), "{}",
                    e.getMessage());
            if (e.hint() != null) {
                LOG.error(MarkerFactory.getMarker("HINT"), "{}", e.hint());
            }
            status = e.severity() == Severity.PANIC ? 2 : 1;
        } catch (Throwable t) {
            LOG.error("{} failed: {}", kind.argument, t.toString(), t);
            status = 1;
        }
        ProcessControl.exitNow(status); // System.exit would wait ~300 ms for the threads blocked in native code
    }

    private int run() throws IOException {
        String pm = System.getenv("PGJAVA_POSTMASTER_PID");
        int postmasterPid = pm == null ? 0 : Integer.parseInt(pm);
        if (!ProcessControl.dieWithParent(postmasterPid)) {
            return 1;
        }
        ProcessControl.pid(); // binds libc (LibC) now, so a signal handler never triggers class loading
        // handlers before anything the postmaster (or a test) could take as "started", such as the title:
        // a SIGTERM that found the JVM's default action would kill us by the signal, which is a crash
        installSignals();
        ProcessControl.exitWhenStdinCloses();
        processControl.setTitle(kind.title);
        Settings settings = loadSettings();
        ProcessAttachment shared;
        try {
            shared = ProcessAttachment.attach(System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE),
                    System.getenv(ServerSegmentLayout.ENVIRONMENT_VARIABLE), ProcessControl.pid(), kind.backendType);
        } catch (SegmentValidationException e) {
            LOG.info("shared memory segment belongs to another server generation: {}", e.getMessage());
            return 1;
        } catch (ProcessAttachment.NoFreeSlotException e) {
            LOG.error("{}", e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            LOG.error("could not attach shared memory segment: {}", e.toString());
            return 1;
        }
        try {
            ProcessStorage storage = ProcessStorage.attach(shared, dataDir, storageSettings(settings),
                    kind == Kind.STARTUP || kind == Kind.CHECKPOINTER, () -> { });
            switch (kind) {
                case STARTUP -> new StartupRecovery(storage, redoHandlers(storage), settings.getBool("log_checkpoints"),
                        maxWalSize(settings)).run(what -> processControl.setTitle(kind.title + " " + what));
                case CHECKPOINTER -> checkpointerLoop(settings, shared, storage);
                case BACKGROUND_WRITER -> backgroundWriterLoop(settings, shared, storage);
                case WAL_WRITER -> walWriterLoop(settings, shared, storage);
            }
            storage.wal().close();
        } finally {
            shared.detach();
        }
        return 0;
    }

    /**
     * The redo handlers of every resource manager but XLOG (which the startup driver adds itself): the
     * engine's HEAP, HEAP2, XACT and SMGR handlers. A record of any other manager stops recovery with
     * "rmgr N not found".
     */
    static Map<Integer, RedoHandler> redoHandlers(ProcessStorage storage) {
        return org.pgjava.backend.access.redo.RedoHandlers.forProcess(storage);
    }

    // ---- checkpointer ----

    private void checkpointerLoop(Settings settings, ProcessAttachment shared, ProcessStorage storage)
            throws IOException {
        CheckpointRequests requests = new CheckpointRequests(shared.segment().region(CheckpointRequests.REGION));
        requests.setCheckpointerPid(ProcessControl.pid());
        Checkpoint checkpoint = new Checkpoint(storage);
        long lastRedo = ControlFile.read(dataDir).checkPointCopy().redo();
        long lastCheckpointNanos = System.nanoTime();
        try {
            while (!stopRequested) {
                if (reloadPending) {
                    settings = reload(settings);
                }
                storage.syncTable().absorb();
                long timeout = TimeUnit.SECONDS.toNanos(settings.getLong("checkpoint_timeout"));
                long walThreshold = (long) (maxWalSize(settings) / (1 + settings.getReal("checkpoint_completion_target")));
                int extra = -1;
                if (requests.pendingFlags() != 0) {
                    extra = 0;
                } else if (System.nanoTime() - lastCheckpointNanos >= timeout) {
                    extra = CheckpointRequests.CAUSE_TIME;
                } else if (storage.wal().shared().insertEndLsn() - lastRedo >= walThreshold) {
                    extra = CheckpointRequests.CAUSE_XLOG;
                }
                if (extra >= 0) {
                    int flags = requests.begin(extra);
                    boolean failed = true;
                    try {
                        Checkpoint.Result r = checkpoint.perform(flags, settings.getBool("log_checkpoints"),
                                maxWalSize(settings));
                        lastRedo = r.redo();
                        failed = false;
                    } catch (PgException e) {
                        if (e.severity() == Severity.PANIC) {
                            throw e;
                        }
                        LOG.error("{}", e.getMessage());
                    } catch (IOException e) {
                        LOG.error("checkpoint failed: {}", e.getMessage());
                    } finally {
                        requests.finish(failed);
                    }
                    lastCheckpointNanos = System.nanoTime();
                    continue;
                }
                long remaining = timeout - (System.nanoTime() - lastCheckpointNanos);
                shared.statusSlot().reportWaitEvent(kind.mainWait);
                LockSupport.parkNanos(Math.max(1, Math.min(remaining, CHECKPOINTER_MAX_SLEEP_NANOS)));
                shared.statusSlot().reportWaitEnd();
            }
            LOG.info("shutting down");
            requests.begin(CheckpointRequests.IS_SHUTDOWN | CheckpointRequests.IMMEDIATE);
            checkpoint.perform(CheckpointRequests.IS_SHUTDOWN | CheckpointRequests.IMMEDIATE,
                    settings.getBool("log_checkpoints"), maxWalSize(settings));
            requests.finish(false);
        } finally {
            requests.setCheckpointerPid(0);
        }
    }

    // ---- background writer ----

    private void backgroundWriterLoop(Settings settings, ProcessAttachment shared, ProcessStorage storage) {
        while (!stopRequested) {
            if (reloadPending) {
                settings = reload(settings);
            }
            BgwriterRound round = storage.buffers().cleanAhead(settings.getInt("bgwriter_lru_maxpages"),
                    settings.getReal("bgwriter_lru_multiplier"));
            long delay = TimeUnit.MILLISECONDS.toNanos(settings.getLong("bgwriter_delay"));
            boolean idle = round.written() == 0 && round.allocations() == 0;
            WaitEvent wait = idle ? WaitEvent.BGWRITER_HIBERNATE : kind.mainWait;
            shared.statusSlot().reportWaitEvent(wait);
            LockSupport.parkNanos(idle ? delay * HIBERNATE_FACTOR : delay);
            shared.statusSlot().reportWaitEnd();
        }
    }

    // ---- WAL writer ----

    private void walWriterLoop(Settings settings, ProcessAttachment shared, ProcessStorage storage) {
        while (!stopRequested) {
            if (reloadPending) {
                settings = reload(settings);
            }
            storage.wal().walWriterCycle();
            shared.statusSlot().reportWaitEvent(kind.mainWait);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.getLong("wal_writer_delay")));
            shared.statusSlot().reportWaitEnd();
        }
    }

    // ---- settings and signals ----

    /** The storage settings of a process; the segment size is pg_control's when it exists. */
    private ProcessStorage.Settings storageSettings(Settings s) {
        long segmentSize = s.getLong("wal_segment_size");
        try {
            segmentSize = ControlFile.read(dataDir).walSegmentSize();
        } catch (IOException e) {
            // no pg_control: the startup process reports it
        }
        return new ProcessStorage.Settings(s.getBool("fsync"), s.getBool("full_page_writes"),
                WalSyncMethod.fromSetting(s.getString("wal_sync_method")), segmentSize);
    }

    /** max_wal_size in bytes. */
    private static long maxWalSize(Settings s) {
        return s.getLong("max_wal_size") << 20;
    }

    private Settings reload(Settings current) {
        reloadPending = false;
        try {
            return loadSettings();
        } catch (RuntimeException e) {
            LOG.info("could not reload configuration: {}", e.getMessage());
            return current;
        }
    }

    private void installSignals() {
        for (int sig : new int[]{LibC.SIGHUP, LibC.SIGTERM, LibC.SIGINT, LibC.SIGUSR1, LibC.SIGUSR2}) {
            ProcessControl.resetToDefault(sig);
        }
        Signal.handle(new Signal("USR1"), s -> ProcessControl.exitNow(2));
        Signal.handle(new Signal("HUP"), s -> {
            reloadPending = true;
            LockSupport.unpark(mainThread);
        });
        sun.misc.SignalHandler stop = s -> {
            stopRequested = true;
            LockSupport.unpark(mainThread);
        };
        switch (kind) {
            case CHECKPOINTER -> {
                Signal.handle(new Signal("USR2"), stop);
                Signal.handle(new Signal("TERM"), sun.misc.SignalHandler.SIG_IGN);
                Signal.handle(new Signal("INT"), s -> LockSupport.unpark(mainThread));
            }
            case STARTUP -> {
                Signal.handle(new Signal("TERM"), s -> ProcessControl.exitNow(1));
                Signal.handle(new Signal("USR2"), sun.misc.SignalHandler.SIG_IGN);
                Signal.handle(new Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
            }
            default -> {
                Signal.handle(new Signal("TERM"), stop);
                Signal.handle(new Signal("USR2"), sun.misc.SignalHandler.SIG_IGN);
                Signal.handle(new Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
            }
        }
    }

    /** postgresql.conf plus the postmaster's -c options, which the postmaster has already validated. */
    private Settings loadSettings() {
        Settings s = Settings.defaults();
        s.applyFile(ConfigFile.parse(dataDir.resolve("postgresql.conf")), false);
        s.applyCommandLine(commandLineSettings);
        return s;
    }
}
