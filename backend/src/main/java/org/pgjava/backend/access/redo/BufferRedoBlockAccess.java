package org.pgjava.backend.access.redo;

import java.lang.foreign.MemorySegment;

import org.pgjava.backend.access.wal.RedoBlockAccess;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.buffer.BufferManager;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.shmem.lock.LWLockMode;

/**
 * The redo driver's page access on the buffer manager (PostgreSQL's XLogReadBufferExtended): a missing
 * relation file is created, a block beyond the end of the fork is reached by extending the fork with zero
 * pages, and the page is returned pinned and exclusively locked. With {@code zeroPage} the page is zeroed
 * (the record carries a full image or re-initialises it). Pages changed by redo are marked dirty in the pool
 * and reach disk at the end-of-recovery checkpoint. Entry point: {@link #open}.
 *
 * <p>Process-safety: the startup process's thread (the buffer manager's owner).
 */
public final class BufferRedoBlockAccess implements RedoBlockAccess {
    private final BufferManager buffers;
    private final StorageManager smgr;

    public BufferRedoBlockAccess(BufferManager buffers) {
        this.buffers = buffers;
        this.smgr = buffers.storageManager();
    }

    @Override
    public RedoPage open(RelFileLocator locator, ForkNumber fork, int blockNumber, boolean zeroPage) {
        long block = Integer.toUnsignedLong(blockNumber);
        if (!smgr.exists(locator, fork)) {
            smgr.create(locator, fork, true);
        }
        int buf;
        long nblocks = smgr.nblocks(locator, fork);
        if (block < nblocks) {
            buf = buffers.readBuffer(locator, fork, block);
            buffers.lockContent(buf, LWLockMode.EXCLUSIVE);
        } else {
            while (true) {
                buf = buffers.extend(locator, fork); // pinned and locked exclusively
                if (buffers.blockNumber(buf) >= block) {
                    break;
                }
                buffers.unlockReleaseBuffer(buf);
            }
        }
        if (zeroPage) {
            buffers.page(buf).fill((byte) 0);
        }
        int b = buf;
        return new RedoPage() {
            private boolean closed;

            @Override
            public MemorySegment page() {
                return buffers.page(b);
            }

            @Override
            public void markDirty() {
                buffers.markDirty(b);
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    buffers.unlockReleaseBuffer(b);
                }
            }
        };
    }
}
