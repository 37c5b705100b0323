package org.pgjava.backend.storage.lmgr;

import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.shmem.lmgr.LockMode;
import org.pgjava.shmem.lmgr.LockTable;
import org.pgjava.shmem.lmgr.LockTag;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.procarray.ProcArray;
import org.pgjava.shmem.status.WaitEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One process's heavyweight lock manager (PostgreSQL's lock.c + proc.c ProcSleep/ProcLockWakeup +
 * lmgr.c), over the shared {@link LockTable}. Locks are held until {@link #releaseAll()} (transaction end),
 * {@link #releaseToMark(int)} (subtransaction abort) or an explicit {@link #release}.
 *
 * <p>Entry points: {@link #lock(LockTag, LockMode)} (waits), {@link #tryLock} (never waits),
 * {@link #lockNoWait} (55P03 when busy), {@link #release}, {@link #releaseAll()}, {@link #mark()} /
 * {@link #releaseToMark(int)}, {@link #lockTransaction(long)} (XactLockTableInsert),
 * {@link #waitForTransaction(long, TransactionWaitSource)} (XactLockTableWait),
 * {@link #setTimeouts(long, long)}.
 *
 * <p>Rules (docs/transactions/README.md has the full list):
 * <ol>
 * <li>A request is granted at once when it conflicts with no mode held by another process and with no
 *     mode someone already waits for (a newcomer does not pass a conflicting waiter), except that a process
 *     that already holds a mode on the lock may pass the waiters if it conflicts with no other holder
 *     (PostgreSQL's ProcSleep shortcut, simplified: it goes to the front instead of before the first
 *     conflicting waiter).</li>
 * <li>Otherwise the process queues FIFO and sleeps on its futex word, polling the interrupt check at least
 *     every 100 ms. A release (or a waiter giving up) grants to queued waiters front to back; a waiter
 *     that conflicts with an earlier waiter still waiting keeps waiting (ProcLockWakeup).</li>
 * <li>After deadlock_timeout the waiter runs deadlock detection once, holding all 16 partition locks
 *     (ascending order); if it is on a cycle of the wait-for graph (edges to holders of conflicting modes
 *     and to conflicting waiters ahead in the queue) it leaves the queue and raises 40P01.</li>
 * <li>lock_timeout (0 = off) raises 55P03 "canceling statement due to lock timeout".</li>
 * <li>Repeated acquisitions of a held mode are counted in this process only; the shared table sees one
 *     hold per (process, lock, mode).</li>
 * </ol>
 *
 * <p>Process-safety: one instance per process, used by one thread; no LWLock is held when a method
 * returns or throws.
 */
public final class LockManager {
    /** Default deadlock_timeout (1 s). */
    public static final long DEFAULT_DEADLOCK_TIMEOUT_MILLIS = 1000;
    private static final long POLL_NANOS = 100_000_000L;

    private final LockTable table;
    private final ProcArray procArray;
    private final int slot;
    private final int pid;
    private final Runnable interruptCheck;
    private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);
    private final Map<LockTag, LocalLock> locks = new HashMap<>();
    private final List<Acquisition> log = new ArrayList<>();
    private long deadlockTimeoutNanos = DEFAULT_DEADLOCK_TIMEOUT_MILLIS * 1_000_000L;
    private long lockTimeoutNanos;

    /** PostgreSQL's LOCALLOCK: this process's view of one lock it holds (or waits for). */
    private static final class LocalLock {
        final LockTag tag;
        final int entry;
        final int record;
        final int[] counts = new int[9];

        LocalLock(LockTag tag, int entry, int record) {
            this.tag = tag;
            this.entry = entry;
            this.record = record;
        }
    }

    private record Acquisition(LockTag tag, LockMode mode) {
    }

    /**
     * Binds the manager to process-array slot {@code slot} (the same index in the lock table) and resets
     * the slot's lock area (this process owns it now).
     *
     * @param interruptCheck run at least every 100 ms while waiting; it throws (57014 cancel, 57P01
     *                       terminate) to abandon the wait, and the wait is cleaned up before the throw
     *                       propagates
     */
    public LockManager(LockTable table, ProcArray procArray, int slot, int pid, Runnable interruptCheck) {
        this.table = table;
        this.procArray = procArray;
        this.slot = slot;
        this.pid = pid;
        this.interruptCheck = interruptCheck;
        table.resetProc(slot, pid);
    }

    /**
     * Sets deadlock_timeout and lock_timeout (milliseconds; lock timeout 0 = wait forever). The session
     * calls it at the start of every statement with the settings' current values.
     */
    public void setTimeouts(long deadlockTimeoutMillis, long lockTimeoutMillis) {
        this.deadlockTimeoutNanos = Math.max(1, deadlockTimeoutMillis) * 1_000_000L;
        this.lockTimeoutNanos = Math.max(0, lockTimeoutMillis) * 1_000_000L;
    }

    /**
     * Acquires {@code tag} in {@code mode}, waiting as long as needed. Afterwards the caller holds it until
     * release/releaseAll.
     *
     * @throws PgException 40P01 deadlock detected; 55P03 lock timeout; 53200 out of shared memory; whatever
     *                     the interrupt check throws. In every case the lock is not held and the wait left
     *                     no trace in the table.
     */
    public void lock(LockTag tag, LockMode mode) {
        acquire(tag, mode, true);
    }

    /**
     * Acquires {@code tag} in {@code mode} if that is possible without waiting.
     *
     * @return true if the lock is now held, false if it is not available (nothing changed)
     * @throws PgException 53200 out of shared memory
     */
    public boolean tryLock(LockTag tag, LockMode mode) {
        return acquire(tag, mode, false);
    }

    /**
     * NOWAIT acquisition: like {@link #tryLock}, but a busy lock raises 55P03 "could not obtain lock on
     * {@code objectDescription}" (e.g. {@code relation "t"}, {@code row in relation "t"}).
     */
    public void lockNoWait(LockTag tag, LockMode mode, String objectDescription) {
        if (!acquire(tag, mode, false)) {
            throw PgException.error(SqlState.LOCK_NOT_AVAILABLE, "could not obtain lock on " + objectDescription);
        }
    }

    /** True if this process holds {@code tag} in {@code mode}. */
    public boolean holds(LockTag tag, LockMode mode) {
        LocalLock ll = locks.get(tag);
        return ll != null && ll.counts[mode.code()] > 0;
    }

    /** Number of distinct locks this process holds. */
    public int heldLockCount() {
        return locks.size();
    }

    private boolean acquire(LockTag tag, LockMode mode, boolean wait) {
        LocalLock ll = locks.get(tag);
        if (ll != null && ll.counts[mode.code()] > 0) {
            ll.counts[mode.code()]++;
            log.add(new Acquisition(tag, mode));
            return true;
        }
        LWLock partition = table.partitionLock(LockTable.partitionOf(tag));
        int entry;
        int record;
        partition.acquire(LWLockMode.EXCLUSIVE);
        try {
            entry = table.findLock(tag);
            if (entry < 0) {
                entry = table.createLock(tag);
                if (entry < 0) throw outOfSharedMemory();
            }
            if (ll != null) {
                record = ll.record;
            } else {
                record = table.freeRecord(slot);
                if (record < 0) {
                    if (table.nRequested(entry) == 0) table.freeLock(entry);
                    throw outOfSharedMemory();
                }
                table.setRecordEntry(slot, record, entry);
            }
            table.addRequest(entry, mode);
            int myHeld = table.recordHeldMask(slot, record);
            boolean conflictsWithWaiter = (mode.conflictMask() & table.waitMask(entry)) != 0
                    && !holdsModeConflictingWithWaiters(entry, myHeld);
            if (!conflictsWithWaiter && !conflictsWithHolders(table, entry, mode, myHeld)) {
                table.grant(entry, mode);
                table.setRecordHeldMask(slot, record, myHeld | mode.bit());
            } else if (!wait) {
                table.removeRequest(entry, mode);
                if (ll == null) table.setRecordEntry(slot, record, -1);
                if (table.nRequested(entry) == 0) table.freeLock(entry);
                return false;
            } else {
                table.enqueue(entry, slot, mode);
                table.setWaitTarget(slot, entry, mode, record);
                table.setWaitStatus(slot, LockTable.WAITING);
            }
        } finally {
            partition.release();
        }
        if (ll == null) {
            ll = new LocalLock(tag, entry, record);
        }
        if (table.waitStatus(slot) == LockTable.WAITING) {
            waitForGrant(ll, mode, partition);
        }
        locks.put(tag, ll);
        ll.counts[mode.code()]++;
        log.add(new Acquisition(tag, mode));
        return true;
    }

    /** True if {@code myHeld} contains a mode that conflicts with some waiter's requested mode. */
    private boolean holdsModeConflictingWithWaiters(int entry, int myHeld) {
        if (myHeld == 0) return false;
        for (int w = table.firstWaiter(entry); w >= 0; w = table.nextWaiter(w)) {
            if ((table.waitMode(w).conflictMask() & myHeld) != 0) return true;
        }
        return false;
    }

    /** PostgreSQL's LockCheckConflicts: does {@code mode} conflict with a mode held by another process? */
    static boolean conflictsWithHolders(LockTable table, int entry, LockMode mode, int myHeld) {
        int conflicts = mode.conflictMask();
        if ((conflicts & table.grantMask(entry)) == 0) return false;
        for (LockMode m : LockMode.values()) {
            if ((conflicts & m.bit()) == 0) continue;
            int others = table.granted(entry, m) - ((myHeld & m.bit()) != 0 ? 1 : 0);
            if (others > 0) return true;
        }
        return false;
    }

    private static WaitEvent waitEventOf(LockTag tag) {
        return switch (tag.kind()) {
            case RELATION -> WaitEvent.LOCK_RELATION;
            case RELATION_EXTEND -> WaitEvent.LOCK_EXTEND;
            case PAGE -> WaitEvent.LOCK_PAGE;
            case TUPLE -> WaitEvent.LOCK_TUPLE;
            case TRANSACTION -> WaitEvent.LOCK_TRANSACTIONID;
            case OBJECT -> WaitEvent.LOCK_OBJECT;
            case ADVISORY -> WaitEvent.LOCK_ADVISORY;
        };
    }

    /**
     * Sleeps until a releaser grants the queued request (wait status GRANTED). On any exception the wait is
     * withdrawn first; if the grant raced the withdrawal, the lock is recorded as held (so that releaseAll
     * frees it) and the exception still propagates.
     */
    private void waitForGrant(LocalLock ll, LockMode mode, LWLock partition) {
        WaitEvent event = waitEventOf(ll.tag);
        procArray.setWaitEvent(slot, event.typeCode(), event.id());
        org.pgjava.shmem.status.BackendStatusSlot status = statusSlot;
        if (status != null) {
            status.reportWaitEvent(event);
        }
        long start = System.nanoTime();
        boolean deadlockChecked = false;
        try {
            while (table.waitStatus(slot) != LockTable.GRANTED) {
                long elapsed = System.nanoTime() - start;
                long sleep = POLL_NANOS;
                if (!deadlockChecked) sleep = Math.min(sleep, deadlockTimeoutNanos - elapsed);
                if (lockTimeoutNanos > 0) sleep = Math.min(sleep, lockTimeoutNanos - elapsed);
                if (sleep > 0) {
                    timespec.set(ValueLayout.JAVA_LONG, 0, sleep / 1_000_000_000L);
                    timespec.set(ValueLayout.JAVA_LONG, 8, sleep % 1_000_000_000L);
                    table.sleep(slot, LockTable.WAITING, timespec.address());
                }
                if (table.waitStatus(slot) == LockTable.GRANTED) break;
                interruptCheck.run();
                elapsed = System.nanoTime() - start;
                if (lockTimeoutNanos > 0 && elapsed >= lockTimeoutNanos) {
                    throw PgException.error(SqlState.LOCK_NOT_AVAILABLE, "canceling statement due to lock timeout");
                }
                if (!deadlockChecked && elapsed >= deadlockTimeoutNanos) {
                    deadlockChecked = true;
                    String detail = DeadlockDetector.check(table, slot, this::withdrawWait);
                    if (detail != null) {
                        throw PgException.error(SqlState.DEADLOCK_DETECTED, "deadlock detected").withDetail(detail)
                                .withHint("See server log for query details.");
                    }
                }
            }
            table.setWaitStatus(slot, LockTable.NOT_WAITING);
        } catch (RuntimeException | Error e) {
            boolean granted;
            if (table.waitStatus(slot) == LockTable.NOT_WAITING) {
                granted = false; // the deadlock detector withdrew the wait already
            } else {
                partition.acquire(LWLockMode.EXCLUSIVE);
                try {
                    granted = table.waitStatus(slot) == LockTable.GRANTED;
                    if (!granted) withdrawWait();
                    table.setWaitStatus(slot, LockTable.NOT_WAITING);
                } finally {
                    partition.release();
                }
            }
            if (granted) {
                locks.put(ll.tag, ll);
                ll.counts[mode.code()]++;
                log.add(new Acquisition(ll.tag, mode));
            }
            throw e;
        } finally {
            procArray.setWaitEvent(slot, 0, 0);
            if (status != null) {
                status.reportWaitEnd();
            }
        }
    }

    /** Where pg_stat_activity reads this process's wait event from (its status slot); null: not reported. */
    private org.pgjava.shmem.status.BackendStatusSlot statusSlot;

    /**
     * Reports lock waits to {@code slot} too (wait_event_type Lock, wait_event relation / transactionid /
     * tuple / ...), as pg_stat_activity shows them; the process array's wait field is set regardless.
     */
    public void setStatusSlot(org.pgjava.shmem.status.BackendStatusSlot slot) {
        this.statusSlot = slot;
    }

    /**
     * Caller holds the partition lock of the awaited entry exclusively (or all of them): takes this
     * process out of the wait queue, withdraws the request, frees the record if it holds nothing and the
     * entry if nobody requests it, wakes waiters the removal unblocks, and sets the status NOT_WAITING.
     */
    private void withdrawWait() {
        int entry = table.waitEntry(slot);
        LockMode mode = table.waitMode(slot);
        int record = table.waitRecord(slot);
        table.dequeue(entry, slot);
        table.removeRequest(entry, mode);
        table.setWaitTarget(slot, -1, null, -1);
        if (table.recordHeldMask(slot, record) == 0) table.setRecordEntry(slot, record, -1);
        if (table.nRequested(entry) == 0) table.freeLock(entry);
        else wakeWaiters(table, entry);
        table.setWaitStatus(slot, LockTable.NOT_WAITING);
    }

    /**
     * Caller holds the entry's partition lock exclusively: grants queued requests front to back
     * (PostgreSQL's ProcLockWakeup); a waiter conflicting with an earlier waiter that stays queued, or with
     * a holder, stays queued.
     */
    static void wakeWaiters(LockTable table, int entry) {
        int aheadRequests = 0;
        int w = table.firstWaiter(entry);
        while (w >= 0) {
            int next = table.nextWaiter(w);
            LockMode mode = table.waitMode(w);
            int record = table.waitRecord(w);
            int held = table.recordHeldMask(w, record);
            if ((mode.conflictMask() & aheadRequests) == 0 && !conflictsWithHolders(table, entry, mode, held)) {
                table.grant(entry, mode);
                table.setRecordHeldMask(w, record, held | mode.bit());
                table.dequeue(entry, w);
                table.setWaitTarget(w, -1, null, -1);
                table.setWaitStatus(w, LockTable.GRANTED);
                table.wake(w);
            } else {
                aheadRequests |= mode.bit();
            }
            w = next;
        }
    }

    /**
     * Releases one acquisition of {@code tag} in {@code mode} (the shared hold goes when the last
     * acquisition of that mode does) and wakes waiters it unblocks.
     *
     * @return false (and nothing changes) if this process does not hold it — PostgreSQL's WARNING "you
     *         don't own a lock of type ..."
     */
    public boolean release(LockTag tag, LockMode mode) {
        for (int i = log.size() - 1; i >= 0; i--) {
            Acquisition a = log.get(i);
            if (a.tag.equals(tag) && a.mode == mode) {
                log.remove(i);
                break;
            }
        }
        return releaseOne(tag, mode);
    }

    private boolean releaseOne(LockTag tag, LockMode mode) {
        LocalLock ll = locks.get(tag);
        if (ll == null || ll.counts[mode.code()] == 0) return false;
        if (--ll.counts[mode.code()] > 0) return true;
        LWLock partition = table.partitionLock(LockTable.partitionOf(tag));
        partition.acquire(LWLockMode.EXCLUSIVE);
        try {
            table.ungrant(ll.entry, mode);
            int held = table.recordHeldMask(slot, ll.record) & ~mode.bit();
            table.setRecordHeldMask(slot, ll.record, held);
            if (held == 0) {
                table.setRecordEntry(slot, ll.record, -1);
                locks.remove(tag);
            }
            if (table.nRequested(ll.entry) == 0) table.freeLock(ll.entry);
            else wakeWaiters(table, ll.entry);
        } finally {
            partition.release();
        }
        return true;
    }

    /**
     * Releases every lock this process holds (transaction end, PostgreSQL's LockReleaseAll). Afterwards
     * {@link #heldLockCount()} is 0.
     */
    public void releaseAll() {
        for (LocalLock ll : new ArrayList<>(locks.values())) {
            for (LockMode m : LockMode.values()) {
                if (ll.counts[m.code()] > 0) {
                    ll.counts[m.code()] = 1;
                    releaseOne(ll.tag, m);
                }
            }
        }
        log.clear();
    }

    /** A mark in the acquisition log (subtransaction start). */
    public int mark() {
        return log.size();
    }

    /** Releases every acquisition made after {@code mark}, newest first (subtransaction abort). */
    public void releaseToMark(int mark) {
        while (log.size() > mark) {
            Acquisition a = log.remove(log.size() - 1);
            releaseOne(a.tag, a.mode);
        }
    }

    /** XactLockTableInsert: the transaction takes ExclusiveLock on its own xid (held until its end). */
    public void lockTransaction(long xid) {
        lock(LockTag.transaction(xid), LockMode.EXCLUSIVE);
    }

    /**
     * XactLockTableWait: waits until transaction {@code xid} (top or sub) has ended, by taking and
     * dropping ShareLock on its xid; if the xid still runs afterwards (a subtransaction whose lock went
     * with its commit into the parent, or a transaction that had not yet locked its xid), waits for its
     * topmost parent instead. Interruptible (the interrupt check) and subject to deadlock detection.
     */
    public void waitForTransaction(long xid, TransactionWaitSource transactions) {
        boolean first = true;
        while (true) {
            LockTag tag = LockTag.transaction(xid);
            lock(tag, LockMode.SHARE);
            release(tag, LockMode.SHARE);
            if (!transactions.isInProgress(xid)) return;
            if (!first) {
                interruptCheck.run();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
            first = false;
            long parent = transactions.topmostParent(xid);
            if (parent != 0) xid = parent;
        }
    }

    /** This process's slot. */
    public int slot() {
        return slot;
    }

    /** This process's pid as recorded in the lock table. */
    public int pid() {
        return pid;
    }

    private static PgException outOfSharedMemory() {
        return PgException.error(SqlState.OUT_OF_MEMORY, "out of shared memory")
                .withHint("You might need to increase max_locks_per_transaction.");
    }
}
