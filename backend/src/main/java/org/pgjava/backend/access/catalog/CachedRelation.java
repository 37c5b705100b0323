package org.pgjava.backend.access.catalog;

import org.pgjava.backend.access.heap.HeapRelation;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;

/**
 * A relation cache entry: what pg_class and pg_attribute say about one relation.
 *
 * @param oid           pg_class.oid
 * @param name          relname
 * @param namespaceOid  relnamespace
 * @param namespaceName the namespace's nspname
 * @param ownerOid      relowner
 * @param relkind       relkind ('r' for tables)
 * @param relation      the heap description engine's HeapTable works on (columns, storage, missing values)
 * @param catalog       the bootstrap catalog this is, or null for a user table
 */
public record CachedRelation(long oid, String name, long namespaceOid, String namespaceName, long ownerOid,
                             char relkind, HeapRelation relation, BootstrapCatalog catalog) {
}
