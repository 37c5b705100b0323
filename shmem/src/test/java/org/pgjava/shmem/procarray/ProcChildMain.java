package org.pgjava.shmem.procarray;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.status.BackendState;
import org.pgjava.shmem.status.BackendStatus;
import org.pgjava.shmem.status.BackendStatusArray;
import org.pgjava.shmem.status.BackendStatusSlot;

import java.lang.foreign.MemorySegment;

import static org.pgjava.shmem.procarray.ProcStatusFixture.*;

/**
 * Child JVM for the process-array and status tests. Modes: {@code claim N} (claim/release N times,
 * checking through the owner words that no slot is ever held twice), {@code flags} (hold a slot, count
 * CANCEL flags, exit on TERMINATE), {@code status-writer SLOT} (rewrite a status slot with self-consistent
 * versions until the stop flag).
 */
public final class ProcChildMain {
    public static void main(String[] args) throws Exception {
        try (SharedSegment segment = ProcStatusFixture.attach()) {
            MemorySegment words = segment.region(WORDS);
            ProcArray procs = new ProcArray(segment.region(PROC));
            int pid = (int) ProcessHandle.current().pid();
            switch (args[0]) {
                case "claim" -> claim(procs, words, pid, Integer.parseInt(args[1]));
                case "flags" -> flags(procs, words, pid);
                case "status-writer" -> statusWriter(new BackendStatusArray(segment.region(STATUS), QUERY_SIZE),
                        words, pid, Integer.parseInt(args[1]));
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        System.exit(0);
    }

    private static void awaitGo(MemorySegment words) throws InterruptedException {
        SharedAtomics.getAndAddLong(words, ATTACHED, 1);
        while (SharedAtomics.getLong(words, GO) == 0) Thread.sleep(1);
    }

    private static void claim(ProcArray procs, MemorySegment words, int pid, int rounds) throws InterruptedException {
        awaitGo(words);
        for (int i = 0; i < rounds; i++) {
            int slot;
            while ((slot = procs.claim(pid, BackendType.CLIENT_BACKEND, 5, 10)) < 0) Thread.onSpinWait();
            if (!SharedAtomics.compareAndSetLong(words, OWNERS + 8L * slot, 0, pid)) {
                SharedAtomics.getAndAddLong(words, VIOLATIONS, 1);
            }
            ProcEntry e = procs.read(slot);
            if (e == null || e.pid() != pid || e.databaseOid() != 5 || e.roleOid() != 10) {
                SharedAtomics.getAndAddLong(words, VIOLATIONS, 1);
            }
            SharedAtomics.setLong(words, OWNERS + 8L * slot, 0);
            procs.release(slot, pid);
            SharedAtomics.getAndAddLong(words, DONE, 1);
        }
    }

    private static void flags(ProcArray procs, MemorySegment words, int pid) throws InterruptedException {
        int slot = procs.claim(pid, BackendType.CHECKPOINTER, 0, 0);
        if (slot < 0) throw new IllegalStateException("no slot");
        awaitGo(words);
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            int got = procs.takePending(slot, pid, ProcArray.CANCEL | ProcArray.TERMINATE);
            if ((got & ProcArray.CANCEL) != 0) SharedAtomics.getAndAddLong(words, SIGNALS, 1);
            if ((got & ProcArray.TERMINATE) != 0) {
                procs.release(slot, pid);
                return;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("no TERMINATE within 30 s");
    }

    /**
     * Version v: query = "v=" + v + " " + a run of the character ('a' + v % 26, or 'é' every third
     * version: 2-byte UTF-8) whose length depends on v; query_start = v; xact_start = -v; datid is
     * unchanged. A reader checks that every field describes the same v.
     */
    public static String queryOf(long v) {
        char c = v % 3 == 0 ? 'é' : (char) ('a' + v % 26);
        return "v=" + v + " " + String.valueOf(c).repeat((int) (v % 1500));
    }

    private static void statusWriter(BackendStatusArray array, MemorySegment words, int pid, int index)
            throws InterruptedException {
        BackendStatusSlot slot = array.slot(index);
        slot.begin(pid, BackendType.CLIENT_BACKEND, 5, "postgres", 10, "postgres", "writer",
                BackendStatus.ClientKind.INET4, new byte[]{127, 0, 0, 1}, 5555, BackendStatusSlot.currentTimestamp());
        String[] queries = new String[64];
        for (int i = 0; i < queries.length; i++) queries[i] = queryOf(i);
        awaitGo(words);
        long v = 0;
        while (SharedAtomics.getLong(words, STOP) == 0) {
            v++;
            slot.reportActivity(v % 2 == 0 ? BackendState.ACTIVE : BackendState.IDLE_IN_TRANSACTION,
                    queries[(int) (v % queries.length)]);
            slot.reportTransactionStart(v % queries.length);
            slot.reportTransactionIds(v % queries.length, v % queries.length);
            if ((v & 255) == 0) Thread.yield();   // on a loaded 2-core machine, let the reader's copy finish sometimes
        }
        SharedAtomics.setLong(words, DONE, v);
        slot.end();
    }
}
