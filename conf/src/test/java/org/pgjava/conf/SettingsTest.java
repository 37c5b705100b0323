package org.pgjava.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** Expected texts and values below were taken from PostgreSQL 15.18 (psql, \set VERBOSITY verbose). */
class SettingsTest {

    private static PgException fails(Runnable r) {
        return assertThrows(PgException.class, r::run);
    }

    private static void set(Settings s, String n, String v) {
        s.set(n, v, SettingSource.SESSION, true);
    }

    @Test
    void defaultsShowLikePostgres() {
        Settings s = Settings.defaults();
        assertEquals("0", s.show("statement_timeout"));
        assertEquals("128MB", s.show("shared_buffers"));
        assertEquals("4MB", s.show("work_mem"));
        assertEquals("64MB", s.show("maintenance_work_mem"));
        assertEquals("1min", s.show("authentication_timeout"));
        assertEquals("5min", s.show("checkpoint_timeout"));
        assertEquals("1GB", s.show("max_wal_size"));
        assertEquals("4MB", s.show("wal_buffers"));
        assertEquals("1kB", s.show("track_activity_query_size"));
        assertEquals("8192", s.show("block_size"));
        assertEquals("%m [%p] ", s.show("log_line_prefix"));
        assertEquals("ISO, MDY", s.show("datestyle"));
        assertEquals("ISO, MDY", s.show("DATESTYLE"));
        assertEquals("15.18", s.show("server_version"));
        assertEquals("150018", s.show("server_version_num"));
        assertEquals("on", s.show("integer_datetimes"));
        assertEquals("on", s.show("standard_conforming_strings"));
        assertEquals("\"$user\", public", s.show("search_path"));
        assertEquals("read committed", s.show("default_transaction_isolation"));
        assertEquals("scram-sha-256", s.show("password_encryption"));
        assertEquals("off", s.show("jit"));
        assertEquals("100", s.show("max_connections"));
        assertEquals("5432", s.show("port"));
        assertEquals("localhost", s.show("listen_addresses"));
        assertEquals("/tmp", s.show("unix_socket_directories"));
        assertEquals("2", s.show("standby_backends"));
        assertEquals("on", s.show("backend_reuse"));
        assertEquals("1000", s.show("backend_max_clients"));
        assertEquals("1min", s.show("backend_startup_timeout"));
        assertTrue(s.show("backend_jvm_options").startsWith("-XX:+UseSerialGC"));
        assertEquals(0.1, s.getReal("autovacuum_analyze_scale_factor"));
        assertEquals("2ms", s.show("autovacuum_vacuum_cost_delay"));
        assertEquals(16384, s.getInt("shared_buffers"));
        assertEquals(60, s.getInt("authentication_timeout"));
        assertTrue(s.getBool("fsync"));
        assertEquals("default", s.sourceOf("work_mem"));
    }

    @Test
    void reportedNamesAreTheThirteen() {
        Settings s = Settings.defaults();
        assertEquals(List.of("application_name", "client_encoding", "DateStyle", "default_transaction_read_only",
                "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding",
                "server_version", "session_authorization", "standard_conforming_strings", "TimeZone"), s.reportedNames());
        assertEquals(13, s.takeChangedReported().size());
        assertEquals(Set.of(), s.takeChangedReported());
        set(s, "datestyle", "German");
        set(s, "work_mem", "8MB");
        assertEquals(Set.of("DateStyle"), s.takeChangedReported());
        set(s, "datestyle", "German, DMY"); // same shown value: nothing to re-send
        assertEquals(Set.of(), s.takeChangedReported());
    }

    @Test
    void unknownParameter() {
        Settings s = Settings.defaults();
        PgException e = fails(() -> s.show("nosuch"));
        assertEquals(SqlState.UNDEFINED_OBJECT, e.sqlState());
        assertEquals("unrecognized configuration parameter \"nosuch\"", e.getMessage());
        e = fails(() -> set(s, "nosuch", "1"));
        assertEquals("unrecognized configuration parameter \"nosuch\"", e.getMessage());
    }

    @Test
    void customDottedNames() {
        Settings s = Settings.defaults();
        set(s, "myapp.Tenant", "42");
        assertEquals("42", s.show("myapp.tenant"));
    }

    @Test
    void integersWithUnits() {
        Settings s = Settings.defaults();
        set(s, "statement_timeout", "10s");
        assertEquals("10s", s.show("statement_timeout"));
        assertEquals(10_000, s.getInt("statement_timeout"));
        set(s, "statement_timeout", "1.5");
        assertEquals("2ms", s.show("statement_timeout"));
        set(s, "statement_timeout", "1.5s");
        assertEquals("1500ms", s.show("statement_timeout"));
        set(s, "statement_timeout", "1h");
        assertEquals("1h", s.show("statement_timeout"));
        set(s, "statement_timeout", "90min");
        assertEquals("90min", s.show("statement_timeout"));
        set(s, "statement_timeout", "100000");
        assertEquals("100s", s.show("statement_timeout"));
        set(s, "statement_timeout", "1d");
        assertEquals("1d", s.show("statement_timeout"));
        set(s, "idle_session_timeout", "500us");
        assertEquals("0", s.show("idle_session_timeout"));
        set(s, "work_mem", "8MB");
        assertEquals("8MB", s.show("work_mem"));
        assertEquals(8192, s.getInt("work_mem"));
        set(s, "work_mem", "1048576");
        assertEquals("1GB", s.show("work_mem"));
        set(s, "work_mem", "0.5MB");
        assertEquals("512kB", s.show("work_mem"));
        set(s, "work_mem", "  8MB  ");
        assertEquals("8MB", s.show("work_mem"));
        set(s, "work_mem", "1500kB");
        assertEquals("1500kB", s.show("work_mem"));
        set(s, "temp_buffers", "1MB");
        assertEquals("1MB", s.show("temp_buffers"));
    }

    @Test
    void integerErrors() {
        Settings s = Settings.defaults();
        PgException e = fails(() -> set(s, "extra_float_digits", "9"));
        assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.sqlState());
        assertEquals("9 is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)", e.getMessage());
        e = fails(() -> set(s, "extra_float_digits", "abc"));
        assertEquals("invalid value for parameter \"extra_float_digits\": \"abc\"", e.getMessage());
        assertNull(e.hint());
        e = fails(() -> set(s, "statement_timeout", "10 foo"));
        assertEquals("invalid value for parameter \"statement_timeout\": \"10 foo\"", e.getMessage());
        assertEquals("Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".", e.hint());
        e = fails(() -> set(s, "work_mem", "10"));
        assertEquals("10 kB is outside the valid range for parameter \"work_mem\" (64 .. 2147483647)", e.getMessage());
        e = fails(() -> set(s, "work_mem", "100000000000"));
        assertEquals("invalid value for parameter \"work_mem\": \"100000000000\"", e.getMessage());
        assertEquals("Value exceeds integer range.", e.hint());
        e = fails(() -> set(s, "work_mem", "64kb"));
        assertEquals("Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".", e.hint());
        e = fails(() -> set(s, "statement_timeout", "-1"));
        assertEquals("-1 ms is outside the valid range for parameter \"statement_timeout\" (0 .. 2147483647)", e.getMessage());
        set(s, "extra_float_digits", "2.6");
        assertEquals("3", s.show("extra_float_digits"));
    }

    @Test
    void reals() {
        Settings s = Settings.defaults();
        set(s, "seq_page_cost", "1.5e3");
        assertEquals("1500", s.show("seq_page_cost"));
        set(s, "seq_page_cost", "0.1");
        assertEquals("0.1", s.show("seq_page_cost"));
        set(s, "cpu_tuple_cost", "0.00001");
        assertEquals("1e-05", s.show("cpu_tuple_cost"));
        PgException e = fails(() -> set(s, "seq_page_cost", "x"));
        assertEquals("invalid value for parameter \"seq_page_cost\": \"x\"", e.getMessage());
        e = fails(() -> set(s, "seq_page_cost", "-1"));
        assertEquals("-1 is outside the valid range for parameter \"seq_page_cost\" (0 .. 1.79769e+308)", e.getMessage());
    }

    @Test
    void booleans() {
        Settings s = Settings.defaults();
        for (String v : new String[] {"off", "OF", "false", "f", "no", "n", "0"}) {
            set(s, "enable_seqscan", "on");
            set(s, "enable_seqscan", v);
            assertEquals("off", s.show("enable_seqscan"), v);
        }
        for (String v : new String[] {"on", "TRUE", "t", "tr", "yes", "y", "1"}) {
            set(s, "enable_seqscan", "off");
            set(s, "enable_seqscan", v);
            assertEquals("on", s.show("enable_seqscan"), v);
        }
        for (String v : new String[] {"o", "maybe", "2", "truee", ""}) {
            PgException e = fails(() -> set(s, "enable_seqscan", v));
            assertEquals("parameter \"enable_seqscan\" requires a Boolean value", e.getMessage());
            assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.sqlState());
        }
    }

    @Test
    void enums() {
        Settings s = Settings.defaults();
        PgException e = fails(() -> set(s, "bytea_output", "foo"));
        assertEquals("invalid value for parameter \"bytea_output\": \"foo\"", e.getMessage());
        assertEquals("Available values: escape, hex.", e.hint());
        set(s, "bytea_output", "HEX");
        assertEquals("hex", s.show("bytea_output"));
        set(s, "default_transaction_isolation", "Serializable");
        assertEquals("serializable", s.show("default_transaction_isolation"));
        set(s, "intervalstyle", "sql_standard");
        assertEquals("sql_standard", s.show("IntervalStyle"));
        set(s, "synchronous_commit", "true");
        assertEquals("on", s.show("synchronous_commit"));
    }

    @Test
    void contexts() {
        Settings s = Settings.defaults();
        PgException e = fails(() -> set(s, "port", "5"));
        assertEquals(SqlState.CANT_CHANGE_RUNTIME_PARAM, e.sqlState());
        assertEquals("parameter \"port\" cannot be changed without restarting the server", e.getMessage());
        e = fails(() -> set(s, "server_version", "1"));
        assertEquals("parameter \"server_version\" cannot be changed", e.getMessage());
        e = fails(() -> set(s, "log_connections", "on"));
        assertEquals("parameter \"log_connections\" cannot be set after connection start", e.getMessage());
        e = fails(() -> set(s, "checkpoint_timeout", "1min"));
        assertEquals("parameter \"checkpoint_timeout\" cannot be changed now", e.getMessage());
        e = fails(() -> s.set("lc_messages", "C", SettingSource.SESSION, false));
        assertEquals(SqlState.INSUFFICIENT_PRIVILEGE, e.sqlState());
        assertEquals("permission denied to set parameter \"lc_messages\"", e.getMessage());
        s.set("lc_messages", "C", SettingSource.SESSION, true);
        s.set("log_connections", "on", SettingSource.CLIENT, true);
        e = fails(() -> s.set("log_connections", "on", SettingSource.CLIENT, false));
        assertEquals("permission denied to set parameter \"log_connections\"", e.getMessage());
        s.set("port", "6543", SettingSource.COMMAND_LINE, false);
        assertEquals(6543, s.getInt("port"));
        assertEquals("command line", s.sourceOf("port"));
        s.setOverride("is_superuser", "on");
        assertEquals("on", s.show("is_superuser"));
    }

    @Test
    void dateStyle() {
        Settings s = Settings.defaults();
        set(s, "datestyle", "German");
        assertEquals("German, DMY", s.show("DateStyle"));
        set(s, "datestyle", "ymd");
        assertEquals("German, YMD", s.show("DateStyle"));
        set(s, "datestyle", "sql, dmy");
        assertEquals("SQL, DMY", s.show("DateStyle"));
        set(s, "datestyle", "postgres, european");
        assertEquals("Postgres, DMY", s.show("DateStyle"));
        set(s, "datestyle", "us");
        assertEquals("Postgres, MDY", s.show("DateStyle"));
        set(s, "datestyle", "default");
        assertEquals("ISO, MDY", s.show("DateStyle"));
        PgException e = fails(() -> set(s, "datestyle", "foo"));
        assertEquals("invalid value for parameter \"DateStyle\": \"foo\"", e.getMessage());
        assertEquals("Unrecognized key word: \"foo\".", e.detail());
        e = fails(() -> set(s, "datestyle", "iso, german"));
        assertEquals("Conflicting \"datestyle\" specifications.", e.detail());
        e = fails(() -> set(s, "datestyle", "dmy, mdy"));
        assertEquals("Conflicting \"datestyle\" specifications.", e.detail());
    }

    @Test
    void timeZoneAndEncoding() {
        Settings s = Settings.defaults();
        set(s, "timezone", "Europe/Paris");
        assertEquals("Europe/Paris", s.show("TimeZone"));
        set(s, "timezone", "utc");
        assertEquals("UTC", s.show("TimeZone"));
        set(s, "timezone", "+02:00");
        assertEquals("+02:00", s.show("TimeZone"));
        assertEquals(ZoneOffset.ofHours(-2), s.timeZone());
        set(s, "timezone", "5");
        assertEquals("<+05>-05", s.show("TimeZone"));
        assertEquals(ZoneOffset.ofHours(5), s.timeZone());
        PgException e = fails(() -> set(s, "timezone", "Foo/Bar"));
        assertEquals("invalid value for parameter \"TimeZone\": \"Foo/Bar\"", e.getMessage());
        set(s, "client_encoding", "unicode");
        assertEquals("UTF8", s.show("client_encoding"));
        set(s, "client_encoding", "latin1");
        assertEquals("LATIN1", s.show("client_encoding"));
        set(s, "client_encoding", "sql_ascii");
        assertEquals("SQL_ASCII", s.show("client_encoding"));
        e = fails(() -> set(s, "client_encoding", "foo"));
        assertEquals("invalid value for parameter \"client_encoding\": \"foo\"", e.getMessage());
        set(s, "application_name", "é");
        assertEquals("??", s.show("application_name"));
    }

    @Test
    void resetAndSources() {
        Settings s = Settings.defaults();
        s.set("work_mem", "8MB", SettingSource.FILE, false);
        set(s, "work_mem", "16MB");
        assertEquals("session", s.sourceOf("work_mem"));
        s.reset("work_mem");
        assertEquals("8MB", s.show("work_mem"));
        assertEquals("configuration file", s.sourceOf("work_mem"));
        set(s, "work_mem", "16MB");
        s.set("work_mem", "32MB", SettingSource.FILE, false); // reload under a session SET
        assertEquals("16MB", s.show("work_mem"));
        s.resetAll();
        assertEquals("32MB", s.show("work_mem"));
        set(s, "search_path", "a, b");
        s.setToDefault("search_path");
        assertEquals("\"$user\", public", s.show("search_path"));
    }

    @Test
    void transactions() {
        Settings s = Settings.defaults();
        s.atTransactionStart();
        set(s, "work_mem", "8MB");
        s.atTransactionEnd(false);
        assertEquals("4MB", s.show("work_mem"), "SET undone by abort");

        s.atTransactionStart();
        set(s, "work_mem", "8MB");
        s.atTransactionEnd(true);
        assertEquals("8MB", s.show("work_mem"), "SET kept by commit");

        s.atTransactionStart();
        s.setLocal("work_mem", "16MB", true);
        assertEquals("16MB", s.show("work_mem"));
        s.atTransactionEnd(true);
        assertEquals("8MB", s.show("work_mem"), "SET LOCAL undone by commit");

        s.atTransactionStart();
        set(s, "work_mem", "1MB");
        s.setLocal("work_mem", "2MB", true);
        s.atTransactionEnd(true);
        assertEquals("1MB", s.show("work_mem"), "SET then SET LOCAL: the SET value survives");

        s.atTransactionStart();
        s.setLocal("work_mem", "2MB", true);
        set(s, "work_mem", "3MB");
        s.atTransactionEnd(true);
        assertEquals("3MB", s.show("work_mem"), "SET after SET LOCAL wins");

        s.setLocal("work_mem", "5MB", true);
        assertEquals("3MB", s.show("work_mem"), "SET LOCAL outside a transaction has no effect");
    }

    @Test
    void savepoints() {
        Settings s = Settings.defaults();
        s.atTransactionStart();
        set(s, "work_mem", "1MB");
        int sp = s.atSavepoint();
        assertEquals(2, sp);
        set(s, "work_mem", "2MB");
        s.atRollbackToSavepoint(sp);
        assertEquals("1MB", s.show("work_mem"));
        set(s, "work_mem", "3MB");
        s.atReleaseSavepoint(sp);
        assertEquals(1, s.nestLevel());
        s.atTransactionEnd(true);
        assertEquals("3MB", s.show("work_mem"));

        s.atTransactionStart();
        int sp2 = s.atSavepoint();
        s.setLocal("work_mem", "9MB", true);
        s.atReleaseSavepoint(sp2);
        assertEquals("9MB", s.show("work_mem"), "RELEASE keeps SET LOCAL until transaction end");
        s.atTransactionEnd(true);
        assertEquals("3MB", s.show("work_mem"));
    }

    @Test
    void transactionEndWithOpenSavepointsUndoesOrKeepsEveryLevel() {
        Settings s = Settings.defaults();
        s.atTransactionStart();
        set(s, "work_mem", "1MB");
        s.atSavepoint();
        set(s, "work_mem", "2MB");
        s.atSavepoint();
        set(s, "work_mem", "5MB");
        s.atTransactionEnd(false); // ROLLBACK (or a lost client) with two savepoints open
        assertEquals(0, s.nestLevel());
        assertEquals("4MB", s.show("work_mem"), "abort undoes every level");

        s.atTransactionStart();
        s.atSavepoint();
        set(s, "work_mem", "6MB");
        s.atTransactionEnd(true); // COMMIT with a savepoint open
        assertEquals(0, s.nestLevel());
        assertEquals("6MB", s.show("work_mem"), "commit keeps SETs made inside open savepoints");
    }

    @Test
    void transactionIsolationFollowsDefault() {
        Settings s = Settings.defaults();
        set(s, "default_transaction_isolation", "repeatable read");
        s.atTransactionStart();
        assertEquals("repeatable read", s.show("transaction_isolation"));
        set(s, "transaction_isolation", "serializable");
        assertEquals("serializable", s.show("transaction_isolation"));
        s.atTransactionEnd(true);
        assertEquals("repeatable read", s.show("transaction_isolation"));
    }

    @Test
    void copyIsIndependent() {
        Settings a = Settings.defaults();
        Settings b = a.copy();
        set(b, "work_mem", "8MB");
        assertEquals("4MB", a.show("work_mem"));
        assertEquals("8MB", b.show("work_mem"));
        assertFalse(a.definitions().isEmpty());
    }

    @Test
    void resetObeysContexts() {
        Settings s = Settings.defaults();
        PgException e = fails(() -> s.reset("lc_messages", false));
        assertEquals("permission denied to set parameter \"lc_messages\"", e.getMessage());
        e = fails(() -> s.reset("port", false));
        assertEquals("parameter \"port\" cannot be changed without restarting the server", e.getMessage());
        e = fails(() -> s.reset("server_version", false));
        assertEquals("parameter \"server_version\" cannot be changed", e.getMessage());
    }

    @Test
    void moreTimeZones() {
        Settings s = Settings.defaults();
        set(s, "timezone", "EST5EDT");
        assertEquals("EST5EDT", s.show("TimeZone"));
        set(s, "timezone", "-3.5");
        assertEquals("<-03:30>+03:30", s.show("TimeZone"));
        set(s, "timezone", "<+03>-03");
        assertEquals("<+03>-03", s.show("TimeZone"));
        assertEquals(ZoneOffset.ofHours(3), s.timeZone());
    }

    @Test
    void roleCheck() {
        Settings s = Settings.defaults();
        s.setRoleCheck(n -> n.equals("alice"));
        PgException e = fails(() -> set(s, "session_authorization", "nosuch"));
        assertEquals("role \"nosuch\" does not exist", e.getMessage());
        set(s, "session_authorization", "alice");
        set(s, "role", "none");
    }
}
