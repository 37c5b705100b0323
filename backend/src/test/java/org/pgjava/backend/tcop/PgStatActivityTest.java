package org.pgjava.backend.tcop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.executor.ResultColumn;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.Settings;
import org.pgjava.backend.nodes.RawStatement;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.segment.RegionLayout;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.status.BackendState;
import org.pgjava.shmem.status.BackendStatus;
import org.pgjava.shmem.status.BackendStatusArray;
import org.pgjava.shmem.status.BackendStatusSlot;
import org.pgjava.shmem.status.WaitEvent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * pg_stat_activity through Parser/Planner/Session over a real in-process shared segment whose status
 * slots the test writes, as other processes would. Expected shapes and the visibility rule were checked on
 * PostgreSQL 15 (pg_stat_get_activity for a non-superuser looking at another role's backend).
 */
class PgStatActivityTest {
    private static final int Q = 1024;
    private static final int SUPER = 10, ALICE = 16384, BOB = 16385;

    @TempDir
    Path dir;
    private SharedSegment segment;
    private BackendStatusArray status;

    @BeforeEach
    void createSegment() throws Exception {
        RegionLayout layout = RegionLayout.builder(1).add("backend status", BackendStatusArray.regionSize(8, Q)).build();
        segment = SharedSegment.create(new SegmentIdentity(dir.resolve("pgjava.shmem"),
                (int) ProcessHandle.current().pid(), 1), layout);
        status = new BackendStatusArray(segment.region("backend status"), Q);
        BackendStatusSlot bob = status.slot(1);
        bob.begin(2001, BackendType.CLIENT_BACKEND, 5, "postgres", BOB, "bob", "bobapp",
                BackendStatus.ClientKind.INET4, new byte[]{127, 0, 0, 1}, 5555, 1000);
        bob.reportActivity(BackendState.IDLE, "SELECT 2");
        status.slot(2).begin(1500, BackendType.CHECKPOINTER, 0, null, 0, null, null,
                BackendStatus.ClientKind.NONE, null, 0, 900);
        status.slot(3).begin(3000, BackendType.STANDBY_BACKEND, 0, null, 0, null, null,
                BackendStatus.ClientKind.NONE, null, 0, 900);
        BackendStatusSlot alice2 = status.slot(4);
        alice2.begin(2500, BackendType.CLIENT_BACKEND, 5, "postgres", ALICE, "alice", "",
                BackendStatus.ClientKind.UNIX, null, 0, 1100);
        alice2.reportActivity(BackendState.ACTIVE, "BEGIN");
        alice2.reportTransactionStart(1200);
        alice2.reportActivity(BackendState.IDLE_IN_TRANSACTION, null);
        alice2.reportTransactionIds(731, 725);
    }

    @AfterEach
    void removeSegment() throws Exception {
        segment.close();
        segment.remove();
    }

    /** A session of {@code user} at pid 4242 whose own status slot is slot 0. */
    private Session session(String user, int roleOid, boolean superuser) {
        Session s = new Session(user, "postgres", roleOid, 5, superuser, 4242,
                Map.of("user", user, "database", "postgres", "application_name", "psql"), Settings.defaults());
        s.applyStartupParameters();
        BackendStatusSlot own = status.slot(0);
        own.begin(4242, BackendType.CLIENT_BACKEND, 5, "postgres", roleOid, user, "psql",
                BackendStatus.ClientKind.INET6, new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 40000,
                BackendStatusSlot.currentTimestamp());
        s.attachActivity(status::snapshot, ActivityReporter.of(own));
        return s;
    }

    /** Runs a simple query as protocol.PostgresMain does (ReadyForQuery included); rows as "a|b|c". */
    private static List<String> query(Session s, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try {
            List<RawStatement> parsed = s.beginSimpleQuery(query);
            for (int i = 0; i < parsed.size(); i++) {
                RawStatement raw = parsed.get(i);
                s.startStatement(raw, parsed.size() > 1);
                Portal p = s.prepareSimpleStatement(query, raw);
                try {
                    s.startPortal(p);
                    int n = 0;
                    for (Object[] row = p.next(); row != null; row = p.next()) {
                        out.add(String.join("|", java.util.Arrays.stream(row).map(String::valueOf).toList()));
                        n++;
                    }
                    p.complete(n);
                } finally {
                    p.close();
                }
                s.finishStatement(raw, i == parsed.size() - 1, parsed.size() > 1);
            }
            s.finishCommand();
        } catch (RuntimeException e) {
            s.abortCurrentTransaction();
            s.takeChangedReportedSettings((name, value) -> { });
            throw e;
        }
        s.takeChangedReportedSettings((name, value) -> { });   // before ReadyForQuery
        return out;
    }

    @Test
    void superuserSeesEveryProcessButStandbyBackends() throws Exception {
        Session s = session("postgres", SUPER, true);
        String q = "SELECT pid, state, query, backend_type FROM pg_stat_activity WHERE pid <> 0 ORDER BY pid";
        assertEquals(List.of(
                "1500|null||checkpointer",
                "2001|idle|SELECT 2|client backend",
                "2500|idle in transaction|BEGIN|client backend",
                "4242|active|" + q + "|client backend"), query(s, q));
    }

    @Test
    void columnsAreThoseOfPostgres15() throws Exception {
        Session s = session("postgres", SUPER, true);
        s.parse("", "SELECT * FROM pg_stat_activity", new int[0]);
        List<ResultColumn> cols = s.lookupStatement("").columns();
        assertEquals(List.of("datid", "datname", "pid", "leader_pid", "usesysid", "usename", "application_name",
                "client_addr", "client_hostname", "client_port", "backend_start", "xact_start", "query_start",
                "state_change", "wait_event_type", "wait_event", "state", "backend_xid", "backend_xmin", "query_id",
                "query", "backend_type"), cols.stream().map(ResultColumn::name).toList());
        assertEquals(List.of(26, 19, 23, 23, 26, 19, 25, 869, 25, 23, 1184, 1184, 1184, 1184, 25, 25, 25, 28, 28,
                20, 25, 25), cols.stream().map(ResultColumn::typeOid).toList());
        assertEquals(12222, cols.get(0).tableOid());
        assertEquals(22, cols.get(21).columnNumber());
    }

    @Test
    void valuesOfEveryColumn() throws Exception {
        Session s = session("postgres", SUPER, true);
        assertEquals(List.of("5|postgres|2001|null|16385|bob|bobapp|127.0.0.1|null|5555|1000|null|true|true|null"
                        + "|null|idle|null|null|null|SELECT 2|client backend"),
                query(s, "SELECT datid, datname, pid, leader_pid, usesysid, usename, application_name, client_addr,"
                        + " client_hostname, client_port, backend_start, xact_start, query_start IS NOT NULL,"
                        + " state_change >= query_start, wait_event_type, wait_event, state, backend_xid,"
                        + " backend_xmin, query_id, query, backend_type FROM pg_stat_activity WHERE usename = 'bob'"));
    }

    @Test
    void unixSocketsAuxiliaryProcessesAndTransactionIds() throws Exception {
        Session s = session("postgres", SUPER, true);
        assertEquals(List.of("2500|null|-1|1200|731|725", "1500|null|null|null|null|null"),
                query(s, "SELECT pid, client_addr, client_port, xact_start, backend_xid, backend_xmin"
                        + " FROM pg_catalog.pg_stat_activity WHERE pid IN (1500, 2500) ORDER BY pid DESC"));
        assertEquals(List.of("null|null||"),
                query(s, "SELECT datid, usename, application_name, query FROM pg_stat_activity WHERE pid = 1500"));
    }

    @Test
    void otherRolesRowsShowInsufficientPrivilege() throws Exception {
        Session s = session("alice", ALICE, false);
        String q = "SELECT pid, usename, usesysid, application_name, query, state, client_port, "
                + "xact_start IS NOT NULL, backend_type FROM pg_stat_activity ORDER BY pid";
        assertEquals(List.of(
                        "1500|null|null||<insufficient privilege>|null|null|false|null",
                        "2001|bob|16385|bobapp|<insufficient privilege>|null|null|false|null",
                        "2500|alice|16384||BEGIN|idle in transaction|-1|true|client backend",
                        "4242|alice|16384|psql|" + q + "|active|40000|true|client backend"),
                query(s, q));
        // datid and backend_xmin stay visible, everything else is NULL (as PostgreSQL 15 shows bob's backend to alice)
        assertEquals(List.of("5|postgres|null|null|null|null|null"),
                query(s, "SELECT datid, datname, client_addr, backend_start, query_start, state_change, backend_xid"
                        + " FROM pg_stat_activity WHERE pid = 2001"));
    }

    @Test
    void theSessionReportsItsStateChanges() throws Exception {
        Session s = session("postgres", SUPER, true);
        query(s, "SELECT 1");
        BackendStatus own = status.read(0);
        assertEquals(BackendState.IDLE, own.state());
        assertEquals("SELECT 1", own.query());
        assertEquals(0, own.transactionStart(), "no transaction open");
        query(s, "BEGIN");
        own = status.read(0);
        assertEquals(BackendState.IDLE_IN_TRANSACTION, own.state());
        long xactStart = own.transactionStart();
        assertEquals(own.queryStart(), xactStart, "xact_start is the start of BEGIN");
        query(s, "SELECT 2");
        assertEquals(xactStart, status.read(0).transactionStart(), "the transaction's start stays");
        assertThrows(PgException.class, () -> query(s, "SELECT 1/0"));
        own = status.read(0);
        assertEquals(BackendState.IDLE_IN_TRANSACTION_ABORTED, own.state());
        assertEquals("SELECT 1/0", own.query());
        query(s, "ROLLBACK");
        own = status.read(0);
        assertEquals(BackendState.IDLE, own.state());
        assertEquals(0, own.transactionStart());
        assertTrue(own.stateChange() >= own.queryStart());

        assertEquals(WaitEvent.CLIENT_READ, WaitEvent.of(own.waitEventType(), own.waitEventId()),
                "an idle session waits in ClientRead");
        query(s, "SET application_name = 'renamed'");
        assertEquals("renamed", status.read(0).applicationName(), "SET application_name reaches the slot");

        s.parse("S_1", "SELECT 3", new int[0]);
        assertEquals(BackendState.ACTIVE, status.read(0).state(), "Parse reports active with its text");
        assertEquals("SELECT 3", status.read(0).query());
    }

    @Test
    void waitEvents() throws Exception {
        Session s = session("postgres", SUPER, true);
        status.slot(1).reportWaitEvent(WaitEvent.CLIENT_READ);
        status.slot(2).reportWaitEvent(WaitEvent.CHECKPOINTER_MAIN);
        status.slot(4).reportWaitEvent(9, 999);                 // a code this build does not know
        assertEquals(List.of("1500|Activity|CheckpointerMain", "2001|Client|ClientRead", "2500|null|null",
                        "4242|null|null"),
                query(s, "SELECT pid, wait_event_type, wait_event FROM pg_stat_activity ORDER BY pid"),
                "the running statement of the session itself is not waiting");
        Session alice = session("alice", ALICE, false);
        assertEquals(List.of("null|null"), query(alice,
                "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = 2001"), "hidden from other roles");
    }

    @Test
    void oneSnapshotPerTransaction() throws Exception {
        Session s = session("postgres", SUPER, true);
        String q = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bobapp'";
        query(s, "BEGIN");
        assertEquals(List.of("1"), query(s, q));
        status.slot(1).end();                                   // bob disconnects
        assertEquals(List.of("1"), query(s, q), "the transaction keeps its snapshot, as PostgreSQL 15 does");
        query(s, "COMMIT");
        assertEquals(List.of("0"), query(s, q), "a new transaction reads the array again");
        status.slot(5).begin(2600, BackendType.CLIENT_BACKEND, 5, "postgres", BOB, "bob", "bobapp",
                BackendStatus.ClientKind.UNIX, null, 0, 1);
        assertEquals(List.of("1"), query(s, q), "each single-statement transaction takes a new snapshot");
    }

    @Test
    void withoutASegmentPgStatActivityIsNotSupported() {
        Session s = new Session("postgres", "postgres", SUPER, 5, true, 4242, Map.of(), Settings.defaults());
        s.applyStartupParameters();
        PgException e = assertThrows(PgException.class, () -> query(s, "SELECT pid FROM pg_stat_activity"));
        assertEquals("0A000", e.sqlState().code());
        assertEquals("pg_stat_activity needs the shared status array, which this process has not attached",
                e.getMessage());
    }

    @Test
    void otherSchemasDoNotHaveIt() {
        Session s = session("postgres", SUPER, true);
        PgException e = assertThrows(PgException.class, () -> query(s, "SELECT pid FROM public.pg_stat_activity"));
        assertEquals("42P01", e.sqlState().code());
        assertEquals("relation \"public.pg_stat_activity\" does not exist", e.getMessage());
        e = assertThrows(PgException.class, () -> query(s, "SELECT 1 FROM pg_catalog.nosuch"));
        assertEquals("relation \"pg_catalog.nosuch\" does not exist", e.getMessage());
    }
}
