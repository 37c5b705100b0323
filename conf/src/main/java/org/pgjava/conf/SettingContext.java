package org.pgjava.conf;

/**
 * When and by whom a setting may be changed (PostgreSQL's GucContext; {@link #pgName()} is what
 * pg_settings.context shows):
 * <ol>
 *   <li>INTERNAL: never (compiled in or fixed by initdb; the server itself may override it).</li>
 *   <li>POSTMASTER: postgresql.conf or the command line, at server start only.</li>
 *   <li>SIGHUP: postgresql.conf or the command line; a reload applies a change.</li>
 *   <li>SUPERUSER_BACKEND: like BACKEND, but a client needs superuser to set it in the startup packet.</li>
 *   <li>BACKEND: also from the startup packet; fixed once the session started.</li>
 *   <li>SUSET: any time, but only by a superuser from SQL.</li>
 *   <li>USERSET: any time by anyone.</li>
 * </ol>
 */
public enum SettingContext {
    INTERNAL("internal"), POSTMASTER("postmaster"), SIGHUP("sighup"), SUPERUSER_BACKEND("superuser-backend"),
    BACKEND("backend"), SUSET("superuser"), USERSET("user");

    private final String pgName;

    SettingContext(String pgName) {
        this.pgName = pgName;
    }

    /** The name pg_settings.context shows (internal, postmaster, sighup, superuser-backend, backend, superuser, user). */
    public String pgName() {
        return pgName;
    }

    /** The context for a pg_settings.context name; IllegalArgumentException for any other text. */
    public static SettingContext fromPgName(String s) {
        for (SettingContext c : values()) {
            if (c.pgName.equals(s)) return c;
        }
        throw new IllegalArgumentException("unknown setting context " + s);
    }
}
