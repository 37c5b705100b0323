package org.pgjava.shmem.sinval;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.pgjava.shmem.atomic.SharedAtomics;
import org.pgjava.shmem.lock.LWLockOwner;
import org.pgjava.shmem.lock.LWLockWaitSlots;
import org.pgjava.shmem.segment.SegmentIdentity;
import org.pgjava.shmem.segment.SharedSegment;

/**
 * A child JVM of {@link SharedInvalidationQueueCrossProcessTest}. Usage:
 * {@code SinvalChildMain writer WAIT_SLOT WRITER_ID COUNT} or
 * {@code SinvalChildMain reader WAIT_SLOT READER_INDEX DELAY_MICROS}. Exit 0 on success, 1 on any failure.
 *
 * <p>Writer {@code w} inserts catcache messages (cacheId w, databaseOid = sequence number 0..COUNT-1,
 * objectId = {@link #check}(w, seq)) in random batches of 1..20. A reader joins before the parent says go,
 * then checks every message: the check value matches (no torn message) and each writer's sequence
 * numbers arrive consecutively from 0, except that after a RESET a gap is allowed.
 */
public final class SinvalChildMain {
    private SinvalChildMain() {
    }

    static long check(int writer, long seq) {
        return (seq * 0x9E3779B1L + writer * 0x85EBCA77L) & 0xFFFFFFFFL;
    }

    public static void main(String[] args) {
        try {
            String role = args[0];
            int waitSlot = Integer.parseInt(args[1]);
            int id = Integer.parseInt(args[2]);
            int param = Integer.parseInt(args[3]);
            SegmentIdentity sid = SegmentIdentity.fromEnvironmentValue(System.getenv(SegmentIdentity.ENVIRONMENT_VARIABLE));
            try (SharedSegment segment = SharedSegment.attach(sid, SharedInvalidationQueueCrossProcessTest.layout())) {
                LWLockOwner owner = new LWLockOwner(new LWLockWaitSlots(
                        segment.region(SharedInvalidationQueueCrossProcessTest.WAIT_SLOTS)), waitSlot);
                SharedInvalidationQueue queue = new SharedInvalidationQueue(
                        segment.region(SharedInvalidationQueueCrossProcessTest.QUEUE),
                        SharedInvalidationQueueCrossProcessTest.QUEUE_SLOTS,
                        SharedInvalidationQueueCrossProcessTest.QUEUE_SIZE, owner);
                MemorySegment w = segment.region(SharedInvalidationQueueCrossProcessTest.WORDS);
                if (role.equals("reader")) {
                    queue.join(id, (int) ProcessHandle.current().pid());
                }
                SharedAtomics.getAndAddLong(w, SharedInvalidationQueueCrossProcessTest.ATTACHED, 1);
                while (SharedAtomics.getLong(w, SharedInvalidationQueueCrossProcessTest.GO) == 0) {
                    LockSupport.parkNanos(100_000);
                }
                if (role.equals("writer")) {
                    write(queue, id, param);
                    SharedAtomics.getAndAddLong(w, SharedInvalidationQueueCrossProcessTest.WRITERS_DONE, 1);
                } else {
                    read(queue, w, id, param);
                }
                if (owner.heldCount() != 0) {
                    throw new IllegalStateException("locks still held");
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void write(SharedInvalidationQueue queue, int writer, int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long seq = 0;
        while (seq < count) {
            int batch = (int) Math.min(count - seq, 1 + random.nextInt(20));
            List<InvalidationMessage> messages = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++, seq++) {
                messages.add(InvalidationMessage.catcache(writer, seq, check(writer, seq)));
            }
            queue.insert(messages);
        }
    }

    private static void read(SharedInvalidationQueue queue, MemorySegment w, int reader, int delayMicros) {
        long base = SharedInvalidationQueueCrossProcessTest.readerWords(reader);
        long[] expectedNext = new long[SharedInvalidationQueueCrossProcessTest.MAX_WRITERS];
        boolean[] resetSinceLast = new boolean[expectedNext.length];
        InvalidationMessage[] buffer = new InvalidationMessage[8];
        long received = 0;
        long resets = 0;
        while (true) {
            boolean writersDone = SharedAtomics.getLong(w, SharedInvalidationQueueCrossProcessTest.STOP) != 0;
            int n = queue.read(reader, buffer);
            if (n == SharedInvalidationQueue.RESET) {
                resets++;
                java.util.Arrays.fill(resetSinceLast, true);
                continue;
            }
            for (int i = 0; i < n; i++) {
                InvalidationMessage m = buffer[i];
                int writer = m.cacheId();
                long seq = m.databaseOid();
                if (m.kind() != InvalidationMessage.Kind.CATCACHE || writer >= expectedNext.length
                        || m.objectId() != check(writer, seq)) {
                    throw new IllegalStateException("torn or foreign message " + m);
                }
                if (seq != expectedNext[writer] && !(resetSinceLast[writer] && seq > expectedNext[writer])) {
                    throw new IllegalStateException("writer " + writer + ": got seq " + seq + ", expected "
                            + expectedNext[writer] + " (reset since last: " + resetSinceLast[writer] + ")");
                }
                expectedNext[writer] = seq + 1;
                resetSinceLast[writer] = false;
            }
            received += n;
            if (n == 0 && writersDone) {
                break;          // the STOP flag was set before this read: everything has been drained
            }
            if (delayMicros > 0) {
                LockSupport.parkNanos(delayMicros * 1000L);
            }
        }
        SharedAtomics.setLong(w, base, received);
        SharedAtomics.setLong(w, base + 8, resets);
        for (int i = 0; i < expectedNext.length; i++) {
            SharedAtomics.setLong(w, base + 16 + 8L * i, resetSinceLast[i] ? -1 : expectedNext[i]);
        }
        queue.leave(reader);
    }
}
