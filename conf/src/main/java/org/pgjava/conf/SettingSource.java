package org.pgjava.conf;

/**
 * Where a setting's current value came from, in increasing priority (PostgreSQL's GucSource, reduced).
 * A value from a lower-priority source never replaces one from a higher-priority source: a reload
 * (FILE) does not undo a client's SET (SESSION); it only changes what RESET returns to.
 * {@link #pgName()} is what pg_settings.source shows.
 */
public enum SettingSource {
    /** The built-in (boot) value. */
    DEFAULT("default"),
    /** postgresql.conf (and files it includes). */
    FILE("configuration file"),
    /** The postmaster's command line ({@code -c name=value}, {@code -p}). */
    COMMAND_LINE("command line"),
    /** The client's startup packet (options and parameters). */
    CLIENT("client"),
    /** Set by the server itself (is_superuser, session_authorization at login): PostgreSQL's PGC_S_OVERRIDE. */
    OVERRIDE("override"),
    /** SET / SET LOCAL / RESET in the session. */
    SESSION("session");

    private final String pgName;

    SettingSource(String pgName) {
        this.pgName = pgName;
    }

    /** The text pg_settings.source shows for this source. */
    public String pgName() {
        return pgName;
    }
}
