package org.pgjava.backend.protocol;

import java.io.IOException;

/**
 * The byte stream to one client, as the backend process main (backend/main) provides it over the socket
 * it received from the postmaster. Reads and writes block. Bytes the client pipelined before the
 * hand-off (already read by the postmaster) are returned first by {@link #read}.
 */
public interface ClientChannel {
    /** Reads up to len bytes, blocking until at least one is available; -1 at end of stream. */
    int read(byte[] buf, int off, int len) throws IOException;

    /**
     * Waits up to {@code timeoutMillis} for input (or end of stream) to be available. Returns true when a
     * {@link #read} would not block, false when the time passed first. The default never times out
     * (channels without a way to wait, e.g. in-memory ones, always have their input ready).
     */
    default boolean awaitReadable(int timeoutMillis) throws IOException {
        return true;
    }

    /** Writes all len bytes, blocking as needed. */
    void write(byte[] buf, int off, int len) throws IOException;

    /** Flushes anything buffered to the socket. */
    void flush() throws IOException;

    /** Closes the socket (sends FIN); idempotent. */
    void close();

    /** Client address for logs and pg_stat_activity: an IP string, or null for a Unix-domain socket. */
    String remoteAddress();

    /** Client port, or -1 for a Unix-domain socket. */
    int remotePort();
}
