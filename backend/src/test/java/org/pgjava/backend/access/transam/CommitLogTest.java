package org.pgjava.backend.access.transam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.storage.lmgr.XactFixture;
import org.pgjava.backend.utils.snapshot.TransactionIds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The commit log: bit layout, pages and segments, eviction, persistence across a fresh segment. */
class CommitLogTest {
    @TempDir
    Path dir;

    private static final long PAGE = CommitLog.XIDS_PER_PAGE;
    private static final long SEGMENT = PAGE * CommitLog.PAGES_PER_SEGMENT;

    @Test
    void statusBitsAndSpecialXids() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            CommitLog clog = f.view(0).clog;
            assertEquals(CommitLog.COMMITTED, clog.status(TransactionIds.BOOTSTRAP));
            assertEquals(CommitLog.COMMITTED, clog.status(TransactionIds.FROZEN));
            assertEquals(CommitLog.ABORTED, clog.status(TransactionIds.INVALID));
            assertEquals(CommitLog.IN_PROGRESS, clog.status(5));
            clog.setCommitted(5, new long[0], 0);
            clog.setAborted(6, new long[0]);
            assertTrue(clog.didCommit(5));
            assertTrue(clog.didAbort(6));
            assertEquals(CommitLog.IN_PROGRESS, clog.status(4));
            assertEquals(CommitLog.IN_PROGRESS, clog.status(7));
            clog.flushAll();
            byte[] file = Files.readAllBytes(dir.resolve("pg_xact/0000"));
            assertEquals(8192, file.length);
            // xid 5: byte 1, bits 2-3 = 01; xid 6: byte 1, bits 4-5 = 10
            assertEquals(0b0010_0100, file[1]);
            assertEquals(0, file[0]);
        }
    }

    @Test
    void treesAcrossPagesAndSegmentsSurviveEvictionAndRestart() throws Exception {
        long[] tops = {3, PAGE - 1, PAGE, 5 * PAGE + 17, SEGMENT + 3, 40 * PAGE + 2, 0xFFFF_FFFFL};
        List<Long> committed = new ArrayList<>();
        List<Long> aborted = new ArrayList<>();
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        try (XactFixture f = new XactFixture(dir.resolve("a"), 3)) {
            CommitLog clog = f.view(0).clog;
            for (int i = 0; i < tops.length; i++) {
                long top = tops[i];
                long[] subs = {(top + 7) & 0xFFFF_FFFFL, (top + 3 * PAGE) & 0xFFFF_FFFFL};
                if (i % 2 == 0) {
                    clog.setCommitted(top, subs, 0);
                    committed.add(top);
                    for (long s : subs) committed.add(s);
                } else {
                    clog.setAborted(top, subs);
                    aborted.add(top);
                    for (long s : subs) aborted.add(s);
                }
            }
            // more pages than the 4 buffers were touched: some were evicted (written) already
            for (long x : committed) assertEquals(CommitLog.COMMITTED, clog.status(x), "xid " + x);
            for (long x : aborted) assertEquals(CommitLog.ABORTED, clog.status(x), "xid " + x);
            clog.flushAll();
            assertTrue(Files.exists(dir.resolve("a/pg_xact/0000")));
            assertTrue(Files.exists(dir.resolve("a/pg_xact/0001")));
            assertTrue(Files.exists(dir.resolve("a/pg_xact/0FFF")), "last segment for xid 2^32-1");
            assertEquals(CommitLog.IN_PROGRESS, clog.status(10 * PAGE + 1));
        }
        // a new shared segment (a restart): everything comes back from pg_xact
        try (XactFixture f = new XactFixture(dir.resolve("b"), 3)) {
            CommitLog clog = new CommitLog(f.view(0).clogBuffers, dir.resolve("a/pg_xact"), lsn -> { });
            for (long x : committed) assertEquals(CommitLog.COMMITTED, clog.status(x), "xid " + x);
            for (long x : aborted) assertEquals(CommitLog.ABORTED, clog.status(x), "xid " + x);
            assertEquals(CommitLog.IN_PROGRESS, clog.status(100 * PAGE), "missing segment reads as zero");
        }
    }

    @Test
    void evictionWritesWithoutCheckpointAndFlushesWalFirst() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            XactFixture.View v = f.view(0);
            List<Long> flushed = new ArrayList<>();
            CommitLog clog = new CommitLog(v.clogBuffers, dir.resolve("pg_xact"), flushed::add);
            for (int p = 0; p < XactFixture.CLOG_BUFFERS + 2; p++) {
                clog.setCommitted(p * PAGE + 10, new long[0], 1000 + p);
            }
            // the two oldest pages were evicted: written after flushing WAL to their LSNs
            assertEquals(List.of(1000L, 1001L), flushed);
            Files.createDirectories(dir.resolve("c"));
            try (XactFixture other = new XactFixture(dir.resolve("c"), 3)) {
                CommitLog fresh = new CommitLog(other.view(0).clogBuffers, dir.resolve("pg_xact"), lsn -> { });
                assertEquals(CommitLog.COMMITTED, fresh.status(10));
                assertEquals(CommitLog.COMMITTED, fresh.status(PAGE + 10));
                assertEquals(CommitLog.IN_PROGRESS, fresh.status(5 * PAGE + 10), "not yet written");
            }
        }
    }

    @Test
    void extendZeroesANewPage() throws Exception {
        try (XactFixture f = new XactFixture(dir, 3)) {
            CommitLog clog = f.view(0).clog;
            clog.setCommitted(2 * PAGE + 1, new long[0], 0);
            clog.flushAll();
            clog.extendFor(2 * PAGE);
            assertEquals(CommitLog.IN_PROGRESS, clog.status(2 * PAGE + 1), "page was re-zeroed by extension");
            clog.extendFor(2 * PAGE + 5);
            assertEquals(CommitLog.IN_PROGRESS, clog.status(2 * PAGE + 1));
            assertEquals("0000", CommitLog.segmentName(0));
            assertEquals("001F", CommitLog.segmentName(31));
        }
    }
}
