package org.pgjava.postmaster.supervisor;

/**
 * The postmaster's state machine for start, normal running, crash-restart and shutdown (a condensed form
 * of PostgreSQL 15's pmState + FatalError + Shutdown). Pure logic, no I/O: the postmaster asks it what
 * a child's exit means and what to do once every child is gone, and it answers what a new connection
 * is told. Thread-safe (every method is synchronized).
 *
 * <pre>
 *            markRunning()                 a child crashes (onChildExit → CRASH)
 * STARTING ───────────────► RUNNING ───────────────────────────────────────► CRASH_RECOVERY
 *    ▲                          │                                                  │ afterChildrenGone(restart=true)
 *    └──────────────────────────┼──────────────────────────────────────────────────┘   → REINITIALIZE
 *                               │ beginShutdown()         afterChildrenGone(restart=false) → EXIT_AFTER_CRASH
 *                               ▼                                                  │
 *                          SHUTTING_DOWN ◄─────────────────────────────────────────┘ (also beginShutdown() in any phase)
 * </pre>
 *
 * <p>New connections: STARTING → 57P03 "the database system is starting up" at the first start, "the
 * database system is in recovery mode" when reinitializing after a crash (PostgreSQL keeps FatalError set
 * until its startup process has finished); RUNNING → accepted; CRASH_RECOVERY → 57P03 "the database
 * system is in recovery mode"; SHUTTING_DOWN → 57P03 "the database system is shutting down"
 * (PostgreSQL's canAcceptConnections texts).
 */
public final class ServerLifecycle {
    /** Where the server is. */
    public enum Phase { STARTING, RUNNING, CRASH_RECOVERY, SHUTTING_DOWN }

    /** What to do once every child process has exited after a crash. */
    public enum AfterCrash {
        /** "all server processes terminated; reinitializing": rebuild shared memory, start children again. */
        REINITIALIZE,
        /** restart_after_crash is off: "shutting down because restart_after_crash is off", exit status 1. */
        EXIT_AFTER_CRASH,
        /** A shutdown was requested meanwhile: the shutdown sequence finishes the job. */
        SHUTDOWN
    }

    private Phase phase = Phase.STARTING;
    private boolean crashedDuringShutdown;
    /** PostgreSQL's FatalError: set by a crash, cleared when the server runs normally again. */
    private boolean recoveringFromCrash;

    /** The current phase. */
    public synchronized Phase phase() {
        return phase;
    }

    /** The server accepts connections (after the first start or after a reinitialization). */
    public synchronized void markRunning() {
        if (phase == Phase.STARTING) {
            phase = Phase.RUNNING;
            recoveringFromCrash = false;
        }
    }

    /**
     * Decides what a child's exit means now. While running (or starting), {@link ChildExit#classify}
     * decides, and a CRASH moves to CRASH_RECOVERY (the caller logs the exit and "terminating any other
     * active server processes" and tells every other child to quit). During crash recovery every exit is
     * expected (NORMAL, nothing logged: PostgreSQL does not clutter the log with the children it told to
     * quit). During a shutdown the first crash is still reported as CRASH (the others are terminated, and
     * the shutdown completes without a restart); nothing is ever RESTARTed.
     */
    public synchronized ChildExit.Outcome onChildExit(ChildKind kind, int status, boolean requested) {
        ChildExit.Outcome o = ChildExit.classify(kind, status, requested);
        switch (phase) {
            case STARTING, RUNNING -> {
                if (o == ChildExit.Outcome.CRASH) {
                    phase = Phase.CRASH_RECOVERY;
                    recoveringFromCrash = true;
                }
                return o;
            }
            case CRASH_RECOVERY -> {
                return ChildExit.Outcome.NORMAL;
            }
            default -> {
                if (o == ChildExit.Outcome.CRASH && !crashedDuringShutdown) {
                    crashedDuringShutdown = true;
                    return o;
                }
                return ChildExit.Outcome.NORMAL;
            }
        }
    }

    /**
     * A shutdown request (any mode).
     * @return true when this is the first one (the caller starts the shutdown sequence)
     */
    public synchronized boolean beginShutdown() {
        if (phase == Phase.SHUTTING_DOWN) {
            return false;
        }
        phase = Phase.SHUTTING_DOWN;
        return true;
    }

    /**
     * Every child has exited after a crash: decides the next step. REINITIALIZE moves to STARTING (call
     * {@link #markRunning()} once connections are accepted again); EXIT_AFTER_CRASH moves to SHUTTING_DOWN.
     * @param restartAfterCrash the restart_after_crash setting now
     */
    public synchronized AfterCrash afterChildrenGone(boolean restartAfterCrash) {
        if (phase != Phase.CRASH_RECOVERY) {
            return AfterCrash.SHUTDOWN;
        }
        if (!restartAfterCrash) {
            phase = Phase.SHUTTING_DOWN;
            return AfterCrash.EXIT_AFTER_CRASH;
        }
        phase = Phase.STARTING;
        return AfterCrash.REINITIALIZE;
    }

    /** What a new connection is told (FATAL 57P03 with this text), or null when it is accepted. */
    public synchronized String connectionRefusal() {
        return switch (phase) {
            case STARTING -> recoveringFromCrash ? "the database system is in recovery mode"
                    : "the database system is starting up";
            case RUNNING -> null;
            case CRASH_RECOVERY -> "the database system is in recovery mode";
            case SHUTTING_DOWN -> "the database system is shutting down";
        };
    }
}
