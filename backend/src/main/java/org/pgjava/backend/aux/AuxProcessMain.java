package org.pgjava.backend.aux;

import org.pgjava.conf.ConfigFile;
import org.pgjava.conf.Settings;
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
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An auxiliary process (checkpointer or background writer): composition root of its own JVM, started
 * by the postmaster as {@code java ... org.pgjava.backend.aux.AuxProcessMain --kind checkpointer|background-writer
 * -D DIR [-c name=value]...} with PGJAVA_POSTMASTER_PID in its environment and stdin a pipe from the
 * postmaster.
 *
 * <p>Life: PR_SET_PDEATHSIG(SIGKILL) and a stdin-EOF watchdog (the postmaster is gone → exit 1) → process
 * title ({@code pgjava: checkpointer}, {@code pgjava: background writer}, as PostgreSQL shows them) →
 * settings as the postmaster loads them → attach the shared segment (PGJAVA_SHMEM, PGJAVA_SHMEM_LAYOUT), claim
 * a process slot, begin its status slot (pg_stat_activity shows it with its backend_type) → the main loop: sleep checkpoint_timeout (checkpointer) or
 * bgwriter_delay (background writer), wake, repeat. The loop has no work yet: checkpoints and dirty-buffer
 * writing come with storage (issue 4), and nothing here pretends to do them.
 *
 * <p>Signals, as PostgreSQL's processes of these kinds:
 * <ul>
 * <li>checkpointer: SIGUSR2 → logs "shutting down" (where the shutdown checkpoint will be written) and
 *     exits 0; SIGTERM ignored (PostgreSQL's checkpointer ignores it too);</li>
 * <li>background writer: SIGTERM → exit 0;</li>
 * <li>both: SIGUSR1 → quit at once with status 2 (pgjava's SIGQUIT: the postmaster's crash-restart);
 *     SIGHUP → re-read postgresql.conf (new delays apply from the next round).</li>
 * </ul>
 * Exit status: 0 when told to stop (the slot freed first), 2 on SIGUSR1, 1 when it cannot start (no or a
 * foreign segment, no free slot) or the postmaster died.
 */
public final class AuxProcessMain {
    private static final Logger LOG = LoggerFactory.getLogger(AuxProcessMain.class);

    /** The kinds, by their --kind argument. */
    enum Kind {
        CHECKPOINTER("checkpointer", "pgjava: checkpointer", BackendType.CHECKPOINTER, WaitEvent.CHECKPOINTER_MAIN),
        BACKGROUND_WRITER("background-writer", "pgjava: background writer", BackendType.BACKGROUND_WRITER,
                WaitEvent.BGWRITER_MAIN);

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
            System.err.println("auxiliary process: --kind checkpointer|background-writer and -D DIR are required");
            System.exit(1);
        }
        int status;
        try {
            status = new AuxProcessMain(kind, dir, settings).run();
        } catch (Throwable t) {
            LOG.error("{} failed: {}", kind.argument, t.toString(), t);
            status = 1;
        }
        ProcessControl.exitNow(status); // System.exit would wait ~300 ms for the threads blocked in native code

    }

    private int run() {
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
        new ProcessControl().setTitle(kind.title);
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
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("could not attach shared memory segment: {}", e.toString());
            return 1;
        }
        try {
            mainLoop(settings, shared);
        } finally {
            shared.detach();
        }
        if (kind == Kind.CHECKPOINTER) {
            LOG.info("shutting down");
        }
        return 0;
    }

    /** Rounds until told to stop; the status slot shows the kind's main wait event while it sleeps. */
    private void mainLoop(Settings settings, ProcessAttachment shared) {
        while (!stopRequested) {
            if (reloadPending) {
                reloadPending = false;
                try {
                    settings = loadSettings();
                } catch (RuntimeException e) {
                    LOG.info("could not reload configuration: {}", e.getMessage());
                }
            }
            // issue 4 gives each round its work (checkpoint / writing dirty buffers); there is none yet
            shared.statusSlot().reportWaitEvent(kind.mainWait);
            LockSupport.parkNanos(roundNanos(settings));
            shared.statusSlot().reportWaitEnd();
        }
    }

    /** How long one round sleeps: checkpoint_timeout (seconds) or bgwriter_delay (milliseconds). */
    private long roundNanos(Settings s) {
        return kind == Kind.CHECKPOINTER ? s.getLong("checkpoint_timeout") * 1_000_000_000L
                : s.getLong("bgwriter_delay") * 1_000_000L;
    }

    private void installSignals() {
        for (int sig : new int[]{LibC.SIGHUP, LibC.SIGTERM, LibC.SIGUSR1, LibC.SIGUSR2}) {
            ProcessControl.resetToDefault(sig);
        }
        Signal.handle(new Signal("USR1"), s -> ProcessControl.exitNow(2));
        Signal.handle(new Signal("HUP"), s -> {
            reloadPending = true;
            LockSupport.unpark(mainThread);
        });
        Signal stop = new Signal(kind == Kind.CHECKPOINTER ? "USR2" : "TERM");
        Signal.handle(stop, s -> {
            stopRequested = true;
            LockSupport.unpark(mainThread);
        });
        Signal.handle(new Signal(kind == Kind.CHECKPOINTER ? "TERM" : "USR2"), sun.misc.SignalHandler.SIG_IGN);
    }

    /** postgresql.conf plus the postmaster's -c options, which the postmaster has already validated. */
    private Settings loadSettings() {
        Settings s = Settings.defaults();
        s.applyFile(ConfigFile.parse(dataDir.resolve("postgresql.conf")), false);
        s.applyCommandLine(commandLineSettings);
        return s;
    }
}
