package org.pgjava.postmaster.supervisor;

/**
 * What a child process's exit means, as PostgreSQL 15's postmaster (reaper, CleanupBackend,
 * HandleChildCrash) decides it, and the log text it writes. Pure functions; entry points
 * {@link #classify} and {@link #describe}.
 *
 * <p>Exit status: {@link Process#exitValue()} reports a death by signal N as 128 + N (the JDK's
 * convention; pgjava's own processes never exit with a status above 128 on purpose), so a status in
 * 129..192 is read as "terminated by signal status-128".
 */
public final class ChildExit {
    private ChildExit() {
    }

    /** What the postmaster does about one child's exit. */
    public enum Outcome {
        /** An orderly exit: clean up its bookkeeping, nothing else. */
        NORMAL,
        /** An auxiliary process that exited cleanly though nobody asked: start a new one, no crash. */
        RESTART,
        /** The child may have corrupted shared memory: crash-restart (log, terminate every other child). */
        CRASH
    }

    /**
     * Classifies an exit that happened while the server runs normally (callers handle the crash and
     * shutdown phases themselves, see {@link ServerLifecycle}).
     * <ul>
     * <li>backend: exit code 0 or 1 is orderly (1 is a FATAL error such as a failed start, as in
     *     PostgreSQL); anything else — another code or a signal — is a crash, unless the postmaster itself
     *     killed it ({@code requested});</li>
     * <li>background writer, WAL writer: exit code 0 → restart it; anything else → crash;</li>
     * <li>startup process: 0 and 1 are orderly (the postmaster decides what follows), anything else a crash;</li>
     * <li>checkpointer: every exit the postmaster did not request is a crash, exit code 0 included
     *     (PostgreSQL: "any unexpected exit of the checkpointer (including FATAL exit) is treated as a
     *     crash").</li>
     * </ul>
     * @param kind      the kind of child
     * @param status    its exit status as {@link Process#exitValue()} gives it
     * @param requested whether the postmaster asked it to exit or killed it
     */
    public static Outcome classify(ChildKind kind, int status, boolean requested) {
        return switch (kind) {
            case BACKEND -> requested || status == 0 || status == 1 ? Outcome.NORMAL : Outcome.CRASH;
            case BACKGROUND_WRITER, WAL_WRITER -> requested ? Outcome.NORMAL : status == 0 ? Outcome.RESTART
                    : Outcome.CRASH;
            case CHECKPOINTER -> requested ? Outcome.NORMAL : Outcome.CRASH;
            // its exit 0 ends the start phase and any other exit aborts the postmaster, both decided by the
            // postmaster itself (PostmasterMain.onStartupExit); here only whether shared memory may be damaged
            case STARTUP -> requested || status == 0 || status == 1 ? Outcome.NORMAL : Outcome.CRASH;
        };
    }

    /**
     * PostgreSQL's LogChildExit text: {@code "server process (PID 123) was terminated by signal 9: Killed"}
     * or {@code "checkpointer process (PID 123) exited with exit code 1"}.
     */
    public static String describe(ChildKind kind, long pid, int status) {
        int signal = signalOf(status);
        if (signal > 0) {
            return kind.logName() + " (PID " + pid + ") was terminated by signal " + signal + ": " + signalName(signal);
        }
        return kind.logName() + " (PID " + pid + ") exited with exit code " + status;
    }

    /** The signal number a {@link Process#exitValue()} denotes, or 0 when it is an exit code. */
    public static int signalOf(int status) {
        return status > 128 && status <= 128 + 64 ? status - 128 : 0;
    }

    /** strsignal(3)'s text for the common signals on Linux (glibc's wording). */
    public static String signalName(int sig) {
        return switch (sig) {
            case 1 -> "Hangup";
            case 2 -> "Interrupt";
            case 3 -> "Quit";
            case 4 -> "Illegal instruction";
            case 5 -> "Trace/breakpoint trap";
            case 6 -> "Aborted";
            case 7 -> "Bus error";
            case 8 -> "Floating point exception";
            case 9 -> "Killed";
            case 10 -> "User defined signal 1";
            case 11 -> "Segmentation fault";
            case 12 -> "User defined signal 2";
            case 13 -> "Broken pipe";
            case 14 -> "Alarm clock";
            case 15 -> "Terminated";
            case 24 -> "CPU time limit exceeded";
            case 25 -> "File size limit exceeded";
            default -> "Unknown signal " + sig;
        };
    }
}
