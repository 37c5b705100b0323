package org.pgjava.shmem.sinval;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLock;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.lock.LWLockOwner;

/**
 * The shared invalidation message queue for catalog caches, as PostgreSQL's sinvaladt.c: a transaction
 * that changed catalog rows appends {@link InvalidationMessage}s when it commits, and every process reads,
 * before it uses its caches again, the messages appended since its last read. A process that fell so far
 * behind that the queue had to overwrite messages it had not read is <em>reset</em>: it must flush all of
 * its caches instead.
 *
 * <p>Entry points: {@link #regionSize(int, int)}, the constructor (one per process, over the region),
 * {@link #join(int, int)}, {@link #insert(List)}, {@link #read(int, InvalidationMessage[])},
 * {@link #leave(int)}, {@link #catchupRequested(int)}.
 *
 * <h2>Layout (all integers native byte order)</h2>
 * <pre>
 * offset            size  field              guarded by
 *      0              64  writeLock          (an LWLock, cache-line padded)
 *     64              64  readLock           (an LWLock, cache-line padded)
 *    128               8  minMsgNum          number of the oldest message some reader may still need;
 *                                            written only by cleanup, which holds writeLock and readLock
 *                                            exclusively
 *    136               8  maxMsgNum          number of the next message to be written; written under
 *                                            writeLock with a release store, read by readers with an
 *                                            acquire load (they need no writeLock)
 *    144               8  nextThreshold      queue length at which the next insert runs cleanup; writeLock
 *    152             104  reserved, zero
 *    256   32 x slots     per process slot:
 *               +0     8  nextMsgNum         next message this slot reads; its owner writes it holding
 *                                            readLock shared; join (writeLock) and cleanup (both locks
 *                                            exclusive) also write it
 *               +8     4  inUse              1 while a process has joined; writeLock
 *              +12     4  resetState         1 = messages were lost, flush everything; set by cleanup,
 *                                            cleared by the owner holding readLock shared
 *              +16     4  catchupRequested   1 = this slot is the furthest behind: read soon; set by writers
 *                                            (writeLock), cleared by the owner's read
 *              +20     4  pid                the joined process (for signalling); writeLock
 *              +24     8  reserved, zero
 *    256 + 32 x slots  16 x queueSize  messages, message n at index n mod queueSize:
 *               +0     1  kind code (1 relcache, 2 catcache, 3 catalog)
 *               +1     1  cacheId
 *               +2     2  zero
 *               +4     4  databaseOid
 *               +8     4  objectId (relation OID, hash value, catalog OID)
 *              +12     4  zero
 * </pre>
 * Message numbers are 64-bit and never wrap. The all-zero region is the valid empty state (no slot in
 * use, both locks free), so after a crash-restart the rebuilt segment needs no initialization.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>Writers hold writeLock exclusively while they append; they never wait for readers except when the
 *       queue is full (or past a cleanup threshold), when cleanup takes readLock exclusively for a moment.</li>
 *   <li>Readers hold readLock shared while they copy messages out; they never take writeLock, so many
 *       readers and one writer proceed at once.</li>
 *   <li>minMsgNum &lt;= nextMsgNum of every joined, non-reset slot. Writers only write message numbers
 *       below minMsgNum + queueSize, so they never overwrite a message a joined reader has not read; a
 *       reader that holds readLock keeps cleanup (and so any rise of minMsgNum) out.</li>
 *   <li>Cleanup resets every slot whose nextMsgNum is more than queueSize - (room needed) behind: it sets
 *       resetState and moves its nextMsgNum to maxMsgNum, so the slowest readers never block writers.</li>
 *   <li>When the queue is at least half full, cleanup asks the furthest-behind slot to catch up
 *       (catchupRequested; PostgreSQL signals it with PROCSIG_CATCHUP_INTERRUPT — the caller signals
 *       {@link #pid(int)}).</li>
 * </ol>
 */
public final class SharedInvalidationQueue {
    static final long WRITE_LOCK = 0, READ_LOCK = 64, MIN_MSG_NUM = 128, MAX_MSG_NUM = 136, NEXT_THRESHOLD = 144;
    static final long HEADER_SIZE = 256;
    static final int SLOT_SIZE = 32;
    static final long SLOT_NEXT = 0, SLOT_IN_USE = 8, SLOT_RESET = 12, SLOT_CATCHUP = 16, SLOT_PID = 20;
    static final int MESSAGE_SIZE = 16;

    /** {@link #read} returns this instead of a count when the slot was reset: flush every cache. */
    public static final int RESET = -1;

    private final MemorySegment memory;
    private final int slotCount;
    private final int queueSize;
    private final long messagesOffset;
    private final int writeQuantum;
    private final long cleanupQuantum;
    private final LWLock writeLock;
    private final LWLock readLock;

    /**
     * Bytes the region needs.
     *
     * @param slots     number of process slots (one per backend and auxiliary process)
     * @param queueSize number of messages the queue holds; a power of two, at least 16 (PostgreSQL: 4096)
     */
    public static long regionSize(int slots, int queueSize) {
        checkParameters(slots, queueSize);
        return HEADER_SIZE + (long) SLOT_SIZE * slots + (long) MESSAGE_SIZE * queueSize;
    }

    private static void checkParameters(int slots, int queueSize) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be positive: " + slots);
        }
        if (queueSize < 16 || Integer.bitCount(queueSize) != 1) {
            throw new IllegalArgumentException("queueSize must be a power of two >= 16: " + queueSize);
        }
    }

    /**
     * This process's view of the queue in {@code region} (which holds {@link #regionSize} bytes, all zero
     * when the segment was created). Every process builds it with the same slots and queueSize.
     *
     * @param owner this process's LWLock owner
     */
    public SharedInvalidationQueue(MemorySegment region, int slots, int queueSize, LWLockOwner owner) {
        checkParameters(slots, queueSize);
        if (region.byteSize() < regionSize(slots, queueSize)) {
            throw new IllegalArgumentException("region too small: " + region.byteSize() + " < "
                    + regionSize(slots, queueSize));
        }
        this.memory = region;
        this.slotCount = slots;
        this.queueSize = queueSize;
        this.messagesOffset = HEADER_SIZE + (long) SLOT_SIZE * slots;
        this.writeQuantum = Math.min(64, queueSize / 4);
        this.cleanupQuantum = Math.max(1, queueSize / 16);
        this.writeLock = new LWLock(region, WRITE_LOCK, "SInvalWriteLock", owner);
        this.readLock = new LWLock(region, READ_LOCK, "SInvalReadLock", owner);
    }

    /** Number of process slots. */
    public int slotCount() {
        return slotCount;
    }

    /** Number of messages the queue holds. */
    public int queueSize() {
        return queueSize;
    }

    private long slot(int slot) {
        if (slot < 0 || slot >= slotCount) {
            throw new IllegalArgumentException("no sinval slot " + slot);
        }
        return HEADER_SIZE + (long) SLOT_SIZE * slot;
    }

    /**
     * A process takes slot {@code slot} (its process-array slot): from now on it sees every message
     * inserted after this call returns (or a reset). Messages inserted earlier are not for it: a process
     * that joins starts with empty caches.
     *
     * @throws IllegalStateException when the slot is already in use
     */
    public void join(int slot, int pid) {
        long s = slot(slot);
        writeLock.acquire(LWLockMode.EXCLUSIVE);
        try {
            if (SharedAtomics.getInt(memory, s + SLOT_IN_USE) != 0) {
                throw new IllegalStateException("sinval slot " + slot + " is in use by pid "
                        + SharedAtomics.getInt(memory, s + SLOT_PID));
            }
            SharedAtomics.setLong(memory, s + SLOT_NEXT, SharedAtomics.getLong(memory, MAX_MSG_NUM));
            SharedAtomics.setInt(memory, s + SLOT_RESET, 0);
            SharedAtomics.setInt(memory, s + SLOT_CATCHUP, 0);
            SharedAtomics.setInt(memory, s + SLOT_PID, pid);
            SharedAtomics.setInt(memory, s + SLOT_IN_USE, 1);
        } finally {
            writeLock.release();
        }
    }

    /** The process gives its slot up (at exit); it no longer holds back the queue. */
    public void leave(int slot) {
        long s = slot(slot);
        writeLock.acquire(LWLockMode.EXCLUSIVE);
        try {
            SharedAtomics.setInt(memory, s + SLOT_IN_USE, 0);
            SharedAtomics.setInt(memory, s + SLOT_PID, 0);
            SharedAtomics.setInt(memory, s + SLOT_CATCHUP, 0);
            SharedAtomics.setInt(memory, s + SLOT_RESET, 0);
        } finally {
            writeLock.release();
        }
    }

    /** True while a process has joined this slot. */
    public boolean inUse(int slot) {
        return SharedAtomics.getInt(memory, slot(slot) + SLOT_IN_USE) != 0;
    }

    /** The pid that joined the slot, 0 when free. */
    public int pid(int slot) {
        return SharedAtomics.getInt(memory, slot(slot) + SLOT_PID);
    }

    /** True when a writer asked this slot to read soon (it is the furthest behind of a half-full queue). */
    public boolean catchupRequested(int slot) {
        return SharedAtomics.getInt(memory, slot(slot) + SLOT_CATCHUP) != 0;
    }

    /** True when the slot has been reset and not yet read. */
    public boolean isReset(int slot) {
        return SharedAtomics.getInt(memory, slot(slot) + SLOT_RESET) != 0;
    }

    /** Messages inserted so far (the number the next message gets). */
    public long maxMessageNumber() {
        return SharedAtomics.getLongAcquire(memory, MAX_MSG_NUM);
    }

    /**
     * Appends messages (a committing transaction's invalidations), in order, in chunks of at most
     * queueSize/4 (64 at most) per hold of writeLock. Never waits for a slow reader: when the queue is full
     * the slowest readers are reset.
     *
     * @return the slots that were asked to catch up by this call (their {@link #pid} should be signalled),
     *         usually empty; bit i of the result is slot i for slots below 64, -1L when a slot above 63 was
     */
    public long insert(List<InvalidationMessage> messages) {
        long asked = 0;
        int done = 0;
        while (done < messages.size()) {
            int n = Math.min(writeQuantum, messages.size() - done);
            writeLock.acquire(LWLockMode.EXCLUSIVE);
            try {
                long max = SharedAtomics.getLong(memory, MAX_MSG_NUM);
                long min = SharedAtomics.getLong(memory, MIN_MSG_NUM);
                if (max - min + n > queueSize || max - min >= SharedAtomics.getLong(memory, NEXT_THRESHOLD)) {
                    // one cleanup always makes room: it resets every slot below max - queueSize + n
                    asked |= cleanup(n);
                    min = SharedAtomics.getLong(memory, MIN_MSG_NUM);
                    if (max - min + n > queueSize) {
                        throw new IllegalStateException("sinval cleanup made no room");
                    }
                }
                for (int i = 0; i < n; i++) {
                    write(max + i, messages.get(done + i));
                }
                SharedAtomics.setLongRelease(memory, MAX_MSG_NUM, max + n);
            } finally {
                writeLock.release();
            }
            done += n;
        }
        return asked;
    }

    private void write(long number, InvalidationMessage m) {
        long at = messagesOffset + (number & (queueSize - 1)) * MESSAGE_SIZE;
        long word0 = (m.kind().code & 0xFF) | ((long) (m.cacheId() & 0xFF) << 8) | (m.databaseOid() << 32);
        memory.set(ValueLayout.JAVA_LONG, at, word0);
        memory.set(ValueLayout.JAVA_LONG, at + 8, m.objectId());
    }

    private InvalidationMessage readAt(long number) {
        long at = messagesOffset + (number & (queueSize - 1)) * MESSAGE_SIZE;
        long word0 = memory.get(ValueLayout.JAVA_LONG, at);
        long word1 = memory.get(ValueLayout.JAVA_LONG, at + 8);
        return new InvalidationMessage(InvalidationMessage.Kind.ofCode((int) (word0 & 0xFF)),
                (int) ((word0 >>> 8) & 0xFF), word0 >>> 32, word1);
    }

    /**
     * Cleanup, called holding writeLock: takes readLock exclusively, resets every slot too far behind to
     * leave room for {@code minFree} messages, recomputes minMsgNum and the next threshold, and asks the
     * furthest-behind slot to catch up when the queue is at least half full.
     */
    private long cleanup(int minFree) {
        long asked = 0;
        readLock.acquire(LWLockMode.EXCLUSIVE);
        try {
            long max = SharedAtomics.getLong(memory, MAX_MSG_NUM);
            long lowBound = max - queueSize + minFree;
            long signalBound = max - queueSize / 2;
            long min = max;
            int furthest = -1;
            long furthestNext = Long.MAX_VALUE;
            for (int i = 0; i < slotCount; i++) {
                long s = slot(i);
                if (SharedAtomics.getInt(memory, s + SLOT_IN_USE) == 0
                        || SharedAtomics.getInt(memory, s + SLOT_RESET) != 0) {
                    continue;
                }
                long next = SharedAtomics.getLong(memory, s + SLOT_NEXT);
                if (next < lowBound) {
                    SharedAtomics.setInt(memory, s + SLOT_RESET, 1);
                    SharedAtomics.setLong(memory, s + SLOT_NEXT, max);
                    continue;
                }
                min = Math.min(min, next);
                if (next < signalBound && next < furthestNext
                        && SharedAtomics.getInt(memory, s + SLOT_CATCHUP) == 0) {
                    furthest = i;
                    furthestNext = next;
                }
            }
            SharedAtomics.setLong(memory, MIN_MSG_NUM, min);
            long length = max - min;
            SharedAtomics.setLong(memory, NEXT_THRESHOLD, (length / cleanupQuantum + 1) * cleanupQuantum);
            if (furthest >= 0) {
                SharedAtomics.setInt(memory, slot(furthest) + SLOT_CATCHUP, 1);
                asked |= furthest < 64 ? 1L << furthest : -1L;
            }
        } finally {
            readLock.release();
        }
        return asked;
    }

    /**
     * Reads this slot's next messages into {@code buffer} (as many as fit) and advances the slot past them.
     * Call repeatedly until it returns 0. Never blocks a writer (a writer needing room waits at most for
     * this copy to finish).
     *
     * @return the number of messages stored at buffer[0..n), or {@link #RESET} when messages were lost:
     *         the caller must flush all caches; it is then caught up (later reads return messages inserted
     *         after this one)
     * @throws IllegalStateException when the slot has not joined
     */
    public int read(int slot, InvalidationMessage[] buffer) {
        long s = slot(slot);
        readLock.acquire(LWLockMode.SHARED);
        try {
            if (SharedAtomics.getInt(memory, s + SLOT_IN_USE) == 0) {
                throw new IllegalStateException("sinval slot " + slot + " has not joined");
            }
            SharedAtomics.setInt(memory, s + SLOT_CATCHUP, 0);
            long max = SharedAtomics.getLongAcquire(memory, MAX_MSG_NUM);
            if (SharedAtomics.getInt(memory, s + SLOT_RESET) != 0) {
                SharedAtomics.setInt(memory, s + SLOT_RESET, 0);
                SharedAtomics.setLong(memory, s + SLOT_NEXT, max);
                return RESET;
            }
            long next = SharedAtomics.getLong(memory, s + SLOT_NEXT);
            int n = (int) Math.min(buffer.length, max - next);
            for (int i = 0; i < n; i++) {
                buffer[i] = readAt(next + i);
            }
            SharedAtomics.setLong(memory, s + SLOT_NEXT, next + n);
            return n;
        } finally {
            readLock.release();
        }
    }
}
