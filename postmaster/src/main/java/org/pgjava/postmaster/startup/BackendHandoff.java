package org.pgjava.postmaster.startup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.postmaster.pool.BackendPool;
import org.pgjava.postmaster.pool.BackendProcess;
import org.pgjava.shmem.handoff.HandoffPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gives an authenticated client's socket to a backend JVM. Sequence, all on the channel's event loop:
 * <ol>
 * <li>borrow a backend from the {@link BackendPool} (waiting at most backend_startup_timeout if none is
 *     ready: FATAL 57P03 then);</li>
 * <li>deregister the channel from the event loop, so epoll no longer watches the descriptor and Netty
 *     reads nothing more from it;</li>
 * <li>one sendmsg on the backend's hand-off link: the descriptor (SCM_RIGHTS) plus the payload
 *     (identity, parameters, cancel secret, peer address, the bytes the client already pipelined);</li>
 * <li>close the postmaster's copy of the descriptor (close(2) only, no shutdown(2): the backend's copy
 *     keeps the connection open, and the client sees FIN only when the backend closes it).</li>
 * </ol>
 * If the backend's link is broken the backend is discarded and the client's connection closed (its slot
 * released); the client sees end of stream, as with a PostgreSQL backend that crashed at start.
 */
public final class BackendHandoff implements ClientHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(BackendHandoff.class);

    private final BackendPool pool;

    public BackendHandoff(BackendPool pool) {
        this.pool = pool;
    }

    @Override
    public void handOff(ChannelHandlerContext ctx, AuthenticatedClient client, ByteBuf pipelined) {
        Channel ch = ctx.channel();
        CompletableFuture<BackendProcess> wait = pool.acquire(client.databaseOid());
        long timeoutMillis = pool.config().startupTimeoutMillis();
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
            wait.completeExceptionally(PgException.fatal(SqlState.CANNOT_CONNECT_NOW,
                    "no backend process became ready within backend_startup_timeout ("
                            + timeoutMillis + " ms)"));
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        // a client that goes away while waiting gives its backend back
        ch.closeFuture().addListener(f -> wait.completeExceptionally(new IOException("client closed")));
        wait.whenComplete((backend, error) -> ctx.executor().execute(() -> {
            timer.cancel(false);
            if (error != null) {
                client.slot().release();
                pipelined.release();
                if (error instanceof PgException pe && ch.isActive()) {
                    LOG.info("{}", pe.getMessage());
                    ch.writeAndFlush(Unpooled.wrappedBuffer(BackendMessages.errorResponse(pe)))
                            .addListener(ChannelFutureListener.CLOSE);
                } else {
                    ch.close();
                }
                return;
            }
            if (!ch.isActive()) {
                pool.giveBack(backend);
                client.slot().release();
                pipelined.release();
                return;
            }
            ch.deregister().addListener(f -> send(ch, backend, client, pipelined));
        }));
    }

    private void send(Channel ch, BackendProcess backend, AuthenticatedClient client, ByteBuf pipelined) {
        byte[] extra = ByteBufUtil.getBytes(pipelined);
        pipelined.release();
        HandoffPayload payload = new HandoffPayload(client.protocolVersion(), client.user(), client.database(),
                client.roleOid(), client.databaseOid(), client.superuser(), client.parameters(),
                client.cancelSecret(), client.remote() == null,
                client.remote() == null ? null : client.remote().getAddress().getHostAddress(),
                client.remote() == null ? -1 : client.remote().getPort(), extra);
        try {
            int fd = ((UnixChannel) ch).fd().intValue();
            backend.link().handOff(fd, payload);
            pool.handedOff(backend, client.slot(), client.databaseOid(), client.cancelSecret());
        } catch (IOException | RuntimeException e) {
            LOG.info("could not hand off connection to backend process (PID {}): {}", backend.pid(), e.getMessage());
            pool.discard(backend);
            client.slot().release();
        }
        ch.close();
    }
}
