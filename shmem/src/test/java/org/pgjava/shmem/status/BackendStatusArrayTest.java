package org.pgjava.shmem.status;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.procarray.BackendType;
import org.pgjava.shmem.procarray.ProcChildMain;
import org.pgjava.shmem.procarray.ProcStatusFixture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** BackendStatusArray: layout, writer semantics, truncation, and lock-free reads across processes. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackendStatusArrayTest {
    private static final int Q = 1024;

    private static MemorySegment region(int slots) {
        return Arena.ofAuto().allocate(BackendStatusArray.regionSize(slots, Q), 64);
    }

    @Test
    void sizes() {
        assertEquals(1344, BackendStatusArray.slotSize(1024));
        assertEquals(448, BackendStatusArray.slotSize(100));
        assertEquals(4 * 1344, BackendStatusArray.regionSize(4, 1024));
        assertThrows(IllegalArgumentException.class, () -> BackendStatusArray.slotSize(99));
        assertThrows(IllegalArgumentException.class, () -> new BackendStatusArray(region(2), 200));
    }

    @Test
    void beginReportAndEnd() {
        BackendStatusArray a = new BackendStatusArray(region(3), Q);
        assertEquals(List.of(), a.snapshot());
        BackendStatusSlot w = a.slot(1);
        long start = BackendStatusSlot.currentTimestamp();
        w.begin(4242, BackendType.CLIENT_BACKEND, 5, "postgres", 10, "postgres", "psql",
                BackendStatus.ClientKind.INET4, new byte[]{127, 0, 0, 1}, 51234, start);
        BackendStatus s = a.snapshot().get(0);
        assertEquals(1, s.slot());
        assertEquals(4242, s.pid());
        assertEquals(BackendType.CLIENT_BACKEND, s.backendType());
        assertEquals("postgres", s.databaseName());
        assertEquals("psql", s.applicationName());
        assertArrayEquals(new byte[]{127, 0, 0, 1}, s.clientAddress());
        assertEquals(51234, s.clientPort());
        assertEquals(start, s.backendStart());
        assertNull(s.state());
        assertEquals(0, s.queryStart());
        assertEquals("", s.query());
        assertEquals(0, s.changeCount() & 1);

        long t = w.reportActivity(BackendState.ACTIVE, "SELECT 1");
        s = a.read(1);
        assertEquals(BackendState.ACTIVE, s.state());
        assertEquals("SELECT 1", s.query());
        assertEquals(t, s.queryStart());
        assertEquals(t, s.stateChange());
        assertTrue(t >= start);

        long t2 = w.reportActivity(BackendState.IDLE, null);
        s = a.read(1);
        assertEquals(BackendState.IDLE, s.state());
        assertEquals("SELECT 1", s.query(), "an idle backend shows its last statement");
        assertEquals(t, s.queryStart());
        assertEquals(t2, s.stateChange());

        w.reportTransactionStart(777);
        w.reportTransactionIds(731, 725);
        w.reportWaitEvent(3, 4);
        s = a.read(1);
        assertEquals(777, s.transactionStart());
        assertEquals(731, s.backendXid());
        assertEquals(725, s.backendXmin());
        assertEquals(3, s.waitEventType());
        assertEquals(4, s.waitEventId());

        w.reportWaitEvent(WaitEvent.PG_SLEEP);
        s = a.read(1);
        assertEquals(WaitEvent.PG_SLEEP, WaitEvent.of(s.waitEventType(), s.waitEventId()));
        w.reportWaitEnd();
        assertNull(WaitEvent.of(a.read(1).waitEventType(), a.read(1).waitEventId()));

        w.end();
        assertNull(a.read(1));
        assertEquals(List.of(), a.snapshot());
    }

    @Test
    void crashedActivityReadsASlotWhoseOwnerDiedMidWrite() {
        MemorySegment mem = region(2);
        BackendStatusArray a = new BackendStatusArray(mem, Q);
        BackendStatusSlot w = a.slot(1);
        w.begin(777, BackendType.CLIENT_BACKEND, 5, "postgres", 10, "postgres", "psql",
                BackendStatus.ClientKind.UNIX, null, 0, 0);
        w.reportActivity(BackendState.ACTIVE, "SELECT 'caf\u00e9'\n  FROM t");
        long slot1 = BackendStatusArray.slotSize(Q);
        // the owner died between its two counter increments: the counter stays odd for ever
        mem.set(java.lang.foreign.ValueLayout.JAVA_INT, slot1 + BackendStatusArray.CHANGE_COUNT,
                mem.get(java.lang.foreign.ValueLayout.JAVA_INT, slot1 + BackendStatusArray.CHANGE_COUNT) + 1);
        assertEquals("SELECT 'caf??'?  FROM t", a.crashedActivity(777), "non-printable and non-ASCII bytes become ?");
        assertNull(a.crashedActivity(778), "no slot of that pid");
        w.reportActivity(BackendState.IDLE, "");
        assertNull(a.crashedActivity(777), "an empty query is no activity");
    }

    @Test
    void clientKinds() {
        BackendStatusArray a = new BackendStatusArray(region(3), Q);
        a.slot(0).begin(1, BackendType.CLIENT_BACKEND, 5, "d", 10, "u", "", BackendStatus.ClientKind.UNIX, null, 999, 0);
        a.slot(1).begin(2, BackendType.CHECKPOINTER, 0, null, 0, null, null, BackendStatus.ClientKind.NONE, null, 999, 0);
        byte[] v6 = new byte[16];
        v6[15] = 1;
        a.slot(2).begin(3, BackendType.CLIENT_BACKEND, 5, "d", 10, "u", "", BackendStatus.ClientKind.INET6, v6, 40000, 0);
        List<BackendStatus> all = a.snapshot();
        assertNull(all.get(0).clientAddress());
        assertEquals(-1, all.get(0).clientPort());
        assertEquals(BackendStatus.ClientKind.NONE, all.get(1).clientKind());
        assertNull(all.get(1).databaseName());
        assertNull(all.get(1).roleName());
        assertEquals("", all.get(1).applicationName());
        assertEquals(0, all.get(1).clientPort());
        assertArrayEquals(v6, all.get(2).clientAddress());
        assertThrows(IllegalArgumentException.class, () -> a.slot(0).begin(1, BackendType.CLIENT_BACKEND, 0, null,
                0, null, null, BackendStatus.ClientKind.INET4, new byte[16], 1, 0));
    }

    @Test
    void textIsCutAtACharacterBoundary() {
        BackendStatusArray a = new BackendStatusArray(region(1), 100);
        BackendStatusSlot w = a.slot(0);
        String name = "é".repeat(40);                       // 80 bytes: 31 characters = 62 bytes fit in 63
        w.begin(1, BackendType.CLIENT_BACKEND, 5, name, 10, "x".repeat(70), "😀".repeat(20),
                BackendStatus.ClientKind.UNIX, null, 0, 0);
        BackendStatus s = a.read(0);
        assertEquals("é".repeat(31), s.databaseName());
        assertEquals("x".repeat(63), s.roleName());
        assertEquals("😀".repeat(15), s.applicationName());    // 4 bytes each: 60 of 63
        w.reportActivity(BackendState.ACTIVE, "a" + "€".repeat(40)); // 1 + 120 bytes; 99 allowed → a + 32 €
        assertEquals("a" + "€".repeat(32), a.read(0).query());
        w.reportActivity(BackendState.ACTIVE, "bad \uD800 surrogate");
        assertEquals("bad ? surrogate", a.read(0).query());
        w.reportActivity(BackendState.ACTIVE, "short");
        assertEquals("short", a.read(0).query(), "a shorter text replaces a longer one");
    }

    @Test
    void readerRetriesWhileAWriteIsInProgress() throws Exception {
        MemorySegment m = region(1);
        BackendStatusArray a = new BackendStatusArray(m, Q);
        a.slot(0).begin(1, BackendType.CLIENT_BACKEND, 5, "d", 10, "u", "", BackendStatus.ClientKind.UNIX, null, 0, 0);
        int even = SharedAtomics.getInt(m, 0);
        SharedAtomics.setInt(m, 0, even + 1);                 // a writer "in the middle" of a write
        Thread reader = new Thread(() -> a.read(0));
        reader.start();
        reader.join(200);
        assertTrue(reader.isAlive(), "the reader waits for the write to finish");
        SharedAtomics.setInt(m, 0, even + 2);
        reader.join(5000);
        assertFalse(reader.isAlive());
    }

    @Test
    void snapshotsAreImmutable() {
        BackendStatusArray a = new BackendStatusArray(region(1), Q);
        a.slot(0).begin(1, BackendType.CLIENT_BACKEND, 5, "d", 10, "u", "", BackendStatus.ClientKind.INET4,
                new byte[]{10, 0, 0, 1}, 1, 0);
        BackendStatus s = a.read(0);
        s.clientAddress()[0] = 99;
        assertEquals(10, s.clientAddress()[0]);
    }

    /** Cost of the per-statement report, printed (not asserted beyond "no allocation"). */
    @Test
    void reportActivityCostAndAllocation() {
        BackendStatusArray a = new BackendStatusArray(region(1), Q);
        BackendStatusSlot w = a.slot(0);
        w.begin(1, BackendType.CLIENT_BACKEND, 5, "d", 10, "u", "", BackendStatus.ClientKind.UNIX, null, 0, 0);
        String shortQuery = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
        String longQuery = "SELECT " + "x, ".repeat(400) + "1";
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 3; round++) {
            long n = 1_000_000;
            long t0 = System.nanoTime();
            for (long i = 0; i < n; i++) w.reportActivity(BackendState.ACTIVE, shortQuery);
            long t1 = System.nanoTime();
            for (long i = 0; i < n; i++) w.reportActivity(BackendState.IDLE, null);
            long t2 = System.nanoTime();
            for (long i = 0; i < n / 10; i++) w.reportActivity(BackendState.ACTIVE, longQuery);
            long t3 = System.nanoTime();
            long allocBefore = threads.getCurrentThreadAllocatedBytes();
            for (long i = 0; i < n; i++) w.reportActivity(BackendState.ACTIVE, shortQuery);
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocBefore;
            long t4 = System.nanoTime();
            for (long i = 0; i < n; i++) BackendStatusSlot.currentTimestamp();
            long t5 = System.nanoTime();
            if (round == 2) {
                System.out.printf("BackendStatusSlot.reportActivity: active + %d-byte query %.1f ns, idle (no query) "
                                + "%.1f ns, active + %d-byte query %.1f ns, currentTimestamp alone %.1f ns; "
                                + "%d bytes allocated over 1e6 reports%n",
                        shortQuery.length(), (t1 - t0) / (double) n, (t2 - t1) / (double) n, longQuery.length(),
                        (t3 - t2) / (double) (n / 10), (t5 - t4) / (double) n, allocated);
                assertTrue(allocated < 100_000, "the report allocates: " + allocated + " bytes per 1e6");
            }
        }
        assertEquals(shortQuery, a.read(0).query());
    }

    /** Cost of a reader's snapshot of 100 used slots (printed). */
    @Test
    void snapshotCost() {
        BackendStatusArray a = new BackendStatusArray(Arena.ofAuto().allocate(BackendStatusArray.regionSize(100, Q), 64), Q);
        for (int i = 0; i < 100; i++) {
            BackendStatusSlot w = a.slot(i);
            w.begin(1000 + i, BackendType.CLIENT_BACKEND, 5, "postgres", 10, "postgres", "pgbench",
                    BackendStatus.ClientKind.INET4, new byte[]{127, 0, 0, 1}, 40000 + i, 1);
            w.reportActivity(BackendState.ACTIVE, "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2");
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3000; round++) {
            long t0 = System.nanoTime();
            assertEquals(100, a.snapshot().size());
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("BackendStatusArray.snapshot of 100 used slots: best %.1f us%n", best / 1000.0);
    }

    static String truncated(String s, int maxBytes) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            int len = String.valueOf(s.charAt(i)).getBytes(StandardCharsets.UTF_8).length;
            if (n + len > maxBytes) break;
            n += len;
            sb.append(s.charAt(i));
        }
        return sb.toString();
    }

    @Test
    void aReaderNeverSeesATornVersionWrittenByAnotherJvm(@TempDir Path dir) throws Exception {
        try (ProcStatusFixture f = new ProcStatusFixture(dir)) {
            f.start(ProcChildMain.class, "status-writer", "2");
            f.awaitAttachedThenGo(1, 30_000);
            BackendStatusArray a = new BackendStatusArray(f.segment().region(ProcStatusFixture.STATUS),
                    ProcStatusFixture.QUERY_SIZE);
            String[] expected = new String[64];
            for (int i = 0; i < 64; i++) expected[i] = truncated(ProcChildMain.queryOf(i), Q - 1);
            long reads = 0;
            Set<Integer> versions = new HashSet<>();
            long start = System.nanoTime();
            // at least 1.5 s, and on a loaded machine until the writer has shown enough versions (at most 20 s)
            while (System.nanoTime() - start < 1_500_000_000L
                    || ((reads <= 200 || versions.size() <= 10) && System.nanoTime() - start < 20_000_000_000L)) {
                BackendStatus s = a.read(2);
                if (s == null || s.state() == null) continue;
                reads++;
                String q = s.query();
                int k = Integer.parseInt(q.substring(2, q.indexOf(' ')));
                versions.add(k);
                assertEquals(expected[k], q, "torn query text");
                assertEquals(k % 2 == 0 ? BackendState.ACTIVE : BackendState.IDLE_IN_TRANSACTION, s.state(),
                        "state from another version than the query");
                assertEquals(s.queryStart(), s.stateChange(), "timestamps from different versions");
                assertEquals(s.backendXid(), s.backendXmin(), "xid/xmin from different versions");
                assertEquals("postgres", s.databaseName());
                assertEquals(5555, s.clientPort());
            }
            SharedAtomics.setLong(f.words(), ProcStatusFixture.STOP, 1);
            f.awaitChildrenSucceed(20);
            long written = SharedAtomics.getLong(f.words(), ProcStatusFixture.DONE);
            System.out.printf("BackendStatusArray cross-process: %d consistent reads of %d distinct versions "
                    + "while another JVM wrote %d updates%n", reads, versions.size(), written);
            assertTrue(reads > 200, "reads: " + reads);
            assertTrue(versions.size() > 10, "the writer was really changing the slot: " + versions.size());
            assertNull(a.read(2), "the writer ended its slot");
        }
    }
}
