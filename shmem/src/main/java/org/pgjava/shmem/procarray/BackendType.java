package org.pgjava.shmem.procarray;

/**
 * The kind of process a process-array slot or a backend status slot belongs to, with the text PostgreSQL
 * 15 shows in {@code pg_stat_activity.backend_type} (miscinit.c's GetBackendTypeDesc).
 *
 * <p>The code stored in shared memory is {@link #code()} (never 0: 0 means "slot not initialised");
 * {@link #fromCode(int)} reads it back.
 */
public enum BackendType {
    /** A backend serving a client. */
    CLIENT_BACKEND(1, "client backend"),
    /** pgjava's pre-started backend JVM waiting for a client; never shown in pg_stat_activity. */
    STANDBY_BACKEND(2, "standby backend"),
    CHECKPOINTER(3, "checkpointer"),
    BACKGROUND_WRITER(4, "background writer"),
    STARTUP(5, "startup"),
    WAL_WRITER(6, "walwriter"),
    AUTOVACUUM_LAUNCHER(7, "autovacuum launcher"),
    AUTOVACUUM_WORKER(8, "autovacuum worker"),
    ARCHIVER(9, "archiver"),
    WAL_SENDER(10, "walsender"),
    WAL_RECEIVER(11, "walreceiver"),
    BACKGROUND_WORKER(12, "background worker");

    private static final BackendType[] BY_CODE = new BackendType[13];

    static {
        for (BackendType t : values()) BY_CODE[t.code] = t;
    }

    private final int code;
    private final String description;

    BackendType(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The value stored in shared memory (1..12). */
    public int code() {
        return code;
    }

    /** PostgreSQL's backend_type text. */
    public String description() {
        return description;
    }

    /**
     * The type stored as {@code code}.
     *
     * @return the type, or null for 0 (not initialised) or an unknown code
     */
    public static BackendType fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
