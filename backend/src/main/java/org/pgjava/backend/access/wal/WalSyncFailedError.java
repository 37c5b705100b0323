package org.pgjava.backend.access.wal;

/**
 * An fsync / fdatasync of WAL failed (or failed earlier in some process: the shared "sync failed" flag is
 * set). The data the kernel dropped cannot be recovered by retrying, so this is a PANIC: the process exits
 * abnormally, crash-restart replays WAL from the last checkpoint. Message as PostgreSQL's
 * {@code could not fdatasync file "...": ...}.
 */
public final class WalSyncFailedError extends WalPanicError {
    public WalSyncFailedError(String message, Throwable cause) {
        super(message, cause);
    }
}
