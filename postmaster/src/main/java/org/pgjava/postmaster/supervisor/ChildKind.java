package org.pgjava.postmaster.supervisor;

/**
 * The kinds of child process the postmaster supervises, with the name PostgreSQL 15 uses for each in
 * its log ("server process (PID n) was terminated by signal 9: Killed", "checkpointer process (PID n)
 * ...") and, for auxiliary processes, the {@code ps} title and the argument that selects them in
 * {@code org.pgjava.backend.aux.AuxProcessMain}.
 */
public enum ChildKind {
    /** A backend (standby, idle or serving a client). */
    BACKEND("server process", null, null),
    /** The checkpointer: exits on SIGUSR2 after its shutdown checkpoint, ignores SIGTERM. */
    CHECKPOINTER("checkpointer process", "pgjava: checkpointer", "checkpointer"),
    /** The background writer: exits on SIGTERM. */
    BACKGROUND_WRITER("background writer process", "pgjava: background writer", "background-writer"),
    /** The WAL writer: exits on SIGTERM. */
    WAL_WRITER("WAL writer process", "pgjava: walwriter", "walwriter"),
    /**
     * The startup process: replays WAL at start and after every crash, then exits 0; the server accepts
     * connections only after that. Any other exit aborts the postmaster. Exits on SIGTERM (status 1).
     */
    STARTUP("startup process", "pgjava: startup", "startup");

    private final String logName;
    private final String title;
    private final String argument;

    ChildKind(String logName, String title, String argument) {
        this.logName = logName;
        this.title = title;
        this.argument = argument;
    }

    /** How PostgreSQL names this kind of process in crash messages. */
    public String logName() {
        return logName;
    }

    /** The process title an auxiliary process shows; null for backends (they set their own). */
    public String title() {
        return title;
    }

    /** The --kind argument of the auxiliary-process main class; null for backends. */
    public String argument() {
        return argument;
    }

    /** True for the auxiliary processes. */
    public boolean auxiliary() {
        return this != BACKEND;
    }
}
