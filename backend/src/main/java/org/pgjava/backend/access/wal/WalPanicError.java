package org.pgjava.backend.access.wal;

/**
 * A WAL failure after which the server must not go on: a write to a WAL segment failed, or the WAL's
 * reserved space could not be filled. The process that catches it reports a PANIC and exits abnormally, so
 * the postmaster runs crash-restart (PostgreSQL's PANIC inside XLogWrite / a critical section). Never
 * caught to retry.
 */
public class WalPanicError extends Error {
    public WalPanicError(String message, Throwable cause) {
        super(message, cause);
    }
}
