package org.pgjava.backend.tcop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.conf.Settings;
import org.pgjava.conf.errors.PgException;

/**
 * The traffic cop driven directly, without the wire protocol: what the protocol layer's message loop calls
 * (docs/tcop/README.md). The full conversations are in protocol/PostgresMainTest.
 */
class SessionTest {
    private static Session newSession(String... kv) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("database", "db");
        for (int i = 0; i < kv.length; i += 2) params.put(kv[i], kv[i + 1]);
        Session s = new Session("alice", "db", 10, 5, true, 4242, params, Settings.defaults());
        s.applyStartupParameters();
        return s;
    }

    /** Runs a simple query the way protocol.PostgresMain does; returns tag and rows per statement. */
    private static List<String> simpleQuery(Session s, String query) {
        List<String> out = new ArrayList<>();
        List<RawStatement> parsed = s.beginSimpleQuery(query);
        boolean implicit = parsed.size() > 1;
        for (int i = 0; i < parsed.size(); i++) {
            RawStatement raw = parsed.get(i);
            s.startStatement(raw, implicit);
            Portal p = s.prepareSimpleStatement(query, raw);
            try {
                s.startPortal(p);
                int n = 0;
                for (Object[] row = p.next(); row != null; row = p.next()) {
                    out.add("D " + String.join("|", java.util.Arrays.stream(row).map(String::valueOf).toList()));
                    n++;
                }
                String tag = p.complete(n);
                s.finishStatement(raw, i == parsed.size() - 1, implicit);
                out.add("C " + tag);
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
        }
        s.finishCommand();
        return out;
    }

    @Test
    void startupOptionsSplitting() {
        assertEquals(List.of("-c", "application_name=a b", "x"), StartupOptions.split("  -c  application_name=a\\ b x "));
        assertEquals(List.of(new StartupOptions.Assignment("application_name", "q"),
                        new StartupOptions.Assignment("work_mem", "1000"),
                        new StartupOptions.Assignment("log_min_messages", "debug2"),
                        new StartupOptions.Assignment("datestyle", "euro")),
                StartupOptions.parse("-capplication-name=q -S 1000 -d 2 -e"));
    }

    @Test
    void startupParametersBecomeSettings() {
        Session s = newSession("application_name", "app", "options", "-c work_mem=1000");
        assertEquals("app", s.context().setting("application_name"));
        assertEquals("1000kB", s.context().setting("work_mem"));
        assertEquals("alice", s.context().sessionUser());
        assertEquals("db", s.context().databaseName());
        assertEquals(4242, s.context().backendPid());
        PgException e = assertThrows(PgException.class, () -> newSession("nosuch_setting", "1"));
        assertEquals("42704", e.sqlState().code());
    }

    @Test
    void utilityStatementsAndTransactionStatus() {
        Session s = newSession();
        assertEquals(TransactionStatus.IDLE, s.transactionStatus());
        assertEquals(List.of("C SET", "D German, DMY", "C SHOW"), simpleQuery(s, "SET DateStyle = German; SHOW DateStyle"));
        assertEquals(List.of("C BEGIN"), simpleQuery(s, "BEGIN"));
        assertEquals(TransactionStatus.IN_BLOCK, s.transactionStatus());
        assertEquals('T', s.transactionStatus().statusByte());
        assertThrows(PgException.class, () -> simpleQuery(s, "SELECT 1/0"));
        s.abortCurrentTransaction();
        assertEquals(TransactionStatus.FAILED, s.transactionStatus());
        PgException aborted = assertThrows(PgException.class, () -> simpleQuery(s, "SELECT 1"));
        assertEquals("25P02", aborted.sqlState().code());
        s.abortCurrentTransaction();
        assertEquals(List.of("C ROLLBACK"), simpleQuery(s, "ROLLBACK"));
        assertEquals(TransactionStatus.IDLE, s.transactionStatus());
        assertFalse(s.inTransaction());
    }

    @Test
    void noticesAreQueuedAndFiltered() throws Exception {
        Session s = newSession();
        simpleQuery(s, "COMMIT");
        assertTrue(s.hasNotices());
        List<String> got = new ArrayList<>();
        s.takeNotices(n -> got.add(n.sqlState().code() + " " + n.getMessage()));
        assertEquals(List.of("25P01 there is no transaction in progress"), got);
        assertFalse(s.hasNotices());
        simpleQuery(s, "SET client_min_messages = error; COMMIT");
        got.clear();
        s.takeNotices(n -> got.add(n.getMessage()));
        assertEquals(List.of(), got);
    }

    @Test
    void reportedSettingsAreToldOnceThenOnlyChanges() throws Exception {
        Session s = newSession();
        Map<String, String> first = new LinkedHashMap<>();
        s.takeChangedReportedSettings(first::put);
        assertEquals(13, first.size());
        assertEquals("UTF8", first.get("client_encoding"));
        Map<String, String> second = new LinkedHashMap<>();
        s.takeChangedReportedSettings(second::put);
        assertTrue(second.isEmpty());
        simpleQuery(s, "SET application_name = 'x'");
        s.takeChangedReportedSettings(second::put);
        assertEquals(Map.of("application_name", "x"), second);
    }

    @Test
    void extendedQueryPreparesBindsAndRuns() {
        Session s = newSession();
        s.parse("S_1", "SELECT $1::int4 + 1", new int[] {23});
        PreparedStatementEntry stmt = s.lookupStatement("S_1");
        assertArrayEquals(new int[] {23}, stmt.paramTypes());
        assertTrue(stmt.returnsRows());
        s.startBind("", stmt, 1);
        s.finishPlanning(stmt);
        Portal p = s.createPortal("", stmt, new Object[] {41}, null);
        s.startExecute(p);
        assertFalse(s.startPortal(p));
        assertEquals("42", String.valueOf(p.next()[0]));
        assertNull(p.next());
        assertEquals("SELECT 1", p.complete(1));
        s.finishExecute(p);
        assertEquals(p, s.lookupPortal(""));
        s.finishCommand();   // Sync commits: the transaction's portals are dropped (README rule)
        assertEquals("34000", assertThrows(PgException.class, () -> s.lookupPortal("")).sqlState().code());
        s.closeStatement("S_1");
        assertEquals("26000", assertThrows(PgException.class, () -> s.lookupStatement("S_1")).sqlState().code());
        s.release();
    }

    @Test
    void interruptFlags() {
        Session s = newSession();
        s.context().checkForInterrupts();
        s.requestCancel();
        s.forgetCancel();
        s.context().checkForInterrupts();   // a cancel that arrived while idle is forgotten
        s.requestCancel();
        assertEquals("57014", assertThrows(PgException.class, s.context()::checkForInterrupts).sqlState().code());
        s.requestTerminate();
        assertEquals("57P01", assertThrows(PgException.class, s.context()::checkForInterrupts).sqlState().code());
    }
}
