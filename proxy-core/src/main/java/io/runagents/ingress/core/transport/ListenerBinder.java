package io.runagents.ingress.core.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.runagents.ingress.config.model.HostPort;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Binds the proxy's listeners, all alike: the server's transport and event loops, reads driven by the pipeline
 * (no auto-read, for backpressure), pooled buffers and the relay's write water marks.
 */
public final class ListenerBinder {
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Transports transport;

    public ListenerBinder(EventLoopGroup acceptors, EventLoopGroup workers, Transports transport) {
        this.acceptors = acceptors;
        this.workers = workers;
        this.transport = transport;
    }

    /**
     * Binds one listener. A port in use (or an address not on this host) fails with one line naming the
     * listener and the address, such as {@code listen.ingress: cannot listen on 0.0.0.0:8080 (...)}.
     */
    public Channel bind(String listener, HostPort at, ChannelHandler childHandler) throws InterruptedException {
        ChannelFuture bound = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Transports.WATER_MARK)
                .childHandler(childHandler)
                .bind(new InetSocketAddress(at.host(), at.port())).await();
        if (!bound.isSuccess()) {
            // The native transports say "bind(..) failed with error(-98): Address already in use".
            String reason = Objects.toString(bound.cause().getMessage(), bound.cause().toString())
                    .replaceFirst("^bind\\(\\.\\.\\) failed[^:]*: ", "");
            throw new IllegalStateException("listen." + listener + ": cannot listen on " + at + " (" + reason + ")",
                    bound.cause());
        }
        return bound.channel();
    }
}
