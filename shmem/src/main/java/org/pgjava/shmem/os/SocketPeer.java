package org.pgjava.shmem.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address of the other end of a connected socket descriptor, from getpeername(2): how the backend
 * recovers the client's address for logs, process titles and pg_stat_activity. Entry point
 * {@link #of(int)}.
 *
 * <p>sockaddr layouts decoded (Linux): family u16 at 0 (host order); AF_INET: port u16 big-endian at 2,
 * address 4 bytes at 4; AF_INET6: port u16 big-endian at 2, address 16 bytes at 8; AF_UNIX: no address.
 *
 * @param family  {@link LibC#AF_INET}, {@link LibC#AF_INET6} or {@link LibC#AF_UNIX}
 * @param address the peer IP, null for AF_UNIX
 * @param port    the peer port, -1 for AF_UNIX
 */
public record SocketPeer(int family, InetAddress address, int port) {

    /**
     * Returns the peer of a connected socket.
     * @throws IllegalStateException when getpeername fails (not a socket, not connected)
     */
    public static SocketPeer of(int fd) {
        Memory addr = new Memory(128);
        addr.clear();
        Memory len = new Memory(4);
        len.setInt(0, 128);
        try {
            LibC.getpeername(fd, addr, len);
        } catch (LastErrorException e) {
            throw new IllegalStateException("getpeername failed: " + e.getMessage(), e);
        }
        int family = addr.getShort(0) & 0xffff;
        try {
            if (family == LibC.AF_INET) {
                return new SocketPeer(family, InetAddress.getByAddress(addr.getByteArray(4, 4)), port(addr));
            }
            if (family == LibC.AF_INET6) {
                return new SocketPeer(family, InetAddress.getByAddress(addr.getByteArray(8, 16)), port(addr));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return new SocketPeer(family, null, -1);
    }

    private static int port(Memory addr) {
        return ((addr.getByte(2) & 0xff) << 8) | (addr.getByte(3) & 0xff);
    }
}
