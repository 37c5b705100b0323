package org.pgjava.shmem.lock;

/**
 * LWLock tranches: the names pg_stat_activity shows as wait_event when wait_event_type is "LWLock"
 * (PostgreSQL 15's wait_event names for its individual LWLocks and built-in tranches). A lock's name is
 * its tranche name, optionally followed by {@code [index]} for locks of an {@link LWLockArray}; the tranche
 * id (stored in a status slot while a process sleeps on the lock) is {@link #id()}.
 *
 * <p>Entry points: {@link #idOf(String)} (from a lock name), {@link #nameOf(int)} (for the view).
 */
public enum LWLockTranche {
    SHMEM_INDEX(1, "ShmemIndex"),
    OID_GEN(2, "OidGen"),
    XID_GEN(3, "XidGen"),
    PROC_ARRAY(4, "ProcArray"),
    SINVAL_READ(5, "SInvalRead"),
    SINVAL_WRITE(6, "SInvalWrite"),
    WAL_BUF_MAPPING(7, "WALBufMapping"),
    WAL_WRITE(8, "WALWrite"),
    CONTROL_FILE(9, "ControlFile"),
    XACT_SLRU(10, "XactSLRU"),
    XACT_BUFFER(11, "XactBuffer"),
    CHECKPOINTER_COMM(12, "CheckpointerComm"),
    WAL_INSERT(13, "WALInsert"),
    BUFFER_CONTENT(14, "BufferContent"),
    BUFFER_MAPPING(15, "BufferMapping"),
    LOCK_MANAGER(16, "LockManager"),
    RELATION_MAPPING(17, "RelationMapping"),
    SUBTRANS_SLRU(18, "SubtransSLRU"),
    BUFFER_IO(19, "BufferIO");

    private final int id;
    private final String waitEventName;

    LWLockTranche(int id, String waitEventName) {
        this.id = id;
        this.waitEventName = waitEventName;
    }

    /** The id stored in a status slot (1..). */
    public int id() {
        return id;
    }

    /** The wait_event text, e.g. "WALWrite". */
    public String waitEventName() {
        return waitEventName;
    }

    /**
     * The tranche id of a lock named {@code lockName} ("WALWrite", "BufferMapping[17]").
     *
     * @return the id, or 0 when the name is no known tranche (its waits are then not reported)
     */
    public static int idOf(String lockName) {
        if (lockName == null) return 0;
        int bracket = lockName.indexOf('[');
        String tranche = bracket < 0 ? lockName : lockName.substring(0, bracket);
        for (LWLockTranche t : values()) {
            if (t.waitEventName.equals(tranche)) return t.id;
        }
        return 0;
    }

    /**
     * The wait_event text of tranche {@code id}.
     *
     * @return the name, or null for an unknown id
     */
    public static String nameOf(int id) {
        for (LWLockTranche t : values()) {
            if (t.id == id) return t.waitEventName;
        }
        return null;
    }
}
