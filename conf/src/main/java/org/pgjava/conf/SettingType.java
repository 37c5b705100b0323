package org.pgjava.conf;

/**
 * The value type of a setting, as pg_settings.vartype shows it ({@link #pgName()}). Values are held as
 * Boolean (BOOL), Long in the setting's base unit (INT), Double (REAL) and String (STRING, ENUM).
 */
public enum SettingType {
    BOOL("bool"), INT("integer"), REAL("real"), STRING("string"), ENUM("enum");

    private final String pgName;

    SettingType(String pgName) {
        this.pgName = pgName;
    }

    /** The name pg_settings.vartype shows: bool, integer, real, string, enum. */
    public String pgName() {
        return pgName;
    }

    /** The type for a pg_settings.vartype name; throws IllegalArgumentException for any other text. */
    public static SettingType fromPgName(String s) {
        for (SettingType t : values()) {
            if (t.pgName.equals(s)) return t;
        }
        throw new IllegalArgumentException("unknown setting type " + s);
    }
}
