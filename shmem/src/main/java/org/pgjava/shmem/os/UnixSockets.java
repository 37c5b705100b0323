package org.pgjava.shmem.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Unix-domain stream sockets and descriptor passing (SCM_RIGHTS) over raw file descriptors, for the
 * postmaster → backend hand-off. Entry points: {@link #listen}, {@link #accept}, {@link #connect},
 * {@link #sendWithDescriptor}, {@link #receiveWithDescriptor}, {@link #closeQuietly}.
 *
 * <p>Native layouts used here (Linux, 64-bit):
 * <pre>
 * struct sockaddr_un (110 bytes)   0: u16 sun_family = AF_UNIX   2: char sun_path[108], NUL-terminated
 * struct iovec       (16 bytes)    0: void *iov_base             8: size_t iov_len
 * struct msghdr      (56 bytes)    0: void *msg_name             8: u32 msg_namelen (+4 pad)
 *                                 16: struct iovec *msg_iov     24: size_t msg_iovlen
 *                                 32: void *msg_control         40: size_t msg_controllen
 *                                 48: int msg_flags (+4 pad)
 * struct cmsghdr + one int (CMSG_SPACE(4) = 24 bytes)
 *                                  0: size_t cmsg_len = CMSG_LEN(4) = 20
 *                                  8: int cmsg_level = SOL_SOCKET 12: int cmsg_type = SCM_RIGHTS
 *                                 16: int fd                    20: 4 bytes padding
 * </pre>
 * All sockets are created with SOCK_CLOEXEC, received descriptors with MSG_CMSG_CLOEXEC, so no descriptor
 * leaks into a process the JVM spawns. Thread-safety: stateless; the caller serialises use of one socket.
 */
public final class UnixSockets {
    private static final int MSGHDR_SIZE = 56;
    private static final int IOVEC_SIZE = 16;
    private static final int CMSG_SPACE_ONE_FD = 24;
    private static final int CMSG_LEN_ONE_FD = 20;

    private UnixSockets() {
    }

    /** A received chunk: how many bytes were read into the buffer, and the descriptor if one came along. */
    public record Received(int length, int descriptor) {
        /** True when the peer closed the connection (length 0, no descriptor). */
        public boolean endOfStream() {
            return length == 0 && descriptor < 0;
        }
    }

    /**
     * Creates a listening AF_UNIX stream socket bound to path (which must not exist).
     * @return the listening descriptor (close-on-exec)
     * @throws IOException when the path is too long (over 107 bytes) or socket/bind/listen fail
     */
    public static int listen(Path path, int backlog) throws IOException {
        Memory addr = socketAddress(path);
        int fd = newSocket();
        try {
            LibC.bind(fd, addr, LibC.SOCKADDR_UN_SIZE);
            LibC.listen(fd, backlog);
            return fd;
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw io("could not bind Unix socket \"" + path + "\"", e);
        }
    }

    /**
     * Accepts one connection on a listening socket, blocking until one arrives (retries on EINTR).
     * @return the connected descriptor (close-on-exec)
     * @throws IOException when accept fails (e.g. the listening socket was closed)
     */
    public static int accept(int listenFd) throws IOException {
        while (true) {
            try {
                return LibC.accept4(listenFd, Pointer.NULL, Pointer.NULL, LibC.SOCK_CLOEXEC);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw io("accept failed", e);
                }
            }
        }
    }

    /**
     * Connects a new AF_UNIX stream socket to path.
     * @return the connected descriptor (close-on-exec)
     * @throws IOException when the path is too long or connect fails (ENOENT, ECONNREFUSED, ...)
     */
    public static int connect(Path path) throws IOException {
        Memory addr = socketAddress(path);
        int fd = newSocket();
        try {
            LibC.connect(fd, addr, LibC.SOCKADDR_UN_SIZE);
            return fd;
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw io("could not connect to Unix socket \"" + path + "\"", e);
        }
    }

    /** True when path fits in sun_path (at most 107 bytes of UTF-8, plus the NUL). */
    public static boolean fitsSocketPath(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length < LibC.SUN_PATH_MAX;
    }

    /**
     * Sends data[off, off+len) in ONE sendmsg call, with descriptor attached as SCM_RIGHTS when it is
     * >= 0. On a stream socket the kernel may accept only part of the data: the return value says how
     * much; the descriptor travels with the first byte in any case, and the caller writes the rest with
     * {@link #writeFully}.
     * @param flags sendmsg flags; MSG_NOSIGNAL is always added
     * @return bytes sent (at least 1)
     * @throws IOException on any failure (EAGAIN with MSG_DONTWAIT, EPIPE when the peer is gone, ...)
     */
    public static int sendWithDescriptor(int socketFd, byte[] data, int off, int len, int descriptor, int flags)
            throws IOException {
        if (len <= 0) {
            throw new IllegalArgumentException("sendmsg needs at least one payload byte");
        }
        Memory buf = new Memory(len);
        buf.write(0, data, off, len);
        Memory iov = new Memory(IOVEC_SIZE);
        iov.setPointer(0, buf);
        iov.setLong(8, len);
        Memory hdr = new Memory(MSGHDR_SIZE);
        hdr.clear();
        hdr.setPointer(16, iov);
        hdr.setLong(24, 1);
        Memory control = null;
        if (descriptor >= 0) {
            control = new Memory(CMSG_SPACE_ONE_FD);
            control.clear();
            control.setLong(0, CMSG_LEN_ONE_FD);
            control.setInt(8, LibC.SOL_SOCKET);
            control.setInt(12, LibC.SCM_RIGHTS);
            control.setInt(16, descriptor);
            hdr.setPointer(32, control);
            hdr.setLong(40, CMSG_SPACE_ONE_FD);
        }
        while (true) {
            try {
                long n = LibC.sendmsg(socketFd, hdr, flags | LibC.MSG_NOSIGNAL);
                return (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw io("sendmsg failed", e);
                }
            }
        }
    }

    /**
     * Receives up to buf.length bytes with one recvmsg (MSG_CMSG_CLOEXEC), blocking until data or EOF.
     * At most one descriptor is expected; if the control data was truncated (MSG_CTRUNC) every descriptor
     * that did arrive is closed and an IOException is thrown, as the message cannot be trusted.
     * @return the byte count (0 = end of stream) and the received descriptor or -1; the caller owns the
     *         descriptor and must close it
     * @throws IOException on recvmsg failure or truncated control data
     */
    public static Received receiveWithDescriptor(int socketFd, byte[] buf, int off, int len) throws IOException {
        Memory data = new Memory(Math.max(1, len));
        Memory iov = new Memory(IOVEC_SIZE);
        iov.setPointer(0, data);
        iov.setLong(8, len);
        // room for a few descriptors so an unexpected extra one is received (and closed), not left pending
        int controlSize = 64;
        Memory control = new Memory(controlSize);
        control.clear();
        Memory hdr = new Memory(MSGHDR_SIZE);
        hdr.clear();
        hdr.setPointer(16, iov);
        hdr.setLong(24, 1);
        hdr.setPointer(32, control);
        hdr.setLong(40, controlSize);
        long n;
        while (true) {
            try {
                n = LibC.recvmsg(socketFd, hdr, LibC.MSG_CMSG_CLOEXEC);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw io("recvmsg failed", e);
                }
            }
        }
        int msgFlags = hdr.getInt(48);
        long controlLen = hdr.getLong(40);
        int descriptor = -1;
        int extra = 0;
        long pos = 0;
        while (pos + 16 <= controlLen) {
            long cmsgLen = control.getLong(pos);
            if (cmsgLen < 16) {
                break;
            }
            int level = control.getInt(pos + 8);
            int type = control.getInt(pos + 12);
            if (level == LibC.SOL_SOCKET && type == LibC.SCM_RIGHTS) {
                int count = (int) ((cmsgLen - 16) / 4);
                for (int i = 0; i < count; i++) {
                    int fd = control.getInt(pos + 16 + 4L * i);
                    if (descriptor < 0) {
                        descriptor = fd;
                    } else {
                        closeQuietly(fd);
                        extra++;
                    }
                }
            }
            pos += (cmsgLen + 7) & ~7L;
        }
        if ((msgFlags & LibC.MSG_CTRUNC) != 0 || extra > 0) {
            if (descriptor >= 0) {
                closeQuietly(descriptor);
            }
            throw new IOException("recvmsg: control data truncated or unexpected descriptors (MSG_CTRUNC)");
        }
        if (n > 0) {
            data.read(0, buf, off, (int) n);
        }
        return new Received((int) n, descriptor);
    }

    /**
     * Reads exactly len bytes into buf (blocking; retries on EINTR).
     * @return true when all bytes were read, false at end of stream before the first byte
     * @throws IOException on failure or end of stream in the middle
     */
    public static boolean readFully(int fd, byte[] buf, int off, int len) throws IOException {
        Memory mem = new Memory(Math.max(1, len));
        int done = 0;
        while (done < len) {
            long n;
            try {
                n = LibC.read(fd, mem.share(done), len - done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                throw io("read failed", e);
            }
            if (n == 0) {
                if (done == 0) {
                    return false;
                }
                throw new IOException("unexpected end of stream after " + done + " of " + len + " bytes");
            }
            done += (int) n;
        }
        mem.read(0, buf, off, len);
        return true;
    }

    /**
     * Writes all len bytes (blocking; retries on EINTR and partial writes; never raises SIGPIPE).
     * @throws IOException on failure (EPIPE/ECONNRESET when the peer is gone)
     */
    public static void writeFully(int fd, byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        Memory mem = new Memory(len);
        mem.write(0, buf, off, len);
        int done = 0;
        while (done < len) {
            try {
                done += (int) LibC.send(fd, mem.share(done), len - done, LibC.MSG_NOSIGNAL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw io("write failed", e);
                }
            }
        }
    }

    /** close(2) that ignores errors (EBADF, EINTR): for cleanup paths only. */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do: the descriptor is released either way on Linux
        }
    }

    /**
     * Clears O_NONBLOCK on fd (descriptors taken from an epoll loop are non-blocking).
     * @throws IOException when fcntl fails
     */
    public static void setBlocking(int fd) throws IOException {
        try {
            int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
            if ((flags & LibC.O_NONBLOCK) != 0) {
                LibC.fcntl(fd, LibC.F_SETFL, flags & ~LibC.O_NONBLOCK);
            }
        } catch (LastErrorException e) {
            throw io("fcntl(O_NONBLOCK) failed", e);
        }
    }

    /** Sets an int socket option (e.g. IPPROTO_TCP/TCP_NODELAY); errors are returned as false. */
    public static boolean setIntOption(int fd, int level, int name, int value) {
        Memory v = new Memory(4);
        v.setInt(0, value);
        try {
            LibC.setsockopt(fd, level, name, v, 4);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    private static int newSocket() throws IOException {
        try {
            return LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw io("could not create Unix socket", e);
        }
    }

    private static Memory socketAddress(Path path) throws IOException {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= LibC.SUN_PATH_MAX) {
            throw new IOException("Unix-domain socket path \"" + path + "\" is too long (maximum "
                    + (LibC.SUN_PATH_MAX - 1) + " bytes)");
        }
        Memory addr = new Memory(LibC.SOCKADDR_UN_SIZE);
        addr.clear();
        addr.setShort(0, (short) LibC.AF_UNIX);
        addr.write(2, p, 0, p.length);
        return addr;
    }

    static IOException io(String what, LastErrorException e) {
        return new IOException(what + ": " + e.getMessage(), e);
    }
}
