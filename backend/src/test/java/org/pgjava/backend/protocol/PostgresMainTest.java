package org.pgjava.backend.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;

/**
 * The session without a socket: whole conversations fed in random fragments through an in-memory channel,
 * asserting the exact backend message sequence (style.md rule 10). Every conversation runs with several
 * seeds and fragment sizes and must produce the same transcript each time.
 */
class PostgresMainTest {
    static final int PID = 4242;
    static final int SECRET = 777;

    static final List<String> STARTUP = List.of(
            "R 0",
            "S application_name=",
            "S client_encoding=UTF8",
            "S DateStyle=ISO, MDY",
            "S default_transaction_read_only=off",
            "S in_hot_standby=off",
            "S integer_datetimes=on",
            "S IntervalStyle=postgres",
            "S is_superuser=on",
            "S server_encoding=UTF8",
            "S server_version=15.18",
            "S session_authorization=alice",
            "S standard_conforming_strings=on",
            "S TimeZone=GMT",
            "K 4242 777",
            "Z I");

    record Result(SessionEnd end, List<String> messages, byte[] raw, InMemoryChannel channel) {
        /** The messages after the startup sequence. */
        List<String> afterStartup() {
            assertEquals(STARTUP, messages.subList(0, STARTUP.size()));
            return messages.subList(STARTUP.size(), messages.size());
        }
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("user", "alice");
        m.put("database", "db");
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Result runOnce(Map<String, String> params, byte[] input, long seed, int maxFragment, int largeLimit) {
        InMemoryChannel ch = new InMemoryChannel(input, seed, maxFragment);
        StartupInfo info = new StartupInfo("alice", "db", 10, 5, true, params, SECRET);
        List<String> activities = new ArrayList<>();
        PostgresMain main = new PostgresMain(ch, info, Settings.defaults(), PID, activities::add);
        if (largeLimit > 0) main.setLargeMessageLimit(largeLimit);
        SessionEnd end = main.run();
        assertTrue(ch.closed, "the session closes its channel");
        byte[] raw = ch.written.toByteArray();
        return new Result(end, BackendTranscript.decode(raw), raw, ch);
    }

    /** Runs the conversation with several fragmentations; all must agree. */
    static Result converse(Map<String, String> params, FrontendMessages fm) {
        return converse(params, fm, 0);
    }

    static Result converse(Map<String, String> params, FrontendMessages fm, int largeLimit) {
        byte[] input = fm.bytes();
        Result first = runOnce(params, input, 1, 4096, largeLimit);
        for (long seed = 2; seed <= 6; seed++) {
            Result r = runOnce(params, input, seed, (int) (seed % 7) + 1, largeLimit);
            assertEquals(first.messages(), r.messages(), "same transcript for seed " + seed);
            assertEquals(first.end(), r.end());
        }
        return first;
    }

    static Result converse(FrontendMessages fm) {
        return converse(params(), fm);
    }

    // ------------------------------------------------------------------------------------------ startup

    @Test
    void startupThenTerminateIsReusable() {
        Result r = converse(new FrontendMessages().terminate());
        assertEquals(STARTUP, r.messages());
        assertEquals(new SessionEnd(SessionEnd.Reason.TERMINATE_MESSAGE, true), r.end());
    }

    @Test
    void endOfStreamWhileIdleIsReusable() {
        Result r = converse(new FrontendMessages());
        assertEquals(STARTUP, r.messages());
        assertEquals(new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, true), r.end());
    }

    @Test
    void endOfStreamInsideTransactionBlockIsNotReusable() {
        Result r = converse(new FrontendMessages().query("BEGIN"));
        assertEquals(List.of("C BEGIN", "Z T"), r.afterStartup());
        assertEquals(new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, false), r.end());
    }

    @Test
    void terminateInsideTransactionBlockIsNotReusable() {
        Result r = converse(new FrontendMessages().query("BEGIN").terminate());
        assertEquals(new SessionEnd(SessionEnd.Reason.TERMINATE_MESSAGE, false), r.end());
    }

    @Test
    void startupParametersAndOptionsBecomeSettings() {
        Result r = converse(params("application_name", "psql", "DateStyle", "German",
                        "options", "-c application_name=a\\ b --intervalstyle=sql_standard -c extra_float_digits=2"),
                new FrontendMessages().query("SHOW extra_float_digits").terminate());
        List<String> m = r.messages();
        assertTrue(m.contains("S application_name=psql"), "parameters win over options: " + m);
        assertTrue(m.contains("S DateStyle=German, DMY"), m.toString());
        assertTrue(m.contains("S IntervalStyle=sql_standard"), m.toString());
        assertTrue(m.containsAll(List.of("T extra_float_digits:25:0", "D 2", "C SHOW")), m.toString());
    }

    @Test
    void unknownStartupParameterIsFatal() {
        Result r = converse(params("foo", "bar"), new FrontendMessages().query("SELECT 1"));
        assertEquals(List.of("R 0", "E FATAL 42704 unrecognized configuration parameter \"foo\""), r.messages());
        assertEquals(new SessionEnd(SessionEnd.Reason.FATAL, false), r.end());
    }

    @Test
    void badStartupValuesAndOptionsAreFatal() {
        assertEquals(List.of("R 0", "E FATAL 22023 invalid value for parameter \"client_encoding\": \"bogus\""),
                converse(params("client_encoding", "bogus"), new FrontendMessages()).messages());
        assertEquals(List.of("R 0", "E FATAL 42601 -c application_name requires a value"),
                converse(params("options", "-c application_name"), new FrontendMessages()).messages());
        assertEquals(List.of("R 0", "E FATAL 42601 invalid command-line argument for server process: junk"),
                converse(params("options", "junk"), new FrontendMessages()).messages());
        assertEquals(List.of("R 0", "E FATAL 55P02 parameter \"is_superuser\" cannot be changed"),
                converse(params("is_superuser", "off"), new FrontendMessages()).messages());
    }

    // ------------------------------------------------------------------------------------------ simple query

    @Test
    void selectWithoutColumnsStillDescribesItsRow() {
        Result r = converse(new FrontendMessages().query("SELECT;").terminate());
        assertEquals(List.of("T", "D ", "C SELECT 1", "Z I"), r.afterStartup());
    }

    @Test
    void simpleQueryWithTwoStatements() {
        Result r = converse(new FrontendMessages().query("SELECT 1; SELECT 2").terminate());
        assertEquals(List.of("T ?column?:23:0", "D 1", "C SELECT 1", "T ?column?:23:0", "D 2", "C SELECT 1", "Z I"),
                r.afterStartup());
    }

    @Test
    void emptyQueries() {
        Result r = converse(new FrontendMessages().query("").query(";").query("  ").terminate());
        assertEquals(List.of("I", "Z I", "I", "Z I", "I", "Z I"), r.afterStartup());
    }

    @Test
    void errorInsideBlockAbortsUntilRollback() {
        Result r = converse(new FrontendMessages().query("BEGIN").query("SELECT nosuch").query("SELECT 1")
                .query("COMMIT").query("SELECT 1").terminate());
        assertEquals(List.of("C BEGIN", "Z T",
                "E ERROR 42703 column \"nosuch\" does not exist @8", "Z E",
                "E ERROR 25P02 current transaction is aborted, commands ignored until end of transaction block", "Z E",
                "C ROLLBACK", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1", "Z I"), r.afterStartup());
        assertTrue(r.end().reusable());
    }

    @Test
    void errorInMultiStatementQueryAbortsTheRest() {
        Result r = converse(new FrontendMessages().query("SET application_name = 'x'; SELECT nosuch; SELECT 2")
                .query("SHOW application_name").terminate());
        assertEquals(List.of("C SET", "E ERROR 42703 column \"nosuch\" does not exist @36", "Z I",
                "T application_name:25:0", "D ", "C SHOW", "Z I"), r.afterStartup());
    }

    @Test
    void beginInsideMultiStatementQueryKeepsTheBlockOpen() {
        Result r = converse(new FrontendMessages().query("SELECT 1; BEGIN; SELECT 2").query("ROLLBACK").terminate());
        assertEquals(List.of("T ?column?:23:0", "D 1", "C SELECT 1", "C BEGIN", "T ?column?:23:0", "D 2",
                "C SELECT 1", "Z T", "C ROLLBACK", "Z I"), r.afterStartup());
    }

    @Test
    void commitInsideImplicitBlockWarnsAndCommits() {
        Result r = converse(new FrontendMessages().query("SELECT 1; COMMIT; SELECT 2")
                .query("SELECT 1; SAVEPOINT a").query("SELECT 1; DISCARD ALL").terminate());
        assertEquals(List.of("T ?column?:23:0", "D 1", "C SELECT 1",
                "N WARNING 25P01 there is no transaction in progress", "C COMMIT",
                "T ?column?:23:0", "D 2", "C SELECT 1", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1",
                "E ERROR 25P01 SAVEPOINT can only be used in transaction blocks", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1",
                "E ERROR 25001 DISCARD ALL cannot run inside a transaction block", "Z I"), r.afterStartup());
    }

    @Test
    void syntaxErrorHasPosition() {
        Result r = converse(new FrontendMessages().query("SELECT 1 +").terminate());
        assertEquals(List.of("E ERROR 42601 syntax error at end of input @11", "Z I"), r.afterStartup());
    }

    // ------------------------------------------------------------------------------------------ utility

    @Test
    void setReportsChangedParameterBeforeReadyForQuery() {
        Result r = converse(new FrontendMessages().query("SET DateStyle = German; SELECT 1").query("SHOW datestyle")
                .query("RESET DateStyle").terminate());
        assertEquals(List.of("C SET", "T ?column?:23:0", "D 1", "C SELECT 1", "S DateStyle=German, DMY", "Z I",
                "T DateStyle:25:0", "D German, DMY", "C SHOW", "Z I",
                "C RESET", "S DateStyle=ISO, MDY", "Z I"), r.afterStartup());
    }

    @Test
    void setInRolledBackBlockIsUndoneAndReported() {
        Result r = converse(new FrontendMessages().query("BEGIN; SET application_name = 'in'")
                .query("ROLLBACK").terminate());
        assertEquals(List.of("C BEGIN", "C SET", "S application_name=in", "Z T",
                "C ROLLBACK", "S application_name=", "Z I"), r.afterStartup());
    }

    @Test
    void setLocalOutsideBlockWarns() {
        Result r = converse(new FrontendMessages().query("SET LOCAL application_name = 'x'").terminate());
        assertEquals(List.of("N WARNING 25P01 SET LOCAL can only be used in transaction blocks", "C SET", "Z I"),
                r.afterStartup());
    }

    @Test
    void setErrors() {
        Result r = converse(new FrontendMessages().query("SET nosuch = 1").query("SET application_name = a, b")
                .query("SHOW nosuch").terminate());
        assertEquals(List.of("E ERROR 42704 unrecognized configuration parameter \"nosuch\"", "Z I",
                "E ERROR 22023 SET application_name takes only one argument", "Z I",
                "E ERROR 42704 unrecognized configuration parameter \"nosuch\"", "Z I"), r.afterStartup());
    }

    @Test
    void showAllHasThreeTextColumns() {
        Result r = converse(new FrontendMessages().query("SHOW ALL").terminate());
        List<String> m = r.afterStartup();
        assertEquals("T name:25:0,setting:25:0,description:25:0", m.get(0));
        assertTrue(m.stream().anyMatch(l -> l.startsWith("D DateStyle|ISO, MDY|")), m.toString());
        assertEquals("C SHOW", m.get(m.size() - 2));
    }

    @Test
    void transactionWarnings() {
        Result r = converse(new FrontendMessages().query("COMMIT").query("ROLLBACK").query("BEGIN").query("BEGIN")
                .query("END").terminate());
        assertEquals(List.of("N WARNING 25P01 there is no transaction in progress", "C COMMIT", "Z I",
                "N WARNING 25P01 there is no transaction in progress", "C ROLLBACK", "Z I",
                "C BEGIN", "Z T",
                "N WARNING 25001 there is already a transaction in progress", "C BEGIN", "Z T",
                "C COMMIT", "Z I"), r.afterStartup());
    }

    @Test
    void clientMinMessagesFiltersWarnings() {
        Result r = converse(new FrontendMessages().query("SET client_min_messages = error").query("COMMIT")
                .query("RESET client_min_messages").query("COMMIT").terminate());
        assertEquals(List.of("C SET", "Z I", "C COMMIT", "Z I", "C RESET", "Z I",
                "N WARNING 25P01 there is no transaction in progress", "C COMMIT", "Z I"), r.afterStartup());
    }

    @Test
    void savepoints() {
        Result r = converse(new FrontendMessages().query("SAVEPOINT a")
                .query("BEGIN; SAVEPOINT a; SET application_name = 'sp'; ROLLBACK TO a; SHOW application_name")
                .query("RELEASE b").query("ROLLBACK TO b").query("ROLLBACK TO a").query("RELEASE a").query("COMMIT")
                .terminate());
        assertEquals(List.of("E ERROR 25P01 SAVEPOINT can only be used in transaction blocks", "Z I",
                "C BEGIN", "C SAVEPOINT", "C SET", "C ROLLBACK", "T application_name:25:0", "D ", "C SHOW", "Z T",
                "E ERROR 3B001 savepoint \"b\" does not exist", "Z E",
                "E ERROR 3B001 savepoint \"b\" does not exist", "Z E",
                "C ROLLBACK", "Z T",
                "C RELEASE", "Z T",
                "C COMMIT", "Z I"), r.afterStartup());
    }

    @Test
    void errorInsideSavepointUndoesOnlyItsLevel() {
        // the same conversation on PostgreSQL 15 gives exactly this sequence
        Result r = converse(new FrontendMessages()
                .query("begin; set application_name='y'; savepoint a; set application_name='z'; select nosuch")
                .query("show application_name").query("rollback to a; show application_name")
                .query("release a; commit; show application_name").terminate());
        assertEquals(List.of("C BEGIN", "C SET", "C SAVEPOINT", "C SET",
                "E ERROR 42703 column \"nosuch\" does not exist @80", "S application_name=y", "Z E",
                "E ERROR 25P02 current transaction is aborted, commands ignored until end of transaction block", "Z E",
                "C ROLLBACK", "T application_name:25:0", "D y", "C SHOW", "Z T",
                "C RELEASE", "C COMMIT", "T application_name:25:0", "D y", "C SHOW", "Z I"), r.afterStartup());
    }

    @Test
    void rollbackAndDisconnectWithOpenSavepoints() {
        Result r = converse(new FrontendMessages()
                .query("BEGIN; SET application_name = 'o'; SAVEPOINT a; SET application_name = 'i'; SAVEPOINT b")
                .query("ROLLBACK").query("SHOW application_name")
                .query("BEGIN; SAVEPOINT a; SET application_name = 'c'; SAVEPOINT b").query("COMMIT")
                .query("BEGIN; SAVEPOINT a; SELECT nosuch").query("ROLLBACK")
                .query("BEGIN; SAVEPOINT a; SAVEPOINT b"));
        assertEquals(List.of("C BEGIN", "C SET", "C SAVEPOINT", "C SET", "C SAVEPOINT", "S application_name=i", "Z T",
                "C ROLLBACK", "S application_name=", "Z I",
                "T application_name:25:0", "D ", "C SHOW", "Z I",
                "C BEGIN", "C SAVEPOINT", "C SET", "C SAVEPOINT", "S application_name=c", "Z T", "C COMMIT", "Z I",
                "C BEGIN", "C SAVEPOINT", "E ERROR 42703 column \"nosuch\" does not exist @28", "Z E",
                "C ROLLBACK", "Z I",
                "C BEGIN", "C SAVEPOINT", "C SAVEPOINT", "Z T"), r.afterStartup());
        assertEquals(new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, false), r.end());
    }

    @Test
    void transactionSettingChecks() {
        Result r = converse(new FrontendMessages()
                .query("BEGIN; SAVEPOINT a; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").query("ROLLBACK")
                .query("BEGIN READ ONLY; SELECT 1; SET TRANSACTION READ WRITE").query("ROLLBACK")
                .query("BEGIN; SELECT 1; SET TRANSACTION DEFERRABLE").query("ROLLBACK")
                .query("BEGIN; SELECT 1; SET transaction_isolation = 'read committed'; COMMIT")
                .query("SELECT 1; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
                .query("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").terminate());
        assertEquals(List.of("C BEGIN", "C SAVEPOINT",
                "E ERROR 25001 SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction", "Z E",
                "C ROLLBACK", "Z I",
                "C BEGIN", "T ?column?:23:0", "D 1", "C SELECT 1",
                "E ERROR 25001 transaction read-write mode must be set before any query", "Z E", "C ROLLBACK", "Z I",
                "C BEGIN", "T ?column?:23:0", "D 1", "C SELECT 1",
                "E ERROR 25001 SET TRANSACTION [NOT] DEFERRABLE must be called before any query", "Z E",
                "C ROLLBACK", "Z I",
                "C BEGIN", "T ?column?:23:0", "D 1", "C SELECT 1", "C SET", "C COMMIT", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1",
                "E ERROR 25001 SET TRANSACTION ISOLATION LEVEL must be called before any query", "Z I",
                "N WARNING 25P01 SET TRANSACTION can only be used in transaction blocks", "C SET", "Z I"),
                r.afterStartup());
    }

    @Test
    void preparedTransactions() {
        Result r = converse(new FrontendMessages().query("PREPARE TRANSACTION 'x'").query("COMMIT PREPARED 'x'")
                .query("BEGIN; ROLLBACK PREPARED 'x'").query("ROLLBACK")
                .query("BEGIN").query("PREPARE TRANSACTION 'y'").terminate());
        assertEquals(List.of("N WARNING 25P01 there is no transaction in progress", "C ROLLBACK", "Z I",
                "E ERROR 42704 prepared transaction with identifier \"x\" does not exist", "Z I",
                "C BEGIN", "E ERROR 25001 ROLLBACK PREPARED cannot run inside a transaction block", "Z E",
                "C ROLLBACK", "Z I",
                "C BEGIN", "Z T", "E ERROR 55000 prepared transactions are disabled", "Z I"), r.afterStartup());
    }

    @Test
    void isolationLevelIsStoredForTheTransaction() {
        Result r = converse(new FrontendMessages()
                .query("BEGIN ISOLATION LEVEL SERIALIZABLE; SHOW transaction_isolation; COMMIT; SHOW transaction_isolation")
                .terminate());
        assertEquals(List.of("C BEGIN", "T transaction_isolation:25:0", "D serializable", "C SHOW", "C COMMIT",
                "T transaction_isolation:25:0", "D read committed", "C SHOW", "Z I"), r.afterStartup());
    }

    @Test
    void discardAll() {
        Result r = converse(new FrontendMessages().parse("s1", "SELECT 1").sync()
                .query("SET DateStyle = German")
                .query("BEGIN").query("DISCARD ALL").query("ROLLBACK")
                .query("DISCARD ALL")
                .describe('S', "s1").sync().terminate());
        assertEquals(List.of("1", "Z I",
                "C SET", "S DateStyle=German, DMY", "Z I",
                "C BEGIN", "Z T", "E ERROR 25001 DISCARD ALL cannot run inside a transaction block", "Z E",
                "C ROLLBACK", "Z I",
                "C DISCARD ALL", "S DateStyle=ISO, MDY", "Z I",
                "E ERROR 26000 prepared statement \"s1\" does not exist", "Z I"), r.afterStartup());
    }

    @Test
    void statementTimeoutCancelsEachStatementThatRunsTooLong() {
        Result r = converse(new FrontendMessages()
                .query("SET statement_timeout = 400")
                .query("SELECT pg_sleep(0); SELECT pg_sleep(5)")
                .query("SELECT 1")
                .parse("", "SELECT pg_sleep(5)").bind("", "", new short[0], new byte[0][], new short[0])
                .execute("", 0).sync()
                .query("RESET statement_timeout; SELECT pg_sleep(0.1)").terminate());
        // a SET in the same (failing) Query message would be undone with its implicit transaction
        assertEquals(List.of("C SET", "Z I", "T pg_sleep:2278:0", "D ", "C SELECT 1", "T pg_sleep:2278:0",
                "E ERROR 57014 canceling statement due to statement timeout", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1", "Z I",
                "1", "2", "E ERROR 57014 canceling statement due to statement timeout", "Z I",
                "C RESET", "T pg_sleep:2278:0", "D ", "C SELECT 1", "Z I"), r.afterStartup());
    }

    // ------------------------------------------------------------------------------------------ extended

    @Test
    void extendedPipelineWithBinaryParameterAndResult() {
        Result r = converse(new FrontendMessages()
                .parse("", "SELECT $1::int4 + 1", 23)
                .bind("", "", new short[] {1}, new byte[][] {FrontendMessages.int4(41)}, new short[] {1})
                .describe('P', "").execute("", 0).sync().terminate());
        assertEquals(List.of("1", "2", "T ?column?:23:1", "D \0\0\0*", "C SELECT 1", "Z I"), r.afterStartup());
        assertEquals(List.of("0000002a"), BackendTranscript.decodeBinaryRows(r.raw()));
    }

    @Test
    void pgjdbcStyleNamedStatementReuse() {
        FrontendMessages fm = new FrontendMessages().parse("S_1", "SELECT $1::int4 * 2", 23).describe('S', "S_1").sync();
        for (int v = 1; v <= 3; v++) {
            fm.bind("", "S_1", new short[] {1}, new byte[][] {FrontendMessages.int4(v)}, new short[] {0})
                    .execute("", 0).sync();
        }
        Result r = converse(fm.terminate());
        assertEquals(List.of("1", "t 23", "T ?column?:23:0", "Z I",
                "2", "D 2", "C SELECT 1", "Z I",
                "2", "D 4", "C SELECT 1", "Z I",
                "2", "D 6", "C SELECT 1", "Z I"), r.afterStartup());
    }

    @Test
    void rowLimitedExecuteSuspendsAndResumes() {
        Result r = converse(new FrontendMessages().parse("", "VALUES (1), (2), (3), (4), (5)").bind("", "")
                .execute("", 2).execute("", 2).execute("", 2).execute("", 2).sync().terminate());
        assertEquals(List.of("1", "2", "D 1", "D 2", "s", "D 3", "D 4", "s", "D 5", "C SELECT 1", "C SELECT 0", "Z I"),
                r.afterStartup());
    }

    @Test
    void portalsSurviveSyncInsideBlockOnly() {
        Result r = converse(new FrontendMessages().query("BEGIN")
                .parse("", "VALUES (1), (2), (3)").bind("p", "").execute("p", 1).sync()
                .execute("p", 0).sync()
                .query("COMMIT")
                .execute("p", 0).sync().terminate());
        assertEquals(List.of("C BEGIN", "Z T", "1", "2", "D 1", "s", "Z T",
                "D 2", "D 3", "C SELECT 2", "Z T",
                "C COMMIT", "Z I",
                "E ERROR 34000 portal \"p\" does not exist", "Z I"), r.afterStartup());
    }

    @Test
    void errorSkipsUntilSync() {
        Result r = converse(new FrontendMessages()
                .parse("", "SELECT $1::int4", 23).bind("", "", "x1").execute("", 0)
                .parse("x", "SELECT 1").bind("", "x").execute("", 0).query("SELECT 7").sync()
                .query("SELECT 3").terminate());
        assertEquals(List.of("1", "E ERROR 22P02 invalid input syntax for type integer: \"x1\"", "Z I",
                "T ?column?:23:0", "D 3", "C SELECT 1", "Z I"), r.afterStartup());
    }

    @Test
    void constantExpressionErrorsComeAtPlanningTime() {
        // simple Query: planning fails before any RowDescription; extended: Parse succeeds, Bind fails
        Result r = converse(new FrontendMessages().query("SELECT 1/0")
                .parse("", "SELECT 1/0").bind("", "").describe('P', "").execute("", 0).sync().terminate());
        assertEquals(List.of("E ERROR 22012 division by zero", "Z I",
                "1", "E ERROR 22012 division by zero", "Z I"), r.afterStartup());
    }

    @Test
    void parametersInSimpleQueryAreUndefined() {
        Result r = converse(new FrontendMessages().query("SELECT $1").terminate());
        assertEquals("E ERROR 42P02 there is no parameter $1 @8", r.afterStartup().get(0));
    }

    @Test
    void errorInExtendedInsideBlock() {
        Result r = converse(new FrontendMessages().query("BEGIN").parse("", "SELECT $1::int4", 23).bind("", "", "x1")
                .execute("", 0).sync().parse("", "SELECT 1").sync()
                .parse("", "ROLLBACK").bind("", "").execute("", 0).sync().terminate());
        assertEquals(List.of("C BEGIN", "Z T", "1", "E ERROR 22P02 invalid input syntax for type integer: \"x1\"", "Z E",
                "E ERROR 25P02 current transaction is aborted, commands ignored until end of transaction block", "Z E",
                "1", "2", "C ROLLBACK", "Z I"), r.afterStartup());
    }

    @Test
    void describeStatementAndPortal() {
        Result r = converse(new FrontendMessages()
                .parse("s", "SELECT $1::int8, 'a'", 0).describe('S', "s")
                .parse("u", "SET DateStyle = ISO", 23).describe('S', "u")
                .parse("e", "").describe('S', "e").bind("", "e").describe('P', "").execute("", 0)
                .sync().terminate());
        assertEquals(List.of("1", "t 20", "T int8:20:0,?column?:25:0",
                "1", "t 23", "n",
                "1", "t", "n", "2", "n", "I", "Z I"), r.afterStartup());
    }

    @Test
    void extendedErrors() {
        Result r = converse(new FrontendMessages()
                .parse("s1", "SELECT $1::int4", 23).sync()
                .parse("s1", "SELECT 2").sync()
                .bind("", "s1", "1", "2").sync()
                .bind("", "nope").sync()
                .bind("", "").sync()
                .describe('P', "nope").sync()
                .execute("nope", 0).sync()
                .bind("", "s1", new short[] {0, 0}, new byte[][] {"1".getBytes()}, new short[0]).sync()
                .bind("", "s1", new short[] {3}, new byte[][] {"1".getBytes()}, new short[0]).sync()
                .bind("", "s1", new short[] {1}, new byte[][] {{0, 0, 0, 1, 2}}, new short[0]).sync()
                .bind("", "s1", new short[] {1}, new byte[][] {{0, 1}}, new short[0]).sync()
                .bind("", "s1", "x1").sync()
                .bind("", "s1", new short[0], new byte[][] {"1".getBytes()}, new short[] {0, 0}).sync()
                .parse("", "SELECT 1; SELECT 2").sync()
                .close('S', "nope").close('P', "nope").sync()
                .terminate());
        assertEquals(List.of("1", "Z I",
                "E ERROR 42P05 prepared statement \"s1\" already exists", "Z I",
                "E ERROR 08P01 bind message supplies 2 parameters, but prepared statement \"s1\" requires 1", "Z I",
                "E ERROR 26000 prepared statement \"nope\" does not exist", "Z I",
                "E ERROR 26000 unnamed prepared statement does not exist", "Z I",
                "E ERROR 34000 portal \"nope\" does not exist", "Z I",
                "E ERROR 34000 portal \"nope\" does not exist", "Z I",
                "E ERROR 08P01 bind message has 2 parameter formats but 1 parameters", "Z I",
                "E ERROR 22023 unsupported format code: 3", "Z I",
                "E ERROR 22P03 incorrect binary data format in bind parameter 1", "Z I",
                "E ERROR 08P01 insufficient data left in message", "Z I",
                "E ERROR 22P02 invalid input syntax for type integer: \"x1\"", "Z I",
                "E ERROR 08P01 bind message has 2 result formats but query has 1 columns", "Z I",
                "E ERROR 42601 cannot insert multiple commands into a prepared statement", "Z I",
                "3", "3", "Z I"), r.afterStartup());
    }

    @Test
    void unsupportedResultFormatFailsAtFirstRow() {
        Result r = converse(new FrontendMessages().parse("", "SELECT 1")
                .bind("", "", new short[0], new byte[0][], new short[] {2})
                .describe('P', "").execute("", 0).sync().terminate());
        assertEquals(List.of("1", "2", "T ?column?:23:2", "E ERROR 22023 unsupported format code: 2", "Z I"),
                r.afterStartup());
    }

    @Test
    void rerunningCompletedPortals() {
        Result r = converse(new FrontendMessages().parse("", "SET DateStyle = ISO").bind("p", "")
                .execute("p", 0).execute("p", 0).sync()
                .parse("", "SHOW DateStyle").bind("p", "").execute("p", 0).execute("p", 0).sync().terminate());
        assertEquals(List.of("1", "2", "C SET", "E ERROR 55000 portal \"p\" cannot be run", "Z I",
                "1", "2", "D ISO, MDY", "C SHOW", "C SHOW", "Z I"), r.afterStartup());
    }

    @Test
    void setInExtendedQueryReportsAtSync() {
        Result r = converse(new FrontendMessages().parse("", "SET DateStyle = German").bind("", "").execute("", 0)
                .parse("", "SELECT 1").bind("", "").execute("", 0).sync().terminate());
        assertEquals(List.of("1", "2", "C SET", "1", "2", "D 1", "C SELECT 1", "S DateStyle=German, DMY", "Z I"),
                r.afterStartup());
    }

    @Test
    void flushSendsPendingOutputWithoutReadyForQuery() {
        Result r = converse(new FrontendMessages().parse("", "SELECT 1").flush().sync().terminate());
        assertEquals(List.of("1", "Z I"), r.afterStartup());
    }

    // ------------------------------------------------------------------------------------------ other messages

    @Test
    void functionCallIsNotSupported() {
        Result r = converse(new FrontendMessages().functionCall(1234).query("SELECT 1").terminate());
        assertEquals(List.of("E ERROR 0A000 fastpath function calls are not supported", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1", "Z I"), r.afterStartup());
    }

    @Test
    void copyMessagesOutsideCopyAreIgnored() {
        Result r = converse(new FrontendMessages().copyData("1\t2\n".getBytes()).copyDone().copyFail("no")
                .query("SELECT 1").terminate());
        assertEquals(List.of("T ?column?:23:0", "D 1", "C SELECT 1", "Z I"), r.afterStartup());
    }

    // ------------------------------------------------------------------------------------------ malformed input

    @Test
    void lengthBelowFourIsFatal() {
        Result r = converse(new FrontendMessages().raw((byte) 'Q', (byte) 0, (byte) 0, (byte) 0, (byte) 2));
        assertEquals(List.of("E FATAL 08P01 invalid message length"), r.afterStartup());
        assertEquals(new SessionEnd(SessionEnd.Reason.FATAL, false), r.end());
    }

    @Test
    void oversizedMessagesEndTheSession() {
        // a small message type above 10000 bytes, and a large type above the (lowered) large limit
        Result small = converse(new FrontendMessages().raw((byte) 'S', (byte) 0, (byte) 1, (byte) 0, (byte) 0));
        assertEquals(List.of("E FATAL 08P01 invalid message length"), small.afterStartup());
        assertEquals(SessionEnd.Reason.FATAL, small.end().reason());
        Result large = converse(params(), new FrontendMessages().query("SELECT '" + "x".repeat(20000) + "'"), 15000);
        assertEquals(List.of("E FATAL 08P01 invalid message length"), large.afterStartup());
        assertEquals(SessionEnd.Reason.FATAL, large.end().reason());
    }

    @Test
    void unknownMessageTypeIsFatal() {
        Result r = converse(new FrontendMessages().raw('y', new byte[0]).query("SELECT 1"));
        assertEquals(List.of("E FATAL 08P01 invalid frontend message type 121"), r.afterStartup());
        assertEquals(new SessionEnd(SessionEnd.Reason.FATAL, false), r.end());
    }

    @Test
    void malformedBodiesAreErrorsAndTheSessionContinues() {
        Result r = converse(new FrontendMessages()
                .raw('Q', "SELECT 1".getBytes())                       // no terminator
                .raw('Q', "SELECT 1\0xx".getBytes())                    // bytes after the string
                .raw('S', "abc".getBytes())                             // Sync with a body
                .raw('P', "\0SELECT 1\0\0".getBytes()).sync()           // count cut short
                .raw('D', "Xabc\0".getBytes()).sync()
                .raw('C', "Xabc\0".getBytes()).sync()
                .raw('E', new byte[] {0, 0, 0}).sync()
                .query("SELECT 1").terminate());
        assertEquals(List.of("E ERROR 08P01 invalid string in message", "Z I",
                "E ERROR 08P01 invalid message format", "Z I",
                "E ERROR 08P01 invalid message format", "Z I",
                "E ERROR 08P01 insufficient data left in message", "Z I",
                "E ERROR 08P01 invalid DESCRIBE message subtype 88", "Z I",
                "E ERROR 08P01 invalid CLOSE message subtype 88", "Z I",
                "E ERROR 08P01 insufficient data left in message", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1", "Z I"), r.afterStartup());
    }

    @Test
    void endOfStreamInsideAMessage() {
        byte[] q = new FrontendMessages().query("SELECT 1").bytes();
        byte[] cut = java.util.Arrays.copyOf(q, q.length - 3);
        Result r = converse(new FrontendMessages().raw(cut));
        assertEquals(List.of(), r.afterStartup());
        assertEquals(new SessionEnd(SessionEnd.Reason.CLIENT_DISCONNECTED, false), r.end());
    }

    @Test
    void randomBytesNeverEscapeRun() {
        Random rnd = new Random(42);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            rnd.nextBytes(junk);
            if (i % 3 == 0 && junk.length > 0) junk[0] = (byte) "QPBDESHCXFdcf".charAt(rnd.nextInt(13));
            if (i % 3 == 1 && junk.length > 5) {
                junk[0] = (byte) "QPBDESHC".charAt(rnd.nextInt(8));
                junk[1] = 0;
                junk[2] = 0;
                junk[3] = 0;
                junk[4] = (byte) rnd.nextInt(40);
            }
            Result r = runOnce(params(), junk, i, 1 + rnd.nextInt(7), 0);
            assertTrue(r.channel().closed);
            assertFalse(r.messages().isEmpty());
        }
    }

    @Test
    void structuredFuzzWithValidFramingNeverEscapesRun() {
        Random rnd = new Random(4242);
        String types = "QPBDESHCXFdcf";
        for (int i = 0; i < 300; i++) {
            FrontendMessages fm = new FrontendMessages();
            int n = 1 + rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                byte[] body = new byte[rnd.nextInt(24)];
                rnd.nextBytes(body);
                if (rnd.nextBoolean()) {
                    for (int j = 0; j < body.length; j++) body[j] = (byte) (body[j] & 0x7f);
                }
                fm.raw(types.charAt(rnd.nextInt(types.length())), body);
            }
            Result r = runOnce(params(), fm.bytes(), i, 1 + rnd.nextInt(7), 0);
            assertTrue(r.channel().closed);
            assertEquals(STARTUP, r.messages().subList(0, STARTUP.size()));
        }
    }

    @Test
    void largeResultsStreamAndFlushesFollowReadyForQuery() {
        String big = "x".repeat(200_000);
        FrontendMessages fm = new FrontendMessages().query("SELECT '" + big + "'").query("SELECT 1").query("SELECT 2");
        Result r = converse(fm.terminate());
        assertEquals(List.of("T ?column?:25:0", "D " + big, "C SELECT 1", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1", "Z I",
                "T ?column?:23:0", "D 2", "C SELECT 1", "Z I"), r.afterStartup());
        assertEquals(4, r.channel().flushes, "one flush per ReadyForQuery (startup + 3 queries)");
    }

    // ------------------------------------------------------------------------------------------ encodings

    @Test
    void invalidUtf8IsAnError() {
        Result r = converse(new FrontendMessages().raw('Q', "SELECT '\u00c3('\0".getBytes(StandardCharsets.ISO_8859_1))
                .query("SELECT 1").terminate());
        assertEquals(List.of("E ERROR 22021 invalid byte sequence for encoding \"UTF8\": 0xc3 0x28", "Z I",
                "T ?column?:23:0", "D 1", "C SELECT 1", "Z I"), r.afterStartup());
    }

    @Test
    void latin1ClientGetsLatin1() {
        byte[] q = new FrontendMessages().raw('Q', "SELECT 'caf\u00e9'\0".getBytes(StandardCharsets.ISO_8859_1))
                .terminate().bytes();
        Result r = runOnce(params("client_encoding", "LATIN1"), q, 3, 5, 0);
        List<String> m = BackendTranscript.decode(r.raw(), StandardCharsets.ISO_8859_1);
        assertTrue(m.contains("S client_encoding=LATIN1"), m.toString());
        assertTrue(m.contains("D caf\u00e9"), m.toString());
    }

    @Test
    void setClientEncodingSwitchesConversion() {
        byte[] q = new FrontendMessages().query("SET client_encoding = 'LATIN1'")
                .raw('Q', "SELECT '\u00e9'\0".getBytes(StandardCharsets.ISO_8859_1)).terminate().bytes();
        Result r = runOnce(params(), q, 3, 5, 0);
        List<String> m = BackendTranscript.decode(r.raw(), StandardCharsets.ISO_8859_1);
        assertTrue(m.containsAll(List.of("C SET", "S client_encoding=LATIN1", "D \u00e9")), m.toString());
    }

    // ------------------------------------------------------------------------------------------ session context

    @Test
    void interruptsAndContext() {
        InMemoryChannel ch = new InMemoryChannel(new byte[0], 1, 1);
        StartupInfo info = new StartupInfo("alice", "db", 10, 5, true, params(), SECRET);
        PostgresMain main = new PostgresMain(ch, info, Settings.defaults(), PID, a -> { });
        main.run();
        var ctx = main.sessionContext();
        assertEquals("db", ctx.databaseName());
        assertEquals(PID, ctx.backendPid());
        assertEquals("alice", ctx.sessionUser());
        assertEquals("alice", ctx.currentUser());
        assertEquals("ISO, MDY", ctx.setting("DateStyle"));
        ctx.checkForInterrupts();
        main.requestCancel();
        PgException cancel = assertThrows(PgException.class, ctx::checkForInterrupts);
        assertEquals("57014", cancel.sqlState().code());
        ctx.checkForInterrupts();   // a cancel is delivered once
        main.requestTerminate();
        PgException term = assertThrows(PgException.class, ctx::checkForInterrupts);
        assertEquals(Severity.FATAL, term.severity());
        assertEquals("57P01", term.sqlState().code());
    }

    @Test
    void activityIsReported() {
        InMemoryChannel ch = new InMemoryChannel(new FrontendMessages().query("SELECT 1").query("BEGIN")
                .query("SELECT nosuch").query("ROLLBACK").terminate().bytes(), 1, 3);
        List<String> activities = new ArrayList<>();
        StartupInfo info = new StartupInfo("alice", "db", 10, 5, true, params(), SECRET);
        new PostgresMain(ch, info, Settings.defaults(), PID, activities::add).run();
        assertEquals(List.of("idle", "SELECT", "idle", "BEGIN", "idle in transaction", "SELECT",
                "idle in transaction (aborted)", "ROLLBACK", "idle"), activities);
    }
}
