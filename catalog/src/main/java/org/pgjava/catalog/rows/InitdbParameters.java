package org.pgjava.catalog.rows;

import org.pgjava.catalog.authfile.RoleEntry;

/**
 * What initdb chooses that shows in the bootstrap catalog rows.
 *
 * @param superuser      the bootstrap superuser (must have OID 10, as in PostgreSQL)
 * @param encoding       the databases' encoding number (6 = UTF8)
 * @param localeProvider 'c' (libc)
 * @param collate        LC_COLLATE of the databases
 * @param ctype          LC_CTYPE of the databases
 * @param frozenXid      relfrozenxid / datfrozenxid of everything initdb writes (3 = FirstNormalTransactionId
 *                       when initdb's rows are frozen)
 */
public record InitdbParameters(RoleEntry superuser, int encoding, char localeProvider, String collate,
                               String ctype, long frozenXid) {
    /** FirstNormalTransactionId. */
    public static final long FIRST_NORMAL_XID = 3;

    public InitdbParameters {
        if (superuser.oid() != RoleRows.BOOTSTRAP_SUPERUSER_OID) {
            throw new IllegalArgumentException("the bootstrap superuser must have OID 10, not " + superuser.oid());
        }
    }
}
