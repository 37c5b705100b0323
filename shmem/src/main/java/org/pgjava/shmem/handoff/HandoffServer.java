package org.pgjava.shmem.handoff;

import org.pgjava.shmem.os.LibC;
import org.pgjava.shmem.os.UnixSockets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The postmaster's end of the hand-off protocol ({@link HandoffMessages}): a listening AF_UNIX socket that
 * backends connect to, one {@link BackendLink} per connected backend, and a reader thread per link that
 * turns the backend's messages into {@link Listener} calls. Entry points: {@link #start}, {@link #close}.
 *
 * <p>Threads: one acceptor thread, plus one small reader thread per backend (they block in read(2) on a
 * raw descriptor, which virtual threads would do on a pinned carrier). Listener methods run on those
 * threads and must hand work to the caller's own executor if it needs serialisation.
 */
public final class HandoffServer implements AutoCloseable {

    /** What the postmaster learns from backends. Called from hand-off threads. */
    public interface Listener {
        /** A backend announced itself ready for clients. */
        void onReady(BackendLink link, int pid, String token);

        /** The backend finished its client: reusable = it reset and waits for another one. */
        void onClientDone(BackendLink link, boolean reusable);

        /** End of stream or error on the link: the backend is gone (or misbehaved and was dropped). */
        void onDisconnected(BackendLink link);
    }

    private final Path socketPath;
    private final int listenFd;
    private final Listener listener;
    private final Thread acceptor;
    private final Set<BackendLink> links = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private HandoffServer(Path socketPath, int listenFd, Listener listener) {
        this.socketPath = socketPath;
        this.listenFd = listenFd;
        this.listener = listener;
        this.acceptor = Thread.ofPlatform().name("handoff-acceptor").daemon().unstarted(this::acceptLoop);
    }

    /**
     * Binds the hand-off socket at socketPath (removing a stale file there first; the parent directory
     * must exist and should be mode 0700) and starts accepting backends.
     * @throws IOException when the socket cannot be created
     */
    public static HandoffServer start(Path socketPath, Listener listener) throws IOException {
        Files.deleteIfExists(socketPath);
        int fd = UnixSockets.listen(socketPath, 128);
        HandoffServer server = new HandoffServer(socketPath, fd, listener);
        server.acceptor.start();
        return server;
    }

    /** The socket path backends connect to. */
    public Path socketPath() {
        return socketPath;
    }

    private void acceptLoop() {
        while (!closed) {
            int fd;
            try {
                fd = UnixSockets.accept(listenFd);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            BackendLink link = new BackendLink(fd);
            links.add(link);
            Thread.ofPlatform().name("handoff-link-" + fd).daemon().stackSize(256 * 1024)
                    .start(() -> readLoop(link));
        }
    }

    private void readLoop(BackendLink link) {
        byte[] header = new byte[5];
        try {
            while (true) {
                if (!UnixSockets.readFully(link.fd, header, 0, 5)) {
                    break;
                }
                ByteBuffer h = ByteBuffer.wrap(header);
                byte type = h.get();
                int len = h.getInt();
                if (len < 4 || len > HandoffMessages.MAX_LENGTH) {
                    break;
                }
                byte[] body = new byte[len - 4];
                if (body.length > 0 && !UnixSockets.readFully(link.fd, body, 0, body.length)) {
                    break;
                }
                if (type == HandoffMessages.READY) {
                    HandoffMessages.Ready r = HandoffMessages.Ready.decode(body);
                    link.pid = r.pid();
                    listener.onReady(link, r.pid(), r.token());
                } else if (type == HandoffMessages.DONE && body.length == 1) {
                    listener.onClientDone(link, body[0] == 1);
                } else {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // treated as a disconnect below
        }
        links.remove(link);
        link.close();
        listener.onDisconnected(link);
    }

    /** Stops accepting, closes every link (backends see EOF) and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.shutdown(listenFd, 2);
        } catch (com.sun.jna.LastErrorException ignored) {
            // not connected/already shut: fine
        }
        UnixSockets.closeQuietly(listenFd);
        for (BackendLink l : links) {
            l.close();
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
