package org.pgjava.backend.access.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pgjava.backend.access.heap.HeapColumn;
import org.pgjava.backend.access.heap.HeapRelation;
import org.pgjava.backend.access.heap.HeapTable;
import org.pgjava.backend.access.transam.TransactionManager;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.utils.SessionContext;
import org.pgjava.backend.utils.adt.TypeIO;
import org.pgjava.backend.utils.relation.CatalogWriter;
import org.pgjava.backend.utils.relation.RelationColumn;
import org.pgjava.backend.utils.relation.RelationResolver;
import org.pgjava.backend.utils.relation.RelationSource;
import org.pgjava.backend.utils.relation.RowScan;
import org.pgjava.backend.utils.relation.TableColumn;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.CatalogValues;
import org.pgjava.conf.errors.PgException;

/**
 * The session's relation resolver over the system catalogs (PostgreSQL's namespace.c RangeVarGetRelid +
 * relcache.c RelationIdGetRelation): FROM-clause names become {@link HeapTable}s of user tables or
 * read-only scans of the catalogs themselves, described by the {@link RelationCache} and kept current by
 * the shared invalidation queue. {@link #catalogWriter()} is the DDL side ({@link HeapCatalogWriter}).
 *
 * <p>Name resolution: a qualified name looks only in that schema (a missing schema finds nothing: the
 * analyzer says 42P01 {@code relation "s.t" does not exist}, as PostgreSQL); an unqualified name looks
 * in pg_catalog, then in each existing schema of search_path ({@code "$user"} is the current role's name).
 * Only ordinary tables (relkind 'r') resolve.
 *
 * <p>Entry points: {@link #resolve}, {@link #relationByName}, {@link #relationByOid}, {@link #catalogWriter()},
 * {@link #invalidation()}. Process-safety: the session thread only; every method runs inside a
 * transaction (catalog snapshot).
 */
public final class CatalogRelations implements RelationResolver {
    /** pg_namespace OIDs. */
    public static final long PG_CATALOG = 11, PUBLIC = 2200;
    /** pg_database_owner: the role that owns the public schema in PostgreSQL 15. */
    public static final long PG_DATABASE_OWNER = 6171;

    private final CatalogAccess catalogs;
    private final RelationCache cache;
    private final CatalogInvalidation invalidation;
    private final SessionContext session;
    private final HeapCatalogWriter writer;

    /**
     * @param catalogs     catalog access of the session's database
     * @param cache        the backend's relation cache
     * @param invalidation the backend's end of the invalidation queue (over {@code cache})
     * @param session      the session (search_path, current role, type I/O settings)
     */
    public CatalogRelations(CatalogAccess catalogs, RelationCache cache, CatalogInvalidation invalidation,
                            SessionContext session) {
        this.catalogs = catalogs;
        this.cache = cache;
        this.invalidation = invalidation;
        this.session = session;
        this.writer = new HeapCatalogWriter(this);
    }

    CatalogAccess catalogs() {
        return catalogs;
    }

    TransactionManager tm() {
        return catalogs.transactions();
    }

    SessionContext session() {
        return session;
    }

    /** The backend's end of the invalidation queue. */
    public CatalogInvalidation invalidation() {
        return invalidation;
    }

    /** The relation cache. */
    public RelationCache cache() {
        return cache;
    }

    @Override
    public CatalogWriter catalogWriter() {
        return writer;
    }

    @Override
    public RelationSource resolve(String schema, String name) {
        CachedRelation r = relationByName(schema, name);
        if (r == null) {
            return null;
        }
        if (r.catalog() != null) {
            return new CatalogSource(new HeapTable(r.relation(), tm()));
        }
        return new HeapTable(r.relation(), tm());
    }

    /** A catalog as a read-only relation (INSERT/UPDATE/DELETE on it are refused by the executor). */
    private record CatalogSource(HeapTable table) implements RelationSource {
        @Override
        public String schemaName() {
            return table.schemaName();
        }

        @Override
        public String name() {
            return table.name();
        }

        @Override
        public int tableOid() {
            return table.tableOid();
        }

        @Override
        public List<RelationColumn> columns() {
            return table.columns();
        }

        @Override
        public RowScan openScan(SessionContext s) {
            return table.openScan(s);
        }
    }

    /**
     * The table {@code schema.name} (schema null: pg_catalog then search_path), after applying waiting
     * invalidation messages; null when there is none.
     */
    public CachedRelation relationByName(String schema, String name) {
        invalidation.accept();
        List<Long> namespaces = new ArrayList<>();
        if (schema != null) {
            long nsp = namespaceOid(schema);
            if (nsp < 0) {
                return null;
            }
            namespaces.add(nsp);
        } else {
            namespaces.add(PG_CATALOG);
            for (long nsp : searchPathNamespaces()) {
                if (!namespaces.contains(nsp)) {
                    namespaces.add(nsp);
                }
            }
        }
        for (long nsp : namespaces) {
            CachedRelation r = lookup(nsp, name);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** The relation in namespace {@code nsp} named {@code name}, or null (cached when found). */
    CachedRelation lookup(long nsp, String name) {
        Long oid = cache.oidByName(nsp, name);
        if (oid != null) {
            CachedRelation r = cache.byOid(oid);
            if (r != null) {
                return r;
            }
        }
        if (cache.knownMissing(nsp, name)) {
            return null;
        }
        CatalogTuple t = findClass(nsp, name);
        if (t == null) {
            cache.putMissing(nsp, name);
            return null;
        }
        CachedRelation r = build(t.row());
        if (r != null) {
            cache.put(r);
        }
        return r;
    }

    /** The relation with this OID, or null. */
    public CachedRelation relationByOid(long oid) {
        invalidation.accept();
        CachedRelation r = cache.byOid(oid);
        if (r != null) {
            return r;
        }
        int oidIx = catalogs.index(BootstrapCatalog.PG_CLASS, "oid");
        List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_CLASS, row -> (Long) row[oidIx] == oid);
        if (rows.isEmpty()) {
            return null;
        }
        r = build(rows.getFirst().row());
        if (r != null) {
            cache.put(r);
        }
        return r;
    }

    /** The pg_class row of (nsp, name) as the catalog snapshot sees it, or null. */
    CatalogTuple findClass(long nsp, String name) {
        int relname = catalogs.index(BootstrapCatalog.PG_CLASS, "relname");
        int relnamespace = catalogs.index(BootstrapCatalog.PG_CLASS, "relnamespace");
        List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_CLASS,
                row -> name.equals(row[relname]) && (Long) row[relnamespace] == nsp);
        return rows.isEmpty() ? null : rows.getFirst();
    }

    /** The pg_class row with this OID, or null. */
    CatalogTuple classRow(long oid) {
        int oidIx = catalogs.index(BootstrapCatalog.PG_CLASS, "oid");
        List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_CLASS, row -> (Long) row[oidIx] == oid);
        return rows.isEmpty() ? null : rows.getFirst();
    }

    private CachedRelation build(Object[] classRow) {
        BootstrapCatalog c = BootstrapCatalog.PG_CLASS;
        long oid = (Long) classRow[catalogs.index(c, "oid")];
        String relname = (String) classRow[catalogs.index(c, "relname")];
        long nsp = (Long) classRow[catalogs.index(c, "relnamespace")];
        long owner = (Long) classRow[catalogs.index(c, "relowner")];
        char relkind = ((String) classRow[catalogs.index(c, "relkind")]).charAt(0);
        if (relkind != 'r') {
            return null;
        }
        String nspName = namespaceName(nsp);
        BootstrapCatalog catalog = nsp == PG_CATALOG ? BootstrapCatalog.byOid(oid) : null;
        if (catalog != null) {
            return new CachedRelation(oid, relname, nsp, nspName, owner, relkind, catalogs.catalogRelation(catalog), catalog);
        }
        BootstrapCatalog a = BootstrapCatalog.PG_ATTRIBUTE;
        int attrelid = catalogs.index(a, "attrelid"), attnum = catalogs.index(a, "attnum");
        List<CatalogTuple> attributes = new ArrayList<>(catalogs.scan(a,
                row -> (Long) row[attrelid] == oid && (Short) row[attnum] > 0));
        attributes.sort(Comparator.comparingInt(t -> (Short) t.row()[attnum]));
        Map<Short, String> defaults = new HashMap<>();
        BootstrapCatalog d = BootstrapCatalog.PG_ATTRDEF;
        int adrelid = catalogs.index(d, "adrelid"), adnum = catalogs.index(d, "adnum"), adbin = catalogs.index(d, "adbin");
        for (CatalogTuple t : catalogs.scan(d, row -> (Long) row[adrelid] == oid)) {
            defaults.put((Short) t.row()[adnum], (String) t.row()[adbin]);
        }
        List<TableColumn> columns = new ArrayList<>();
        List<HeapColumn> storage = new ArrayList<>();
        Object[] missing = new Object[attributes.size()];
        for (CatalogTuple t : attributes) {
            Object[] row = t.row();
            short num = (Short) row[attnum];
            int typeOid = (int) (long) (Long) row[catalogs.index(a, "atttypid")];
            int typmod = (Integer) row[catalogs.index(a, "atttypmod")];
            boolean dropped = (Boolean) row[catalogs.index(a, "attisdropped")];
            columns.add(new TableColumn((String) row[catalogs.index(a, "attname")], typeOid, typmod,
                    (Boolean) row[catalogs.index(a, "attnotnull")], defaults.get(num), dropped));
            storage.add(new HeapColumn(typeOid, typmod, (Short) row[catalogs.index(a, "attlen")],
                    (Boolean) row[catalogs.index(a, "attbyval")], ((String) row[catalogs.index(a, "attalign")]).charAt(0)));
            if ((Boolean) row[catalogs.index(a, "atthasmissing")]) {
                String literal = (String) row[catalogs.index(a, "attmissingval")];
                String text = literal == null ? null : CatalogValues.parseArrayLiteral(literal).getFirst();
                missing[num - 1] = text == null ? null : TypeIO.input(typeOid, text, session);
            }
        }
        RelFileLocator locator = CatalogStorage.locator((Long) classRow[catalogs.index(c, "reltablespace")],
                (Long) classRow[catalogs.index(c, "relfilenode")], catalogs.databaseOid());
        HeapRelation relation = new HeapRelation((int) oid, nspName, relname, locator, columns, storage, missing);
        return new CachedRelation(oid, relname, nsp, nspName, owner, relkind, relation, null);
    }

    /** pg_namespace.oid of {@code name}, or -1. */
    public long namespaceOid(String name) {
        Long cached = cache.namespaceOid(name);
        if (cached != null) {
            return cached;
        }
        int nspname = catalogs.index(BootstrapCatalog.PG_NAMESPACE, "nspname");
        List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_NAMESPACE, row -> name.equals(row[nspname]));
        long oid = rows.isEmpty() ? -1 : (Long) rows.getFirst().row()[catalogs.index(BootstrapCatalog.PG_NAMESPACE, "oid")];
        cache.putNamespace(name, oid);
        return oid;
    }

    /** The pg_namespace row with this OID, or null. */
    Object[] namespaceRow(long oid) {
        int oidIx = catalogs.index(BootstrapCatalog.PG_NAMESPACE, "oid");
        List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_NAMESPACE, row -> (Long) row[oidIx] == oid);
        return rows.isEmpty() ? null : rows.getFirst().row();
    }

    /** nspname of a namespace OID, or null. */
    public String namespaceName(long oid) {
        Object[] row = namespaceRow(oid);
        return row == null ? null : (String) row[catalogs.index(BootstrapCatalog.PG_NAMESPACE, "nspname")];
    }

    /** The existing schemas of search_path in order ({@code "$user"} = the current role's name). */
    public List<Long> searchPathNamespaces() {
        List<Long> result = new ArrayList<>();
        String path = session.setting("search_path");
        for (String element : splitSearchPath(path == null ? "\"$user\", public" : path)) {
            String name = element.equals("$user") ? session.currentUser() : element;
            long oid = namespaceOid(name);
            if (oid >= 0 && !result.contains(oid)) {
                result.add(oid);
            }
        }
        return result;
    }

    /** search_path's elements: comma-separated, double quotes keep case and commas, unquoted are lower-cased. */
    static List<String> splitSearchPath(String path) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < path.length(); i++) {
            char ch = path.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < path.length() && path.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                add(out, cur, wasQuoted);
                cur.setLength(0);
                wasQuoted = false;
            } else if (!Character.isWhitespace(ch)) {
                cur.append(Character.toLowerCase(ch));
            }
        }
        add(out, cur, wasQuoted);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur, boolean quoted) {
        if (cur.length() > 0 || quoted) {
            out.add(cur.toString());
        }
    }

    /** The pg_authid row of a role name, or null. */
    Object[] roleRow(String name) {
        int rolname = catalogs.index(BootstrapCatalog.PG_AUTHID, "rolname");
        List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_AUTHID, row -> name.equals(row[rolname]));
        return rows.isEmpty() ? null : rows.getFirst().row();
    }

    /** The current role's OID (0 when the role is unknown to pg_authid). */
    long currentRoleOid() {
        Object[] row = roleRow(session.currentUser());
        return row == null ? 0 : (Long) row[catalogs.index(BootstrapCatalog.PG_AUTHID, "oid")];
    }

    /** True when the current role is a superuser. */
    boolean currentRoleIsSuperuser() {
        Object[] row = roleRow(session.currentUser());
        return row != null && (Boolean) row[catalogs.index(BootstrapCatalog.PG_AUTHID, "rolsuper")];
    }

    /** pg_database.datdba of this database, or 0. */
    long databaseOwner() {
        int oidIx = catalogs.index(BootstrapCatalog.PG_DATABASE, "oid");
        List<CatalogTuple> rows = catalogs.scan(BootstrapCatalog.PG_DATABASE,
                row -> (Long) row[oidIx] == catalogs.databaseOid());
        return rows.isEmpty() ? 0 : (Long) rows.getFirst().row()[catalogs.index(BootstrapCatalog.PG_DATABASE, "datdba")];
    }

    /** Fails with PostgreSQL's error unless the current role may change the relation (owner or superuser). */
    void checkOwner(CachedRelation r) {
        if (!currentRoleIsSuperuser() && currentRoleOid() != r.ownerOid()) {
            throw PgException.error(org.pgjava.conf.errors.SqlState.INSUFFICIENT_PRIVILEGE,
                    "must be owner of table " + r.name());
        }
    }
}
