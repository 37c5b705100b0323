package org.pgjava.catalog.rows;

import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.catalog.bootstrap.BootstrapCatalog;
import org.pgjava.catalog.bootstrap.BootstrapData;
import org.pgjava.catalog.bootstrap.CatalogShape;

/**
 * Builds pg_authid rows from the flat auth file's role entries ({@link RoleEntry}).
 *
 * <p>The auth file carries only what the postmaster needs, so the other attributes get PostgreSQL's
 * defaults: the bootstrap superuser (OID 10) has every attribute true, as initdb gives it; any other
 * role has rolinherit true and rolcreaterole, rolcreatedb, rolreplication, rolbypassrls false (CREATE
 * ROLE's defaults). When those attributes become settable the auth file must carry them.
 *
 * <p>Entry points: {@link #pgAuthidRow(RoleEntry)}.
 */
public final class RoleRows {
    /** pg_authid OID of the bootstrap superuser (BOOTSTRAP_SUPERUSERID). */
    public static final long BOOTSTRAP_SUPERUSER_OID = 10;

    private final CatalogShape pgAuthid;

    /** Row builder over the pg_authid shape in {@code data}. */
    public RoleRows(BootstrapData data) {
        this.pgAuthid = data.shape(BootstrapCatalog.PG_AUTHID);
    }

    /** The pg_authid row of one role of the auth file. */
    public Object[] pgAuthidRow(RoleEntry role) {
        boolean bootstrap = role.oid() == BOOTSTRAP_SUPERUSER_OID;
        return CatalogRow.of(pgAuthid)
                .set("oid", Integer.toUnsignedLong(role.oid())).set("rolname", role.name())
                .set("rolsuper", role.superuser()).set("rolinherit", true)
                .set("rolcreaterole", bootstrap).set("rolcreatedb", bootstrap)
                .set("rolcanlogin", role.canLogin()).set("rolreplication", bootstrap)
                .set("rolbypassrls", bootstrap).set("rolconnlimit", role.connLimit())
                .set("rolpassword", role.passwordVerifier()).set("rolvaliduntil", role.validUntil())
                .build();
    }
}
