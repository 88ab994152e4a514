package io.runagents.ingress.core.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * Upstream connections for the exchanges of one event loop: what the relay needs of {@link UpstreamPool}, so
 * that its state machine can be driven by a test with channels of its own. Every call is on that loop.
 */
public interface ConnectionPool {
    /** A kept-alive connection to {@code endpoint} if one is idle and open; else null. */
    Channel pollIdle(UpstreamEndpoint endpoint);

    /** Opens a new connection; the future completes on this pool's loop. */
    ChannelFuture connect(UpstreamEndpoint endpoint);

    /** Hands what {@code channel} receives to {@code listener}, until the connection is released or closes. */
    void attach(Channel channel, UpstreamListener listener);

    /** Returns a connection whose exchange ended cleanly, for reuse. */
    void release(Channel channel);

    /** After a protocol switch (WebSocket): the connection carries raw bytes from now on. */
    void switchToRawBytes(Channel channel);
}
