package org.pgjava.postmaster.startup;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * What happens to a client after the startup phase: find a backend and give it the socket. The real
 * implementation is {@link BackendHandoff}; tests substitute a recorder.
 */
public interface ClientHandoff {
    /**
     * Takes over the connection. Called on the channel's event loop with auto-read off.
     * @param pipelined bytes the client sent after its last startup-phase message; more may still be
     *                  appended to it by the handler until the channel is deregistered. The callee owns
     *                  the client's slot from now on and must release it if the hand-off fails.
     */
    void handOff(ChannelHandlerContext ctx, AuthenticatedClient client, ByteBuf pipelined);
}
