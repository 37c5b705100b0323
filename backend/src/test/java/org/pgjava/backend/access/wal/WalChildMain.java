package org.pgjava.backend.access.wal;

import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;
import org.pgjava.shmem.wal.WalShared;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM of {@link WalMultiProcessTest}: attaches the segment named in its environment as a backend
 * would, inserts records tagged (child, sequence), flushes each one (a commit), and appends
 * "tag endLsn" to its acknowledgement file after each flush returned. Usage:
 * {@code WalChildMain CHILD_ID SLOT COUNT WAL_BUFFERS PG_WAL_DIR ACK_FILE}. Exit 0 on success, 1 on failure.
 */
public final class WalChildMain {
    private WalChildMain() {
    }

    public static void main(String[] args) {
        try {
            int child = Integer.parseInt(args[0]);
            int slot = Integer.parseInt(args[1]);
            int count = Integer.parseInt(args[2]);
            int walBuffers = Integer.parseInt(args[3]);
            Path pgWal = Path.of(args[4]);
            Path ackFile = Path.of(args[5]);
            SegmentIdentity id = SegmentIdentity.fromEnvironmentValue(System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE));
            try (SharedSegment segment = SharedSegment.attach(id, WalFixture.layout(walBuffers));
                 PrintWriter ack = new PrintWriter(Files.newBufferedWriter(ackFile))) {
                LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(segment.region(WalFixture.WAIT_SLOTS)), slot);
                WalShared shared = new WalShared(segment.region(WalFixture.WAL), walBuffers, owner);
                try (WalInserter w = new WalInserter(shared, new WalSegments(pgWal, WalFixture.SEGMENT_SIZE),
                        WalSyncMethod.FDATASYNC, true, true, slot)) {
                    for (int i = 0; i < count; i++) {
                        long tag = (long) child << 32 | i;
                        long end = w.insert(RmgrIds.XACT, 0, child, List.of(),
                                WalInserterTest.payload(tag, 16 + (i * 37) % 2500));
                        w.flush(end);
                        ack.println(tag + " " + end);
                    }
                }
                if (owner.heldCount() != 0) {
                    throw new IllegalStateException("LWLocks still held: " + owner.heldCount());
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
