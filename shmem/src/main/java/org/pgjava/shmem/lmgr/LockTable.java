package org.pgjava.shmem.lmgr;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockArray;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.os.Futex;

import java.lang.foreign.MemorySegment;

/**
 * The shared heavyweight lock table (PostgreSQL's lock.c shared structures, simplified): lock entries
 * found by tag in a hash table split into {@value #PARTITIONS} partitions, each guarded by its own LWLock;
 * for each process-array slot a wait area (futex word, what it waits for, the wait-queue link) and a fixed
 * array of lock records (which lock, which modes it holds: PostgreSQL's PROCLOCK, kept per process). This
 * class is the memory and its primitive operations; the grant/wait/deadlock algorithm is
 * {@code backend/storage/lmgr/LockManager}. Region "lock table", {@link #regionSize(int, int)} bytes.
 *
 * <p>Every method except {@link #waitStatus(int)}, {@link #sleep}, {@link #partitionLock(int)} and the
 * partition/hash helpers requires the caller to hold the partition lock of the lock entry concerned
 * (exclusively to change anything, shared to read). A proc's record or wait fields that refer to an entry
 * are guarded by that entry's partition lock.
 *
 * <h2>Layout (native byte order, all fields 4 bytes)</h2>
 * <pre>
 * offset                 what
 *      0                 16 partition LWLocks, 64 bytes each ("LockManager[p]")
 *   1024                 16 partition headers, 64 bytes each: 0 free-list head (entry index + 1, 0 = empty),
 *                        4 entries ever taken from the partition's range (bump allocator)       partition lock
 *   2048                 bucket heads: partition p, bucket b at 2048 + 4 (p E + b), entry index + 1   partition lock
 *   ENTRIES (64-aligned) 16 E lock entries of 128 bytes; partition p owns entries [p E, (p+1) E):
 *                          0 kind code (0 = free)   4..19 the four tag fields
 *                         20 next entry in the bucket chain or free list (index + 1)
 *                         24 grant mask (bit m: some holder has mode m)  28 wait mask (bit m: someone waits for m)
 *                         32 nRequested (holders' modes + waiters)   36 nGranted
 *                         40 wait-queue head (slot + 1)              44 wait-queue tail (slot + 1)
 *                         48 requested[mode 1..8]                    80 granted[mode 1..8]
 *                        112 reserved
 *   PROCS (64-aligned)   per slot (64 + 8 K bytes):
 *                          0 wait status, the futex word: 0 not waiting, 1 waiting, 2 granted by a releaser
 *                            (written with atomic stores under the partition lock of the awaited entry; read
 *                            by the owner without lock, confirmed under it)
 *                          4 awaited entry (index + 1, 0 = none)   8 awaited mode code
 *                         12 next waiter in the same queue (slot + 1)
 *                         16 pid of the slot's process (owner writes at attach; for messages)
 *                         20 record index + 1 of the awaited lock's record
 *                         64 K records of 8 bytes: 0 entry index + 1 (0 = free record), 4 held-modes mask
 * </pre>
 * With E = ceil(maxLocksPerTransaction x slots / 16) and K = 2 x maxLocksPerTransaction. All-zero is the
 * valid initial state: every entry free (the bump counters hand them out), nobody waits, no records.
 */
public final class LockTable {
    /** Number of partitions (PostgreSQL's NUM_LOCK_PARTITIONS). */
    public static final int PARTITIONS = 16;
    /** Wait status: not waiting. */
    public static final int NOT_WAITING = 0;
    /** Wait status: queued on a lock. */
    public static final int WAITING = 1;
    /** Wait status: a releaser granted the awaited lock. */
    public static final int GRANTED = 2;

    static final long HEADERS = 1024, BUCKETS = 2048;
    static final int ENTRY_SIZE = 128;
    private static final long E_KIND = 0, E_FIELDS = 4, E_NEXT = 20, E_GRANT_MASK = 24, E_WAIT_MASK = 28,
            E_NREQUESTED = 32, E_NGRANTED = 36, E_WAIT_HEAD = 40, E_WAIT_TAIL = 44, E_REQUESTED = 48,
            E_GRANTED = 80;
    private static final long P_STATUS = 0, P_WAIT_ENTRY = 4, P_WAIT_MODE = 8, P_NEXT = 12, P_PID = 16,
            P_WAIT_RECORD = 20, P_RECORDS = 64;

    private final MemorySegment region;
    private final int slots;
    private final int entriesPerPartition;
    private final int recordsPerProc;
    private final long entriesOffset;
    private final long procsOffset;
    private final long procSize;
    private final LWLockArray partitionLocks;

    /**
     * This process's view; partition locks bound to {@code owner}.
     *
     * @throws IllegalArgumentException if the region is not regionSize(slots, maxLocksPerTransaction)
     */
    public LockTable(MemorySegment region, int slots, int maxLocksPerTransaction, LWLockOwner owner) {
        if (region.byteSize() != regionSize(slots, maxLocksPerTransaction)) {
            throw new IllegalArgumentException("lock table region size " + region.byteSize() + " is not regionSize("
                    + slots + ", " + maxLocksPerTransaction + ")");
        }
        this.region = region;
        this.slots = slots;
        this.entriesPerPartition = entriesPerPartition(slots, maxLocksPerTransaction);
        this.recordsPerProc = 2 * maxLocksPerTransaction;
        this.entriesOffset = align(BUCKETS + 4L * PARTITIONS * entriesPerPartition);
        this.procsOffset = align(entriesOffset + (long) ENTRY_SIZE * PARTITIONS * entriesPerPartition);
        this.procSize = P_RECORDS + 8L * recordsPerProc;
        this.partitionLocks = new LWLockArray(region.asSlice(0, HEADERS), "LockManager", owner);
    }

    private static long align(long v) {
        return (v + 63) & ~63L;
    }

    private static int entriesPerPartition(int slots, int maxLocksPerTransaction) {
        return (int) (((long) slots * maxLocksPerTransaction + PARTITIONS - 1) / PARTITIONS);
    }

    /**
     * Region bytes for {@code slots} process slots (the process array's count) and the
     * max_locks_per_transaction setting (PostgreSQL's default 64).
     */
    public static long regionSize(int slots, int maxLocksPerTransaction) {
        if (slots <= 0 || maxLocksPerTransaction < 10) {
            throw new IllegalArgumentException("slots " + slots + ", max_locks_per_transaction "
                    + maxLocksPerTransaction + " (minimum 10)");
        }
        int e = entriesPerPartition(slots, maxLocksPerTransaction);
        long entries = align(BUCKETS + 4L * PARTITIONS * e);
        long procs = align(entries + (long) ENTRY_SIZE * PARTITIONS * e);
        return procs + (long) slots * (P_RECORDS + 16L * maxLocksPerTransaction);
    }

    /** Number of process slots. */
    public int slotCount() {
        return slots;
    }

    /** Lock records per process (2 x max_locks_per_transaction). */
    public int recordsPerProc() {
        return recordsPerProc;
    }

    /** The partition of a tag. */
    public static int partitionOf(LockTag tag) {
        return tag.hash() & (PARTITIONS - 1);
    }

    /** The LWLock of partition {@code p} (0..15). Take several only in ascending order. */
    public LWLock partitionLock(int p) {
        return partitionLocks.get(p);
    }

    // ---- entries ----

    private long entry(int e) {
        return entriesOffset + (long) ENTRY_SIZE * e;
    }

    private int getInt(long off) {
        return SharedAtomics.getInt(region, off);
    }

    private void setInt(long off, int v) {
        SharedAtomics.setInt(region, off, v);
    }

    private long bucketHead(int partition, LockTag tag) {
        int b = Integer.remainderUnsigned(tag.hash() >>> 4, entriesPerPartition);
        return BUCKETS + 4L * ((long) partition * entriesPerPartition + b);
    }

    private boolean tagEquals(int e, LockTag tag) {
        long b = entry(e);
        return getInt(b + E_KIND) == tag.kind().code() && getInt(b + E_FIELDS) == tag.field1()
                && getInt(b + E_FIELDS + 4) == tag.field2() && getInt(b + E_FIELDS + 8) == tag.field3()
                && getInt(b + E_FIELDS + 12) == tag.field4();
    }

    /** Partition lock held: the entry of {@code tag} in its partition, or -1. */
    public int findLock(LockTag tag) {
        int p = partitionOf(tag);
        int link = getInt(bucketHead(p, tag));
        while (link != 0) {
            int e = link - 1;
            if (tagEquals(e, tag)) return e;
            link = getInt(entry(e) + E_NEXT);
        }
        return -1;
    }

    /**
     * Partition lock held exclusively, tag not present: makes an empty entry for it (no holders, no
     * waiters) and links it into its bucket.
     *
     * @return the entry, or -1 when the partition has no free entry (out of shared memory)
     */
    public int createLock(LockTag tag) {
        int p = partitionOf(tag);
        long header = HEADERS + 64L * p;
        int e;
        int free = getInt(header);
        if (free != 0) {
            e = free - 1;
            setInt(header, getInt(entry(e) + E_NEXT));
        } else {
            int used = getInt(header + 4);
            if (used >= entriesPerPartition) return -1;
            setInt(header + 4, used + 1);
            e = p * entriesPerPartition + used;
        }
        long b = entry(e);
        region.asSlice(b, ENTRY_SIZE).fill((byte) 0);
        setInt(b + E_KIND, tag.kind().code());
        setInt(b + E_FIELDS, tag.field1());
        setInt(b + E_FIELDS + 4, tag.field2());
        setInt(b + E_FIELDS + 8, tag.field3());
        setInt(b + E_FIELDS + 12, tag.field4());
        long head = bucketHead(p, tag);
        setInt(b + E_NEXT, getInt(head));
        setInt(head, e + 1);
        return e;
    }

    /** Partition lock held exclusively, entry has nRequested 0: unlinks it and puts it on the free list. */
    public void freeLock(int e) {
        LockTag tag = tagOf(e);
        int p = partitionOf(tag);
        long head = bucketHead(p, tag);
        long prevLink = head;
        int link = getInt(head);
        while (link != 0 && link != e + 1) {
            prevLink = entry(link - 1) + E_NEXT;
            link = getInt(prevLink);
        }
        if (link == 0) throw new IllegalStateException("lock entry " + e + " is not in its bucket");
        setInt(prevLink, getInt(entry(e) + E_NEXT));
        long header = HEADERS + 64L * p;
        setInt(entry(e) + E_KIND, 0);
        setInt(entry(e) + E_NEXT, getInt(header));
        setInt(header, e + 1);
    }

    /** The tag of a live entry. */
    public LockTag tagOf(int e) {
        long b = entry(e);
        return new LockTag(LockTag.Kind.ofCode(getInt(b + E_KIND)), getInt(b + E_FIELDS), getInt(b + E_FIELDS + 4),
                getInt(b + E_FIELDS + 8), getInt(b + E_FIELDS + 12));
    }

    /** Modes granted to someone (bit per mode code). */
    public int grantMask(int e) {
        return getInt(entry(e) + E_GRANT_MASK);
    }

    /** Modes someone waits for. */
    public int waitMask(int e) {
        return getInt(entry(e) + E_WAIT_MASK);
    }

    /** Holds plus waits, all modes. */
    public int nRequested(int e) {
        return getInt(entry(e) + E_NREQUESTED);
    }

    /** Number of holds of {@code mode} granted. */
    public int granted(int e, LockMode mode) {
        return getInt(entry(e) + E_GRANTED + 4L * (mode.code() - 1));
    }

    /** Number of holds plus waits for {@code mode}. */
    public int requested(int e, LockMode mode) {
        return getInt(entry(e) + E_REQUESTED + 4L * (mode.code() - 1));
    }

    /** Counts a new request (a hold about to be granted or a wait): requested[mode]++, nRequested++. */
    public void addRequest(int e, LockMode mode) {
        long b = entry(e);
        setInt(b + E_REQUESTED + 4L * (mode.code() - 1), requested(e, mode) + 1);
        setInt(b + E_NREQUESTED, getInt(b + E_NREQUESTED) + 1);
    }

    /** Withdraws a request that was never granted (a wait given up). */
    public void removeRequest(int e, LockMode mode) {
        long b = entry(e);
        int r = requested(e, mode) - 1;
        setInt(b + E_REQUESTED + 4L * (mode.code() - 1), r);
        setInt(b + E_NREQUESTED, getInt(b + E_NREQUESTED) - 1);
        if (r == granted(e, mode)) setInt(b + E_WAIT_MASK, getInt(b + E_WAIT_MASK) & ~mode.bit());
    }

    /** Grants a counted request (PostgreSQL's GrantLock): granted[mode]++, nGranted++, grant mask. */
    public void grant(int e, LockMode mode) {
        long b = entry(e);
        int g = granted(e, mode) + 1;
        setInt(b + E_GRANTED + 4L * (mode.code() - 1), g);
        setInt(b + E_NGRANTED, getInt(b + E_NGRANTED) + 1);
        setInt(b + E_GRANT_MASK, getInt(b + E_GRANT_MASK) | mode.bit());
        if (g == requested(e, mode)) setInt(b + E_WAIT_MASK, getInt(b + E_WAIT_MASK) & ~mode.bit());
    }

    /** Releases one granted hold (PostgreSQL's UnGrantLock): granted and requested both drop. */
    public void ungrant(int e, LockMode mode) {
        long b = entry(e);
        int g = granted(e, mode) - 1;
        int r = requested(e, mode) - 1;
        if (g < 0 || r < 0) throw new IllegalStateException("lock entry " + e + " does not hold " + mode);
        setInt(b + E_GRANTED + 4L * (mode.code() - 1), g);
        setInt(b + E_REQUESTED + 4L * (mode.code() - 1), r);
        setInt(b + E_NGRANTED, getInt(b + E_NGRANTED) - 1);
        setInt(b + E_NREQUESTED, getInt(b + E_NREQUESTED) - 1);
        if (g == 0) setInt(b + E_GRANT_MASK, getInt(b + E_GRANT_MASK) & ~mode.bit());
    }

    /** Appends {@code slot} to the entry's wait queue waiting for {@code mode} (sets the wait mask). */
    public void enqueue(int e, int slot, LockMode mode) {
        long b = entry(e);
        setInt(proc(slot) + P_NEXT, 0);
        int tail = getInt(b + E_WAIT_TAIL);
        if (tail == 0) setInt(b + E_WAIT_HEAD, slot + 1);
        else setInt(proc(tail - 1) + P_NEXT, slot + 1);
        setInt(b + E_WAIT_TAIL, slot + 1);
        setInt(b + E_WAIT_MASK, getInt(b + E_WAIT_MASK) | mode.bit());
    }

    /** Removes {@code slot} from the entry's wait queue (wherever it is); the wait mask is the caller's. */
    public void dequeue(int e, int slot) {
        long b = entry(e);
        int prev = 0;
        int link = getInt(b + E_WAIT_HEAD);
        while (link != 0 && link != slot + 1) {
            prev = link;
            link = getInt(proc(link - 1) + P_NEXT);
        }
        if (link == 0) throw new IllegalStateException("slot " + slot + " is not queued on lock entry " + e);
        int next = getInt(proc(slot) + P_NEXT);
        if (prev == 0) setInt(b + E_WAIT_HEAD, next);
        else setInt(proc(prev - 1) + P_NEXT, next);
        if (getInt(b + E_WAIT_TAIL) == slot + 1) setInt(b + E_WAIT_TAIL, prev);
        setInt(proc(slot) + P_NEXT, 0);
    }

    /** First waiter's slot, or -1. */
    public int firstWaiter(int e) {
        return getInt(entry(e) + E_WAIT_HEAD) - 1;
    }

    /** The waiter after {@code slot} in the queue it is on, or -1. */
    public int nextWaiter(int slot) {
        return getInt(proc(slot) + P_NEXT) - 1;
    }

    // ---- per-process area ----

    private long proc(int slot) {
        if (slot < 0 || slot >= slots) throw new IndexOutOfBoundsException("slot " + slot + " of " + slots);
        return procsOffset + procSize * slot;
    }

    /** Owner at attach: records its pid (for messages); clears any wait state and records. */
    public void resetProc(int slot, int pid) {
        region.asSlice(proc(slot), procSize).fill((byte) 0);
        setInt(proc(slot) + P_PID, pid);
    }

    /** The pid recorded for {@code slot} (no lock needed). */
    public int pidOf(int slot) {
        return getInt(proc(slot) + P_PID);
    }

    /** The wait status futex word of {@code slot} (atomic read, no lock needed). */
    public int waitStatus(int slot) {
        return SharedAtomics.getIntAcquire(region, proc(slot) + P_STATUS);
    }

    /** Sets the wait status (release store); a releaser then calls {@link #wake(int)}. */
    public void setWaitStatus(int slot, int status) {
        SharedAtomics.setIntRelease(region, proc(slot) + P_STATUS, status);
    }

    /** Wakes {@code slot}'s process if it sleeps on its wait status word. */
    public void wake(int slot) {
        Futex.wake(region.address() + proc(slot) + P_STATUS, 1);
    }

    /**
     * Sleeps while {@code slot}'s wait status is {@code expected}, at most the relative timeout stored at
     * {@code timespecAddress} (struct timespec in memory the caller owns). No lock held.
     */
    public void sleep(int slot, int expected, long timespecAddress) {
        Futex.await(region.address() + proc(slot) + P_STATUS, expected, timespecAddress);
    }

    /** Records what {@code slot} waits for (entry -1 = nothing). */
    public void setWaitTarget(int slot, int e, LockMode mode, int record) {
        long p = proc(slot);
        setInt(p + P_WAIT_ENTRY, e + 1);
        setInt(p + P_WAIT_MODE, mode == null ? 0 : mode.code());
        setInt(p + P_WAIT_RECORD, record + 1);
    }

    /** The entry {@code slot} waits on, or -1 (guarded by that entry's partition lock). */
    public int waitEntry(int slot) {
        return getInt(proc(slot) + P_WAIT_ENTRY) - 1;
    }

    /** The mode {@code slot} waits for, or null. */
    public LockMode waitMode(int slot) {
        int c = getInt(proc(slot) + P_WAIT_MODE);
        return c == 0 ? null : LockMode.ofCode(c);
    }

    /** The record index of {@code slot}'s awaited lock, or -1. */
    public int waitRecord(int slot) {
        return getInt(proc(slot) + P_WAIT_RECORD) - 1;
    }

    private long record(int slot, int r) {
        if (r < 0 || r >= recordsPerProc) throw new IndexOutOfBoundsException("record " + r);
        return proc(slot) + P_RECORDS + 8L * r;
    }

    /** The entry record {@code r} of {@code slot} refers to, or -1 if the record is free. */
    public int recordEntry(int slot, int r) {
        return getInt(record(slot, r)) - 1;
    }

    /** Modes held through record {@code r} (bit per mode code). */
    public int recordHeldMask(int slot, int r) {
        return getInt(record(slot, r) + 4);
    }

    /** Sets the modes held through record {@code r}. */
    public void setRecordHeldMask(int slot, int r, int mask) {
        setInt(record(slot, r) + 4, mask);
    }

    /** Points record {@code r} at entry {@code e} (-1 frees it) with no modes held. */
    public void setRecordEntry(int slot, int r, int e) {
        setInt(record(slot, r), e + 1);
        setInt(record(slot, r) + 4, 0);
    }

    /**
     * Owner only (its records are written only by itself and by releasers granting its wait, which
     * touch only the awaited record): a free record index, or -1 when all are taken.
     */
    public int freeRecord(int slot) {
        for (int r = 0; r < recordsPerProc; r++) {
            if (getInt(record(slot, r)) == 0) return r;
        }
        return -1;
    }
}
