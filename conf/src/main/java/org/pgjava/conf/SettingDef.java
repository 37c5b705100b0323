package org.pgjava.conf;

import java.util.List;

/**
 * The definition of one configuration setting (one row of PostgreSQL's guc tables): immutable, shared
 * by every {@link Settings}. {@link SettingRegistry} holds the built-in ones.
 *
 * @param name        lower-case lookup name ("datestyle")
 * @param displayName the name as PostgreSQL shows it ("DateStyle"): SHOW's column header, pg_settings.name,
 *                    ParameterStatus name, error messages
 * @param type        value type
 * @param context     when it may be changed
 * @param unit        base unit of INT/REAL values (NONE otherwise)
 * @param bootValue   built-in value in the text form {@link Settings#set} accepts; INT/REAL in the base
 *                    unit without a unit suffix, "" for an empty string
 * @param min         lower bound (INT/REAL), in the base unit
 * @param max         upper bound (INT/REAL), in the base unit
 * @param enumValues  the values pg_settings.enumvals lists (ENUM), canonical spelling; empty otherwise
 * @param category    pg_settings.category
 * @param shortDesc   pg_settings.short_desc
 * @param reported    GUC_REPORT: the backend sends a ParameterStatus when it changes
 * @param noResetAll  GUC_NO_RESET_ALL: RESET ALL leaves it alone
 * @param noShowAll   GUC_NO_SHOW_ALL: SHOW ALL and pg_settings omit it
 */
public record SettingDef(String name, String displayName, SettingType type, SettingContext context,
                         SettingUnit unit, String bootValue, double min, double max, List<String> enumValues,
                         String category, String shortDesc, boolean reported, boolean noResetAll,
                         boolean noShowAll) {

    public SettingDef {
        enumValues = List.copyOf(enumValues);
        if (!name.equals(displayName.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("name must be the lower-case display name: " + name);
        }
    }

    /** pg_settings.min_val: "" unless INT/REAL; integers without a fraction, reals in %g form. */
    public String minText() {
        return boundText(min);
    }

    /** pg_settings.max_val: "" unless INT/REAL; integers without a fraction, reals in %g form. */
    public String maxText() {
        return boundText(max);
    }

    private String boundText(double v) {
        return switch (type) {
            case INT -> Long.toString((long) v);
            case REAL -> SettingValues.formatG(v);
            default -> "";
        };
    }
}
