package org.pgjava.postmaster;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;

/**
 * Netty's native epoll transport classes, looked up by name. The postmaster pom depends on
 * netty-transport-native-epoll, whose class jar (netty-transport-classes-epoll) arrives with runtime scope
 * only, so the classes cannot be named at compile time; once the pom declares netty-transport-classes-epoll
 * as a compile dependency this class can become plain references. Entry points: {@link #ioHandlerFactory},
 * {@link #tcpServerChannel}, {@link #unixServerChannel}.
 */
final class EpollTransport {
    private EpollTransport() {
    }

    /** {@code EpollIoHandler.newFactory()}. */
    static IoHandlerFactory ioHandlerFactory() {
        try {
            return (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                    .getMethod("newFactory").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Netty native epoll transport is not available: " + e, e);
        }
    }

    /** {@code EpollServerSocketChannel.class}. */
    static Class<? extends ServerChannel> tcpServerChannel() {
        return serverChannel("io.netty.channel.epoll.EpollServerSocketChannel");
    }

    /** {@code EpollServerDomainSocketChannel.class}. */
    static Class<? extends ServerChannel> unixServerChannel() {
        return serverChannel("io.netty.channel.epoll.EpollServerDomainSocketChannel");
    }

    private static Class<? extends ServerChannel> serverChannel(String name) {
        try {
            return Class.forName(name).asSubclass(ServerChannel.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Netty native epoll transport is not available: " + e, e);
        }
    }
}
