package org.pgjava.shmem.buffer;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.os.Futex;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

/**
 * The buffer descriptors region: one 64-byte descriptor per shared buffer saying which block the buffer
 * holds (its tag) and in what state (pins, usage, flags), like PostgreSQL's {@code BufferDescriptors[]}.
 * Entry points: {@link #regionSize(int)}, the constructor, {@link #state(int)},
 * {@link #compareAndSetState(int, long, long)}, {@link #lockHeader(int)} / {@link #unlockHeader(int, long)},
 * the tag accessors, {@link #awaitIoDone(int, long)} / {@link #wakeIoWaiters(int)}.
 *
 * <h2>Layout (descriptor {@code b} at byte {@code b × 64})</h2>
 * <pre>
 * offset size field        guarded by
 *      0    8 state        atomic; see {@link BufferState}. While BM_LOCKED is set only the header-lock holder
 *                          changes the word (every other change is a CAS that expects BM_LOCKED clear), and
 *                          it publishes its change with the release store that clears BM_LOCKED
 *      8    4 spcOid       tag; written only under the header lock AND the exclusive buffer-mapping partition
 *     12    4 dbOid             lock(s) of the old tag (if BM_TAG_VALID) and of the new tag. Readable under
 *     16    4 relNumber         the header lock, under the mapping partition lock of the tag, or by a process
 *     20    4 forkNumber        holding a pin while BM_TAG_VALID is set (a pinned buffer's tag cannot change)
 *     24    4 blockNumber  unsigned 32-bit
 *     28    4 ioDoneSeq    futex word: +1 (atomic) each time a read or write of the page ends
 *     32    4 ioWaiters    atomic: processes sleeping (or about to) until BM_IO_IN_PROGRESS clears
 *     36   28 reserved, zero
 * </pre>
 * All-zero = an unused buffer. The page itself is in {@link BufferPages}; its content lock in the
 * "buffer content locks" {@code LWLockArray}, entry {@code b}.
 *
 * <h2>Rules</h2>
 * The header lock (BM_LOCKED) is a spinlock: held for a few instructions, never across I/O or another
 * lock acquisition. The I/O wait: a waiter increments ioWaiters, reads ioDoneSeq, re-reads the state and
 * sleeps in FUTEX_WAIT on ioDoneSeq only if BM_IO_IN_PROGRESS is still set; the process ending the I/O
 * clears BM_IO_IN_PROGRESS, increments ioDoneSeq, and wakes all sleepers if ioWaiters is not zero. All
 * these are sequentially consistent atomics, so a waiter that saw the flag set is always woken.
 */
public final class BufferDescriptors {
    /** Bytes per descriptor (one cache line). */
    public static final int DESCRIPTOR_SIZE = 64;
    static final long STATE = 0, SPC = 8, DB = 12, REL = 16, FORK = 20, BLOCK = 24, IO_DONE_SEQ = 28,
            IO_WAITERS = 32;
    private static final int SPIN_ATTEMPTS = 100;
    private static final int STUCK_ATTEMPTS = SPIN_ATTEMPTS + 60_000;

    private final MemorySegment memory;
    private final int count;

    /**
     * Views {@code memory} as descriptors.
     *
     * @throws IllegalArgumentException if the size is not a positive multiple of {@value #DESCRIPTOR_SIZE}
     */
    public BufferDescriptors(MemorySegment memory) {
        if (memory.byteSize() == 0 || memory.byteSize() % DESCRIPTOR_SIZE != 0) {
            throw new IllegalArgumentException("buffer descriptor region size " + memory.byteSize()
                    + " is not a positive multiple of " + DESCRIPTOR_SIZE);
        }
        SharedAtomics.checkWord(memory, 0, 8);
        this.memory = memory;
        this.count = (int) (memory.byteSize() / DESCRIPTOR_SIZE);
    }

    /** Bytes for {@code nbuffers} descriptors. */
    public static long regionSize(int nbuffers) {
        return (long) nbuffers * DESCRIPTOR_SIZE;
    }

    /** How many buffers the pool has. */
    public int count() {
        return count;
    }

    private static long base(int buf) {
        return (long) buf * DESCRIPTOR_SIZE;
    }

    /** The state word (volatile read). */
    public long state(int buf) {
        return SharedAtomics.getLong(memory, base(buf) + STATE);
    }

    /** One compare-and-set of the state word; callers expect BM_LOCKED clear in {@code expect}. */
    public boolean compareAndSetState(int buf, long expect, long update) {
        return SharedAtomics.compareAndSetLong(memory, base(buf) + STATE, expect, update);
    }

    /**
     * Takes the header spinlock (PostgreSQL's LockBufHdr). Afterwards the caller holds it and must end with
     * {@link #unlockHeader(int, long)} within a few instructions.
     *
     * @return the state word as it is now, BM_LOCKED included
     * @throws IllegalStateException "stuck spinlock detected" after about a minute
     */
    public long lockHeader(int buf) {
        long offset = base(buf) + STATE;
        for (int attempt = 0; ; attempt++) {
            long old = SharedAtomics.getLong(memory, offset);
            if ((old & BufferState.BM_LOCKED) == 0
                    && SharedAtomics.compareAndSetLong(memory, offset, old, old | BufferState.BM_LOCKED)) {
                return old | BufferState.BM_LOCKED;
            }
            pause(attempt, buf);
        }
    }

    /**
     * Stores {@code state} (BM_LOCKED cleared) with release semantics, giving the header lock back. The
     * caller holds the header lock.
     */
    public void unlockHeader(int buf, long state) {
        SharedAtomics.setLongRelease(memory, base(buf) + STATE, state & ~BufferState.BM_LOCKED);
    }

    /**
     * Waits until the header lock is free (PostgreSQL's WaitBufHdrUnlocked), for compare-and-set loops.
     *
     * @return a state word read with BM_LOCKED clear
     */
    public long awaitHeaderUnlocked(int buf) {
        long offset = base(buf) + STATE;
        for (int attempt = 0; ; attempt++) {
            long s = SharedAtomics.getLong(memory, offset);
            if ((s & BufferState.BM_LOCKED) == 0) {
                return s;
            }
            pause(attempt, buf);
        }
    }

    private static void pause(int attempt, int buf) {
        if (attempt < SPIN_ATTEMPTS) {
            Thread.onSpinWait();
            return;
        }
        if (attempt >= STUCK_ATTEMPTS) {
            throw new IllegalStateException("stuck spinlock detected at buffer header " + buf);
        }
        int sleeps = attempt - SPIN_ATTEMPTS;
        LockSupport.parkNanos(Math.min(1_000_000L, 10_000L << Math.min(sleeps / 4, 7)));
    }

    // ---- tag ----

    public int spcOid(int buf) {
        return memory.get(ValueLayout.JAVA_INT, base(buf) + SPC);
    }

    public int dbOid(int buf) {
        return memory.get(ValueLayout.JAVA_INT, base(buf) + DB);
    }

    public int relNumber(int buf) {
        return memory.get(ValueLayout.JAVA_INT, base(buf) + REL);
    }

    public int forkNumber(int buf) {
        return memory.get(ValueLayout.JAVA_INT, base(buf) + FORK);
    }

    /** The block number, an unsigned 32-bit value in an int. */
    public int blockNumber(int buf) {
        return memory.get(ValueLayout.JAVA_INT, base(buf) + BLOCK);
    }

    /** True if the tag fields equal the arguments (the caller decides whether the read is stable). */
    public boolean tagEquals(int buf, int spcOid, int dbOid, int relNumber, int forkNumber, int blockNumber) {
        long b = base(buf);
        return memory.get(ValueLayout.JAVA_INT, b + BLOCK) == blockNumber
                && memory.get(ValueLayout.JAVA_INT, b + REL) == relNumber
                && memory.get(ValueLayout.JAVA_INT, b + DB) == dbOid
                && memory.get(ValueLayout.JAVA_INT, b + SPC) == spcOid
                && memory.get(ValueLayout.JAVA_INT, b + FORK) == forkNumber;
    }

    /** True if the tag names a block of the relation (any fork, any block). */
    public boolean relationEquals(int buf, int spcOid, int dbOid, int relNumber) {
        long b = base(buf);
        return memory.get(ValueLayout.JAVA_INT, b + REL) == relNumber
                && memory.get(ValueLayout.JAVA_INT, b + DB) == dbOid
                && memory.get(ValueLayout.JAVA_INT, b + SPC) == spcOid;
    }

    /**
     * Sets the tag. The caller holds the header lock and the exclusive mapping partition locks (class rule).
     */
    public void setTag(int buf, int spcOid, int dbOid, int relNumber, int forkNumber, int blockNumber) {
        long b = base(buf);
        memory.set(ValueLayout.JAVA_INT, b + SPC, spcOid);
        memory.set(ValueLayout.JAVA_INT, b + DB, dbOid);
        memory.set(ValueLayout.JAVA_INT, b + REL, relNumber);
        memory.set(ValueLayout.JAVA_INT, b + FORK, forkNumber);
        memory.set(ValueLayout.JAVA_INT, b + BLOCK, blockNumber);
    }

    /** Zeroes the tag; same locking as {@link #setTag}. */
    public void clearTag(int buf) {
        setTag(buf, 0, 0, 0, 0, 0);
    }

    // ---- I/O completion wait ----

    /**
     * Sleeps until BM_IO_IN_PROGRESS is clear (PostgreSQL's WaitIO).
     *
     * @param timespecAddress native {@code struct timespec} bounding each futex sleep (the loop re-checks),
     *                        or 0 for unbounded sleeps
     * @return the state word seen with BM_IO_IN_PROGRESS clear
     */
    public long awaitIoDone(int buf, long timespecAddress) {
        long b = base(buf);
        long s = state(buf);
        if ((s & BufferState.BM_IO_IN_PROGRESS) == 0) {
            return s;
        }
        for (int spin = 0; spin < SPIN_ATTEMPTS; spin++) {
            Thread.onSpinWait();
            s = state(buf);
            if ((s & BufferState.BM_IO_IN_PROGRESS) == 0) {
                return s;
            }
        }
        SharedAtomics.getAndAddInt(memory, b + IO_WAITERS, 1);
        try {
            while (true) {
                int seq = SharedAtomics.getInt(memory, b + IO_DONE_SEQ);
                s = state(buf);
                if ((s & BufferState.BM_IO_IN_PROGRESS) == 0) {
                    return s;
                }
                long address = memory.address() + b + IO_DONE_SEQ;
                if (timespecAddress == 0) {
                    Futex.await(address, seq);
                } else {
                    Futex.await(address, seq, timespecAddress);
                }
            }
        } finally {
            SharedAtomics.getAndAddInt(memory, b + IO_WAITERS, -1);
        }
    }

    /**
     * Tells waiters an I/O ended. Call after the state store that cleared BM_IO_IN_PROGRESS (PostgreSQL's
     * ConditionVariableBroadcast in TerminateBufferIO).
     */
    public void wakeIoWaiters(int buf) {
        long b = base(buf);
        SharedAtomics.getAndAddInt(memory, b + IO_DONE_SEQ, 1);
        if (SharedAtomics.getInt(memory, b + IO_WAITERS) != 0) {
            Futex.wake(memory.address() + b + IO_DONE_SEQ, Integer.MAX_VALUE);
        }
    }
}
