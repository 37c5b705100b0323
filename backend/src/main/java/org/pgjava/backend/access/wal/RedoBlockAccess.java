package org.pgjava.backend.access.wal;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;

import java.lang.foreign.MemorySegment;

/**
 * How the redo driver reaches data pages; the lead implements it on the buffer manager (PostgreSQL's
 * XLogReadBufferExtended with RBM_ZERO_ON_ERROR / RBM_ZERO_AND_LOCK). Entry point: {@link #open}.
 */
public interface RedoBlockAccess {
    /**
     * The page of block {@code blockNumber}, pinned and exclusively locked until {@link RedoPage#close()}.
     * A block beyond the end of the fork extends the fork with zero pages; a missing relation file is
     * created. With {@code zeroPage} (the record carries a full image or re-initialises the page) the
     * contents need not be read and may be returned zeroed.
     */
    RedoPage open(RelFileLocator locator, ForkNumber fork, int blockNumber, boolean zeroPage);

    /** One open page during redo. */
    interface RedoPage extends AutoCloseable {
        /** The 8 KiB page. */
        MemorySegment page();

        /** Marks the buffer dirty (the driver calls it after changing the page). */
        void markDirty();

        /** Unlocks and unpins. */
        @Override
        void close();
    }
}
