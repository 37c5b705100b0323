package org.pgjava.conf;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/**
 * One mutable set of setting values over the {@link SettingRegistry} (PostgreSQL's GUC variables for one
 * process or session). Not thread-safe: each backend owns one; the postmaster owns one.
 *
 * <p>Rules:
 * <ol>
 *   <li>Names are case-insensitive; messages use the display name ("DateStyle"). Names with a dot
 *       ("myapp.x") are custom placeholder settings (string, user-settable), created on first set.</li>
 *   <li>Each setting has a <em>reset value</em> (from DEFAULT, FILE, COMMAND_LINE, CLIENT or OVERRIDE; what
 *       RESET returns to) and a <em>current value</em>. A source never overrides a higher-priority one
 *       ({@link SettingSource} order); a lower one still updates the reset value when it outranks it.</li>
 *   <li>Who may set what: {@link SettingContext}; errors carry PostgreSQL 15's texts and SQLSTATEs.</li>
 *   <li>Transactions: SET inside a transaction that aborts (or a savepoint rolled back to) is undone;
 *       SET LOCAL is undone at transaction end either way; outside a transaction block (level 0) SET LOCAL
 *       has no effect (the SQL layer emits PostgreSQL's WARNING). transaction_isolation /
 *       transaction_read_only / transaction_deferrable take the default_* values at transaction start
 *       and go back to them at its end.</li>
 * </ol>
 *
 * <p>Call sequence in a backend: {@code Settings s = Settings.defaults(); s.applyFile(ConfigFile.parse(conf), false);}
 * then startup-packet options with {@link SettingSource#CLIENT}, {@link #setOverride} for is_superuser and
 * session_authorization, send {@link #takeChangedReported()} as ParameterStatus; per statement:
 * {@link #atTransactionStart()} … {@link #set}/{@link #show} … {@link #atTransactionEnd(boolean)}, then
 * re-send {@link #takeChangedReported()}.
 */
public final class Settings {

    /** The value of one setting. */
    private static final class Slot {
        final SettingDef def;
        Object value;
        SettingSource source;
        Object resetValue;
        SettingSource resetSource;
        Path file;
        int line;

        Slot(SettingDef def, Object boot) {
            this.def = def;
            this.value = boot;
            this.resetValue = boot;
            this.source = SettingSource.DEFAULT;
            this.resetSource = SettingSource.DEFAULT;
        }

        Slot copy() {
            Slot s = new Slot(def, value);
            s.source = source;
            s.resetValue = resetValue;
            s.resetSource = resetSource;
            s.file = file;
            s.line = line;
            return s;
        }
    }

    private enum StackState { NONE, SET, LOCAL, SET_LOCAL }

    /** What a transaction level must restore (PostgreSQL's GucStack entry). */
    private static final class StackEntry {
        StackState state = StackState.NONE;
        Object prior;
        SettingSource priorSource;
        Object masked;
        SettingSource maskedSource;
    }

    private static final String[] TRANSACTION_SETTINGS = {"transaction_isolation", "transaction_read_only", "transaction_deferrable"};
    private static final String[] TRANSACTION_DEFAULTS = {"default_transaction_isolation", "default_transaction_read_only", "default_transaction_deferrable"};

    private final SettingRegistry registry;
    private final Map<String, Slot> slots;
    /** levels.get(i) holds the entries of nesting level i+1 (1 = the transaction, 2.. = savepoints). */
    private final List<Map<Slot, StackEntry>> levels = new ArrayList<>();
    private final Map<String, String> lastReported = new HashMap<>();
    private Predicate<String> roleExists;

    private Settings(SettingRegistry registry, Map<String, Slot> slots) {
        this.registry = registry;
        this.slots = slots;
    }

    /** A fresh set with every built-in setting at its boot value (source DEFAULT). */
    public static Settings defaults() {
        SettingRegistry reg = SettingRegistry.builtin();
        Map<String, Slot> m = new LinkedHashMap<>();
        Settings s = new Settings(reg, m);
        for (SettingDef d : reg.all()) {
            m.put(d.name(), new Slot(d, s.parse(d, d.bootValue(), null)));
        }
        return s;
    }

    /** An independent copy (values, sources and transaction state; the role check is shared). */
    public Settings copy() {
        Map<String, Slot> m = new LinkedHashMap<>();
        Map<Slot, Slot> map = new HashMap<>();
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            Slot c = e.getValue().copy();
            m.put(e.getKey(), c);
            map.put(e.getValue(), c);
        }
        Settings s = new Settings(registry, m);
        for (Map<Slot, StackEntry> lvl : levels) {
            Map<Slot, StackEntry> nl = new LinkedHashMap<>();
            for (Map.Entry<Slot, StackEntry> e : lvl.entrySet()) nl.put(map.get(e.getKey()), e.getValue());
            s.levels.add(nl);
        }
        s.lastReported.putAll(lastReported);
        s.roleExists = roleExists;
        return s;
    }

    /**
     * Installs the check PostgreSQL's session_authorization/role hooks make: SET of those settings from
     * CLIENT or SESSION fails with 22023 {@code role "x" does not exist} when the predicate says no. Without
     * a check any name is accepted.
     */
    public void setRoleCheck(Predicate<String> roleExists) {
        this.roleExists = roleExists;
    }

    // ---------------------------------------------------------------- lookup and display

    private Slot slot(String name) {
        Slot s = slots.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw PgException.error(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
        }
        return s;
    }

    /** Finds a slot, creating a custom placeholder for a valid dotted name when {@code create}. */
    private Slot slotForSet(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        Slot s = slots.get(lower);
        if (s == null && isCustomName(lower)) {
            SettingDef d = new SettingDef(lower, lower, SettingType.STRING, SettingContext.USERSET, SettingUnit.NONE,
                    "", 0, 0, List.of(), "Customized Options", "", false, false, false);
            s = new Slot(d, "");
            slots.put(lower, s);
        }
        if (s == null) {
            throw PgException.error(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
        }
        return s;
    }

    private static boolean isCustomName(String lower) {
        int dot = lower.indexOf('.');
        if (dot <= 0 || dot == lower.length() - 1) return false;
        for (String part : lower.split("\\.", -1)) {
            if (part.isEmpty() || !(Character.isLetter(part.charAt(0)) || part.charAt(0) == '_')) return false;
            for (char c : part.toCharArray()) {
                if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) return false;
            }
        }
        return true;
    }

    /** True when {@code name} (any case) is a known setting (built-in or an already created custom one). */
    public boolean exists(String name) {
        return slots.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The definition of {@code name}; 42704 {@code unrecognized configuration parameter "x"} if unknown. */
    public SettingDef definition(String name) {
        return slot(name).def;
    }

    /**
     * Exactly what SHOW displays for {@code name}: integers in the largest unit dividing them ("128MB",
     * "30s", "0"), reals in %g form, booleans "on"/"off", enums and strings as stored.
     *
     * @throws PgException 42704 {@code unrecognized configuration parameter "x"}
     */
    public String show(String name) {
        Slot s = slot(name);
        return display(s.def, s.value);
    }

    private static String display(SettingDef d, Object v) {
        return switch (d.type()) {
            case BOOL -> ((Boolean) v) ? "on" : "off";
            case INT -> SettingValues.showInt(d.unit(), (Long) v);
            case REAL -> SettingValues.showReal(d.unit(), (Double) v);
            case STRING, ENUM -> (String) v;
        };
    }

    /** The boot value as SHOW would display it (pg_settings.boot_val is {@link SettingDef#bootValue()}). */
    public String showBoot(String name) {
        Slot s = slot(name);
        return display(s.def, parse(s.def, s.def.bootValue(), null));
    }

    /** What RESET would return to, as SHOW displays it (pg_settings.reset_val is the unit-less form). */
    public String showReset(String name) {
        Slot s = slot(name);
        return display(s.def, s.resetValue);
    }

    /** pg_settings.setting: INT/REAL in the base unit without a unit, otherwise as {@link #show}. */
    public String rawSetting(String name) {
        Slot s = slot(name);
        return switch (s.def.type()) {
            case INT -> Long.toString((Long) s.value);
            case REAL -> SettingValues.formatG((Double) s.value);
            default -> display(s.def, s.value);
        };
    }

    /** INT value in the setting's base unit; IllegalArgumentException if the setting is not INT. */
    public int getInt(String name) {
        return (int) getLong(name);
    }

    /** INT value in the setting's base unit; IllegalArgumentException if the setting is not INT. */
    public long getLong(String name) {
        Slot s = slot(name);
        if (s.def.type() != SettingType.INT) throw new IllegalArgumentException(name + " is not an integer setting");
        return (Long) s.value;
    }

    /** BOOL value; IllegalArgumentException if the setting is not BOOL. */
    public boolean getBool(String name) {
        Slot s = slot(name);
        if (s.def.type() != SettingType.BOOL) throw new IllegalArgumentException(name + " is not a boolean setting");
        return (Boolean) s.value;
    }

    /** REAL value in the setting's base unit; INT settings are widened. */
    public double getReal(String name) {
        Slot s = slot(name);
        if (s.def.type() == SettingType.INT) return (Long) s.value;
        if (s.def.type() != SettingType.REAL) throw new IllegalArgumentException(name + " is not a numeric setting");
        return (Double) s.value;
    }

    /** STRING/ENUM value as stored (canonical); for other types the same as {@link #show}. */
    public String getString(String name) {
        Slot s = slot(name);
        return display(s.def, s.value);
    }

    /** The java.time zone of the TimeZone setting. */
    public ZoneId timeZone() {
        return TimeZones.zoneOf(getString("timezone"));
    }

    /** pg_settings.source of the current value ("default", "configuration file", "session", ...). */
    public String sourceOf(String name) {
        return slot(name).source.pgName();
    }

    /** The source of the current value. */
    public SettingSource source(String name) {
        return slot(name).source;
    }

    /** pg_settings.sourcefile of a value that came from a file, else null. */
    public Path sourceFile(String name) {
        Slot s = slot(name);
        return s.source == SettingSource.FILE ? s.file : null;
    }

    /** pg_settings.sourceline of a value that came from a file, else 0. */
    public int sourceLine(String name) {
        Slot s = slot(name);
        return s.source == SettingSource.FILE ? s.line : 0;
    }

    /** All definitions, built-in then custom ones, in name order. */
    public Collection<SettingDef> definitions() {
        TreeMap<String, SettingDef> m = new TreeMap<>();
        for (Slot s : slots.values()) m.put(s.def.name(), s.def);
        return Collections.unmodifiableCollection(m.values());
    }

    /** The GUC_REPORT settings in PostgreSQL's display case, in name order (ParameterStatus names). */
    public List<String> reportedNames() {
        return registry.reportedNames();
    }

    /**
     * The display names of reported settings whose shown value changed since the previous call (the first
     * call returns all of them): the protocol layer sends a ParameterStatus for each.
     */
    public Set<String> takeChangedReported() {
        Set<String> out = new LinkedHashSet<>();
        for (String n : registry.reportedNames()) {
            Slot s = slots.get(n.toLowerCase(Locale.ROOT));
            String v = display(s.def, s.value);
            if (!v.equals(lastReported.get(n))) {
                out.add(n);
                lastReported.put(n, v);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- parsing

    /** Parses {@code value} for {@code d}; {@code current} is the current value (DateStyle is relative to it). */
    private Object parse(SettingDef d, String value, Object current) {
        switch (d.type()) {
            case BOOL -> {
                Boolean b = SettingValues.parseBool(value);
                if (b == null) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                            "parameter \"" + d.displayName() + "\" requires a Boolean value");
                }
                return b;
            }
            case INT -> {
                return SettingValues.parseInt(d, value);
            }
            case REAL -> {
                return SettingValues.parseReal(d, value);
            }
            case ENUM -> {
                return SettingValues.parseEnum(d, value);
            }
            default -> {
                return checkString(d, value, current);
            }
        }
    }

    private PgException invalid(SettingDef d, String value) {
        return PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"" + d.displayName() + "\": \"" + value + "\"");
    }

    /** PostgreSQL's string check hooks for the settings whose value pgjava interprets. */
    private String checkString(SettingDef d, String value, Object current) {
        switch (d.name()) {
            case "datestyle" -> {
                return DateStyles.check(value, current == null ? "ISO, MDY" : (String) current, d.bootValue(),
                        detail -> invalid(d, value).withDetail(detail));
            }
            case "timezone", "log_timezone" -> {
                String z = TimeZones.normalize(value);
                if (z == null) throw invalid(d, value);
                return z;
            }
            case "client_encoding" -> {
                String e = Encodings.canonicalName(value);
                if (e == null) throw invalid(d, value);
                return e;
            }
            case "server_encoding" -> {
                String e = Encodings.canonicalName(value);
                return e == null ? value : e;
            }
            case "application_name", "cluster_name" -> {
                return asciiPrintable(value);
            }
            default -> {
                return value;
            }
        }
    }

    /** PostgreSQL's pg_clean_ascii: every byte of the UTF-8 form outside 32..126 becomes '?'. */
    private static String asciiPrintable(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            b.append(x >= 32 && x <= 126 ? (char) x : '?');
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- setting

    /**
     * Sets {@code name} from {@code source}, parsing and validating {@code value} as PostgreSQL does.
     * From SESSION this is SQL's SET (undone if the transaction aborts); from other sources it sets the
     * reset value too (if that source outranks the reset value's source).
     *
     * @param superuser whether the role doing it is a superuser (SUSET settings, startup options)
     * @throws PgException 42704 unknown name; 22023 invalid value (with PostgreSQL's DETAIL/HINT);
     *                     55P02 {@code parameter "x" cannot be changed} (INTERNAL),
     *                     {@code ... cannot be changed without restarting the server} (POSTMASTER),
     *                     {@code ... cannot be changed now} (SIGHUP from a client),
     *                     {@code ... cannot be set after connection start} (BACKEND from SESSION);
     *                     42501 {@code permission denied to set parameter "x"}
     */
    public void set(String name, String value, SettingSource source, boolean superuser) {
        Slot s = slotForSet(name);
        checkContext(s, source, superuser);
        Object v = parse(s.def, value, s.value);
        checkRole(s, v, source);
        assign(s, v, source, false);
    }

    /**
     * SET LOCAL: like {@link #set} from SESSION, undone at the end of the transaction. Outside a
     * transaction (level 0) it validates but has no effect.
     */
    public void setLocal(String name, String value, boolean superuser) {
        Slot s = slotForSet(name);
        checkContext(s, SettingSource.SESSION, superuser);
        Object v = parse(s.def, value, s.value);
        checkRole(s, v, SettingSource.SESSION);
        if (levels.isEmpty()) return;
        assign(s, v, SettingSource.SESSION, true);
    }

    /**
     * Sets a value as the server itself (PostgreSQL's PGC_S_OVERRIDE): ignores the context, e.g.
     * is_superuser, session_authorization at login, server_encoding. The value becomes the reset value.
     *
     * @throws PgException 42704 unknown name, 22023 invalid value
     */
    public void setOverride(String name, String value) {
        Slot s = slot(name);
        Object v = parse(s.def, value, s.value);
        assign(s, v, SettingSource.OVERRIDE, false);
    }

    /** RESET name (and SET name TO DEFAULT) by a superuser: see {@link #reset(String, boolean)}. */
    public void reset(String name) {
        reset(name, true);
    }

    /**
     * RESET name: back to the reset value, transactionally like SET.
     *
     * @throws PgException as {@link #set} for the setting's context (e.g. 55P02 for POSTMASTER settings,
     *                     42501 for SUSET ones when {@code superuser} is false)
     */
    public void reset(String name, boolean superuser) {
        Slot s = slot(name);
        checkContext(s, SettingSource.SESSION, superuser);
        assign(s, s.resetValue, s.resetSource, true, false);
    }

    /** SET name TO DEFAULT: the same as {@link #reset(String)}. */
    public void setToDefault(String name) {
        reset(name);
    }

    /** RESET ALL: every user-changeable setting without GUC_NO_RESET_ALL back to its reset value. */
    public void resetAll() {
        for (Slot s : new ArrayList<>(slots.values())) {
            SettingContext c = s.def.context();
            if (s.def.noResetAll() || (c != SettingContext.USERSET && c != SettingContext.SUSET)) continue;
            assign(s, s.resetValue, s.resetSource, true, false);
        }
    }

    private void checkRole(Slot s, Object v, SettingSource source) {
        if (roleExists == null || (source != SettingSource.SESSION && source != SettingSource.CLIENT)) return;
        String n = s.def.name();
        if ((n.equals("session_authorization") || (n.equals("role") && !"none".equals(v)))
                && !roleExists.test((String) v)) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "role \"" + v + "\" does not exist");
        }
    }

    private void checkContext(Slot s, SettingSource source, boolean superuser) {
        String n = s.def.displayName();
        if (source == SettingSource.DEFAULT || source == SettingSource.OVERRIDE) return;
        boolean fromClient = source == SettingSource.CLIENT || source == SettingSource.SESSION;
        switch (s.def.context()) {
            case INTERNAL -> throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"" + n + "\" cannot be changed");
            case POSTMASTER -> {
                if (fromClient) {
                    throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM,
                            "parameter \"" + n + "\" cannot be changed without restarting the server");
                }
            }
            case SIGHUP -> {
                if (fromClient) {
                    throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"" + n + "\" cannot be changed now");
                }
            }
            case SUPERUSER_BACKEND, BACKEND -> {
                if (source == SettingSource.SESSION) {
                    throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM,
                            "parameter \"" + n + "\" cannot be set after connection start");
                }
                if (source == SettingSource.CLIENT && s.def.context() == SettingContext.SUPERUSER_BACKEND && !superuser) {
                    throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied to set parameter \"" + n + "\"");
                }
            }
            case SUSET -> {
                if (fromClient && !superuser) {
                    throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied to set parameter \"" + n + "\"");
                }
            }
            case USERSET -> {
            }
        }
    }

    /** Stores a parsed value, maintaining the reset value and the transaction stack. */
    private void assign(Slot s, Object v, SettingSource source, boolean local) {
        assign(s, v, source, source == SettingSource.SESSION, local);
    }

    /** {@code session}: a SQL-level change (SET, SET LOCAL, RESET) that the transaction stack tracks. */
    private void assign(Slot s, Object v, SettingSource source, boolean session, boolean local) {
        if (!session) {
            if (source.ordinal() >= s.resetSource.ordinal()) {
                s.resetValue = v;
                s.resetSource = source;
            }
            if (source.ordinal() >= s.source.ordinal()) {
                s.value = v;
                s.source = source;
            }
            return;
        }
        if (!levels.isEmpty()) {
            Map<Slot, StackEntry> top = levels.get(levels.size() - 1);
            StackEntry e = top.get(s);
            if (e == null) {
                e = new StackEntry();
                e.prior = s.value;
                e.priorSource = s.source;
                top.put(s, e);
            }
            if (local) {
                if (e.state == StackState.SET) {
                    e.state = StackState.SET_LOCAL;
                    e.masked = s.value;
                    e.maskedSource = s.source;
                } else if (e.state == StackState.NONE) {
                    e.state = StackState.LOCAL;
                }
            } else {
                e.state = StackState.SET;
            }
        }
        s.value = v;
        s.source = source;
    }

    // ---------------------------------------------------------------- transactions

    /** The current nesting level: 0 outside a transaction, 1 in it, 2.. inside savepoints. */
    public int nestLevel() {
        return levels.size();
    }

    /**
     * Start of a transaction (also an implicit single-statement one): level 1. Copies
     * default_transaction_* into transaction_*. Precondition: level 0.
     */
    public void atTransactionStart() {
        if (!levels.isEmpty()) throw new IllegalStateException("transaction already started");
        copyTransactionDefaults();
        levels.add(new LinkedHashMap<>());
    }

    private void copyTransactionDefaults() {
        for (int i = 0; i < TRANSACTION_SETTINGS.length; i++) {
            Slot t = slots.get(TRANSACTION_SETTINGS[i]);
            Slot d = slots.get(TRANSACTION_DEFAULTS[i]);
            t.value = d.value;
            t.resetValue = d.value;
            t.source = SettingSource.OVERRIDE;
        }
    }

    /**
     * End of the transaction: on commit SET values stay and SET LOCAL ones are undone; on abort all
     * changes of the transaction are undone. Back to level 0. A no-op at level 0.
     */
    public void atTransactionEnd(boolean committed) {
        if (committed) {
            atReleaseSavepoint(2);
        } else {
            undoLevelsFrom(2);
        }
        if (levels.isEmpty()) return;
        Map<Slot, StackEntry> top = levels.remove(0);
        for (Map.Entry<Slot, StackEntry> en : top.entrySet()) {
            Slot s = en.getKey();
            StackEntry e = en.getValue();
            if (!committed || e.state == StackState.LOCAL || e.state == StackState.NONE) {
                s.value = e.prior;
                s.source = e.priorSource;
            } else if (e.state == StackState.SET_LOCAL) {
                s.value = e.masked;
                s.source = e.maskedSource;
            }
        }
        copyTransactionDefaults();
    }

    /** A savepoint starts: returns the new nesting level (≥ 2). Precondition: inside a transaction. */
    public int atSavepoint() {
        if (levels.isEmpty()) throw new IllegalStateException("no transaction");
        levels.add(new LinkedHashMap<>());
        return levels.size();
    }

    /** ROLLBACK TO a savepoint created at {@code level}: undoes every change made at that level and above; the level stays open (empty). */
    public void atRollbackToSavepoint(int level) {
        undoLevelsFrom(level);
        while (levels.size() < level) levels.add(new LinkedHashMap<>());
    }

    /** Undoes and closes every savepoint level from {@code level} (≥ 2) up; lower levels are untouched. */
    private void undoLevelsFrom(int level) {
        while (levels.size() >= level && levels.size() >= 2) {
            Map<Slot, StackEntry> top = levels.remove(levels.size() - 1);
            for (Map.Entry<Slot, StackEntry> en : top.entrySet()) {
                en.getKey().value = en.getValue().prior;
                en.getKey().source = en.getValue().priorSource;
            }
        }
    }

    /** RELEASE of the savepoint at {@code level}: its changes (and those above) merge into the level below. */
    public void atReleaseSavepoint(int level) {
        while (levels.size() >= level && levels.size() >= 2) {
            Map<Slot, StackEntry> child = levels.remove(levels.size() - 1);
            Map<Slot, StackEntry> parent = levels.get(levels.size() - 1);
            for (Map.Entry<Slot, StackEntry> en : child.entrySet()) {
                StackEntry c = en.getValue();
                StackEntry p = parent.get(en.getKey());
                if (p == null) {
                    parent.put(en.getKey(), c);
                    continue;
                }
                switch (c.state) {
                    case SET -> p.state = StackState.SET;
                    case LOCAL -> {
                        if (p.state == StackState.SET) {
                            p.state = StackState.SET_LOCAL;
                            p.masked = c.prior;
                            p.maskedSource = c.priorSource;
                        } else if (p.state == StackState.NONE) {
                            p.state = StackState.LOCAL;
                        }
                    }
                    case SET_LOCAL -> {
                        p.state = StackState.SET_LOCAL;
                        p.masked = c.masked;
                        p.maskedSource = c.maskedSource;
                    }
                    case NONE -> {
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- configuration file

    /**
     * Applies {@code -c name=value} options (as the postmaster's command line gives them; a '-' in the name
     * reads as '_', as PostgreSQL's {@code --name=value}) with source COMMAND_LINE.
     *
     * @throws PgException 42601 "-c x requires a value" for an entry without '=', or the setting's own
     *                     error (unknown name, invalid value) for the first entry that fails
     */
    public void applyCommandLine(List<String> nameValuePairs) {
        for (String nv : nameValuePairs) {
            int eq = nv.indexOf('=');
            if (eq <= 0) {
                throw PgException.error(SqlState.SYNTAX_ERROR, "-c " + nv + " requires a value");
            }
            set(nv.substring(0, eq).trim().replace('-', '_'), nv.substring(eq + 1), SettingSource.COMMAND_LINE, true);
        }
    }

    /**
     * Applies postgresql.conf entries (from {@link ConfigFile#parse}) with source FILE; later entries for the
     * same name win. At start ({@code reload} false) every setting may be set; on reload POSTMASTER settings
     * whose value changed keep their old value. On reload a setting that came from the file but is no longer
     * in it goes back to its boot value, as in PostgreSQL.
     *
     * <p>As in PostgreSQL: if any name is unrecognized, nothing at all is applied (the caller logs
     * {@code configuration file "f" contains errors; no changes were applied}); other problems (invalid
     * values, POSTMASTER changes on reload) leave the valid entries applied ({@code …; unaffected changes
     * were applied}). At server start any problem is fatal for the caller.
     *
     * @return the problems, one PostgreSQL-style message each (empty when all applied): {@code unrecognized
     * configuration parameter "x" in file "f" line n}, {@code parameter "x" cannot be changed without
     * restarting the server}, {@code invalid value for parameter "x": "v"}, ...
     */
    public List<String> applyFile(List<ConfigEntry> entries, boolean reload) {
        List<String> problems = new ArrayList<>();
        Map<String, ConfigEntry> last = new LinkedHashMap<>();
        for (ConfigEntry e : entries) {
            String lower = e.name().toLowerCase(Locale.ROOT);
            if (!slots.containsKey(lower) && !isCustomName(lower)) {
                problems.add("unrecognized configuration parameter \"" + e.name() + "\" in file \"" + e.file()
                        + "\" line " + e.line());
                continue;
            }
            last.remove(lower);
            last.put(lower, e);
        }
        if (!problems.isEmpty()) return problems; // unrecognized names: no changes are applied
        if (reload) {
            for (Slot s : slots.values()) {
                if (s.resetSource == SettingSource.FILE && !last.containsKey(s.def.name())) {
                    Object boot = parse(s.def, s.def.bootValue(), null);
                    if (s.def.context() == SettingContext.POSTMASTER) {
                        if (!boot.equals(s.resetValue)) {
                            problems.add("parameter \"" + s.def.displayName() + "\" cannot be changed without restarting the server");
                        }
                        continue;
                    }
                    s.resetSource = SettingSource.DEFAULT;
                    s.resetValue = boot;
                    if (s.source == SettingSource.FILE) {
                        s.value = boot;
                        s.source = SettingSource.DEFAULT;
                    }
                }
            }
        }
        for (ConfigEntry e : last.values()) {
            try {
                Slot s = slotForSet(e.name());
                if (s.def.context() == SettingContext.INTERNAL) {
                    throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"" + s.def.displayName() + "\" cannot be changed");
                }
                Object v = parse(s.def, e.value(), s.value);
                if (reload && s.def.context() == SettingContext.POSTMASTER) {
                    // a value from a source that outranks the file (the command line) is not changed by it
                    if (s.resetSource.ordinal() <= SettingSource.FILE.ordinal() && !v.equals(s.resetValue)) {
                        problems.add("parameter \"" + s.def.displayName() + "\" cannot be changed without restarting the server");
                    }
                    continue;
                }
                assign(s, v, SettingSource.FILE, false);
                if (s.resetSource == SettingSource.FILE) {
                    s.file = e.file();
                    s.line = e.line();
                }
            } catch (PgException ex) {
                problems.add(ex.getMessage());
            }
        }
        return problems;
    }
}
