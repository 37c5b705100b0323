package org.pgjava.backend.storage.buffer;

/**
 * The write-ahead rule's hook: before the buffer manager writes a dirty page, it calls
 * {@link #flushUpTo(long)} with the page's LSN (bytes 0..7 of the page: two native-order uint32, high =
 * xlogid, low = xrecoff), and the WAL must be durable up to that position when the call returns
 * (PostgreSQL's XLogFlush in FlushBuffer). Implemented by the WAL module; {@link #NONE} for processes and
 * tests without WAL.
 */
@FunctionalInterface
public interface WalFlusher {
    /**
     * Makes the WAL durable at least up to {@code lsn} (0 = nothing to flush). A failed WAL fsync must throw
     * (the WAL module's PANIC), never return.
     */
    void flushUpTo(long lsn);

    /** No WAL: every page may be written at once. */
    WalFlusher NONE = lsn -> {
    };
}
