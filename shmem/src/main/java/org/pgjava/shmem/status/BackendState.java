package org.pgjava.shmem.status;

/**
 * A backend's activity state as {@code pg_stat_activity.state} shows it (PostgreSQL's BackendState).
 * {@link #code()} is what a status slot stores; 0 means "not set" and reads back as null (the column is
 * NULL, as for auxiliary processes).
 */
public enum BackendState {
    ACTIVE(1, "active"),
    IDLE(2, "idle"),
    IDLE_IN_TRANSACTION(3, "idle in transaction"),
    IDLE_IN_TRANSACTION_ABORTED(4, "idle in transaction (aborted)"),
    FASTPATH(5, "fastpath function call"),
    DISABLED(6, "disabled");

    private static final BackendState[] BY_CODE = {null, ACTIVE, IDLE, IDLE_IN_TRANSACTION,
            IDLE_IN_TRANSACTION_ABORTED, FASTPATH, DISABLED};

    private final int code;
    private final String text;

    BackendState(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The stored value, 1..6. */
    public int code() {
        return code;
    }

    /** The text pg_stat_activity.state shows. */
    public String text() {
        return text;
    }

    /** The state stored as {@code code}; null for 0 or an unknown value. */
    public static BackendState fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
