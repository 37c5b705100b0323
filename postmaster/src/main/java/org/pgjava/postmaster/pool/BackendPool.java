package org.pgjava.postmaster.pool;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.postmaster.supervisor.ChildLauncher;
import org.pgjava.shmem.handoff.BackendLink;
import org.pgjava.shmem.handoff.HandoffServer;
import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.ProcessControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The standby pool and the supervision of backend JVMs: starts backends (from one long-lived launcher
 * thread, so PR_SET_PDEATHSIG in the children refers to a thread that lives as long as the postmaster),
 * keeps {@code standby_backends} fresh ones waiting, lends a backend to a connection about to hand off
 * its socket ({@link #acquire}), takes it back when its client is done (reuse for the same database, or
 * exit), reaps exited children and reports every exit to the {@link ExitObserver} (the postmaster decides
 * whether it is a crash), routes cancel requests, and runs the backend side of the shutdown modes and of
 * crash-restart ({@link #quitForCrash()}, {@link #resumeAfterCrash()}).
 *
 * <p>Rules: a backend serves one client at a time; a fresh standby has no database; a reused backend
 * serves only clients of the database it served before; a backend that reports "not reusable", or has
 * served backend_max_clients clients, or when backend_reuse is off, is told to exit.
 *
 * <p>Thread-safety: every state change happens under {@code this} lock; futures are completed and
 * processes signalled after the lock is released. Called from Netty event loops (acquire, handedOff,
 * cancel), from hand-off reader threads (the {@link HandoffServer.Listener} methods), from process-exit
 * threads and from the signal-handling thread.
 */
public final class BackendPool implements HandoffServer.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);

    private final BackendCommand command;
    private final BackendAotCache aotCache;
    private final SecureRandom random;
    /** The postmaster's one long-lived launcher thread (see {@link ChildLauncher} for why only one). */
    private final ChildLauncher launches;
    private volatile PoolConfig config;
    private volatile ExitObserver exitObserver = (pid, status, requested) -> { };

    private final Map<String, BackendProcess> byToken = new HashMap<>();
    private final Map<BackendLink, BackendProcess> byLink = new HashMap<>();
    private final Set<BackendProcess> all = new HashSet<>();
    private final Deque<BackendProcess> fresh = new ArrayDeque<>();
    private final Map<Integer, Deque<BackendProcess>> reusable = new HashMap<>();
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private int launchesInFlight;
    private int consecutiveStartFailures;
    private boolean stopping;
    /** Why acquire fails while stopping: shutting down (57P03) or in recovery mode after a crash (57P03). */
    private String refusal = "the database system is shutting down";
    private boolean aotBroken;
    private CompletableFuture<Void> allGone = new CompletableFuture<>();
    private CompletableFuture<Void> nextReady = new CompletableFuture<>();

    /** Told of every backend's exit, from a process-exit thread, outside the pool's lock. */
    public interface ExitObserver {
        /**
         * @param pid       the backend's pid
         * @param status    {@link Process#exitValue()} (128 + N for a death by signal N)
         * @param requested whether the postmaster asked it to exit or killed it (shutdown, quit, discard)
         */
        void backendExited(long pid, int status, boolean requested);
    }

    private record Waiter(int databaseOid, CompletableFuture<BackendProcess> future) {
    }

    /**
     * Creates an empty pool; call {@link #replenish()} once the hand-off server runs.
     * @param launcher the postmaster's child-launcher thread (every backend is started on it)
     */
    public BackendPool(BackendCommand command, PoolConfig config, SecureRandom random, ChildLauncher launcher) {
        this.command = command;
        this.config = config;
        this.random = random;
        this.launches = launcher;
        this.aotCache = BackendAotCache.locate(command.classPath());
        Thread.ofPlatform().name("backend-idle-trimmer").daemon().start(this::trimmerLoop);
    }

    /** Once a second: {@link #retireIdleBackends(long)}. */
    private void trimmerLoop() {
        while (true) {
            try {
                Thread.sleep(1000);
                retireIdleBackends(System.nanoTime());
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                LOG.error("backend idle trimmer: {}", t.toString());
            }
        }
    }

    /**
     * Tells reused backends that have waited longer than backend_idle_timeout for a client of their
     * database to exit, oldest first, keeping standby_backends idle ones per database: a burst of clients
     * must not leave a crowd of idle JVMs behind.
     *
     * @return how many were told to exit
     */
    int retireIdleBackends(long nowNanos) {
        List<BackendProcess> retired = new ArrayList<>();
        synchronized (this) {
            long limit = config.idleTimeoutMillis() * 1_000_000L;
            for (Deque<BackendProcess> d : reusable.values()) {
                // most recently returned first, so the longest idle are at the end
                while (d.size() > config.standbyBackends() && nowNanos - d.peekLast().idleSinceNanos > limit) {
                    BackendProcess b = d.pollLast();
                    b.state = BackendProcess.State.EXITING;
                    retired.add(b);
                }
            }
        }
        for (BackendProcess b : retired) {
            LOG.debug("backend process (PID {}) idle longer than backend_idle_timeout: exits", b.pid());
            b.link.requestExit();
        }
        return retired.size();
    }

    /**
     * A future completed when the next backend announces itself READY (or already completed by one that
     * announced itself since the last call that returned a completed future — i.e. it never misses one).
     */
    public synchronized CompletableFuture<Void> nextBackendReady() {
        CompletableFuture<Void> f = nextReady;
        if (f.isDone()) {
            nextReady = new CompletableFuture<>();
            f = nextReady;
        }
        return f;
    }

    /** Sets who is told of backend exits (the postmaster's crash supervision). */
    public void setExitObserver(ExitObserver observer) {
        this.exitObserver = observer;
    }

    /** Applies reloaded settings and starts or stops standbys to match. */
    public void reconfigure(PoolConfig newConfig) {
        List<BackendProcess> surplus = new ArrayList<>();
        synchronized (this) {
            this.config = newConfig;
            while (fresh.size() > newConfig.standbyBackends()) {
                BackendProcess b = fresh.pollLast();
                b.state = BackendProcess.State.EXITING;
                surplus.add(b);
            }
            if (!newConfig.reuse()) {
                for (Deque<BackendProcess> d : reusable.values()) {
                    for (BackendProcess b : d) {
                        b.state = BackendProcess.State.EXITING;
                        surplus.add(b);
                    }
                }
                reusable.clear();
            }
        }
        surplus.forEach(b -> b.link.requestExit());
        replenish();
    }

    /**
     * Queues, behind the standbys already being started, the creation of the backend AOT cache when it is
     * missing or stale (see {@link BackendAotCache}); backends started afterwards use it. Nothing happens
     * when the postmaster does not run from a distribution or backend_jvm_options names its own cache.
     */
    public void prepareAotCache() {
        if (aotCache == null || userManagesAot()) {
            return;
        }
        launches.submit(() -> {
            if (!stopping) {
                aotCache.refreshIfStale(command, config.jvmOptions());
            }
        });
    }

    private boolean userManagesAot() {
        return config.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:AOTCache") || o.startsWith("-XX:AOTMode"));
    }

    /** Current settings. */
    public PoolConfig config() {
        return config;
    }

    /**
     * Lends a backend for a client of databaseOid: a reused backend of that database if one waits, else a
     * fresh standby, else the caller waits for one to start. Never blocks.
     * @return a future completed with a backend in state ASSIGNED (the caller must then either
     *         {@link #handedOff} it or {@link #giveBack} it), or exceptionally with FATAL 57P03 when the
     *         server is shutting down. The caller applies backend_startup_timeout by completing the future
     *         exceptionally itself; a backend arriving after that goes back to the pool.
     */
    public CompletableFuture<BackendProcess> acquire(int databaseOid) {
        CompletableFuture<BackendProcess> f = new CompletableFuture<>();
        BackendProcess b;
        synchronized (this) {
            if (stopping) {
                f.completeExceptionally(refusedNow());
                return f;
            }
            b = takeIdle(databaseOid);
            if (b == null) {
                waiters.add(new Waiter(databaseOid, f));
            }
        }
        if (b != null) {
            LOG.debug("database {}: backend process (PID {}) taken from the pool", databaseOid, b.pid());
            f.complete(b);
        } else {
            LOG.debug("database {}: no idle backend process, client waits", databaseOid);
        }
        replenish();
        return f;
    }

    /** Called after the client socket was sent: the backend now serves that client and holds its slot. */
    public void handedOff(BackendProcess b, ConnectionSlots.Slot slot, int databaseOid, int cancelSecret) {
        boolean release;
        synchronized (this) {
            release = b.state != BackendProcess.State.ASSIGNED;
            if (!release) {
                b.state = BackendProcess.State.ACTIVE;
                b.slot = slot;
                b.databaseOid = databaseOid;
                b.cancelSecret = cancelSecret;
                b.clientsServed++;
            }
        }
        if (release) {
            // the backend died between assignment and hand-off: the client saw EOF; free its slot
            slot.release();
        }
        replenish();
    }

    /** Returns an ASSIGNED backend that was not used (the client vanished or timed out). */
    public void giveBack(BackendProcess b) {
        synchronized (this) {
            if (b.state != BackendProcess.State.ASSIGNED) {
                return;
            }
            b.state = b.databaseOid < 0 ? BackendProcess.State.STANDBY : BackendProcess.State.IDLE_REUSABLE;
            offerIdle(b);
        }
    }

    /** A hand-off to b failed (its link is broken): kill it; the exit handler cleans up. */
    public void discard(BackendProcess b) {
        synchronized (this) {
            b.state = BackendProcess.State.EXITING;
            b.signalled = true;
        }
        b.process.destroyForcibly();
    }

    /**
     * Routes a CancelRequest: when (pid, secret) names an active backend, sends it SIGINT.
     * @return true when a backend was signalled
     */
    public boolean cancel(int pid, int secret) {
        BackendProcess target = null;
        synchronized (this) {
            for (BackendProcess b : all) {
                if (b.pid() == pid && b.state == BackendProcess.State.ACTIVE && b.cancelSecret == secret) {
                    target = b;
                    break;
                }
            }
        }
        return target != null && ProcessControl.signal(pid, LibC.SIGINT);
    }

    /** Number of live backend processes (all states). */
    public synchronized int size() {
        return all.size();
    }

    /** Pids of backends that announced themselves (standby, idle or serving). */
    public synchronized List<Integer> announcedPids() {
        List<Integer> pids = new ArrayList<>();
        for (BackendProcess b : all) {
            if (b.state != BackendProcess.State.STARTING && b.state != BackendProcess.State.EXITING) {
                pids.add(b.pid());
            }
        }
        return pids;
    }

    /** Starts backends until fresh + starting covers standby_backends plus the clients waiting. */
    public void replenish() {
        int toLaunch;
        synchronized (this) {
            if (stopping) {
                return;
            }
            waiters.removeIf(w -> w.future().isDone());
            int want = config.standbyBackends() + waiters.size();
            int have = fresh.size() + launchesInFlight + countStarting();
            toLaunch = Math.max(0, want - have);
            launchesInFlight += toLaunch;
        }
        for (int i = 0; i < toLaunch; i++) {
            launches.submit(this::launchOne);
        }
    }

    private int countStarting() {
        int n = 0;
        for (BackendProcess b : byToken.values()) {
            if (b.state == BackendProcess.State.STARTING) {
                n++;
            }
        }
        return n;
    }

    private void launchOne() {
        int failures;
        synchronized (this) {
            failures = consecutiveStartFailures;
        }
        if (failures > 0) {
            // a backend that cannot start would otherwise be restarted in a tight loop
            sleep(Math.min(5000, 200L * failures));
        }
        byte[] t = new byte[16];
        random.nextBytes(t);
        String token = HexFormat.of().formatHex(t);
        BackendProcess b;
        synchronized (this) {
            launchesInFlight--;
            if (stopping) {
                return;
            }
            List<String> jvm = new ArrayList<>(config.jvmOptions());
            List<String> aot = aotCache == null || aotBroken || userManagesAot() ? List.of() : aotCache.jvmOptions();
            if (!aot.isEmpty()) {
                jvm.removeIf(o -> o.startsWith("-Xshare")); // the JVM refuses -Xshare:* together with AOTCache
                jvm.addAll(aot);
            }
            ProcessBuilder pb = new ProcessBuilder(command.command(jvm))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            command.fillEnvironment(pb.environment(), token);
            try {
                b = new BackendProcess(pb.start(), token);
                b.usedAotCache = !aot.isEmpty();
            } catch (IOException e) {
                consecutiveStartFailures++;
                LOG.error("could not start backend process: {}", e.getMessage());
                return;
            }
            byToken.put(token, b);
            all.add(b);
        }
        BackendProcess started = b;
        b.process.onExit().thenRun(() -> onExit(started));
        LOG.debug("started backend process (PID {})", b.pid());
    }

    // ---- HandoffServer.Listener (hand-off reader threads) ----

    @Override
    public void onReady(BackendLink link, int pid, String token) {
        CompletableFuture<BackendProcess> give = null;
        BackendProcess b;
        CompletableFuture<Void> announced;
        synchronized (this) {
            b = byToken.get(token);
            if (b == null || b.pid() != pid || b.state != BackendProcess.State.STARTING) {
                LOG.warn("hand-off connection from unknown process {} rejected", pid);
                link.close();
                return;
            }
            consecutiveStartFailures = 0;
            announced = nextReady;
            b.link = link;
            byLink.put(link, b);
            LOG.debug("backend process (PID {}) ready after {} ms", pid,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - b.startedNanos));
            if (stopping) {
                b.state = BackendProcess.State.EXITING;
            } else {
                b.state = BackendProcess.State.STANDBY;
                offerIdle(b);
            }
        }
        announced.complete(null); // outside the lock: dependent actions may take other locks
        if (b.state == BackendProcess.State.EXITING) {
            link.requestExit();
        }
    }

    @Override
    public void onClientDone(BackendLink link, boolean reusableNow) {
        BackendProcess b;
        boolean keep;
        synchronized (this) {
            b = byLink.get(link);
            if (b == null || b.state != BackendProcess.State.ACTIVE) {
                return;
            }
            if (b.slot != null) {
                b.slot.release();
                b.slot = null;
            }
            PoolConfig c = config;
            keep = reusableNow && c.reuse() && !stopping && b.clientsServed < c.maxClientsPerBackend()
                    && idleReusable(b.databaseOid) < c.standbyBackends() + activeFor(b.databaseOid);
            LOG.debug("backend process (PID {}) done with client {} ({}reusable): {}", b.pid(), b.clientsServed,
                    reusableNow ? "" : "not ", keep ? "back to the pool" : "exits");
            if (keep) {
                b.state = BackendProcess.State.IDLE_REUSABLE;
                offerIdle(b);
            } else {
                b.state = BackendProcess.State.EXITING;
            }
            checkAllGone();
        }
        if (!keep) {
            link.requestExit();
        }
    }

    @Override
    public void onDisconnected(BackendLink link) {
        synchronized (this) {
            BackendProcess b = byLink.get(link);
            if (b != null) {
                removeFromIdle(b);
                if (b.state != BackendProcess.State.ACTIVE) {
                    b.state = BackendProcess.State.EXITING;
                }
            }
        }
    }

    // ---- process exits (Process.onExit threads) ----

    private void onExit(BackendProcess b) {
        int status = b.process.exitValue();
        BackendProcess.State was;
        synchronized (this) {
            was = b.state;
            all.remove(b);
            byToken.remove(b.token);
            if (b.link != null) {
                byLink.remove(b.link);
            }
            removeFromIdle(b);
            if (b.slot != null) {
                b.slot.release();
                b.slot = null;
            }
            if (was == BackendProcess.State.STARTING && !b.signalled) {
                consecutiveStartFailures++;
                if (b.usedAotCache && !aotBroken) {
                    aotBroken = true;
                    LOG.warn("backend process (PID {}) failed to start with the AOT cache; starting backends without it",
                            b.pid());
                }
            }
        }
        if (b.link != null) {
            b.link.close();
        }
        LOG.debug("backend process (PID {}) exited with status {} in state {}", b.pid(), status, was);
        exitObserver.backendExited(b.pid(), status, b.signalled);
        if (was == BackendProcess.State.STARTING && status != 0 && !b.signalled) {
            LOG.info("backend process (PID {}) failed during startup", b.pid());
            failWaitersAfterRepeatedStartFailures();
        }
        synchronized (this) {
            checkAllGone();
        }
        replenish();
    }

    /** After three backends in a row failed to start, clients waiting for one get an error now. */
    private void failWaitersAfterRepeatedStartFailures() {
        List<Waiter> failed;
        synchronized (this) {
            if (consecutiveStartFailures < 3) {
                return;
            }
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : failed) {
            w.future().completeExceptionally(PgException.fatal(SqlState.INSUFFICIENT_RESOURCES,
                    "could not start a backend process for the connection (see the server log)"));
        }
    }

    // ---- shutdown ----

    /**
     * Smart shutdown of backends: no new hand-offs; idle backends exit now; active ones exit when their
     * client leaves.
     * @return a future completed when every backend process has exited
     */
    public CompletableFuture<Void> shutdownSmart() {
        List<BackendProcess> idle = beginStopping();
        idle.forEach(b -> b.link.requestExit());
        return allGoneFuture();
    }

    /**
     * Fast shutdown: idle backends are told to exit, active ones get SIGTERM (they send their client
     * FATAL 57P01 and exit); starting ones are killed.
     * @return a future completed when every backend process has exited
     */
    public CompletableFuture<Void> shutdownFast() {
        List<BackendProcess> idle = beginStopping();
        idle.forEach(b -> b.link.requestExit());
        List<BackendProcess> rest;
        synchronized (this) {
            rest = new ArrayList<>(all);
            rest.forEach(b -> b.signalled = true);
        }
        for (BackendProcess b : rest) {
            if (b.state == BackendProcess.State.STARTING) {
                b.process.destroyForcibly();
            } else {
                ProcessControl.signal(b.pid(), LibC.SIGTERM);
            }
        }
        return allGoneFuture();
    }

    /** Immediate shutdown: SIGKILL to every backend, now. */
    public void killAll() {
        List<BackendProcess> everyone;
        synchronized (this) {
            stopping = true;
            everyone = new ArrayList<>(all);
            everyone.forEach(b -> b.signalled = true);
        }
        for (BackendProcess b : everyone) {
            ProcessControl.signal(b.pid(), LibC.SIGKILL);
        }
    }

    private List<BackendProcess> beginStopping() {
        List<Waiter> failed;
        List<BackendProcess> idle = new ArrayList<>();
        synchronized (this) {
            stopping = true;
            refusal = "the database system is shutting down";
            failed = new ArrayList<>(waiters);
            waiters.clear();
            for (BackendProcess b : all) {
                if (b.state == BackendProcess.State.STANDBY || b.state == BackendProcess.State.IDLE_REUSABLE) {
                    b.state = BackendProcess.State.EXITING;
                    b.signalled = true;
                    idle.add(b);
                }
            }
            fresh.clear();
            reusable.clear();
            checkAllGone();
        }
        failed.forEach(w -> w.future().completeExceptionally(refusedNow()));
        return idle;
    }

    /**
     * Crash: every backend must quit at once because shared memory may be corrupt. No new hand-offs
     * (clients waiting for a backend, and later ones, get FATAL 57P03 "the database system is in recovery
     * mode"); every announced backend gets SIGUSR1 (pgjava's SIGQUIT substitute: its client receives
     * WARNING 57P02 and the backend exits at once); starting ones are killed.
     * @return a future completed when every backend process has exited
     */
    public CompletableFuture<Void> quitForCrash() {
        List<Waiter> failed;
        List<BackendProcess> everyone;
        CompletableFuture<Void> gone;
        synchronized (this) {
            stopping = true;
            refusal = "the database system is in recovery mode";
            failed = new ArrayList<>(waiters);
            waiters.clear();
            fresh.clear();
            reusable.clear();
            everyone = new ArrayList<>(all);
            for (BackendProcess b : everyone) {
                b.signalled = true;
                if (b.state != BackendProcess.State.STARTING) {
                    b.state = BackendProcess.State.EXITING;
                }
            }
            gone = allGone;
            checkAllGone();
        }
        failed.forEach(w -> w.future().completeExceptionally(refusedNow()));
        for (BackendProcess b : everyone) {
            if (b.state == BackendProcess.State.STARTING) {
                b.process.destroyForcibly();
            } else {
                ProcessControl.signal(b.pid(), LibC.SIGUSR1);
            }
        }
        return gone;
    }

    /**
     * After a crash, once every backend is gone: the pool accepts work again (call {@link #replenish()}
     * to start standbys).
     * @throws IllegalStateException when backends are still alive
     */
    public void resumeAfterCrash() {
        synchronized (this) {
            if (!all.isEmpty()) {
                throw new IllegalStateException("backends still alive: " + all);
            }
            stopping = false;
            refusal = "the database system is shutting down";
            consecutiveStartFailures = 0;
            allGone = new CompletableFuture<>();
        }
    }

    private synchronized CompletableFuture<Void> allGoneFuture() {
        return allGone;
    }

    private void checkAllGone() {
        if (stopping && all.isEmpty()) {
            allGone.complete(null);
        } else if (stopping) {
            // starting backends that have not announced themselves are not worth waiting for
            boolean onlyStarting = true;
            for (BackendProcess b : all) {
                if (b.state != BackendProcess.State.STARTING && b.state != BackendProcess.State.EXITING) {
                    onlyStarting = false;
                }
            }
            if (onlyStarting) {
                for (BackendProcess b : all) {
                    if (b.state == BackendProcess.State.STARTING) {
                        b.signalled = true;
                        b.process.destroyForcibly();
                    }
                }
            }
        }
    }

    // ---- idle bookkeeping (callers hold the lock) ----

    /**
     * Idle backends kept for one database are capped at standby_backends + the clients of that database
     * being served now: enough for every current client to reconnect at once, without letting connection
     * races grow an unbounded crowd of idle JVMs.
     */
    private int idleReusable(int databaseOid) {
        Deque<BackendProcess> d = reusable.get(databaseOid);
        return d == null ? 0 : d.size();
    }

    private int activeFor(int databaseOid) {
        int n = 0;
        for (BackendProcess b : all) {
            if (b.state == BackendProcess.State.ACTIVE && b.databaseOid == databaseOid) {
                n++;
            }
        }
        return n;
    }

    private BackendProcess takeIdle(int databaseOid) {
        Deque<BackendProcess> d = reusable.get(databaseOid);
        BackendProcess b = d == null ? null : d.pollFirst();
        if (b == null) {
            b = fresh.pollFirst();
        }
        if (b != null) {
            b.state = BackendProcess.State.ASSIGNED;
        }
        return b;
    }

    /** Gives an idle backend to the first waiter that can use it, or files it as idle. */
    private void offerIdle(BackendProcess b) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.future().isDone()) {
                it.remove();
                continue;
            }
            if (b.databaseOid < 0 || b.databaseOid == w.databaseOid()) {
                it.remove();
                b.state = BackendProcess.State.ASSIGNED;
                if (w.future().complete(b)) {
                    return;
                }
                b.state = b.databaseOid < 0 ? BackendProcess.State.STANDBY : BackendProcess.State.IDLE_REUSABLE;
            }
        }
        if (b.databaseOid < 0) {
            fresh.addLast(b);
        } else {
            b.idleSinceNanos = System.nanoTime();
            reusable.computeIfAbsent(b.databaseOid, k -> new ArrayDeque<>()).addFirst(b);
        }
    }

    private void removeFromIdle(BackendProcess b) {
        fresh.remove(b);
        Deque<BackendProcess> d = reusable.get(b.databaseOid);
        if (d != null) {
            d.remove(b);
        }
    }

    private synchronized PgException refusedNow() {
        return PgException.fatal(SqlState.CANNOT_CONNECT_NOW, refusal);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
