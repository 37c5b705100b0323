package org.pgjava.shmem.procarray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.shmem.atomic.SharedAtomics;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** ProcArray: claim/release, flags, in one process and across child JVMs. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcArrayTest {
    private static ProcArray array(int slots) {
        return new ProcArray(Arena.ofAuto().allocate(ProcArray.regionSize(slots), 64));
    }

    @Test
    void claimFillsFreeSlotsInOrderAndRefusesWhenFull() {
        ProcArray a = array(2);
        assertEquals(0, a.claim(100, BackendType.CLIENT_BACKEND, 5, 10));
        assertEquals(1, a.claim(101, BackendType.CHECKPOINTER, 0, 0));
        assertEquals(-1, a.claim(102, BackendType.CLIENT_BACKEND, 5, 10));
        assertEquals(new ProcEntry(0, 100, BackendType.CLIENT_BACKEND, 5, 10, 0, 0, 0, 0, 0), a.read(0));
        assertEquals(1, a.slotOfPid(101));
        assertEquals(-1, a.slotOfPid(102));
        a.release(0, 100);
        assertNull(a.read(0));
        assertEquals(0, a.claim(102, BackendType.STANDBY_BACKEND, 0, 0));
        assertEquals(BackendType.STANDBY_BACKEND, a.read(0).backendType());
    }

    @Test
    void ownerSettersAreVisible() {
        ProcArray a = array(1);
        int s = a.claim(7, BackendType.STANDBY_BACKEND, 0, 0);
        a.setBackendType(s, BackendType.CLIENT_BACKEND);
        a.setDatabaseAndRole(s, 5, 16384);
        a.setXid(s, 731);
        a.setXmin(s, 725);
        a.setWaitEvent(s, 3, 9);
        assertEquals(new ProcEntry(0, 7, BackendType.CLIENT_BACKEND, 5, 16384, 731, 725, 3, 9, 0), a.read(s));
        a.setWaitEvent(s, 0, 0);
        assertEquals(0, a.read(s).waitEventType());
    }

    @Test
    void releaseZeroesTheSlotForTheNextOwner() {
        ProcArray a = array(1);
        int s = a.claim(7, BackendType.CLIENT_BACKEND, 5, 10);
        a.setXid(s, 99);
        a.setWaitEvent(s, 1, 1);
        a.signal(7, ProcArray.CANCEL);
        a.release(s, 7);
        int t = a.claim(8, BackendType.CLIENT_BACKEND, 6, 11);
        assertEquals(new ProcEntry(0, 8, BackendType.CLIENT_BACKEND, 6, 11, 0, 0, 0, 0, 0), a.read(t));
    }

    @Test
    void flagsAreSetByPidAndTakenByTheOwner() {
        ProcArray a = array(3);
        a.claim(10, BackendType.CLIENT_BACKEND, 5, 10);
        int s = a.claim(11, BackendType.CLIENT_BACKEND, 5, 10);
        assertTrue(a.signal(11, ProcArray.CANCEL));
        assertFalse(a.signal(12, ProcArray.CANCEL), "no such pid");
        assertFalse(a.signal(0, ProcArray.CANCEL));
        assertEquals(ProcArray.CANCEL, a.read(s).pendingFlags());
        assertEquals(0, a.read(0).pendingFlags(), "the other slot is untouched");
        assertEquals(11, a.read(s).pid(), "the pid survives the flag");
        assertEquals(0, a.takePending(s, 11, ProcArray.TERMINATE), "a mask selects");
        assertTrue(a.signal(11, ProcArray.TERMINATE));
        assertEquals(ProcArray.CANCEL | ProcArray.TERMINATE, a.takePending(s, 11, ProcArray.CANCEL | ProcArray.TERMINATE));
        assertEquals(0, a.takePending(s, 11, ProcArray.CANCEL | ProcArray.TERMINATE));
    }

    @Test
    void aForeignPidCannotReleaseOrTake() {
        ProcArray a = array(1);
        int s = a.claim(10, BackendType.CLIENT_BACKEND, 5, 10);
        assertEquals("process-array slot 0 belongs to pid 10, not 11",
                assertThrows(IllegalStateException.class, () -> a.release(s, 11)).getMessage());
        assertThrows(IllegalStateException.class, () -> a.takePending(s, 11, ProcArray.CANCEL));
        assertThrows(IllegalArgumentException.class, () -> a.claim(0, BackendType.CLIENT_BACKEND, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ProcArray(Arena.ofAuto().allocate(100, 64)));
        assertThrows(IndexOutOfBoundsException.class, () -> a.read(1));
    }

    @Test
    void aReservedSlotIsInvisibleAndCannotBeSignalled() {
        MemorySegment m = Arena.ofAuto().allocate(ProcArray.regionSize(1), 64);
        ProcArray a = new ProcArray(m);
        SharedAtomics.setLong(m, 0, ProcArray.RESERVED & 0xFFFF_FFFFL);
        assertNull(a.read(0));
        assertFalse(a.signal(-1, ProcArray.CANCEL));
        assertEquals(-1, a.claim(5, BackendType.CLIENT_BACKEND, 0, 0));
    }

    @Test
    void childJvmsNeverHoldTheSameSlot(@TempDir Path dir) throws Exception {
        try (ProcStatusFixture f = new ProcStatusFixture(dir)) {
            int children = 4, rounds = 3000;
            for (int i = 0; i < children; i++) f.start(ProcChildMain.class, "claim", String.valueOf(rounds));
            f.awaitAttachedThenGo(children, 30_000);
            f.awaitChildrenSucceed(45);
            assertEquals(0, SharedAtomics.getLong(f.words(), ProcStatusFixture.VIOLATIONS), f.logsText());
            assertEquals((long) children * rounds, SharedAtomics.getLong(f.words(), ProcStatusFixture.DONE));
            ProcArray a = new ProcArray(f.segment().region(ProcStatusFixture.PROC));
            for (int s = 0; s < a.slotCount(); s++) assertNull(a.read(s), "every slot free again");
        }
    }

    @Test
    void flagsReachAnotherProcess(@TempDir Path dir) throws Exception {
        try (ProcStatusFixture f = new ProcStatusFixture(dir)) {
            Process child = f.start(ProcChildMain.class, "flags");
            f.awaitAttachedThenGo(1, 30_000);
            ProcArray a = new ProcArray(f.segment().region(ProcStatusFixture.PROC));
            int pid = (int) child.pid();
            int slot = a.slotOfPid(pid);
            assertEquals(BackendType.CHECKPOINTER, a.read(slot).backendType());
            List<Long> latencies = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                long t0 = System.nanoTime();
                assertTrue(a.signal(pid, ProcArray.CANCEL));
                while (SharedAtomics.getLong(f.words(), ProcStatusFixture.SIGNALS) < i) {
                    if (System.nanoTime() - t0 > 10_000_000_000L) fail("cancel " + i + " not taken: " + f.logsText());
                    Thread.onSpinWait();
                }
                latencies.add(System.nanoTime() - t0);
            }
            assertTrue(a.signal(pid, ProcArray.TERMINATE));
            f.awaitChildrenSucceed(20);
            assertEquals(50, SharedAtomics.getLong(f.words(), ProcStatusFixture.SIGNALS), "each cancel seen once");
            assertEquals(-1, a.slotOfPid(pid), "the terminated child released its slot");
            assertFalse(a.signal(pid, ProcArray.CANCEL));
            latencies.sort(null);
            System.out.printf("ProcArray: cancel flag seen by a polling child JVM: median %d ns, max %d ns%n",
                    latencies.get(25), latencies.get(49));
        }
    }
}
