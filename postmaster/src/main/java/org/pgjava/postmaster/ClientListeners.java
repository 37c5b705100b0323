package org.pgjava.postmaster;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.postmaster.startup.ClientHandoff;
import org.pgjava.postmaster.startup.StartupPhaseHandler;
import org.pgjava.postmaster.startup.StartupPolicy;
import org.pgjava.shmem.os.ProcessControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The postmaster's client-facing sockets on Netty's native epoll transport: one TCP listener per
 * listen_addresses entry ('*' = every IPv4 address, 'localhost', host names, IP literals) on {@code port},
 * and a Unix-domain socket {@code .s.PGSQL.<port>} (with its {@code .s.PGSQL.<port>.lock} file, as
 * PostgreSQL) in each unix_socket_directories entry, mode unix_socket_permissions. Every accepted
 * connection gets a {@link StartupPhaseHandler}. Entry points: {@link #open}, {@link #closeListeners},
 * {@link #shutdownLoops}.
 *
 * <p>Threads: one event loop accepts, {@code workers} event loops run the startup phase of connections.
 */
public final class ClientListeners {
    private static final Logger LOG = LoggerFactory.getLogger(ClientListeners.class);

    private final EventLoopGroup acceptLoop = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("postmaster-accept", true), EpollIoHandler.newFactory());
    private final EventLoopGroup workerLoops;
    private final List<Channel> servers = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();

    /** Creates the event loops (nothing is bound yet). */
    public ClientListeners(int workers) {
        this.workerLoops = new MultiThreadIoEventLoopGroup(workers,
                new DefaultThreadFactory("postmaster-conn", true), EpollIoHandler.newFactory());
    }

    /**
     * Binds every listener.
     * @return the first Unix socket directory and first listen address actually used (for postmaster.pid)
     * @throws PgException FATAL when nothing could be bound at all, or a socket lock file belongs to a live
     *                     process
     */
    public String[] open(String listenAddresses, int port, String socketDirectories, int socketPermissions,
                         Path dataDir, StartupPolicy policy, ClientHandoff handoff) {
        String firstAddress = "";
        String firstDir = "";
        int tcpOk = 0;
        List<String> addresses = splitList(listenAddresses);
        for (String a : addresses) {
            boolean bound = false;
            for (InetAddress ip : resolve(a)) {
                try {
                    Channel ch = serverBootstrap(policy, handoff, false).channel(EpollServerSocketChannel.class)
                            .bind(new InetSocketAddress(ip, port)).sync().channel();
                    servers.add(ch);
                    LOG.info("listening on {} address \"{}\", port {}", ip instanceof Inet6Address ? "IPv6" : "IPv4",
                            ip.getHostAddress().replaceAll("%.*$", ""), port);
                    bound = true;
                    tcpOk++;
                } catch (Exception e) {
                    LOG.warn("could not bind {} address \"{}\": {}", ip instanceof Inet6Address ? "IPv6" : "IPv4",
                            ip.getHostAddress(), e.getMessage());
                }
            }
            if (bound && firstAddress.isEmpty()) {
                firstAddress = a;
            }
            if (!bound) {
                LOG.warn("could not create listen socket for \"{}\"", a);
            }
        }
        if (!addresses.isEmpty() && tcpOk == 0) {
            throw new PgException(Severity.FATAL, SqlState.IO_ERROR, "could not create any TCP/IP sockets");
        }
        int unixOk = 0;
        for (String dir : splitList(socketDirectories)) {
            Path socket = Path.of(dir).resolve(".s.PGSQL." + port);
            try {
                lockSocket(socket, dataDir, port);
                Files.deleteIfExists(socket);
                Channel ch = serverBootstrap(policy, handoff, true).channel(EpollServerDomainSocketChannel.class)
                        .bind(new DomainSocketAddress(socket.toFile())).sync().channel();
                servers.add(ch);
                socketFiles.add(socket);
                Files.setPosixFilePermissions(socket, permissions(socketPermissions));
                LOG.info("listening on Unix socket \"{}\"", socket);
                unixOk++;
                if (firstDir.isEmpty()) {
                    firstDir = dir;
                }
            } catch (PgException e) {
                throw e;
            } catch (Exception e) {
                LOG.warn("could not create Unix-domain socket in directory \"{}\": {}", dir, e.getMessage());
            }
        }
        if (!splitList(socketDirectories).isEmpty() && unixOk == 0) {
            throw new PgException(Severity.FATAL, SqlState.IO_ERROR, "could not create any Unix-domain sockets");
        }
        if (servers.isEmpty()) {
            throw new PgException(Severity.FATAL, SqlState.IO_ERROR, "no socket created for listening");
        }
        return new String[]{firstDir, firstAddress};
    }

    private ServerBootstrap serverBootstrap(StartupPolicy policy, ClientHandoff handoff, boolean local) {
        ServerBootstrap b = new ServerBootstrap().group(acceptLoop, workerLoops)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new StartupPhaseHandler(policy, handoff, local));
                    }
                });
        if (!local) {
            b.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true);
        }
        return b;
    }

    /** PostgreSQL's socket lock file: refuse when a live process owns it, otherwise take it over. */
    private void lockSocket(Path socket, Path dataDir, int port) throws IOException {
        Path lock = socket.resolveSibling(socket.getFileName() + ".lock");
        if (Files.exists(lock)) {
            List<String> lines = Files.readAllLines(lock);
            int pid = 0;
            try {
                pid = lines.isEmpty() ? 0 : Integer.parseInt(lines.get(0).trim());
            } catch (NumberFormatException ignored) {
                // garbage: stale
            }
            if (pid > 0 && pid != ProcessControl.pid() && ProcessControl.isAlive(pid)) {
                throw new PgException(Severity.FATAL, SqlState.OBJECT_IN_USE,
                        "lock file \"" + lock + "\" already exists")
                        .withHint("Is another postmaster (PID " + pid + ") using socket file \"" + socket + "\"?");
            }
            Files.delete(lock);
        }
        Files.writeString(lock, ProcessControl.pid() + "\n" + dataDir.toAbsolutePath() + "\n"
                + (System.currentTimeMillis() / 1000) + "\n" + port + "\n" + socket.getParent() + "\n");
        socketFiles.add(lock);
    }

    /** Stops accepting: closes every listening socket and removes the socket and lock files. */
    public void closeListeners() {
        for (Channel ch : servers) {
            ch.close().awaitUninterruptibly(2000);
        }
        servers.clear();
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
        socketFiles.clear();
    }

    /** Stops the event loops (connections still in their startup phase are closed). */
    public void shutdownLoops() {
        acceptLoop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        workerLoops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    static List<String> splitList(String s) {
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (String part : s.split(",")) {
            String t = part.trim();
            if (t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2) {
                t = t.substring(1, t.length() - 1);
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static Set<InetAddress> resolve(String a) {
        Set<InetAddress> out = new LinkedHashSet<>();
        try {
            if (a.equals("*") || a.equals("0.0.0.0")) {
                out.add(InetAddress.getByName("0.0.0.0"));
            } else if (a.equals("::")) {
                out.add(InetAddress.getByName("::"));
            } else {
                for (InetAddress ip : InetAddress.getAllByName(a)) {
                    out.add(ip);
                }
            }
        } catch (UnknownHostException e) {
            LOG.warn("could not translate host name \"{}\", service \"5432\" to address: {}", a, e.getMessage());
        }
        return out;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
