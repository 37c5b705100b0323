package org.pgjava.shmem.handoff;

import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.UnixSockets;

import java.io.IOException;

/**
 * The postmaster's view of one backend's hand-off connection: send it a client ({@link #handOff}) or tell
 * it to exit ({@link #requestExit}). Created by {@link HandoffServer}; the reader side lives there.
 *
 * <p>Thread-safety: sends are synchronized; {@link #close} may be called from any thread and is
 * idempotent (the descriptor is shut down first so a blocked reader wakes up, then closed once).
 */
public final class BackendLink {
    final int fd;
    volatile int pid;
    private boolean closed;

    BackendLink(int fd) {
        this.fd = fd;
    }

    /** The pid the backend announced, or 0 before its READY message. */
    public int pid() {
        return pid;
    }

    /**
     * Sends one 'H' message: the client descriptor as SCM_RIGHTS plus the encoded payload, in one sendmsg
     * (MSG_DONTWAIT: never blocks the caller's event loop; the rare remainder of a partial send is written
     * blocking). The caller still owns clientFd afterwards and must close its own copy.
     * @throws IOException when the backend is gone or its socket buffer is full
     */
    public synchronized void handOff(int clientFd, HandoffPayload payload) throws IOException {
        if (closed) {
            throw new IOException("hand-off link closed");
        }
        byte[] msg = HandoffMessages.frame(HandoffMessages.HANDOFF, payload.encode());
        int sent = UnixSockets.sendWithDescriptor(fd, msg, 0, msg.length, clientFd, LibC.MSG_DONTWAIT);
        if (sent < msg.length) {
            UnixSockets.writeFully(fd, msg, sent, msg.length - sent);
        }
    }

    /** Sends 'Q': an idle backend exits. Errors are ignored (the backend is gone anyway). */
    public synchronized void requestExit() {
        if (closed) {
            return;
        }
        byte[] msg = HandoffMessages.frame(HandoffMessages.QUIT, new byte[0]);
        try {
            UnixSockets.writeFully(fd, msg, 0, msg.length);
        } catch (IOException ignored) {
            // gone
        }
    }

    /** Shuts down and closes the connection (the backend sees EOF); idempotent. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            LibC.shutdown(fd, 2);
        } catch (com.sun.jna.LastErrorException ignored) {
            // already disconnected
        }
        UnixSockets.closeQuietly(fd);
    }

    @Override
    public String toString() {
        return "BackendLink[pid=" + pid + "]";
    }
}
