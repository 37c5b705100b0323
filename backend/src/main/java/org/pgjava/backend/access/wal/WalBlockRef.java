package org.pgjava.backend.access.wal;

import org.pgjava.backend.storage.ForkNumber;
import org.pgjava.backend.storage.RelFileLocator;

import java.lang.foreign.MemorySegment;

/**
 * One block a WAL record changes, as the caller of {@link WalInserter#insert} describes it (PostgreSQL's
 * XLogRegisterBuffer + XLogRegisterBufData). The caller holds the buffer's content lock exclusively and has
 * already changed {@code page}; after insert it sets the page LSN to the returned end LSN.
 *
 * @param blockId     0..32, distinct and ascending within a record (the handler finds blocks by id)
 * @param locator     relation file
 * @param fork        fork
 * @param blockNumber block number in the fork (unsigned 32 bits)
 * @param page        the 8 KiB page (for the full-page-image decision and image), or null when the block
 *                    never needs an image (then {@link #WILL_INIT} is implied)
 * @param flags       {@link #STANDARD_PAGE}, {@link #WILL_INIT}, {@link #FORCE_IMAGE}
 * @param data        per-block data for the redo handler (≤ 65535 bytes), or null
 */
public record WalBlockRef(int blockId, RelFileLocator locator, ForkNumber fork, int blockNumber, MemorySegment page,
                          int flags, byte[] data) {
    /** The page has PostgreSQL's standard header: the hole between pd_lower and pd_upper may be left out. */
    public static final int STANDARD_PAGE = 1;
    /** Redo re-initialises the page from scratch: never take a full-page image (REGBUF_WILL_INIT). */
    public static final int WILL_INIT = 2;
    /** Always include a full-page image (REGBUF_FORCE_IMAGE). */
    public static final int FORCE_IMAGE = 4;

    public WalBlockRef {
        if (blockId < 0 || blockId > WalRecord.MAX_BLOCK_ID) {
            throw new IllegalArgumentException("block id " + blockId + " out of range");
        }
        if (page != null && page.byteSize() != PageLsn.BLOCK_SIZE) {
            throw new IllegalArgumentException("page must be " + PageLsn.BLOCK_SIZE + " bytes");
        }
        if (data != null && data.length > 0xFFFF) {
            throw new IllegalArgumentException("block data of " + data.length + " bytes exceeds 65535");
        }
    }

    /** A standard heap/index page changed as described by {@code data}. */
    public static WalBlockRef standard(int blockId, RelFileLocator locator, ForkNumber fork, int blockNumber,
                                       MemorySegment page, byte[] data) {
        return new WalBlockRef(blockId, locator, fork, blockNumber, page, STANDARD_PAGE, data);
    }
}
