package org.pgjava.shmem.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.io.IOException;

/**
 * A blocking byte stream over one raw socket descriptor, with reusable native buffers so that a read or
 * write costs one JNA call and one copy. Used by the backend for the client socket it received from the
 * postmaster. Entry points: {@link #read}, {@link #write}, {@link #close}.
 *
 * <p>Preconditions: the descriptor is in blocking mode ({@link UnixSockets#setBlocking}). Writes use
 * send(MSG_NOSIGNAL) so a vanished client gives an IOException (EPIPE/ECONNRESET), never SIGPIPE.
 * Thread-safety: one reader thread and one writer thread at most; {@link #close} may be called from any
 * thread (it closes the descriptor once; a blocked read then returns end of stream or fails).
 */
public final class DescriptorStream {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final int fd;
    private final Memory readBuffer = new Memory(BUFFER_SIZE);
    private final Memory writeBuffer = new Memory(BUFFER_SIZE);
    private volatile boolean closed;

    /** Takes ownership of fd: {@link #close} closes it. */
    public DescriptorStream(int fd) {
        this.fd = fd;
    }

    /** The underlying descriptor (valid until {@link #close}). */
    public int descriptor() {
        return fd;
    }

    /**
     * Waits until the descriptor is readable (data, end of stream or an error pending) or the timeout
     * passes. Returns true when a read would not block (or the stream is closed), false on timeout.
     *
     * @param timeoutMillis how long to wait, at least 0
     * @throws IOException when poll fails
     */
    public boolean awaitReadable(int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (com.sun.jna.Memory pollfd = new com.sun.jna.Memory(8)) {
            while (true) {
                if (closed) {
                    return true;
                }
                pollfd.setInt(0, fd);
                pollfd.setShort(4, LibC.POLLIN);
                pollfd.setShort(6, (short) 0);
                int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                try {
                    return LibC.poll(pollfd, 1, left) > 0;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != LibC.EINTR) {
                        throw UnixSockets.io("could not poll client socket", e);
                    }
                }
            }
        }
    }

    /**
     * Reads up to len bytes, blocking until at least one is available.
     * @return the count read, or -1 at end of stream (also after {@link #close})
     * @throws IOException when read fails (ECONNRESET, ...)
     */
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (closed) {
                return -1;
            }
            long n;
            try {
                n = LibC.read(fd, readBuffer, Math.min(len, BUFFER_SIZE));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                if (closed) {
                    return -1;
                }
                throw UnixSockets.io("could not receive data from client", e);
            }
            if (n == 0) {
                return -1;
            }
            readBuffer.read(0, buf, off, (int) n);
            return (int) n;
        }
    }

    /**
     * Writes all len bytes, blocking as needed.
     * @throws IOException when the client is gone (EPIPE, ECONNRESET) or the stream was closed
     */
    public void write(byte[] buf, int off, int len) throws IOException {
        while (len > 0) {
            if (closed) {
                throw new IOException("connection closed");
            }
            int chunk = Math.min(len, BUFFER_SIZE);
            writeBuffer.write(0, buf, off, chunk);
            int done = 0;
            while (done < chunk) {
                try {
                    done += (int) LibC.send(fd, writeBuffer.share(done), chunk - done, LibC.MSG_NOSIGNAL);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != LibC.EINTR) {
                        throw UnixSockets.io("could not send data to client", e);
                    }
                }
            }
            off += chunk;
            len -= chunk;
        }
    }

    /** Closes the descriptor (the client sees FIN once no other process holds it); idempotent. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        UnixSockets.closeQuietly(fd);
    }

    /** True after {@link #close}. */
    public boolean isClosed() {
        return closed;
    }
}
