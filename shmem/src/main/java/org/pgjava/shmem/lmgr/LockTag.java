package org.pgjava.shmem.lmgr;

/**
 * What a heavyweight lock locks (PostgreSQL's LOCKTAG): a kind and up to four 32-bit fields. Stored in the
 * lock table as five 4-byte words. Make tags with the factories; {@link #describe()} gives PostgreSQL's
 * DescribeLockTag text used in error details ("transaction 743", "relation 16384 of database 5").
 *
 * @param kind   the lock kind
 * @param field1 first field (database OID, or the xid for {@link Kind#TRANSACTION})
 * @param field2 second field (relation OID, class OID)
 * @param field3 third field (block number, object OID)
 * @param field4 fourth field (tuple offset, sub-id)
 */
public record LockTag(Kind kind, int field1, int field2, int field3, int field4) {
    /** Lock kinds (codes are pgjava's, stored in the lock table; 0 = unused entry). */
    public enum Kind {
        RELATION(1), RELATION_EXTEND(2), PAGE(3), TUPLE(4), TRANSACTION(5), OBJECT(6), ADVISORY(7);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The stored code (1..7). */
        public int code() {
            return code;
        }

        /** The kind stored as {@code code}; IllegalArgumentException for an unknown code. */
        public static Kind ofCode(int code) {
            for (Kind k : values()) if (k.code == code) return k;
            throw new IllegalArgumentException("lock tag kind " + code);
        }
    }

    public LockTag {
        if (kind == null) throw new IllegalArgumentException("lock tag kind is null");
    }

    /** A whole relation: LOCKTAG_RELATION(db, rel); db 0 for shared catalogs. */
    public static LockTag relation(int databaseOid, int relationOid) {
        return new LockTag(Kind.RELATION, databaseOid, relationOid, 0, 0);
    }

    /** The right to extend a relation: LOCKTAG_RELATION_EXTEND(db, rel). */
    public static LockTag relationExtend(int databaseOid, int relationOid) {
        return new LockTag(Kind.RELATION_EXTEND, databaseOid, relationOid, 0, 0);
    }

    /** One page of a relation: LOCKTAG_PAGE(db, rel, block). */
    public static LockTag page(int databaseOid, int relationOid, int block) {
        return new LockTag(Kind.PAGE, databaseOid, relationOid, block, 0);
    }

    /** One tuple: LOCKTAG_TUPLE(db, rel, block, offset). */
    public static LockTag tuple(int databaseOid, int relationOid, int block, int offset) {
        return new LockTag(Kind.TUPLE, databaseOid, relationOid, block, offset);
    }

    /** A transaction, by its 32-bit xid: LOCKTAG_TRANSACTION. */
    public static LockTag transaction(long xid) {
        return new LockTag(Kind.TRANSACTION, (int) xid, 0, 0, 0);
    }

    /** A database object: LOCKTAG_OBJECT(db, classId, objId, objSubId). */
    public static LockTag object(int databaseOid, int classOid, int objectOid, int subId) {
        return new LockTag(Kind.OBJECT, databaseOid, classOid, objectOid, subId);
    }

    /** An advisory lock: LOCKTAG_ADVISORY(db, key1, key2, kind). */
    public static LockTag advisory(int databaseOid, int key1, int key2, int keyKind) {
        return new LockTag(Kind.ADVISORY, databaseOid, key1, key2, keyKind);
    }

    private static String u(int v) {
        return Integer.toUnsignedString(v);
    }

    /** PostgreSQL's DescribeLockTag text. */
    public String describe() {
        return switch (kind) {
            case RELATION -> "relation " + u(field2) + " of database " + u(field1);
            case RELATION_EXTEND -> "extension of relation " + u(field2) + " of database " + u(field1);
            case PAGE -> "page " + u(field3) + " of relation " + u(field2) + " of database " + u(field1);
            case TUPLE -> "tuple (" + u(field3) + "," + u(field4) + ") of relation " + u(field2) + " of database "
                    + u(field1);
            case TRANSACTION -> "transaction " + u(field1);
            case OBJECT -> "object " + u(field3) + " of class " + u(field2) + " of database " + u(field1);
            case ADVISORY -> "advisory lock [" + u(field1) + "," + u(field2) + "," + u(field3) + "," + u(field4) + "]";
        };
    }

    /** A well-mixed hash of the tag (chooses the partition and the bucket). */
    public int hash() {
        long h = kind.code * 0x9E3779B97F4A7C15L;
        h = (h ^ field1) * 0xBF58476D1CE4E5B9L;
        h = (h ^ field2) * 0x94D049BB133111EBL;
        h = (h ^ field3) * 0x9E3779B97F4A7C15L;
        h = (h ^ field4) * 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 31) ^ (h >>> 47));
    }
}
