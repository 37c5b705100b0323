package org.pgjava.conf;

/**
 * The base unit of an INT or REAL setting (pg_settings.unit): the value a getter returns is counted in
 * this unit. Memory units count bytes ({@link #bytes()}), time units milliseconds ({@link #millis()}).
 */
public enum SettingUnit {
    NONE("", 0, 0), B("B", 1, 0), KB("kB", 1024, 0), BLOCKS_8KB("8kB", 8192, 0), MB("MB", 1024 * 1024, 0),
    MS("ms", 0, 1), S("s", 0, 1000), MIN("min", 0, 60_000);

    private final String pgName;
    private final long bytes;
    private final long millis;

    SettingUnit(String pgName, long bytes, long millis) {
        this.pgName = pgName;
        this.bytes = bytes;
        this.millis = millis;
    }

    /** The text pg_settings.unit shows ("" for NONE). */
    public String pgName() { return pgName; }

    /** Bytes per unit for memory units, 0 otherwise. */
    public long bytes() { return bytes; }

    /** Milliseconds per unit for time units, 0 otherwise. */
    public long millis() { return millis; }

    public boolean isMemory() { return bytes != 0; }

    public boolean isTime() { return millis != 0; }

    /** The unit whose pg_settings.unit text is {@code s} ("" is NONE); IllegalArgumentException otherwise. */
    public static SettingUnit fromPgName(String s) {
        for (SettingUnit u : values()) {
            if (u.pgName.equals(s)) return u;
        }
        throw new IllegalArgumentException("unknown unit " + s);
    }
}
