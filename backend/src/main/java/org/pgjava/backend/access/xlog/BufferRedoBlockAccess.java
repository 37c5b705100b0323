package org.pgjava.backend.access.xlog;

import org.pgjava.backend.access.wal.RedoBlockAccess;
import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;
import org.pgjava.backend.storage.buffer.BufferManager;
import org.pgjava.backend.storage.smgr.StorageManager;
import org.pgjava.shmem.lock.LWLockMode;

import java.lang.foreign.MemorySegment;

/**
 * The redo driver's page access through the shared buffer pool (PostgreSQL's XLogReadBufferExtended with
 * RBM_ZERO_ON_ERROR semantics for missing data): a missing relation file is created, a block beyond the end
 * of the fork extends the fork with zero pages, and the block is returned pinned and exclusively locked.
 * Pages changed by redo are marked dirty in the pool and reach disk at the end-of-recovery checkpoint.
 * Entry point: {@link #open}.
 *
 * <p>Process-safety: used by the startup process's main thread only, while no other process uses the pool.
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
        if (!smgr.exists(locator, fork)) {
            smgr.create(locator, fork, true);
        }
        long block = Integer.toUnsignedLong(blockNumber);
        while (smgr.nblocks(locator, fork) <= block) {
            int added = buffers.extend(locator, fork);
            buffers.unlockReleaseBuffer(added);
        }
        int buf = buffers.readBuffer(locator, fork, block);
        buffers.lockContent(buf, LWLockMode.EXCLUSIVE);
        MemorySegment page = buffers.page(buf);
        if (zeroPage) {
            page.fill((byte) 0);
        }
        return new RedoPage() {
            @Override
            public MemorySegment page() {
                return page;
            }

            @Override
            public void markDirty() {
                buffers.markDirty(buf);
            }

            @Override
            public void close() {
                buffers.unlockReleaseBuffer(buf);
            }
        };
    }
}
