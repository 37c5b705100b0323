package org.pgjava.shmem.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process-level calls for pgjava's child processes and their supervisor: the parent-death signal, the
 * process title shown by {@code ps}, sending signals. Entry points: {@link #dieWithParent},
 * {@link #setTitle}, {@link #signal}, {@link #pid}, {@link #isAlive}.
 *
 * <p><b>Process titles.</b> {@code ps} shows a process's argument area, the memory between
 * {@code arg_start} and {@code arg_end} of /proc/self/stat (fields 48 and 49): the java launcher's argv
 * strings on the primordial thread's stack. {@link #setTitle} overwrites that area in place with the
 * title followed by NUL bytes (as PostgreSQL's ps_status.c does), so {@code ps -o args} and
 * /proc/PID/cmdline show the title. The area's length is fixed when the JVM starts (the whole original
 * command line, which for pgjava children includes the class path, so it is long enough); longer titles
 * are cut. It also writes the first 15 bytes to the main thread's comm ({@code ps -o comm}, top).
 * If either step fails the title is simply not shown; nothing else depends on it.
 *
 * <p>Thread-safety: {@link #setTitle} is synchronized (the area is shared).
 */
public final class ProcessControl {
    private long argStart;
    private long argLength;
    private boolean argAreaKnown;
    private String lastTitle;

    /** A controller for the calling process (reads /proc/self/stat once, lazily). */
    public ProcessControl() {
    }

    /**
     * Starts the watchdog every child process runs: a daemon thread that reads stdin — a pipe whose write
     * end only the postmaster holds — and {@link #exitNow(int) exits with status 1} at end of stream, so a
     * child never outlives its postmaster (PR_SET_PDEATHSIG is the other half). Call once, early in main.
     */
    public static void exitWhenStdinCloses() {
        Thread.ofPlatform().daemon().name("postmaster-watchdog").stackSize(128 * 1024).start(() -> {
            java.io.InputStream in = System.in;
            byte[] b = new byte[64];
            try {
                while (in.read(b) >= 0) {
                    // the postmaster never writes; anything read is ignored
                }
            } catch (java.io.IOException ignored) {
                // treated as end of stream
            }
            exitNow(1);
        });
    }

    /**
     * Ends the process at once with {@code status}, like PostgreSQL's {@code _exit(2)} in quickdie. Never
     * returns. Nothing is flushed or run: no shutdown hooks, no finalization (pgjava logs to stderr
     * unbuffered, so log lines already written are out). Use only where an immediate exit is the intent.
     *
     * <p>Why not {@code Runtime.halt}: HotSpot's exit waits up to 300 ms for threads blocked in native code
     * (VM_Exit::wait_for_threads_in_native_to_block), and every pgjava child has such threads (the stdin
     * watchdog in read(2), a standby in recvmsg(2), a session reading its client). Measured: 314–340 ms per
     * exit with {@code halt} against ~10 ms with {@code _exit}, on the crash-restart's critical path.
     * Falls back to {@code Runtime.halt} if libc could not be bound.
     */
    public static void exitNow(int status) {
        try {
            LibC._exit(status);
        } catch (Throwable t) {
            // libc unavailable: the slower exit below
        }
        Runtime.getRuntime().halt(status);
    }

    /** This process's id. */
    public static int pid() {
        return LibC.getpid();
    }

    /** The parent process's id (1 or a subreaper's when the parent is gone). */
    public static int parentPid() {
        return LibC.getppid();
    }

    /**
     * Asks the kernel to send SIGKILL to this process when the thread that started it exits, then checks
     * the parent is still expectedParent (closing the race where it died before the call).
     * @return false when the parent is already gone (the caller should exit), true otherwise
     * @throws IllegalStateException when prctl fails
     */
    public static boolean dieWithParent(int expectedParent) {
        try {
            LibC.prctl(LibC.PR_SET_PDEATHSIG, LibC.SIGKILL, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new IllegalStateException("prctl(PR_SET_PDEATHSIG) failed: " + e.getMessage(), e);
        }
        return expectedParent <= 0 || LibC.getppid() == expectedParent;
    }

    /**
     * Sends sig to pid.
     * @return true when delivered, false when no such process (ESRCH)
     * @throws IllegalStateException on EPERM or other failure
     */
    public static boolean signal(int pid, int sig) {
        try {
            LibC.kill(pid, sig);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ESRCH) {
                return false;
            }
            throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed: " + e.getMessage(), e);
        }
    }

    /**
     * Resets sig to its default disposition. A JVM started with a signal ignored (as a shell does for
     * SIGINT in background jobs) silently never runs a {@code sun.misc.Signal} handler for it, so a
     * process that wants to handle sig calls this first.
     */
    public static void resetToDefault(int sig) {
        try {
            LibC.signal(sig, Pointer.NULL);
        } catch (LastErrorException e) {
            throw new IllegalStateException("signal(" + sig + ", SIG_DFL) failed: " + e.getMessage(), e);
        }
    }

    /** True when a process with this pid exists (kill(pid, 0); EPERM counts as existing). */
    public static boolean isAlive(int pid) {
        if (pid <= 0) {
            return false;
        }
        try {
            LibC.kill(pid, 0);
            return true;
        } catch (LastErrorException e) {
            return e.getErrorCode() == LibC.EPERM;
        }
    }

    /**
     * Shows title in {@code ps} (see the class comment). Repeating the current title costs nothing.
     * @return true when the argument area was rewritten
     */
    public synchronized boolean setTitle(String title) {
        if (title.equals(lastTitle)) {
            return argAreaKnown;
        }
        lastTitle = title;
        setComm(title);
        if (!locateArgArea()) {
            return false;
        }
        byte[] t = title.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(t.length, argLength - 1);
        Pointer area = new Pointer(argStart);
        area.write(0, t, 0, n);
        area.setMemory(n, argLength - n, (byte) 0);
        return true;
    }

    private void setComm(String title) {
        byte[] t = title.getBytes(StandardCharsets.UTF_8);
        String comm = new String(t, 0, Math.min(15, t.length), StandardCharsets.UTF_8);
        try {
            Files.writeString(Path.of("/proc/self/task/" + pid() + "/comm"), comm);
        } catch (IOException | RuntimeException ignored) {
            // comm is cosmetic
        }
    }

    private boolean locateArgArea() {
        if (argAreaKnown) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state); arg_start is field 48, arg_end field 49
            long start = Long.parseLong(f[45]);
            long end = Long.parseLong(f[46]);
            if (start == 0 || end <= start) {
                return false;
            }
            argStart = start;
            argLength = end - start;
            argAreaKnown = true;
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
