package org.pgjava.shmem.status;

/**
 * The wait events pgjava processes report, with the names pg_stat_activity shows in wait_event_type and
 * wait_event (PostgreSQL 15's wait_event.c / the "Wait Event" tables of the monitoring docs). A slot stores
 * {@link #typeCode()} and {@link #id()} (the pair is pgjava's own numbering; 0/0 = not waiting);
 * {@link #of(int, int)} maps them back.
 *
 * <p>Entry points: {@code BackendStatusSlot.reportWaitEvent(event)} / {@code reportWaitEnd()}, {@link #of}.
 */
public enum WaitEvent {
    /** A backend waits to read the client's next message (an idle session). */
    CLIENT_READ(Type.CLIENT, 1, "ClientRead"),
    /** A backend waits to write to the client. */
    CLIENT_WRITE(Type.CLIENT, 2, "ClientWrite"),
    /** The checkpointer's main loop sleeps. */
    CHECKPOINTER_MAIN(Type.ACTIVITY, 1, "CheckpointerMain"),
    /** The background writer's main loop sleeps. */
    BGWRITER_MAIN(Type.ACTIVITY, 2, "BgWriterMain"),
    /** The background writer sleeps longer because nothing is to be written. */
    BGWRITER_HIBERNATE(Type.ACTIVITY, 3, "BgWriterHibernate"),
    /** The WAL writer's main loop sleeps. */
    WALWRITER_MAIN(Type.ACTIVITY, 4, "WalWriterMain"),
    /** Waiting for a heavyweight lock on a relation. */
    LOCK_RELATION(Type.LOCK, 1, "relation"),
    /** Waiting for the lock to extend a relation. */
    LOCK_EXTEND(Type.LOCK, 2, "extend"),
    /** Waiting for a lock on a page. */
    LOCK_PAGE(Type.LOCK, 3, "page"),
    /** Waiting for a lock on a tuple. */
    LOCK_TUPLE(Type.LOCK, 4, "tuple"),
    /** Waiting for a transaction to finish. */
    LOCK_TRANSACTIONID(Type.LOCK, 5, "transactionid"),
    /** Waiting for a lock on a non-relation database object. */
    LOCK_OBJECT(Type.LOCK, 6, "object"),
    /** Waiting for an advisory lock. */
    LOCK_ADVISORY(Type.LOCK, 7, "advisory"),
    /** A backend waits for a requested checkpoint to start (CHECKPOINT). */
    CHECKPOINT_START(Type.IPC, 101, "CheckpointStart"),
    /** A backend waits for a requested checkpoint to finish (CHECKPOINT). */
    CHECKPOINT_DONE(Type.IPC, 102, "CheckpointDone"),
    /** pg_sleep. */
    PG_SLEEP(Type.TIMEOUT, 1, "PgSleep");

    /** PostgreSQL's wait event classes, with the text of wait_event_type. */
    public enum Type {
        LWLOCK(1, "LWLock"), LOCK(2, "Lock"), BUFFER_PIN(3, "BufferPin"), ACTIVITY(4, "Activity"),
        CLIENT(5, "Client"), EXTENSION(6, "Extension"), IPC(7, "IPC"), TIMEOUT(8, "Timeout"), IO(9, "IO");

        private final int code;
        private final String text;

        Type(int code, String text) {
            this.code = code;
            this.text = text;
        }

        /** The stored type code (1..9). */
        public int code() {
            return code;
        }

        /** wait_event_type's text. */
        public String text() {
            return text;
        }
    }

    private final Type type;
    private final int id;
    private final String text;

    WaitEvent(Type type, int id, String text) {
        this.type = type;
        this.id = id;
        this.text = text;
    }

    /** The event's class. */
    public Type type() {
        return type;
    }

    /** The stored type code. */
    public int typeCode() {
        return type.code;
    }

    /** The stored id within the type (1..). */
    public int id() {
        return id;
    }

    /** wait_event's text. */
    public String text() {
        return text;
    }

    /**
     * The event stored as ({@code typeCode}, {@code id}).
     *
     * @return the event, or null for 0/0 (not waiting) or a pair this build does not know
     */
    public static WaitEvent of(int typeCode, int id) {
        if (typeCode == 0) return null;
        for (WaitEvent e : values()) {
            if (e.type.code == typeCode && e.id == id) return e;
        }
        return null;
    }
}
