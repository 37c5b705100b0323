package org.pgjava.backend.storage.buffer;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.smgr.ForwardingSyncSink;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.buffer.SharedBufferPool;
import org.pgjava.shmem.lock.LWLockMode;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A child JVM of {@link BufferPoolCrossProcessTest}: attaches the segment, builds its own storage and
 * buffer manager (as a backend will), and increments page counters. Usage:
 * {@code BufferChildMain DATA SLOT ITERATIONS NBUFFERS BLOCKS SEGMENT_BLOCKS}. Exit 0 on success.
 *
 * <p>Page layout used: offset 0..7 page LSN (left 0), 64 total counter (long), 128 + 8 × slot per-child
 * counter (long). Invariant under any content lock: total = sum of per-child counters.
 */
public final class BufferChildMain {
    static final RelFileLocator REL = RelFileLocator.of(5, 24576);
    static final long TOTAL = 64, PER_CHILD = 128;

    private BufferChildMain() {
    }

    /** Block of iteration {@code i} of child {@code slot}. */
    static int blockOf(int slot, int i, int blocks) {
        return (i * 7 + slot * 13) % blocks;
    }

    public static void main(String[] args) {
        try {
            Path data = Path.of(args[0]);
            int slot = Integer.parseInt(args[1]);
            int iterations = Integer.parseInt(args[2]);
            int nbuffers = Integer.parseInt(args[3]);
            int blocks = Integer.parseInt(args[4]);
            int segmentBlocks = Integer.parseInt(args[5]);
            SegmentIdentity id = SegmentIdentity.fromEnvironmentValue(System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE));
            try (SharedSegment segment = SharedSegment.attach(id, BufferPoolFixture.layout(nbuffers))) {
                LWLockOwner owner = BufferPoolFixture.owner(segment::region, slot);
                SharedBufferPool pool = SharedBufferPool.attach(segment::region, nbuffers, owner);
                MemorySegment words = segment.region(BufferPoolFixture.WORDS);
                try (StorageManager smgr = new StorageManager(data, new ForwardingSyncSink(pool.syncQueue()),
                        segmentBlocks, 16, true)) {
                    BufferManager bm = new BufferManager(pool, smgr, lsn -> {
                        if (lsn != 0) {
                            throw new IllegalStateException("unexpected page LSN " + lsn);
                        }
                    });
                    SharedAtomics.getAndAddLong(words, BufferPoolFixture.ATTACHED, 1);
                    while (SharedAtomics.getLong(words, BufferPoolFixture.GO) == 0) {
                        LockSupport.parkNanos(100_000);
                    }
                    for (int i = 0; i < iterations; i++) {
                        int buf = bm.readBuffer(REL, ForkNumber.MAIN, blockOf(slot, i, blocks));
                        bm.lockContent(buf, LWLockMode.EXCLUSIVE);
                        MemorySegment page = bm.page(buf);
                        long total = page.get(ValueLayout.JAVA_LONG, TOTAL);
                        if ((i & 31) == 0) {
                            Thread.yield();  // widen the window a lost update would need
                        }
                        page.set(ValueLayout.JAVA_LONG, TOTAL, total + 1);
                        long mine = PER_CHILD + 8L * slot;
                        page.set(ValueLayout.JAVA_LONG, mine, page.get(ValueLayout.JAVA_LONG, mine) + 1);
                        bm.markDirty(buf);
                        bm.unlockReleaseBuffer(buf);
                        if (i % 5 == 0) {  // a reader: the invariant holds under a share lock
                            int other = bm.readBuffer(REL, ForkNumber.MAIN, (i / 5) % blocks);
                            bm.lockContent(other, LWLockMode.SHARED);
                            MemorySegment p = bm.page(other);
                            long sum = 0;
                            for (int c = 0; c < 16; c++) {
                                sum += p.get(ValueLayout.JAVA_LONG, PER_CHILD + 8L * c);
                            }
                            if (sum != p.get(ValueLayout.JAVA_LONG, TOTAL)) {
                                throw new IllegalStateException("torn page seen under a share lock: block "
                                        + bm.blockNumber(other) + " total " + p.get(ValueLayout.JAVA_LONG, TOTAL)
                                        + " sum " + sum);
                            }
                            bm.unlockReleaseBuffer(other);
                        }
                    }
                    if (bm.pinnedBufferCount() != 0 || owner.heldCount() != 0) {
                        throw new IllegalStateException("pins or locks left: " + bm.pinnedBufferCount() + " "
                                + owner.heldCount());
                    }
                    SharedAtomics.getAndAddLong(words, BufferPoolFixture.DONE, 1);
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
