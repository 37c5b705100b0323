package org.pgjava.shmem.sinval;

/**
 * One shared invalidation message, as PostgreSQL's SharedInvalidationMessage (sinval.h), reduced to the
 * three kinds pgjava's caches need. OIDs and hash values are unsigned 32-bit values held in a long.
 *
 * <ul>
 *   <li>{@link Kind#RELCACHE}: relation {@code objectId} of database {@code databaseOid} changed (database
 *       0 for a shared catalog's relation; objectId 0 = every relation of that database)</li>
 *   <li>{@link Kind#CATCACHE}: catalog cache {@code cacheId}'s entries whose key hashes to
 *       {@code objectId} in database {@code databaseOid} (0 for shared catalogs) are stale</li>
 *   <li>{@link Kind#CATALOG}: every cached row of catalog {@code objectId} (a pg_class OID) in database
 *       {@code databaseOid} is stale</li>
 * </ul>
 *
 * @param kind        what is invalid
 * @param cacheId     the catalog cache number (CATCACHE only, 0..255; 0 otherwise)
 * @param databaseOid the database, 0 for shared objects
 * @param objectId    relation OID, hash value or catalog OID, by kind
 */
public record InvalidationMessage(Kind kind, int cacheId, long databaseOid, long objectId) {
    /** Message kinds; {@link #code} is the byte stored in shared memory (0 is never a valid message). */
    public enum Kind {
        RELCACHE(1), CATCACHE(2), CATALOG(3);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind ofCode(int code) {
            return switch (code) {
                case 1 -> RELCACHE;
                case 2 -> CATCACHE;
                case 3 -> CATALOG;
                default -> throw new IllegalStateException("corrupt invalidation message kind " + code);
            };
        }
    }

    public InvalidationMessage {
        if (cacheId < 0 || cacheId > 255 || (kind != Kind.CATCACHE && cacheId != 0)) {
            throw new IllegalArgumentException("bad cache id " + cacheId + " for " + kind);
        }
        checkUnsigned32(databaseOid);
        checkUnsigned32(objectId);
    }

    private static void checkUnsigned32(long v) {
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an unsigned 32-bit value: " + v);
        }
    }

    /** Relation {@code relationOid} of {@code databaseOid} (0 = shared) must be rebuilt. */
    public static InvalidationMessage relcache(long databaseOid, long relationOid) {
        return new InvalidationMessage(Kind.RELCACHE, 0, databaseOid, relationOid);
    }

    /** Catalog-cache entries of cache {@code cacheId} with key hash {@code hashValue} are stale. */
    public static InvalidationMessage catcache(int cacheId, long databaseOid, long hashValue) {
        return new InvalidationMessage(Kind.CATCACHE, cacheId, databaseOid, hashValue);
    }

    /** Everything cached from catalog {@code catalogOid} in {@code databaseOid} is stale. */
    public static InvalidationMessage catalog(long databaseOid, long catalogOid) {
        return new InvalidationMessage(Kind.CATALOG, 0, databaseOid, catalogOid);
    }
}
