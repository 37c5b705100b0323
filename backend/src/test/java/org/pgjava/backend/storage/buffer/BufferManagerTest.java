package org.pgjava.backend.storage.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.backend.storage.smgr.SyncRequestTable;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.buffer.SharedBufferPool;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.segment.RegionLayout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;
import static org.pgjava.shmem.buffer.BufferState.*;

/** The buffer manager in one process over a 16-buffer pool. */
class BufferManagerTest {
    static final int NBUFFERS = 16;
    @TempDir
    Path data;
    private final Arena arena = Arena.ofShared();
    private final RelFileLocator rel = RelFileLocator.of(5, 16384);
    private final List<String> events = new ArrayList<>();
    private LWLockOwner owner;
    private SharedBufferPool pool;
    private SyncRequestTable syncTable;
    private StorageManager smgr;
    private BufferManager bm;

    @BeforeEach
    void setUp() {
        RegionLayout layout = BufferPoolFixture.layout(NBUFFERS);
        MemorySegment all = arena.allocate(layout.totalSize(), 4096);
        Function<String, MemorySegment> regions = BufferPoolFixture.regions(layout, all);
        owner = BufferPoolFixture.owner(regions, 0);
        pool = SharedBufferPool.attach(regions, NBUFFERS, owner);
        syncTable = new SyncRequestTable(pool.syncQueue());
        // the sink records each page write (it is called right after the write)
        smgr = new StorageManager(data, (r, f, seg) -> {
            events.add("write");
            return syncTable.register(r, f, seg);
        }, 64, 32, true);
        bm = new BufferManager(pool, smgr, lsn -> events.add("wal " + lsn));
        smgr.create(rel, ForkNumber.MAIN, false);
    }

    @AfterEach
    void tearDown() {
        smgr.close();
    }

    /** Extends the relation to {@code blocks} blocks, block b holding the int b at offset 100. */
    private void fill(int blocks) {
        for (int b = 0; b < blocks; b++) {
            int buf = bm.extend(rel, ForkNumber.MAIN);
            assertEquals(b, bm.blockNumber(buf));
            MemorySegment page = bm.page(buf);
            assertEquals(0, page.get(ValueLayout.JAVA_LONG, 0));
            page.set(ValueLayout.JAVA_INT, 100, b);
            BufferManager.setPageLsn(page, 1000L + b);
            bm.markDirty(buf);
            bm.unlockReleaseBuffer(buf);
        }
    }

    private int diskInt(long block, int offset) throws IOException {
        long segno = block / 64;
        byte[] bytes = Files.readAllBytes(data.resolve("base/5/16384" + (segno > 0 ? "." + segno : "")));
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt((int) ((block % 64) * 8192 + offset));
    }

    @Test
    void extendReturnsLockedZeroPagesAndReadFindsThem() {
        fill(3);
        assertEquals(3, smgr.nblocks(rel, ForkNumber.MAIN));
        assertEquals(0, bm.pinnedBufferCount());
        assertEquals(0, owner.heldCount());
        int buf = bm.readBuffer(rel, ForkNumber.MAIN, 2);
        assertEquals(1, bm.pinCount(buf));
        bm.lockContent(buf, LWLockMode.SHARED);
        assertEquals(2, bm.page(buf).get(ValueLayout.JAVA_INT, 100));
        int again = bm.readBuffer(rel, ForkNumber.MAIN, 2);
        assertEquals(buf, again);
        assertEquals(2, bm.pinCount(buf));
        assertTrue(has(bm.state(buf), BM_VALID | BM_TAG_VALID | BM_DIRTY | BM_PERMANENT));
        assertEquals(1, refcount(bm.state(buf)), "one process counts once in the shared refcount");
        bm.unlockContent(buf);
        bm.releaseBuffer(buf);
        bm.releaseBuffer(buf);
        assertEquals(0, refcount(bm.state(buf)));
        assertThrows(IllegalStateException.class, () -> bm.releaseBuffer(buf));
        assertThrows(IllegalStateException.class, () -> bm.lockContent(buf, LWLockMode.SHARED), "pin before lock");
    }

    @Test
    void markDirtyNeedsTheExclusiveLock() {
        fill(1);
        int buf = bm.readBuffer(rel, ForkNumber.MAIN, 0);
        bm.lockContent(buf, LWLockMode.SHARED);
        assertThrows(IllegalStateException.class, () -> bm.markDirty(buf));
        bm.markDirtyHint(buf);  // allowed with SHARE
        bm.unlockReleaseBuffer(buf);
    }

    @Test
    void evictionWithMoreDataThanBuffers() throws IOException {
        int blocks = 200;
        fill(blocks);
        // every block is readable with its contents although only 16 fit: dirty victims were written
        for (int round = 0; round < 2; round++) {
            for (int b = 0; b < blocks; b++) {
                int buf = bm.readBuffer(rel, ForkNumber.MAIN, b);
                bm.lockContent(buf, LWLockMode.EXCLUSIVE);
                MemorySegment page = bm.page(buf);
                assertEquals(b, page.get(ValueLayout.JAVA_INT, 100), "block " + b);
                page.set(ValueLayout.JAVA_INT, 200, page.get(ValueLayout.JAVA_INT, 200) + 1);
                bm.markDirty(buf);
                bm.unlockReleaseBuffer(buf);
            }
        }
        assertEquals(0, bm.pinnedBufferCount());
        int written = bm.flushAllDirty();
        assertTrue(written > 0 && written <= NBUFFERS);
        for (int b = 0; b < blocks; b++) {
            assertEquals(b, diskInt(b, 100));
            assertEquals(2, diskInt(b, 200), "block " + b);
        }
    }

    @Test
    void walIsFlushedUpToThePageLsnBeforeEachWrite() {
        fill(40);
        events.clear();
        for (int b = 0; b < 40; b++) {  // evictions now write only through the buffer pool
            int buf = bm.readBuffer(rel, ForkNumber.MAIN, b);
            bm.lockContent(buf, LWLockMode.EXCLUSIVE);
            BufferManager.setPageLsn(bm.page(buf), 2000L + b);
            bm.markDirty(buf);
            bm.unlockReleaseBuffer(buf);
        }
        bm.flushAllDirty();
        int writes = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).equals("write")) {
                writes++;
                assertTrue(i > 0 && events.get(i - 1).startsWith("wal ") && !events.get(i - 1).equals("wal 0"),
                        "write without WAL flush before it: " + events.subList(Math.max(0, i - 3), i + 1));
            }
        }
        assertTrue(writes >= 40, "writes: " + writes);
        List<Long> lsns = events.stream().filter(e -> e.startsWith("wal ")).map(e -> Long.parseLong(e.substring(4)))
                .filter(l -> l >= 2000).sorted().toList();
        assertEquals(40, lsns.size());
        assertEquals(2000L, lsns.get(0));
        assertEquals(2039L, lsns.get(39));
    }

    @Test
    void pageLsnIsTwoNativeUint32() {
        MemorySegment p = arena.allocate(8192, 8);
        p.set(ValueLayout.JAVA_INT, 0, 0x1);
        p.set(ValueLayout.JAVA_INT, 4, 0x80000000);
        assertEquals(0x1_8000_0000L, BufferManager.pageLsn(p));
        BufferManager.setPageLsn(p, 0x2_0000_0010L);
        assertEquals(2, p.get(ValueLayout.JAVA_INT, 0));
        assertEquals(16, p.get(ValueLayout.JAVA_INT, 4));
    }

    @Test
    void allBuffersPinnedIsAnError() {
        fill(NBUFFERS + 1);
        List<Integer> held = new ArrayList<>();
        for (int b = 0; b < NBUFFERS; b++) {
            held.add(bm.readBuffer(rel, ForkNumber.MAIN, b));
        }
        PgException e = assertThrows(PgException.class, () -> bm.readBuffer(rel, ForkNumber.MAIN, NBUFFERS));
        assertEquals(SqlState.INTERNAL_ERROR, e.sqlState());
        assertEquals("no unpinned buffers available", e.getMessage());
        assertEquals(NBUFFERS, bm.pinnedBufferCount());
        bm.lockContent(held.get(3), LWLockMode.EXCLUSIVE);
        bm.incrementPin(held.get(5));
        // abort: everything released
        assertEquals(NBUFFERS, bm.releaseAll());
        assertEquals(0, bm.pinnedBufferCount());
        assertEquals(0, owner.heldCount());
        for (int b = 0; b < NBUFFERS; b++) {
            assertEquals(0, refcount(bm.state(b)));
        }
        int buf = bm.readBuffer(rel, ForkNumber.MAIN, NBUFFERS);
        bm.releaseBuffer(buf);
    }

    @Test
    void readBeyondEndKeepsNoPin() {
        fill(2);
        PgException e = assertThrows(PgException.class, () -> bm.readBuffer(rel, ForkNumber.MAIN, 5));
        assertEquals(SqlState.DATA_CORRUPTED, e.sqlState());
        assertEquals("could not read block 5 in file \"base/5/16384\": read only 0 of 8192 bytes", e.getMessage());
        assertEquals(0, bm.pinnedBufferCount());
        // the failed buffer is reusable and the block readable once it exists
        fill(0);
        assertEquals(2, smgr.nblocks(rel, ForkNumber.MAIN));
    }

    @Test
    void checkpointWritesDirtyPagesAndSyncsTheirFiles() throws IOException {
        fill(10);
        bm.flushAllDirty();
        syncTable.syncAll(smgr);
        events.clear();
        for (int b = 0; b < 10; b += 3) {
            int buf = bm.readBuffer(rel, ForkNumber.MAIN, b);
            bm.lockContent(buf, LWLockMode.EXCLUSIVE);
            bm.page(buf).set(ValueLayout.JAVA_INT, 300, 7000 + b);
            bm.markDirty(buf);
            bm.unlockReleaseBuffer(buf);
        }
        assertEquals(4, bm.flushAllDirty());
        for (int buf = 0; buf < NBUFFERS; buf++) {
            assertFalse(has(bm.state(buf), BM_DIRTY), "clean after the checkpoint");
            assertFalse(has(bm.state(buf), BM_CHECKPOINT_NEEDED));
        }
        assertEquals(0, bm.flushAllDirty(), "nothing left");
        assertTrue(syncTable.isPending(rel, ForkNumber.MAIN, 0));
        assertEquals(1, syncTable.syncAll(smgr));
        for (int b = 0; b < 10; b += 3) {
            assertEquals(7000 + b, diskInt(b, 300));
        }
    }

    @Test
    void bgwriterCleansAheadOfTheClockHand() {
        fill(NBUFFERS);  // all 16 buffers dirty, usage 1
        // a sweep pass lowers usage counts: read another block to force a victim search
        RelFileLocator other = RelFileLocator.of(5, 16385);
        smgr.create(other, ForkNumber.MAIN, false);
        int buf = bm.extend(other, ForkNumber.MAIN);
        bm.unlockReleaseBuffer(buf);
        int dirtyBefore = countDirty();
        BgwriterRound round = bm.cleanAhead(100, 2.0);
        assertTrue(round.written() > 0, round.toString());
        assertEquals(dirtyBefore - round.written(), countDirty());
        assertTrue(round.allocations() >= 1);
        assertEquals(round.written(), pool.strategy().bgwriterWrites());
        BgwriterRound limited = bm.cleanAhead(0, 2.0);
        assertEquals(0, limited.written());
    }

    private int countDirty() {
        int n = 0;
        for (int b = 0; b < NBUFFERS; b++) {
            if (has(bm.state(b), BM_DIRTY)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void dropRelationBuffersForgetsPagesWithoutWritingThem() throws IOException {
        fill(8);
        bm.flushAllDirty();
        for (int b = 0; b < 8; b++) {
            int buf = bm.readBuffer(rel, ForkNumber.MAIN, b);
            bm.lockContent(buf, LWLockMode.EXCLUSIVE);
            bm.page(buf).set(ValueLayout.JAVA_INT, 100, -1);
            bm.markDirty(buf);
            bm.unlockReleaseBuffer(buf);
        }
        // truncation: blocks >= 5 of the main fork
        assertEquals(3, bm.dropRelationBuffers(rel, ForkNumber.MAIN, 5));
        smgr.truncate(rel, ForkNumber.MAIN, 5);
        int buf = bm.readBuffer(rel, ForkNumber.MAIN, 4);
        assertEquals(-1, bm.page(buf).get(ValueLayout.JAVA_INT, 100), "kept blocks keep their changes");
        assertThrows(IllegalStateException.class, () -> bm.dropRelationBuffers(rel));
        bm.releaseBuffer(buf);
        assertTrue(bm.dropRelationBuffers(rel) >= 1);
        for (int b = 0; b < NBUFFERS; b++) {
            assertFalse(has(bm.state(b), BM_TAG_VALID), "buffer " + b + " still mapped");
        }
        assertEquals(0, bm.flushAllDirty());
        assertEquals(0, diskInt(0, 100), "dropped dirty pages were not written");
        // the pool works on: blocks are read back from disk
        buf = bm.readBuffer(rel, ForkNumber.MAIN, 3);
        assertEquals(3, bm.page(buf).get(ValueLayout.JAVA_INT, 100));
        bm.releaseBuffer(buf);
    }

    @Test
    void cleanupLockNeedsTheOnlyPin() throws Exception {
        fill(1);
        int buf = bm.readBuffer(rel, ForkNumber.MAIN, 0);
        assertTrue(bm.conditionalLockForCleanup(buf));
        bm.unlockContent(buf);
        bm.incrementPin(buf);
        assertFalse(bm.conditionalLockForCleanup(buf), "two local pins");
        bm.releaseBuffer(buf);
        bm.releaseBuffer(buf);
    }
}
