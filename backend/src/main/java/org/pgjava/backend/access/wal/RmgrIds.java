package org.pgjava.backend.access.wal;

/**
 * Resource manager ids (xl_rmid), with PostgreSQL 15's numbers (src/include/access/rmgrlist.h): the redo
 * driver dispatches a record to the handler registered under its id. Entry point: the constants,
 * {@link #name(int)}.
 */
public final class RmgrIds {
    public static final int XLOG = 0;
    public static final int XACT = 1;
    public static final int SMGR = 2;
    public static final int CLOG = 3;
    public static final int DBASE = 4;
    public static final int TBLSPC = 5;
    public static final int MULTIXACT = 6;
    public static final int RELMAP = 7;
    public static final int STANDBY = 8;
    public static final int HEAP2 = 9;
    public static final int HEAP = 10;
    public static final int BTREE = 11;
    public static final int HASH = 12;
    public static final int GIN = 13;
    public static final int GIST = 14;
    public static final int SEQ = 15;
    public static final int SPGIST = 16;
    public static final int BRIN = 17;
    public static final int COMMIT_TS = 18;
    public static final int REPLORIGIN = 19;
    public static final int GENERIC = 20;
    public static final int LOGICALMSG = 21;
    /** Highest built-in id + 1. */
    public static final int COUNT = 22;

    private static final String[] NAMES = {"XLOG", "Transaction", "Storage", "CLOG", "Database", "Tablespace",
            "MultiXact", "RelMap", "Standby", "Heap2", "Heap", "Btree", "Hash", "Gin", "Gist", "Sequence", "SPGist",
            "BRIN", "CommitTs", "ReplicationOrigin", "Generic", "LogicalMessage"};

    private RmgrIds() {
    }

    /** PostgreSQL's name of resource manager {@code rmid} (as pg_waldump prints it), or "rmid N". */
    public static String name(int rmid) {
        return rmid >= 0 && rmid < NAMES.length ? NAMES[rmid] : "rmid " + rmid;
    }
}
