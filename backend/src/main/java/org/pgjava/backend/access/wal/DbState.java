package org.pgjava.backend.access.wal;

/** The cluster state in pg_control (PostgreSQL's DBState, same numbers and pg_controldata texts). */
public enum DbState {
    STARTING_UP(0, "starting up"),
    SHUT_DOWN(1, "shut down"),
    SHUT_DOWN_IN_RECOVERY(2, "shut down in recovery"),
    SHUTTING_DOWN(3, "shutting down"),
    IN_CRASH_RECOVERY(4, "in crash recovery"),
    IN_ARCHIVE_RECOVERY(5, "in archive recovery"),
    IN_PRODUCTION(6, "in production");

    private final int code;
    private final String text;

    DbState(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The number stored in pg_control. */
    public int code() {
        return code;
    }

    /** pg_controldata's text ("Database cluster state"). */
    public String text() {
        return text;
    }

    /** The state stored as {@code code}. */
    public static DbState of(int code) {
        for (DbState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("invalid DB state " + code);
    }
}
