package org.pgjava.backend.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;


/**
 * A {@link ClientChannel} without a socket: the client's whole conversation is given up front and handed
 * out in random fragments (1..maxFragment bytes per read, seeded), so framing bugs show; everything the
 * backend writes is collected. End of input reads as end of stream.
 */
final class InMemoryChannel implements ClientChannel {
    private final byte[] input;
    private final Random random;
    private final int maxFragment;
    private int pos;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int flushes;
    boolean closed;

    InMemoryChannel(byte[] input, long seed, int maxFragment) {
        this.input = input;
        this.random = new Random(seed);
        this.maxFragment = maxFragment;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("closed");
        if (pos >= input.length) return -1;
        int n = Math.min(Math.min(len, 1 + random.nextInt(maxFragment)), input.length - pos);
        System.arraycopy(input, pos, buf, off, n);
        pos += n;
        return n;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("closed");
        written.write(buf, off, len);
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }

    @Override
    public int remotePort() {
        return 50000;
    }
}
