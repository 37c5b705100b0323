package org.pgjava.shmem.lmgr;

/**
 * PostgreSQL's eight heavyweight lock modes with their conflict table (lock.c's LockConflicts) and the
 * names PostgreSQL prints ("AccessShareLock", ...). {@link #code()} is the mode number (1..8) stored in the
 * lock table; bit {@code code} of a mask stands for the mode.
 *
 * <p>Entry points: {@link #conflictMask()}, {@link #conflictsWith(LockMode)}, {@link #ofCode(int)}.
 */
public enum LockMode {
    /** SELECT. */
    ACCESS_SHARE(1, "AccessShareLock"),
    /** SELECT FOR UPDATE/SHARE. */
    ROW_SHARE(2, "RowShareLock"),
    /** INSERT, UPDATE, DELETE. */
    ROW_EXCLUSIVE(3, "RowExclusiveLock"),
    /** VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY. */
    SHARE_UPDATE_EXCLUSIVE(4, "ShareUpdateExclusiveLock"),
    /** CREATE INDEX; waiting for a transaction (XactLockTableWait). */
    SHARE(5, "ShareLock"),
    /** CREATE TRIGGER, some ALTER TABLE forms. */
    SHARE_ROW_EXCLUSIVE(6, "ShareRowExclusiveLock"),
    /** REFRESH MATERIALIZED VIEW CONCURRENTLY; a transaction's lock on its own xid. */
    EXCLUSIVE(7, "ExclusiveLock"),
    /** DROP TABLE, TRUNCATE, most ALTER TABLE, LOCK TABLE's default. */
    ACCESS_EXCLUSIVE(8, "AccessExclusiveLock");

    private static final LockMode[] BY_CODE = new LockMode[9];

    static {
        for (LockMode m : values()) BY_CODE[m.code] = m;
    }

    private final int code;
    private final String lockName;

    LockMode(int code, String lockName) {
        this.code = code;
        this.lockName = lockName;
    }

    /** The stored mode number, 1..8. */
    public int code() {
        return code;
    }

    /** The bit of this mode in a mode mask ({@code 1 << code}). */
    public int bit() {
        return 1 << code;
    }

    /** PostgreSQL's name, as in pg_locks.mode and error details ("ShareLock"). */
    public String lockName() {
        return lockName;
    }

    /** The mask of modes this mode conflicts with (bit {@code code} per mode). */
    public int conflictMask() {
        return CONFLICTS[code];
    }

    /** True if a holder of {@code other} blocks a request for this mode (the table is symmetric). */
    public boolean conflictsWith(LockMode other) {
        return (CONFLICTS[code] & other.bit()) != 0;
    }

    /**
     * The mode stored as {@code code}.
     *
     * @throws IllegalArgumentException if code is not 1..8
     */
    public static LockMode ofCode(int code) {
        if (code < 1 || code > 8) throw new IllegalArgumentException("lock mode code " + code);
        return BY_CODE[code];
    }

    private static int bits(int... codes) {
        int m = 0;
        for (int c : codes) m |= 1 << c;
        return m;
    }

    /** lock.c's LockConflicts, indexed by mode code. */
    private static final int[] CONFLICTS = {
            0,
            bits(8),                                   // AccessShare
            bits(7, 8),                                // RowShare
            bits(5, 6, 7, 8),                          // RowExclusive
            bits(4, 5, 6, 7, 8),                       // ShareUpdateExclusive
            bits(3, 4, 6, 7, 8),                       // Share
            bits(3, 4, 5, 6, 7, 8),                    // ShareRowExclusive
            bits(2, 3, 4, 5, 6, 7, 8),                 // Exclusive
            bits(1, 2, 3, 4, 5, 6, 7, 8),              // AccessExclusive
    };
}
