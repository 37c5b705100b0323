package org.pgjava.shmem.handoff;

import org.pgjava.shmem.os.UnixSockets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A backend's end of the hand-off protocol ({@link HandoffMessages}): connect to the postmaster, announce
 * readiness, wait for a client, report when done. Entry points: {@link #connect}, {@link #announceReady},
 * {@link #awaitNext}, {@link #reportDone}.
 *
 * <p>Thread-safety: used by the backend's main thread only; {@link #close} from any thread.
 */
public final class HandoffClient implements AutoCloseable {

    /** What {@link #awaitNext} can return. */
    public sealed interface Incoming permits Client, Quit, Closed {
    }

    /** A client: its socket descriptor (owned by the caller now, close-on-exec) and the payload. */
    public record Client(int descriptor, HandoffPayload payload) implements Incoming {
    }

    /** The postmaster asked this idle backend to exit. */
    public record Quit() implements Incoming {
    }

    /** The postmaster closed the connection (it is shutting down or gone). */
    public record Closed() implements Incoming {
    }

    private final int fd;

    private HandoffClient(int fd) {
        this.fd = fd;
    }

    /**
     * Connects to the postmaster's hand-off socket.
     * @throws IOException when the socket does not exist or refuses the connection
     */
    public static HandoffClient connect(Path socketPath) throws IOException {
        return new HandoffClient(UnixSockets.connect(socketPath));
    }

    /** Sends READY with this process's pid and the token from the environment. */
    public void announceReady(int pid, String token) throws IOException {
        byte[] msg = HandoffMessages.frame(HandoffMessages.READY, HandoffMessages.readyBody(pid, token));
        UnixSockets.writeFully(fd, msg, 0, msg.length);
    }

    /** Sends DONE: reusable = waiting for another client, false = about to exit. */
    public void reportDone(boolean reusable) throws IOException {
        byte[] msg = HandoffMessages.frame(HandoffMessages.DONE, new byte[]{(byte) (reusable ? 1 : 0)});
        UnixSockets.writeFully(fd, msg, 0, msg.length);
    }

    /**
     * Blocks until the postmaster sends something.
     * @return a {@link Client} (the caller owns the descriptor), {@link Quit}, or {@link Closed} at EOF
     * @throws IOException on a malformed message or read failure (any received descriptor is closed)
     */
    public Incoming awaitNext() throws IOException {
        byte[] header = new byte[5];
        UnixSockets.Received r = UnixSockets.receiveWithDescriptor(fd, header, 0, 5);
        if (r.endOfStream()) {
            return new Closed();
        }
        int descriptor = r.descriptor();
        try {
            if (r.length() < 5 && !UnixSockets.readFully(fd, header, r.length(), 5 - r.length())) {
                throw new IOException("hand-off connection closed inside a message header");
            }
            ByteBuffer h = ByteBuffer.wrap(header);
            byte type = h.get();
            int len = h.getInt();
            if (len < 4 || len > HandoffMessages.MAX_LENGTH) {
                throw new IOException("bad hand-off message length " + len);
            }
            byte[] body = new byte[len - 4];
            if (body.length > 0 && !UnixSockets.readFully(fd, body, 0, body.length)) {
                throw new IOException("hand-off connection closed inside a message");
            }
            if (type == HandoffMessages.QUIT) {
                if (descriptor >= 0) {
                    UnixSockets.closeQuietly(descriptor);
                }
                return new Quit();
            }
            if (type != HandoffMessages.HANDOFF || descriptor < 0) {
                throw new IOException("unexpected hand-off message '" + (char) type + "'"
                        + (descriptor < 0 ? " without a descriptor" : ""));
            }
            HandoffPayload payload = HandoffPayload.decode(body);
            int result = descriptor;
            descriptor = -1;
            return new Client(result, payload);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed hand-off payload: " + e.getMessage(), e);
        } finally {
            if (descriptor >= 0) {
                UnixSockets.closeQuietly(descriptor);
            }
        }
    }

    /** Closes the connection (the postmaster sees EOF). */
    @Override
    public void close() {
        UnixSockets.closeQuietly(fd);
    }
}
