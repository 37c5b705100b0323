package org.pgjava.catalog.authfile;

import java.time.Instant;
import java.util.List;

/**
 * One role as the postmaster needs it for authentication (a pg_authid row, reduced).
 *
 * @param oid              pg_authid.oid
 * @param name             rolname
 * @param superuser        rolsuper
 * @param canLogin         rolcanlogin
 * @param connLimit        rolconnlimit (-1 = no limit)
 * @param passwordVerifier rolpassword: "SCRAM-SHA-256$..." or "md5..." or null (no password)
 * @param validUntil       rolvaliduntil, null = forever
 * @param memberOf         names of the roles this role is a direct member of
 */
public record RoleEntry(int oid, String name, boolean superuser, boolean canLogin, int connLimit,
                        String passwordVerifier, Instant validUntil, List<String> memberOf) {
    public RoleEntry {
        memberOf = List.copyOf(memberOf);
    }
}
