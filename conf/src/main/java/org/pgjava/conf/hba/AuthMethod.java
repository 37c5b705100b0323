package org.pgjava.conf.hba;

import java.util.Locale;

/**
 * The authentication methods of pg_hba.conf. pgjava implements TRUST, REJECT, PASSWORD, MD5 and
 * SCRAM_SHA_256 ({@link #isSupported()}); the other PostgreSQL 15 methods parse, so an existing
 * pg_hba.conf loads, and a connection that matches such a line is refused by the postmaster with
 * 0A000 (see docs/auth/README.md).
 */
public enum AuthMethod {
    TRUST("trust"), REJECT("reject"), PASSWORD("password"), MD5("md5"), SCRAM_SHA_256("scram-sha-256"),
    PEER("peer"), IDENT("ident"), GSS("gss"), SSPI("sspi"), PAM("pam"), BSD("bsd"), LDAP("ldap"),
    RADIUS("radius"), CERT("cert");

    private final String keyword;

    AuthMethod(String keyword) {
        this.keyword = keyword;
    }

    /** The pg_hba.conf keyword ("scram-sha-256"). */
    public String keyword() {
        return keyword;
    }

    /** Whether pgjava can authenticate with this method. */
    public boolean isSupported() {
        return ordinal() <= SCRAM_SHA_256.ordinal();
    }

    /** The method for a pg_hba.conf keyword (exact, lower case as PostgreSQL requires), or null. */
    public static AuthMethod fromKeyword(String s) {
        for (AuthMethod m : values()) {
            if (m.keyword.equals(s)) return m;
        }
        return null;
    }

    @Override
    public String toString() {
        return keyword.toUpperCase(Locale.ROOT);
    }
}
