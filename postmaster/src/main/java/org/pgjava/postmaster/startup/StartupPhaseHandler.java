package org.pgjava.postmaster.startup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.pgjava.auth.AuthExchange;
import org.pgjava.auth.AuthExchanges;
import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.auth.wire.StartupPacket;
import org.pgjava.catalog.authfile.AuthData;
import org.pgjava.catalog.authfile.DatabaseEntry;
import org.pgjava.catalog.authfile.RoleEntry;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.Severity;
import org.pgjava.conf.errors.SqlState;
import org.pgjava.conf.hba.AuthMethod;
import org.pgjava.conf.hba.ConnectionKind;
import org.pgjava.conf.hba.HbaFile;
import org.pgjava.conf.hba.HbaRule;
import org.pgjava.postmaster.pool.ConnectionSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The postmaster's per-connection startup phase, run on the connection's event loop and never blocking
 * it: read the first packet (answering SSLRequest / GSSENCRequest with 'N' once each, routing a
 * CancelRequest), then for a StartupMessage take a connection slot, find the pg_hba.conf rule,
 * authenticate, check role and database, and pass the client to a {@link ClientHandoff}.
 *
 * <p>Flow (PostgreSQL's order; a client failing any step gets one ErrorResponse, FATAL, and the
 * connection closes; no backend process is involved):
 * <pre>
 * accept ─► [SSLRequest ─► 'N'] [GSSENCRequest ─► 'N'] ─► StartupMessage (protocol 3.0)
 *        ─► shutting down / in recovery? 57P03 ─► slot (max_connections) 53300
 *        ─► pg_hba.conf first match (none: 28000) ─► AuthExchange until SUCCESS (failure: 28P01/28000)
 *        ─► role exists, may log in (28000) ─► reserved slots (53300) ─► database exists (3D000),
 *           allows connections (55000) ─► role/database limits (53300) ─► hand-off
 * CancelRequest ─► route (pid, secret) ─► close, nothing sent
 * </pre>
 * Framing errors: a first-packet length below 8 or above 10000 closes the connection silently (PostgreSQL
 * logs "invalid length of startup packet" and sends nothing); a malformed packet gets FATAL 08P01.
 * authentication_timeout closes a connection that has not finished authenticating, without a message.
 */
public final class StartupPhaseHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(StartupPhaseHandler.class);
    private static final Marker FATAL = MarkerFactory.getMarker("FATAL");
    /** Largest authentication message we accept (PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH is 65535). */
    static final int MAX_AUTH_MESSAGE_LENGTH = 65535;

    private enum Phase { FIRST_PACKET, AUTHENTICATING, HANDING_OFF, CLOSED }

    private final StartupPolicy policy;
    private final ClientHandoff handoff;
    private final boolean local;
    private ByteBuf buffer;
    private Phase phase = Phase.FIRST_PACKET;
    private boolean sslAnswered;
    private boolean gssAnswered;
    private boolean receivedAnything;
    private boolean sasl;
    private ScheduledFuture<?> authTimer;
    private ConnectionSlots.Slot slot;
    private AuthExchange exchange;
    private StartupPacket.Startup startup;
    private String user;
    private String database;

    /**
     * @param local true for connections on a Unix-domain socket (hba "local" lines)
     */
    public StartupPhaseHandler(StartupPolicy policy, ClientHandoff handoff, boolean local) {
        this.policy = policy;
        this.handoff = handoff;
        this.local = local;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        buffer = ctx.alloc().buffer(256);
        int seconds = policy.settings().getInt("authentication_timeout");
        authTimer = ctx.executor().schedule(() -> {
            if (phase == Phase.FIRST_PACKET || phase == Phase.AUTHENTICATING) {
                if (receivedAnything) {
                    LOG.debug("canceling authentication due to timeout");
                }
                close(ctx);
            }
        }, seconds, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (phase == Phase.CLOSED) {
                return;
            }
            receivedAnything = true;
            buffer.writeBytes(in);
        } finally {
            ReferenceCountUtil.release(in);
        }
        if (phase == Phase.HANDING_OFF) {
            return; // kept for the backend as pipelined bytes
        }
        try {
            process(ctx);
        } catch (PgException e) {
            fail(ctx, e);
        }
    }

    private void process(ChannelHandlerContext ctx) {
        while (phase == Phase.FIRST_PACKET || phase == Phase.AUTHENTICATING) {
            if (phase == Phase.FIRST_PACKET) {
                if (buffer.readableBytes() < 4) {
                    return;
                }
                int len = buffer.getInt(buffer.readerIndex());
                StartupPacket.checkLength(len);
                if (buffer.readableBytes() < len) {
                    return;
                }
                byte[] packet = new byte[len - 4];
                buffer.skipBytes(4);
                buffer.readBytes(packet);
                firstPacket(ctx, packet);
            } else {
                if (buffer.readableBytes() < 5) {
                    return;
                }
                byte type = buffer.getByte(buffer.readerIndex());
                int len = buffer.getInt(buffer.readerIndex() + 1);
                if (type != 'p') {
                    throw AuthExchanges.unexpectedMessage(type, sasl);
                }
                if (len < 4 || len > MAX_AUTH_MESSAGE_LENGTH) {
                    throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid message length");
                }
                if (buffer.readableBytes() < 1 + len) {
                    return;
                }
                buffer.skipBytes(5);
                byte[] body = new byte[len - 4];
                buffer.readBytes(body);
                authMessage(ctx, body);
            }
        }
    }

    private void firstPacket(ChannelHandlerContext ctx, byte[] packet) {
        StartupPacket.Result parsed;
        try {
            parsed = StartupPacket.parse(packet);
        } catch (PgException e) {
            int major = packet.length >= 4 ? (packet[0] & 0xff) << 8 | (packet[1] & 0xff) : 3;
            if (major < 3 && e.severity() == Severity.FATAL) {
                // protocol 2 clients expect the old error format
                phase = Phase.CLOSED;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(BackendMessages.errorResponseV2(e)))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            throw e;
        }
        switch (parsed) {
            case StartupPacket.SslRequest r -> {
                if (sslAnswered) {
                    throw unsupportedProtocol(1234, 5679);
                }
                sslAnswered = true;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'N'}));
            }
            case StartupPacket.GssEncRequest r -> {
                if (gssAnswered) {
                    throw unsupportedProtocol(1234, 5680);
                }
                gssAnswered = true;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'N'}));
            }
            case StartupPacket.CancelRequest c -> {
                policy.cancel(c.pid(), c.secret());
                close(ctx);
            }
            case StartupPacket.Startup s -> startup(ctx, s);
        }
    }

    private static PgException unsupportedProtocol(int major, int minor) {
        return PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol " + major + "."
                + minor + ": server supports 3.0 to 3.0");
    }

    private void startup(ChannelHandlerContext ctx, StartupPacket.Startup s) {
        this.startup = s;
        user = s.user();
        database = s.database();
        if (s.needsNegotiation()) {
            ctx.write(Unpooled.wrappedBuffer(BackendMessages.negotiateProtocolVersion(StartupPacket.PROTOCOL_3_0,
                    s.protocolOptions())));
        }
        String refusal = policy.connectionRefusal();
        if (refusal != null) {
            throw PgException.fatal(SqlState.CANNOT_CONNECT_NOW, refusal);
        }
        slot = policy.slots().reserve();
        InetAddress address = remoteAddress(ctx) == null ? null : remoteAddress(ctx).getAddress();
        ConnectionKind kind = local ? ConnectionKind.LOCAL : ConnectionKind.HOST;
        AuthData auth = policy.authData();
        Optional<HbaRule> rule = HbaFile.firstMatch(policy.hbaRules(), kind, database, user, address,
                group -> auth.isMemberOf(user, group));
        if (rule.isEmpty()) {
            throw HbaFile.noMatchError(kind, address, user, database);
        }
        if (rule.get().method() == AuthMethod.REJECT) {
            throw HbaFile.rejectError(kind, address, user, database);
        }
        RoleEntry role = auth.role(user).orElse(null);
        String verifier = AuthExchanges.usableVerifier(role, java.time.Instant.now());
        exchange = AuthExchanges.create(rule.get().method(), user, verifier, policy.random(),
                policy.settings().getString("password_encryption"), policy.mockAuthNonce());
        phase = Phase.AUTHENTICATING;
        byte[] request = exchange.start();
        sasl = exchange.usesSasl();
        if (request != null) {
            ctx.write(Unpooled.wrappedBuffer(request));
        }
        step(ctx, exchange.startOutcome());
    }

    private void authMessage(ChannelHandlerContext ctx, byte[] body) {
        step(ctx, exchange.onClientMessage(body));
    }

    private void step(ChannelHandlerContext ctx, AuthExchange.Step step) {
        switch (step.outcome()) {
            case CONTINUE -> {
                if (step.reply() != null) {
                    ctx.write(Unpooled.wrappedBuffer(step.reply()));
                }
                ctx.flush();
            }
            case FAILURE -> {
                LOG.info(FATAL, "{}", step.error() == null ? "authentication failed" : step.error().getMessage());
                phase = Phase.CLOSED;
                releaseSlot();
                if (step.reply() != null) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(step.reply())).addListener(ChannelFutureListener.CLOSE);
                } else if (step.error() != null) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(BackendMessages.errorResponse(step.error())))
                            .addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close();
                }
            }
            case SUCCESS -> {
                if (step.reply() != null) {
                    ctx.write(Unpooled.wrappedBuffer(step.reply()));
                }
                authenticated(ctx);
            }
        }
    }

    private void authenticated(ChannelHandlerContext ctx) {
        AuthData auth = policy.authData();
        RoleEntry role = auth.role(user).orElse(null);
        if (role == null) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "role \"" + user + "\" does not exist");
        }
        if (!role.canLogin()) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "role \"" + user + "\" is not permitted to log in");
        }
        slot.checkReserved(role.superuser());
        DatabaseEntry db = auth.database(database).orElse(null);
        if (db == null) {
            throw PgException.fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database + "\" does not exist");
        }
        if (!db.allowConnections()) {
            throw PgException.fatal(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "database \"" + database + "\" is not currently accepting connections");
        }
        slot.bind(role.oid(), role.name(), role.connLimit(), db.oid(), db.name(), db.connLimit(), role.superuser());
        phase = Phase.HANDING_OFF;
        authTimer.cancel(false);
        ctx.channel().config().setAutoRead(false);
        ctx.flush();
        AuthenticatedClient client = new AuthenticatedClient(startup.protocolVersion(), role.name(), role.oid(),
                role.superuser(), db.name(), db.oid(), new LinkedHashMap<>(startup.params()),
                policy.random().nextInt(), remoteAddress(ctx), slot);
        slot = null; // owned by the hand-off now
        handoff.handOff(ctx, client, buffer);
    }

    private static InetSocketAddress remoteAddress(ChannelHandlerContext ctx) {
        SocketAddress a = ctx.channel().remoteAddress();
        return a instanceof InetSocketAddress i ? i : null;
    }

    private void fail(ChannelHandlerContext ctx, PgException e) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (e.severity() == Severity.LOG) {
            // PostgreSQL's COMMERROR: logged, never sent
            LOG.info("{}", e.getMessage());
            close(ctx);
            return;
        }
        LOG.info(FATAL, "{}", e.getMessage());
        phase = Phase.CLOSED;
        releaseSlot();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(BackendMessages.errorResponse(e)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void close(ChannelHandlerContext ctx) {
        phase = Phase.CLOSED;
        releaseSlot();
        ctx.close();
    }

    private void releaseSlot() {
        if (slot != null) {
            slot.release();
            slot = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (phase != Phase.HANDING_OFF) {
            phase = Phase.CLOSED;
            releaseSlot();
        }
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (buffer != null && phase != Phase.HANDING_OFF) {
            buffer.release();
            buffer = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PgException pe) {
            fail(ctx, pe);
            return;
        }
        LOG.debug("connection error during startup: {}", cause.toString());
        close(ctx);
    }
}
