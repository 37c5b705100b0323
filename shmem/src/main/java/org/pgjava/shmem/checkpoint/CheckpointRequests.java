package org.pgjava.shmem.checkpoint;

import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.Spinlock;

import java.lang.foreign.MemorySegment;

/**
 * The checkpointer's shared request state (PostgreSQL's CheckpointerShmem without the fsync-request queue,
 * which lives in the buffer pool's sync queue): backends ask for a checkpoint and wait for one that
 * started after their request to finish. Entry points: backend side {@link #request(int)},
 * {@link #started()}, {@link #done()}, {@link #failed()}; checkpointer side {@link #setCheckpointerPid},
 * {@link #pendingFlags()}, {@link #begin(int)}, {@link #finish(boolean)}.
 *
 * <h2>Protocol (as checkpointer.c's RequestCheckpoint / CheckpointerMain)</h2>
 * <ol>
 * <li>A requester, under the spinlock, reads {@code started} and {@code failed} and ORs its flags into
 *     {@code flags}; then it sends SIGINT to {@code checkpointerPid}.</li>
 * <li>The checkpointer, under the spinlock, takes {@code flags} (setting them to 0) and increments
 *     {@code started}; then it runs the checkpoint; then, under the spinlock, sets {@code done = started}
 *     and, if it failed, increments {@code failed}.</li>
 * <li>A requester that wants to wait waits until {@code started} differs from what it read (a checkpoint
 *     that began after its request), then until {@code done >= } that new {@code started}; if
 *     {@code failed} changed meanwhile, its checkpoint failed.</li>
 * </ol>
 *
 * <h2>Layout ({@value #SIZE} bytes; all-zero is the initial state)</h2>
 * <pre>
 * off size field              guarded by
 *   0  4  ckpt_lck            the spinlock itself
 *   4  4  checkpointer pid    atomic int, written by the checkpointer (0: none running)
 *   8  8  started             ckpt_lck (read atomically without it)
 *  16  8  done                ckpt_lck (read atomically without it)
 *  24  8  failed              ckpt_lck (read atomically without it)
 *  32  8  flags               ckpt_lck: CHECKPOINT_* bits requested and not yet taken
 *  40  8  requested count     ckpt_lck: checkpoints begun because of a request (pg_stat_bgwriter's checkpoints_req)
 *  48  8  timed count         ckpt_lck: checkpoints begun because of checkpoint_timeout (checkpoints_timed)
 *  56  8  reserved, zero
 * </pre>
 * Process-safety: the view is immutable; every field is read and written atomically.
 */
public final class CheckpointRequests {
    /** The region's name in the server segment. */
    public static final String REGION = "checkpointer";
    /** Region bytes. */
    public static final int SIZE = 64;

    /** PostgreSQL's CHECKPOINT_* flags (xlog.h), same values. */
    public static final int IS_SHUTDOWN = 0x0001, END_OF_RECOVERY = 0x0002, IMMEDIATE = 0x0004, FORCE = 0x0008,
            FLUSH_ALL = 0x0010, WAIT = 0x0020, REQUESTED = 0x0040, CAUSE_XLOG = 0x0080, CAUSE_TIME = 0x0100;

    private static final long PID = 4, STARTED = 8, DONE = 16, FAILED = 24, FLAGS = 32, NUM_REQUESTED = 40,
            NUM_TIMED = 48;

    private final MemorySegment region;
    private final Spinlock lock;

    /**
     * A view of the region.
     *
     * @throws IllegalArgumentException if the region is smaller than {@link #SIZE}
     */
    public CheckpointRequests(MemorySegment region) {
        if (region.byteSize() < SIZE) {
            throw new IllegalArgumentException("checkpointer region of " + region.byteSize() + " bytes, need " + SIZE);
        }
        this.region = region;
        this.lock = new Spinlock(region, 0, "ckpt_lck");
    }

    /** Region bytes (for the segment layout). */
    public static long regionSize() {
        return SIZE;
    }

    /** What a requester saw when it asked: the counters to compare with later. */
    public record Ticket(long startedBefore, long failedBefore) {
    }

    /** Requester: adds {@code flags} (with {@link #REQUESTED}) to the pending request; returns the counters seen. */
    public Ticket request(int flags) {
        lock.acquire();
        try {
            long started = SharedAtomics.getLong(region, STARTED);
            long failed = SharedAtomics.getLong(region, FAILED);
            SharedAtomics.setLong(region, FLAGS, SharedAtomics.getLong(region, FLAGS) | flags | REQUESTED);
            return new Ticket(started, failed);
        } finally {
            lock.release();
        }
    }

    /** The pid of the running checkpointer, or 0. */
    public int checkpointerPid() {
        return SharedAtomics.getInt(region, PID);
    }

    /** Checkpointer: publishes its pid at start (0 at exit). */
    public void setCheckpointerPid(int pid) {
        SharedAtomics.setInt(region, PID, pid);
    }

    /** Checkpoints begun so far. */
    public long started() {
        return SharedAtomics.getLong(region, STARTED);
    }

    /** Checkpoints finished (successfully or not) so far. */
    public long done() {
        return SharedAtomics.getLong(region, DONE);
    }

    /** Checkpoints that failed so far. */
    public long failed() {
        return SharedAtomics.getLong(region, FAILED);
    }

    /** Checkpointer: the flags requested and not yet taken (0: no request pending). */
    public int pendingFlags() {
        return (int) SharedAtomics.getLong(region, FLAGS);
    }

    /**
     * Checkpointer: takes the pending flags (clearing them), ORs in {@code extraFlags} (e.g.
     * {@link #CAUSE_TIME}), counts the checkpoint as started and returns the flags it runs with.
     */
    public int begin(int extraFlags) {
        lock.acquire();
        try {
            int flags = (int) SharedAtomics.getLong(region, FLAGS) | extraFlags;
            SharedAtomics.setLong(region, FLAGS, 0);
            SharedAtomics.setLong(region, STARTED, SharedAtomics.getLong(region, STARTED) + 1);
            long counter = (flags & REQUESTED) != 0 ? NUM_REQUESTED : NUM_TIMED;
            SharedAtomics.setLong(region, counter, SharedAtomics.getLong(region, counter) + 1);
            return flags;
        } finally {
            lock.release();
        }
    }

    /** Checkpointer: the checkpoint begun last has ended ({@code failed}: with an error). */
    public void finish(boolean failed) {
        lock.acquire();
        try {
            if (failed) {
                SharedAtomics.setLong(region, FAILED, SharedAtomics.getLong(region, FAILED) + 1);
            }
            SharedAtomics.setLong(region, DONE, SharedAtomics.getLong(region, STARTED));
        } finally {
            lock.release();
        }
    }

    /** Checkpoints begun because of a request (pg_stat_bgwriter.checkpoints_req). */
    public long requestedCount() {
        return SharedAtomics.getLong(region, NUM_REQUESTED);
    }

    /** Checkpoints begun because checkpoint_timeout passed (pg_stat_bgwriter.checkpoints_timed). */
    public long timedCount() {
        return SharedAtomics.getLong(region, NUM_TIMED);
    }
}
