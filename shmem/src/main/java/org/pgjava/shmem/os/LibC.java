package org.pgjava.shmem.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc calls pgjava's processes need that the JDK does not offer: Unix-domain sockets with SCM_RIGHTS,
 * blocking read/write on a raw socket descriptor received from another process, fcntl, setsockopt,
 * getpeername/getsockname, prctl (parent-death signal, thread name), kill, getpid/getppid.
 *
 * <p>Bound with JNA <em>direct mapping</em> ({@link Native#register}): each call is a JNI call without
 * reflection or argument conversion, which matters for the backend's read/write on every message.
 * Every method that can fail throws {@link LastErrorException} carrying errno ({@link #errno}); the
 * few that never fail (getpid, getppid) do not. All constants are Linux x86_64/aarch64 values, the only
 * platforms pgjava runs on.
 *
 * <p>Pointers are JNA {@link Pointer}s to native memory the caller owns (normally a {@code Memory}).
 * Process-safety: every call is thread-safe as libc is; the class holds no state.
 */
public final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    private LibC() {
    }

    // ---- constants (linux, x86_64 and aarch64 share these values) ----
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_KEEPALIVE = 9;
    public static final int SCM_RIGHTS = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_GETFD = 1;
    public static final int O_NONBLOCK = 0x800;
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_SET_NAME = 15;
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ESRCH = 3;
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ECONNREFUSED = 111;
    /** Size of struct sockaddr_un: sa_family_t (2 bytes) + sun_path[108]. */
    public static final int SOCKADDR_UN_SIZE = 110;
    /** Bytes available for a Unix socket path including its terminating NUL. */
    public static final int SUN_PATH_MAX = 108;

    // ---- sockets ----
    /** _exit(2): ends the process at once; nothing runs afterwards. See {@link ProcessControl#exitNow(int)}. */
    public static native void _exit(int status);

    /**
     * poll(2) on an array of {@code struct pollfd} (8 bytes each: int fd, short events, short revents, native
     * order). Returns how many entries have events, 0 on timeout (timeout in ms, -1 = forever).
     */
    public static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    public static final short POLLIN = 0x001;

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int bind(int fd, Pointer addr, int addrlen) throws LastErrorException;

    public static native int listen(int fd, int backlog) throws LastErrorException;

    public static native int accept4(int fd, Pointer addr, Pointer addrlen, int flags) throws LastErrorException;

    public static native int connect(int fd, Pointer addr, int addrlen) throws LastErrorException;

    /** struct msghdr layout: see {@link MessageHeader}. Returns bytes sent. */
    public static native long sendmsg(int fd, Pointer msghdr, int flags) throws LastErrorException;

    /** Returns bytes received, 0 at end of stream. */
    public static native long recvmsg(int fd, Pointer msghdr, int flags) throws LastErrorException;

    /** Creates a connected pair of sockets in sv[0], sv[1]. */
    public static native int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException;

    public static native int getpeername(int fd, Pointer addr, Pointer addrlen) throws LastErrorException;

    public static native int getsockname(int fd, Pointer addr, Pointer addrlen) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

    public static native int shutdown(int fd, int how) throws LastErrorException;

    // ---- descriptors ----
    public static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    public static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    /** send(2) (used with MSG_NOSIGNAL so a vanished client gives EPIPE, never SIGPIPE). */
    public static native long send(int fd, Pointer buf, long count, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int dup(int fd) throws LastErrorException;

    public static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    // ---- processes ----
    public static native int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    public static native int kill(int pid, int sig) throws LastErrorException;

    /** signal(2); pass {@code Pointer.NULL} for SIG_DFL. Returns the previous handler. */
    public static native Pointer signal(int sig, Pointer handler) throws LastErrorException;

    public static native int getpid();

    public static native int getppid();

    /** Returns the errno carried by a failed call's exception. */
    public static int errno(LastErrorException e) {
        return e.getErrorCode();
    }
}
