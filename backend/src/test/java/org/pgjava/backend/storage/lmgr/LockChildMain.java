package org.pgjava.backend.storage.lmgr;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTag;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import static org.pgjava.backend.storage.lmgr.XactFixture.*;

/**
 * A child JVM of {@link LockCrossProcessTest}: attaches the segment from PGJAVA_SHMEM, builds its
 * {@link XactFixture.View} on its slot and plays one role. Usage: {@code ROLE SLOT DATA_DIR ARG}. Results go
 * to the words region; exit 0 unless something unexpected happened.
 */
public final class LockChildMain {
    private LockChildMain() {
    }

    public static void main(String[] args) {
        String role = args[0];
        int slot = Integer.parseInt(args[1]);
        Path data = Path.of(args[2]);
        long arg = Long.parseLong(args[3]);
        SegmentIdentity id = SegmentIdentity.fromEnvironmentValue(System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE));
        try (SharedSegment segment = SharedSegment.attach(id, XactFixture.layout())) {
            XactFixture.View v = new XactFixture.View(segment, slot, data.resolve("pg_xact"));
            MemorySegment w = segment.region(WORDS);
            LockManager locks = v.lockManager(slot, () -> { });
            SharedAtomics.getAndAddLong(w, ATTACHED, 1);
            while (SharedAtomics.getLong(w, GO) == 0) LockSupport.parkNanos(100_000);
            switch (role) {
                case "deadlock" -> deadlock(locks, w, slot, arg);
                case "xactwait" -> xactWait(v, locks, w, slot, arg);
                case "churn" -> churn(locks, w, slot, (int) arg);
                default -> throw new IllegalArgumentException(role);
            }
            if (locks.heldLockCount() != 0) throw new IllegalStateException("locks left: " + locks.heldLockCount());
            if (v.owner.heldCount() != 0) throw new IllegalStateException("LWLocks left");
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    /** Locks xid (500 + slot) exclusively, waits until both did, then asks for the other's in Share. */
    private static void deadlock(LockManager locks, MemorySegment w, int slot, long otherSlot) {
        locks.setTimeouts(1000, 0);
        locks.lockTransaction(500 + slot);
        SharedAtomics.getAndAddLong(w, HOLDING, 1);
        while (SharedAtomics.getLong(w, HOLDING) < 2) LockSupport.parkNanos(100_000);
        long t0 = System.nanoTime();
        try {
            locks.lock(LockTag.transaction(500 + otherSlot), LockMode.SHARE);
            SharedAtomics.getAndAddLong(w, SUCCESSES, 1);
        } catch (PgException e) {
            if (e.sqlState() != SqlState.DEADLOCK_DETECTED) throw e;
            System.out.println(e.getMessage() + "\n" + e.detail());
            SharedAtomics.setLong(w, 64 + 8L * slot, (System.nanoTime() - t0) / 1_000_000);
            SharedAtomics.getAndAddLong(w, DEADLOCKS, 1);
        }
        locks.releaseAll();
    }

    /** Waits for transaction {@code xid} to end; records how long, and checks the clog says committed. */
    private static void xactWait(XactFixture.View v, LockManager locks, MemorySegment w, int slot, long xid) {
        long t0 = System.nanoTime();
        locks.waitForTransaction(xid, v.procs);
        SharedAtomics.setLong(w, 64 + 8L * slot, (System.nanoTime() - t0) / 1_000_000);
        if (!v.clog.didCommit(xid)) throw new IllegalStateException("woken before the commit was logged");
        if (v.procs.isInProgress(xid)) throw new IllegalStateException("still in progress after the wait");
        SharedAtomics.getAndAddLong(w, SUCCESSES, 1);
    }

    /** Many short exclusive holds (plain increment of the counter) mixed with shared holds and nowait tries. */
    private static void churn(LockManager locks, MemorySegment w, int slot, int iterations) {
        LockTag tag = LockTag.relation(5, 42);
        for (int i = 0; i < iterations; i++) {
            if (i % 4 == 3) {
                locks.lock(tag, LockMode.ACCESS_SHARE);
                if (SharedAtomics.getLong(w, HOLDING) != 0) throw new IllegalStateException("shared while exclusive");
                locks.release(tag, LockMode.ACCESS_SHARE);
            }
            locks.lock(tag, LockMode.ACCESS_EXCLUSIVE);
            if (SharedAtomics.getAndAddLong(w, HOLDING, 1) != 0) throw new IllegalStateException("two exclusive holders");
            long c = w.get(ValueLayout.JAVA_LONG, COUNTER);
            if ((i & 15) == 0) Thread.yield();
            w.set(ValueLayout.JAVA_LONG, COUNTER, c + 1);
            SharedAtomics.getAndAddLong(w, HOLDING, -1);
            locks.release(tag, LockMode.ACCESS_EXCLUSIVE);
        }
    }
}
