package org.pgjava.shmem.buffer;

/**
 * The 64-bit state word of a buffer descriptor, PostgreSQL's {@code BufferDesc.state}: pin count, usage
 * count and flags packed so that pinning, unpinning and setting flags are each one compare-and-set. This
 * class only names the bits and decodes words; {@link BufferDescriptors} reads and writes them.
 *
 * <h2>Bit layout</h2>
 * <pre>
 * bits  0-23  refcount: how many pins all processes together hold (each process counts 1 however many
 *             times it pinned; the per-process count is private memory)
 * bits 24-27  usage count 0..{@value #BM_MAX_USAGE_COUNT}: raised by a pin, lowered by the clock sweep
 * bits 28-31  zero
 * bit  32     BM_LOCKED              the buffer header spinlock
 * bit  33     BM_DIRTY               the page differs from the disk copy
 * bit  34     BM_VALID               the page holds the block named by the tag
 * bit  35     BM_TAG_VALID           the tag is set and the buffer is in the mapping table
 * bit  36     BM_IO_IN_PROGRESS      a read or write of the page is running
 * bit  37     BM_IO_ERROR            the last I/O failed
 * bit  38     BM_JUST_DIRTIED        dirtied again since the running write started
 * bit  39     BM_CHECKPOINT_NEEDED   dirty when the running checkpoint started: it must write the page
 * bit  40     BM_PERMANENT           a permanent (WAL-logged) relation's page: checkpoints write it
 * bits 41-63  zero
 * </pre>
 * All-zero: unused buffer (no tag, no pins, not valid).
 */
public final class BufferState {
    /** Refcount bits. */
    public static final long REFCOUNT_MASK = (1L << 24) - 1;
    /** One pin. */
    public static final long REFCOUNT_ONE = 1L;
    /** Shift of the usage count. */
    public static final int USAGE_COUNT_SHIFT = 24;
    /** Usage count bits. */
    public static final long USAGE_COUNT_MASK = 0xFL << USAGE_COUNT_SHIFT;
    /** One unit of usage count. */
    public static final long USAGE_COUNT_ONE = 1L << USAGE_COUNT_SHIFT;
    /** PostgreSQL's BM_MAX_USAGE_COUNT: the clock sweep passes a buffer at most this many times. */
    public static final int BM_MAX_USAGE_COUNT = 5;

    public static final long BM_LOCKED = 1L << 32;
    public static final long BM_DIRTY = 1L << 33;
    public static final long BM_VALID = 1L << 34;
    public static final long BM_TAG_VALID = 1L << 35;
    public static final long BM_IO_IN_PROGRESS = 1L << 36;
    public static final long BM_IO_ERROR = 1L << 37;
    public static final long BM_JUST_DIRTIED = 1L << 38;
    public static final long BM_CHECKPOINT_NEEDED = 1L << 39;
    public static final long BM_PERMANENT = 1L << 40;

    /** Every flag bit. */
    public static final long FLAG_MASK = BM_LOCKED | BM_DIRTY | BM_VALID | BM_TAG_VALID | BM_IO_IN_PROGRESS
            | BM_IO_ERROR | BM_JUST_DIRTIED | BM_CHECKPOINT_NEEDED | BM_PERMANENT;

    private BufferState() {
    }

    /** The pin count in {@code state}. */
    public static int refcount(long state) {
        return (int) (state & REFCOUNT_MASK);
    }

    /** The usage count in {@code state}. */
    public static int usageCount(long state) {
        return (int) ((state & USAGE_COUNT_MASK) >>> USAGE_COUNT_SHIFT);
    }

    /** True if every bit of {@code flags} is set in {@code state}. */
    public static boolean has(long state, long flags) {
        return (state & flags) == flags;
    }

    /** {@code state} with one more pin and (when below the maximum) one more usage. */
    public static long pinned(long state) {
        long next = state + REFCOUNT_ONE;
        if (usageCount(state) < BM_MAX_USAGE_COUNT) {
            next += USAGE_COUNT_ONE;
        }
        return next;
    }

    /**
     * {@code state} with one pin less.
     *
     * @throws IllegalStateException if the refcount is already zero
     */
    public static long unpinned(long state) {
        if (refcount(state) == 0) {
            throw new IllegalStateException("buffer refcount underflow, state " + describe(state));
        }
        return state - REFCOUNT_ONE;
    }

    /** Readable form for messages: {@code refcount=1 usage=2 [DIRTY VALID ...]}. */
    public static String describe(long state) {
        StringBuilder sb = new StringBuilder("refcount=").append(refcount(state)).append(" usage=")
                .append(usageCount(state)).append(" [");
        String[] names = {"LOCKED", "DIRTY", "VALID", "TAG_VALID", "IO_IN_PROGRESS", "IO_ERROR", "JUST_DIRTIED",
                "CHECKPOINT_NEEDED", "PERMANENT"};
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
            if ((state & (1L << (32 + i))) != 0) {
                sb.append(first ? "" : " ").append(names[i]);
                first = false;
            }
        }
        return sb.append(']').toString();
    }
}
