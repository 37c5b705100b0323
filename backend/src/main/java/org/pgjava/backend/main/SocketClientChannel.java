package org.pgjava.backend.main;

import org.pgjava.backend.protocol.ClientChannel;
import org.pgjava.shmem.os.DescriptorStream;
import org.pgjava.shmem.os.LibC;

import java.io.IOException;

/**
 * {@link ClientChannel} over the client socket descriptor a backend received from the postmaster:
 * blocking JNA read/write ({@link DescriptorStream}), an output buffer flushed by {@link #flush}, and the
 * bytes the client pipelined before the hand-off served first. Entry point: the constructor (the
 * descriptor must already be in blocking mode).
 *
 * <p>Thread-safety: the session thread reads and writes; {@link #writeFatalAndShutdown} may be called
 * from the signal-handling thread (writes are synchronized). {@link #close} closes the descriptor once.
 */
public final class SocketClientChannel implements ClientChannel {
    private static final int OUT_BUFFER = 16 * 1024;

    private final DescriptorStream stream;
    private final byte[] pipelined;
    private int pipelinedPos;
    private final String remoteAddress;
    private final int remotePort;
    private final byte[] out = new byte[OUT_BUFFER];
    private int outLen;

    /**
     * @param fd            the client socket (blocking mode); owned by this channel from now on
     * @param pipelined     bytes to return before reading the socket (may be empty)
     * @param remoteAddress client IP, null for a Unix-domain socket
     * @param remotePort    client port, -1 for a Unix-domain socket
     */
    public SocketClientChannel(int fd, byte[] pipelined, String remoteAddress, int remotePort) {
        this.stream = new DescriptorStream(fd);
        this.pipelined = pipelined;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (pipelinedPos < pipelined.length) {
            int n = Math.min(len, pipelined.length - pipelinedPos);
            System.arraycopy(pipelined, pipelinedPos, buf, off, n);
            pipelinedPos += n;
            return n;
        }
        return stream.read(buf, off, len);
    }

    @Override
    public boolean awaitReadable(int timeoutMillis) throws IOException {
        return pipelinedPos < pipelined.length || stream.awaitReadable(timeoutMillis);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
        if (len > OUT_BUFFER - outLen) {
            flush();
            if (len >= OUT_BUFFER) {
                stream.write(buf, off, len);
                return;
            }
        }
        System.arraycopy(buf, off, out, outLen, len);
        outLen += len;
    }

    @Override
    public synchronized void flush() throws IOException {
        if (outLen > 0) {
            int n = outLen;
            outLen = 0;
            stream.write(out, 0, n);
        }
    }

    /**
     * For SIGTERM while the session is idle in a blocking read (FATAL 57P01), and for the crash quit (WARNING
     * 57P02): sends one message (an ErrorResponse or NoticeResponse) and
     * shuts the socket down both ways, so the session's read returns end of stream and the client sees FIN.
     * Errors are ignored (the client may be gone).
     */
    public synchronized void writeFatalAndShutdown(byte[] message) {
        try {
            flush();
            stream.write(message, 0, message.length);
        } catch (IOException ignored) {
            // client gone
        }
        if (!stream.isClosed()) {
            try {
                LibC.shutdown(stream.descriptor(), 2);
            } catch (com.sun.jna.LastErrorException ignored) {
                // not connected any more
            }
        }
    }

    @Override
    public void close() {
        stream.close();
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public int remotePort() {
        return remotePort;
    }
}
