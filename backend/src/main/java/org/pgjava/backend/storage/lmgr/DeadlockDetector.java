package org.pgjava.backend.storage.lmgr;

import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTable;
import org.pgjava.shmem.lmgr.LockTag;
import org.pgjava.shmem.lock.LWLockMode;

import java.util.ArrayList;
import java.util.List;

/**
 * Deadlock detection over the whole lock table (PostgreSQL's CheckDeadLock + deadlock.c, without the
 * wait-queue rearrangement): run by a waiter after deadlock_timeout, holding all partition locks.
 *
 * <p>The wait-for graph: a waiting process W has an edge to every other process that holds, on the lock W
 * waits for, a mode conflicting with W's requested mode (a hard edge), and to every process queued ahead
 * of W on that lock whose requested mode conflicts with W's (a soft edge in PostgreSQL). A depth-first
 * search from the checking process looks for a path back to it.
 *
 * <p>Deviation: PostgreSQL tries to resolve cycles made only partly of soft edges by reordering wait
 * queues; pgjava reports them as deadlocks (the checking process aborts), which is safe but may abort a
 * transaction PostgreSQL would have let through.
 */
final class DeadlockDetector {
    private DeadlockDetector() {
    }

    /**
     * Takes all partition locks (ascending), and if process {@code slot} still waits and is on a cycle,
     * calls {@code withdraw} (still under the locks) and returns the DETAIL text of PostgreSQL's
     * DeadLockReport; otherwise returns null. Releases the locks before returning.
     */
    static String check(LockTable table, int slot, Runnable withdraw) {
        for (int p = 0; p < LockTable.PARTITIONS; p++) table.partitionLock(p).acquire(LWLockMode.EXCLUSIVE);
        try {
            if (table.waitStatus(slot) != LockTable.WAITING) return null;
            List<Integer> path = new ArrayList<>();
            boolean[] visited = new boolean[table.slotCount()];
            path.add(slot);
            if (!search(table, slot, slot, path, visited)) return null;
            StringBuilder detail = new StringBuilder();
            for (int i = 0; i < path.size(); i++) {
                int w = path.get(i);
                int blocker = path.get((i + 1) % path.size());
                LockTag tag = table.tagOf(table.waitEntry(w));
                if (i > 0) detail.append('\n');
                detail.append("Process ").append(table.pidOf(w)).append(" waits for ")
                        .append(table.waitMode(w).lockName()).append(" on ").append(tag.describe())
                        .append("; blocked by process ").append(table.pidOf(blocker)).append('.');
            }
            withdraw.run();
            return detail.toString();
        } finally {
            for (int p = LockTable.PARTITIONS - 1; p >= 0; p--) table.partitionLock(p).release();
        }
    }

    /** Depth-first: is there a path from {@code from} to {@code target}? On success {@code path} holds it. */
    private static boolean search(LockTable table, int from, int target, List<Integer> path, boolean[] visited) {
        visited[from] = true;
        for (int next : blockers(table, from)) {
            if (next == target) return true;
            if (visited[next]) continue;
            path.add(next);
            if (search(table, next, target, path, visited)) return true;
            path.remove(path.size() - 1);
        }
        return false;
    }

    /** The processes {@code waiter} waits for (none if it does not wait). */
    static List<Integer> blockers(LockTable table, int waiter) {
        List<Integer> result = new ArrayList<>();
        int entry = table.waitEntry(waiter);
        if (entry < 0 || table.waitStatus(waiter) != LockTable.WAITING) return result;
        LockMode mode = table.waitMode(waiter);
        int conflicts = mode.conflictMask();
        for (int s = 0; s < table.slotCount(); s++) {
            if (s == waiter) continue;
            for (int r = 0; r < table.recordsPerProc(); r++) {
                if (table.recordEntry(s, r) == entry && (table.recordHeldMask(s, r) & conflicts) != 0) {
                    result.add(s);
                    break;
                }
            }
        }
        for (int w = table.firstWaiter(entry); w >= 0 && w != waiter; w = table.nextWaiter(w)) {
            if ((conflicts & table.waitMode(w).bit()) != 0 && !result.contains(w)) result.add(w);
        }
        return result;
    }
}
