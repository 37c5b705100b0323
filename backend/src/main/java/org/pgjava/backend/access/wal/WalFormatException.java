package org.pgjava.backend.access.wal;

/** A WAL record or page whose bytes do not decode; the reader treats it as the end of WAL. */
public final class WalFormatException extends Exception {
    public WalFormatException(String message) {
        super(message);
    }
}
