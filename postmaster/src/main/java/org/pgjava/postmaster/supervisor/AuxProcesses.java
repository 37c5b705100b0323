package org.pgjava.postmaster.supervisor;

import org.pgjava.postmaster.pool.BackendCommand;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.ProcessControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The auxiliary processes (startup, checkpointer, background writer, WAL writer): each its own child JVM, started by the
 * postmaster by main-class name only ({@link #AUX_MAIN}, layering: the postmaster never links backend
 * code) from the {@link ChildLauncher} thread, at most one per kind.
 *
 * <p>Command line: {@code java <AUX_JVM_OPTIONS> --enable-native-access=ALL-UNNAMED -cp <class path>
 * org.pgjava.backend.aux.AuxProcessMain --kind startup|checkpointer|background-writer|walwriter -D DIR [-c name=value]...},
 * with PGJAVA_POSTMASTER_PID and the shared segment's PGJAVA_SHMEM, PGJAVA_SHMEM_LAYOUT in its environment and stdin a pipe only the postmaster holds (the child's
 * watchdog exits at EOF; it also sets PR_SET_PDEATHSIG).
 *
 * <p>Entry points: {@link #startAll()}, {@link #start(ChildKind)}, {@link #stop(ChildKind)} (orderly:
 * SIGTERM to the background writer, SIGUSR2 to the checkpointer, as PostgreSQL), {@link #quitAll()}
 * (crash: SIGUSR1, pgjava's SIGQUIT substitute), {@link #killAll()} (SIGKILL), {@link #pids()}. Every
 * exit is reported to the {@link ExitObserver} with whether the postmaster had asked for it. Thread-safety:
 * state under {@code this}; signals are sent and observers called outside the lock.
 */
public final class AuxProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(AuxProcesses.class);
    /** The auxiliary processes' composition root, named by string only. */
    public static final String AUX_MAIN = "org.pgjava.backend.aux.AuxProcessMain";
    /**
     * Small, fast-starting JVMs: they do no work yet that needs heap or compiled code (no warm-up, C1 only,
     * serial GC, small heap, stack and code cache, CDS on when available, no hsperfdata file).
     */
    public static final List<String> AUX_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss256k", "-Xms8m", "-Xmx32m", "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData", "-Xshare:auto");

    /** Told of every auxiliary process's exit (from a process-exit thread). */
    public interface ExitObserver {
        /**
         * @param kind      which process
         * @param pid       its pid
         * @param status    {@link Process#exitValue()}
         * @param requested whether the postmaster asked it to exit (stop, quit, kill)
         */
        void auxExited(ChildKind kind, long pid, int status, boolean requested);
    }

    private static final class Child {
        final ChildKind kind;
        final Process process;
        volatile boolean requested;

        Child(ChildKind kind, Process process) {
            this.kind = kind;
            this.process = process;
        }
    }

    private final BackendCommand command;
    private final ChildLauncher launcher;
    private final ExitObserver observer;
    private final Map<ChildKind, Child> running = new EnumMap<>(ChildKind.class);
    private boolean enabled;
    private CompletableFuture<Void> allGone = CompletableFuture.completedFuture(null);

    /**
     * @param command  where java, the class path, the data directory and the -c settings come from
     * @param launcher the postmaster's child-launcher thread
     * @param observer told of every exit
     */
    public AuxProcesses(BackendCommand command, ChildLauncher launcher, ExitObserver observer) {
        this.command = command;
        this.launcher = launcher;
        this.observer = observer;
    }

    /** The kinds started by {@link #startAll()}, in PostgreSQL's start order (the startup process apart). */
    public static List<ChildKind> kinds() {
        return List.of(ChildKind.CHECKPOINTER, ChildKind.BACKGROUND_WRITER, ChildKind.WAL_WRITER);
    }

    /**
     * Queues the start of the startup process (at the server's start and after each crash, before anything
     * else), whether or not the other kinds are enabled. Its exit reaches the {@link ExitObserver} like every
     * other; if it cannot even be started, the observer hears of an exit with status 1 (pid 0).
     */
    public void startStartupProcess() {
        launcher.submit(() -> launch(ChildKind.STARTUP, true));
    }

    /** The command line of one auxiliary process. */
    public List<String> commandLine(ChildKind kind) {
        List<String> cmd = new ArrayList<>();
        cmd.add(command.javaBinary().toString());
        cmd.addAll(AUX_JVM_OPTIONS);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(command.classPath());
        cmd.add(AUX_MAIN);
        cmd.add("--kind");
        cmd.add(kind.argument());
        cmd.add("-D");
        cmd.add(command.dataDir().toAbsolutePath().toString());
        for (String s : command.settingArgs()) {
            cmd.add("-c");
            cmd.add(s);
        }
        return cmd;
    }

    /** Enables starting and queues a start of every kind not running. */
    public void startAll() {
        startAll(kinds());
    }

    /** Enables starting and queues a start of each of {@code which} not running. */
    public void startAll(List<ChildKind> which) {
        synchronized (this) {
            enabled = true;
        }
        which.forEach(this::start);
    }

    /** Queues the start of one process of kind on the launcher thread (nothing if one runs, or if disabled). */
    public void start(ChildKind kind) {
        launcher.submit(() -> launch(kind, false));
    }

    private void launch(ChildKind kind, boolean evenIfDisabled) {
        Child c;
        synchronized (this) {
            if ((!enabled && !evenIfDisabled) || running.containsKey(kind)) {
                return;
            }
            ProcessBuilder pb = new ProcessBuilder(commandLine(kind))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put(BackendCommand.ENV_POSTMASTER_PID, Integer.toString(command.postmasterPid()));
            command.fillSharedMemoryEnvironment(pb.environment());
            try {
                c = new Child(kind, pb.start());
            } catch (IOException e) {
                LOG.error("could not start {}: {}", kind.logName(), e.getMessage());
                c = null;
            }
            if (c == null) {
                if (kind != ChildKind.STARTUP) {
                    return;
                }
            } else {
                if (running.isEmpty()) {
                    allGone = new CompletableFuture<>();
                }
                running.put(kind, c);
            }
        }
        if (c == null) {
            observer.auxExited(kind, 0, 1, false); // the startup process could not be started
            return;
        }
        LOG.debug("started {} (PID {})", kind.logName(), c.process.pid());
        Child started = c;
        c.process.onExit().thenRun(() -> onExit(started));
    }

    private void onExit(Child c) {
        int status = c.process.exitValue();
        CompletableFuture<Void> done = null;
        synchronized (this) {
            if (running.get(c.kind) == c) {
                running.remove(c.kind);
            }
            if (running.isEmpty()) {
                done = allGone;
            }
        }
        observer.auxExited(c.kind, c.process.pid(), status, c.requested);
        if (done != null) {
            done.complete(null);
        }
    }

    /**
     * Orderly stop of one kind: SIGUSR2 to the checkpointer (shutdown checkpoint), SIGTERM to the others;
     * no restart.
     * @return completed when it has exited (at once when none runs)
     */
    public CompletableFuture<Void> stop(ChildKind kind) {
        Child c;
        synchronized (this) {
            c = running.get(kind);
            if (c == null) {
                return CompletableFuture.completedFuture(null);
            }
            c.requested = true;
        }
        ProcessControl.signal((int) c.process.pid(), kind == ChildKind.CHECKPOINTER ? LibC.SIGUSR2 : LibC.SIGTERM);
        return c.process.onExit().thenApply(p -> null);
    }

    /** Disables starting (a queued start does nothing) — for a shutdown or a crash. */
    public synchronized void disable() {
        enabled = false;
    }

    /**
     * Crash: disables starting and sends SIGUSR1 (quit at once, pgjava's SIGQUIT) to every auxiliary process.
     * @return completed when none is left
     */
    public CompletableFuture<Void> quitAll() {
        return signalAll(LibC.SIGUSR1);
    }

    /** SIGKILL to every auxiliary process (immediate shutdown, or children that ignored the quit). */
    public CompletableFuture<Void> killAll() {
        return signalAll(LibC.SIGKILL);
    }

    private CompletableFuture<Void> signalAll(int sig) {
        List<Child> all;
        CompletableFuture<Void> gone;
        synchronized (this) {
            enabled = false;
            all = new ArrayList<>(running.values());
            all.forEach(c -> c.requested = true);
            gone = running.isEmpty() ? CompletableFuture.completedFuture(null) : allGone;
        }
        for (Child c : all) {
            ProcessControl.signal((int) c.process.pid(), sig);
        }
        return gone;
    }

    /** Pid of the running process of kind, or 0. */
    public synchronized long pid(ChildKind kind) {
        Child c = running.get(kind);
        return c == null ? 0 : c.process.pid();
    }

    /** Pids of every running auxiliary process. */
    public synchronized List<Integer> pids() {
        List<Integer> p = new ArrayList<>();
        running.values().forEach(c -> p.add((int) c.process.pid()));
        return p;
    }
}
