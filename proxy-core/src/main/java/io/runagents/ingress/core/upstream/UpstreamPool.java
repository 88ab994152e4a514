package io.runagents.ingress.core.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.runagents.ingress.core.transport.IdleConnectionHandler;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Keep-alive connections to agents, for one event loop. Only that loop touches it, so it needs no locks;
 * a connection acquired here serves client channels of the same loop, and the data path between them
 * never crosses threads.
 */
public final class UpstreamPool implements ConnectionPool {
    /** Idle connections kept per endpoint; more are closed on release. */
    static final int MAX_IDLE_PER_ENDPOINT = 128;
    private static final String CODEC = "http";
    private static final String IDLE = "idle";
    private static final String HANDLER = "upstream";

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final SslContext tls;
    private final IntSupplier connectTimeoutMillis;
    private final IntSupplier idleSeconds;
    private final Map<UpstreamEndpoint, ArrayDeque<Channel>> idle = new HashMap<>();
    private volatile long connectionsOpened;

    UpstreamPool(EventLoop loop, Bootstrap template, SslContext tls, IntSupplier connectTimeoutMillis,
                 IntSupplier idleSeconds) {
        this.loop = loop;
        this.bootstrap = template.clone(loop);
        this.tls = tls;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.idleSeconds = idleSeconds;
    }

    @Override
    public Channel pollIdle(UpstreamEndpoint endpoint) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> channels = idle.get(endpoint);
        if (channels == null) {
            return null;
        }
        Channel channel;
        while ((channel = channels.pollLast()) != null) {
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    @Override
    public ChannelFuture connect(UpstreamEndpoint endpoint) {
        assert loop.inEventLoop();
        connectionsOpened++;
        int idle = idleSeconds.getAsInt();
        Bootstrap b = bootstrap.clone()
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis.getAsInt())
                .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (endpoint.tls()) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), endpoint.host(), endpoint.port()));
                }
                ch.pipeline()
                        .addLast(CODEC, new HttpClientCodec())
                        .addLast(IDLE, new IdleConnectionHandler(idle, TimeUnit.SECONDS))
                        .addLast(HANDLER, new UpstreamHandler(UpstreamPool.this, endpoint));
            }
        });
        return b.connect(java.net.InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
    }

    @Override
    public void attach(Channel channel, UpstreamListener listener) {
        handler(channel).attach(listener);
    }

    /** The connection stays open, reading, so that the agent closing it is noticed while it waits. */
    @Override
    public void release(Channel channel) {
        assert loop.inEventLoop();
        UpstreamHandler handler = handler(channel);
        handler.detach();
        if (!channel.isActive()) {
            return;
        }
        ArrayDeque<Channel> channels = idle.computeIfAbsent(handler.endpoint(), e -> new ArrayDeque<>());
        if (channels.size() >= MAX_IDLE_PER_ENDPOINT) {
            channel.close();
            return;
        }
        channels.addLast(channel);
        channel.read();
    }

    /** Called when a connection closes: drop it from the idle list. */
    void forget(Channel channel) {
        UpstreamHandler handler = channel.pipeline().get(UpstreamHandler.class);
        if (handler != null) {
            ArrayDeque<Channel> channels = idle.get(handler.endpoint());
            if (channels != null) {
                channels.remove(channel);
            }
        }
    }

    /** Connections this pool has opened since it was made (tests count reuse with it). */
    public long connectionsOpened() {
        return connectionsOpened;
    }

    private static UpstreamHandler handler(Channel channel) {
        return (UpstreamHandler) channel.pipeline().get(HANDLER);
    }

    /** Removes the HTTP codec and the idle timeout: the connection carries raw bytes from now on. */
    @Override
    public void switchToRawBytes(Channel channel) {
        channel.pipeline().remove(CODEC);
        channel.pipeline().remove(IDLE);
    }
}
