package io.runagents.ingress.core.admin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.runagents.ingress.core.transport.IdleConnectionHandler;
import java.util.concurrent.TimeUnit;

/** The admin pipeline: small requests, aggregated (bodies are YAML documents at most), answered in place. */
public final class AdminInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private final AdminHandler handler;

    public AdminInitializer(AdminHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.config().setAutoRead(true);
        ch.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("idle", new IdleConnectionHandler(60, TimeUnit.SECONDS))
                .addLast("keepalive", new HttpServerKeepAliveHandler())
                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY_BYTES))
                .addLast("admin", handler);
    }
}
