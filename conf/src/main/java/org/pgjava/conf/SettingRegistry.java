package org.pgjava.conf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The immutable table of built-in settings: PostgreSQL 15.18's settings (names, types, contexts, units,
 * boot values, bounds, enum values, descriptions, taken from its pg_settings) plus pgjava's own
 * (standby_backends, backend_reuse, backend_max_clients, backend_idle_timeout, backend_jvm_options,
 * backend_startup_timeout).
 * The table lives in the resource {@code settings.tsv} next to this class.
 *
 * <p>Entry points: {@link #builtin()}, {@link #find(String)}, {@link #all()}. Immutable, so one instance
 * is shared by all {@link Settings} of a process.
 */
public final class SettingRegistry {
    private static final SettingRegistry BUILTIN = load();

    private final Map<String, SettingDef> byName;
    private final List<String> reportedNames;

    private SettingRegistry(Map<String, SettingDef> byName) {
        this.byName = Collections.unmodifiableMap(byName);
        List<String> r = new ArrayList<>();
        for (SettingDef d : byName.values()) if (d.reported()) r.add(d.displayName());
        this.reportedNames = List.copyOf(r);
    }

    /** Display names of the GUC_REPORT settings, in lower-case name order. */
    public List<String> reportedNames() {
        return reportedNames;
    }

    /** The built-in registry (loaded once from the class-path resource; immutable). */
    public static SettingRegistry builtin() {
        return BUILTIN;
    }

    /** The definition for {@code name} (any case), or null when there is none. */
    public SettingDef find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** All definitions, ordered by lower-case name. */
    public Collection<SettingDef> all() {
        return byName.values();
    }

    private static SettingRegistry load() {
        Map<String, SettingDef> map = new LinkedHashMap<>();
        try (InputStream in = SettingRegistry.class.getResourceAsStream("settings.tsv")) {
            if (in == null) throw new IllegalStateException("settings.tsv missing from the class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] f = line.split("\t", -1);
                if (f.length != 11) throw new IllegalStateException("bad settings.tsv line: " + line);
                SettingType type = SettingType.fromPgName(f[1]);
                double min = f[5].isEmpty() ? 0 : Double.parseDouble(f[5]);
                double max = f[6].isEmpty() ? 0 : Double.parseDouble(f[6]);
                List<String> enums = f[7].isEmpty() ? List.of() : Arrays.asList(f[7].split(","));
                List<String> flags = f[10].isEmpty() ? List.of() : Arrays.asList(f[10].split(","));
                SettingDef def = new SettingDef(f[0].toLowerCase(Locale.ROOT), f[0], type,
                        SettingContext.fromPgName(f[2]), SettingUnit.fromPgName(f[3]), f[4], min, max,
                        new ArrayList<>(enums), f[8], f[9], flags.contains("report"),
                        flags.contains("no_reset_all"), flags.contains("no_show_all"));
                map.put(def.name(), def);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SettingRegistry(map);
    }
}
