package io.runagents.ingress.core.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.IntSupplier;

/**
 * Registers each accepted connection with its listener's {@link ConnectionTracker} (for the open
 * connections gauge and graceful shutdown) and closes it at once when it would exceed
 * {@code maxConnections}, or when the proxy is draining.
 */
@ChannelHandler.Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
    private final ConnectionTracker tracker;
    private final IntSupplier max;

    /** @param max read per connection, so a reload of {@code limits.maxConnections} applies at once */
    public ConnectionLimitHandler(ConnectionTracker tracker, IntSupplier max) {
        this.tracker = tracker;
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!tracker.tryOpen(ctx.channel(), max.getAsInt())) {
            ctx.close();
            return;
        }
        // Its work is done once the connection is counted: out of the pipeline, it costs no hop per read.
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
