package org.pgjava.backend.access.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * One backend's relation cache (PostgreSQL's relcache): table descriptions built from pg_class,
 * pg_namespace, pg_attribute and pg_attrdef, kept in Caffeine caches keyed by OID and by (namespace OID,
 * name). Entries are dropped by {@link #invalidate(long)} (a relcache message from the shared
 * invalidation queue, or this backend's own catalog change) and {@link #invalidateAll()} (RESET, abort of
 * a transaction that changed catalogs).
 *
 * <p>Rules: only committed-or-own state is cached, and a backend drains the invalidation queue before it
 * looks anything up ({@link CatalogInvalidation#accept}). Negative results (no relation of that name in
 * that namespace; PostgreSQL's negative catcache entries) and schema names are cached too, because name
 * resolution asks for pg_catalog first and would otherwise scan pg_class for every user table: every
 * relcache invalidation drops all negative entries (a message may announce a new relation), RESET and
 * catalog-wide messages drop everything. Entry points: {@link #byOid(long)}, {@link #oidByName(long,
 * String)}, {@link #put}, {@link #knownMissing}, {@link #putMissing}, {@link #namespaceOid(String)},
 * {@link #putNamespace}, {@link #invalidate(long)}, {@link #invalidateAll()}.
 */
public final class RelationCache {
    private final Cache<Long, CachedRelation> byOid;
    private final Cache<NameKey, Long> byName;
    private final Cache<NameKey, Boolean> missing;
    private final Cache<String, Long> namespaces;

    private record NameKey(long namespaceOid, String name) {
    }

    /** A cache holding at most {@code maximumSize} relations. */
    public RelationCache(long maximumSize) {
        this.byOid = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
        this.byName = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
        this.missing = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
        this.namespaces = Caffeine.newBuilder().maximumSize(1024).executor(Runnable::run).build();
    }

    /** True if (namespace, name) was looked up and found missing since the last invalidation. */
    public boolean knownMissing(long namespaceOid, String name) {
        return missing.getIfPresent(new NameKey(namespaceOid, name)) != null;
    }

    /** Remembers that no relation (namespace, name) exists (a negative entry). */
    public void putMissing(long namespaceOid, String name) {
        missing.put(new NameKey(namespaceOid, name), Boolean.TRUE);
    }

    /** The cached pg_namespace OID of schema {@code name} (-1: known not to exist), or null. */
    public Long namespaceOid(String name) {
        return namespaces.getIfPresent(name);
    }

    /** Caches schema {@code name}'s OID (-1 for a schema that does not exist). */
    public void putNamespace(String name, long oid) {
        namespaces.put(name, oid);
    }

    /** The cached relation with this OID, or null. */
    public CachedRelation byOid(long oid) {
        return byOid.getIfPresent(oid);
    }

    /** The OID cached for (namespace, name), or null. */
    public Long oidByName(long namespaceOid, String name) {
        return byName.getIfPresent(new NameKey(namespaceOid, name));
    }

    /** Caches {@code relation} under its OID and its name. */
    public void put(CachedRelation relation) {
        byOid.put(relation.oid(), relation);
        byName.put(new NameKey(relation.namespaceOid(), relation.name()), relation.oid());
    }

    /** Drops the relation with this OID (and its name entry). */
    public void invalidate(long oid) {
        CachedRelation r = byOid.getIfPresent(oid);
        byOid.invalidate(oid);
        if (r != null) {
            byName.invalidate(new NameKey(r.namespaceOid(), r.name()));
        }
        byName.asMap().values().removeIf(v -> v == oid);
        missing.invalidateAll();
    }

    /** Drops everything. */
    public void invalidateAll() {
        byOid.invalidateAll();
        byName.invalidateAll();
        missing.invalidateAll();
        namespaces.invalidateAll();
    }

    /** Number of relations cached (tests). */
    public long size() {
        return byOid.asMap().size();
    }
}
