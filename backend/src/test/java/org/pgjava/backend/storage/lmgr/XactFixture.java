package org.pgjava.backend.storage.lmgr;

import org.pgjava.backend.access.transam.CommitLog;
import org.pgjava.backend.access.transam.CurrentTransaction;
import org.pgjava.backend.access.transam.ProcArrayTransactions;
import org.pgjava.backend.access.transam.XidAssigner;
import org.pgjava.shmem.lmgr.LockTable;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.procarray.ProcArray;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.xact.SlruBuffers;
import org.pgjava.shmem.xact.TransactionState;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support for the transaction and lock-manager tests: one segment with the regions these subsystems
 * use (8 process slots, claimed in order by pids 1000..1007 so slot i has pid 1000 + i, 4 clog buffers, max_locks_per_transaction 16) plus a words region, per-thread
 * views ({@link View}: one LWLock owner and everything built on it), and child JVMs started like
 * shmem's CrossProcessFixture does (test class path, segment identity in PGJAVA_SHMEM).
 *
 * <p>Words region: 0 go flag, 8 attached count, 16 counter (plain, under a heavyweight lock),
 * 24 deadlock errors seen, 32 successes, 40 "holding" flag, 48 reserved, 64.. per-child results.
 */
public final class XactFixture implements AutoCloseable {
    public static final int SLOTS = 8;
    public static final int CLOG_BUFFERS = 4;
    public static final int MAX_LOCKS = 16;
    public static final String PROCS = "proc array", WAIT_SLOTS = "lwlock wait slots", XACT = "transaction state",
            CLOG = "clog buffers", LOCKS = "lock table", WORDS = "test words";
    public static final long GO = 0, ATTACHED = 8, COUNTER = 16, DEADLOCKS = 24, SUCCESSES = 32, HOLDING = 40;

    private final SharedSegment segment;
    private final Path directory;
    private final List<Process> children = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    public static RegionLayout layout() {
        return RegionLayout.builder(1)
                .add(PROCS, ProcArray.regionSize(SLOTS))
                .add(WAIT_SLOTS, LWLockWaitSlots.regionSize(SLOTS))
                .add(XACT, TransactionState.regionSize(SLOTS))
                .add(CLOG, SlruBuffers.regionSize(CLOG_BUFFERS))
                .add(LOCKS, LockTable.regionSize(SLOTS, MAX_LOCKS))
                .add(WORDS, 4096)
                .build();
    }

    /** A fresh segment in {@code directory}; the transaction state is initialised with nextXid {@code nextXid}. */
    public XactFixture(Path directory, long nextXid) throws IOException {
        this.directory = directory;
        SegmentIdentity id = new SegmentIdentity(directory.resolve("pgjava.shmem"),
                (int) ProcessHandle.current().pid(), 1);
        segment = SharedSegment.create(id, layout());
        View v = new View(segment, SLOTS - 1, directory.resolve("pg_xact"));
        v.state.initialize(nextXid, 16384);
        for (int i = 0; i < SLOTS; i++) {
            if (v.procArray.claim(1000 + i, org.pgjava.shmem.procarray.BackendType.CLIENT_BACKEND, 5, 10) != i) {
                throw new IllegalStateException("slot " + i + " not claimed in order");
            }
        }
    }

    public SharedSegment segment() {
        return segment;
    }

    public MemorySegment words() {
        return segment.region(WORDS);
    }

    public Path directory() {
        return directory;
    }

    /** One process's (thread's) view of all the structures, bound to wait slot {@code slot}. */
    public static final class View {
        public final LWLockOwner owner;
        public final ProcArray procArray;
        public final TransactionState state;
        public final SlruBuffers clogBuffers;
        public final CommitLog clog;
        public final LockTable lockTable;
        public final XidAssigner assigner;
        public final ProcArrayTransactions procs;
        public final int slot;

        public View(SharedSegment segment, int slot, Path clogDirectory) {
            this.slot = slot;
            owner = new LWLockOwner(new LWLockWaitSlots(segment.region(WAIT_SLOTS)), slot);
            procArray = new ProcArray(segment.region(PROCS));
            state = new TransactionState(segment.region(XACT), owner);
            clogBuffers = new SlruBuffers(segment.region(CLOG), CLOG_BUFFERS, "XactSLRU", owner);
            clog = new CommitLog(clogBuffers, clogDirectory, lsn -> { });
            lockTable = new LockTable(segment.region(LOCKS), SLOTS, MAX_LOCKS, owner);
            assigner = new XidAssigner(state, procArray, clog);
            procs = new ProcArrayTransactions(state, procArray);
        }

        /** A lock manager for lock-table slot {@code lockSlot} (pid = 1000 + slot). */
        public LockManager lockManager(int lockSlot, Runnable interruptCheck) {
            return new LockManager(lockTable, procArray, lockSlot, 1000 + lockSlot, interruptCheck);
        }

        /** A transaction for process slot {@code procSlot} with the given lock manager. */
        public CurrentTransaction transaction(int procSlot, LockManager locks) {
            return new CurrentTransaction(procSlot, assigner, clog, procs, locks);
        }
    }

    public View view(int slot) {
        return new View(segment, slot, directory.resolve("pg_xact"));
    }

    /** Starts a child JVM running {@code mainClass} with {@code args}; output to a log file. */
    public Process start(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        Path log = directory.resolve("child-" + children.size() + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put(SegmentIdentity.ENVIRONMENT_VARIABLE, segment.identity().toEnvironmentValue());
        Process p = pb.start();
        children.add(p);
        logs.add(log);
        return p;
    }

    /** Waits until {@code count} children attached, then sets the go flag. */
    public void awaitAttachedThenGo(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (org.pgjava.shmem.atomic.SharedAtomics.getLong(words(), ATTACHED) < count) {
            for (Process p : children) {
                if (!p.isAlive() && p.exitValue() != 0) {
                    throw new AssertionError("child exited early with " + p.exitValue() + ": " + logsText());
                }
            }
            if (System.currentTimeMillis() > deadline) throw new AssertionError("children did not attach: " + logsText());
            Thread.sleep(5);
        }
        org.pgjava.shmem.atomic.SharedAtomics.setLong(words(), GO, 1);
    }

    /** Waits for every child; fails with their output unless all exited 0. */
    public void awaitChildrenSucceed(long timeoutSeconds) throws InterruptedException {
        for (Process p : children) {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) throw new AssertionError("child hung: " + logsText());
            if (p.exitValue() != 0) throw new AssertionError("child exited " + p.exitValue() + ": " + logsText());
        }
    }

    public String logsText() {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            try {
                sb.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
            } catch (IOException e) {
                sb.append(e);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        for (Process p : children) p.destroyForcibly();
        segment.close();
        segment.remove();
    }
}
