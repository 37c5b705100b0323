package org.pgjava.backend.storage;

/**
 * Which files hold a relation: PostgreSQL's RelFileLocator. The main fork of a relation in database
 * {@code dbOid} of the default tablespace lives in {@code DATA/base/<dbOid>/<relNumber>}; a relation of the
 * global tablespace ({@code spcOid} = 1664, {@code dbOid} = 0) in {@code DATA/global/<relNumber>}.
 *
 * @param spcOid    tablespace OID: 1663 (pg_default) or 1664 (pg_global)
 * @param dbOid     database OID, 0 for shared relations
 * @param relNumber pg_class.relfilenode
 */
public record RelFileLocator(int spcOid, int dbOid, int relNumber) {
    /** pg_default's OID. */
    public static final int DEFAULT_TABLESPACE = 1663;
    /** pg_global's OID. */
    public static final int GLOBAL_TABLESPACE = 1664;

    /** A relation of database {@code dbOid} in the default tablespace. */
    public static RelFileLocator of(int dbOid, int relNumber) {
        return new RelFileLocator(DEFAULT_TABLESPACE, dbOid, relNumber);
    }

    /** A shared (global) relation. */
    public static RelFileLocator global(int relNumber) {
        return new RelFileLocator(GLOBAL_TABLESPACE, 0, relNumber);
    }
}
