package org.pgjava.backend.access.wal;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;

/**
 * One block reference of a decoded WAL record (PostgreSQL's DecodedBkpBlock).
 *
 * @param blockId     the id the inserter gave it
 * @param locator     relation file
 * @param fork        fork
 * @param blockNumber block number (unsigned 32 bits in an int)
 * @param willInit    redo re-initialises the page
 * @param image       the full 8 KiB page image with its hole re-filled with zeros, or null
 * @param data        the per-block data, or an empty array
 */
public record DecodedBlock(int blockId, RelFileLocator locator, ForkNumber fork, int blockNumber, boolean willInit,
                           byte[] image, byte[] data) {
    /** True if the record carries a full-page image of this block. */
    public boolean hasImage() {
        return image != null;
    }
}
