package io.runagents.ingress.core.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.runagents.ingress.core.transport.Transports;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket agent on {@code 127.0.0.1:0}: accepts upgrades under {@code /ws}, greets each connection with
 * a {@code welcome} text frame, and answers every text message with {@code echo: <message>}. It records
 * the handshake request headers it saw.
 */
public final class WebSocketEchoAgent implements AutoCloseable {
    /** Text messages up to this size are accepted (and aggregated from continuation frames). */
    public static final int MAX_MESSAGE = 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel server;
    private final List<HttpHeaders> handshakes = new CopyOnWriteArrayList<>();

    private WebSocketEchoAgent() throws InterruptedException {
        Transports transport = Transports.best();
        group = transport.newGroup(1, "ws-agent");
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").checkStartsWith(true).maxFramePayloadLength(MAX_MESSAGE).build();
        server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(64 * 1024))
                                .addLast(new WebSocketServerProtocolHandler(config))
                                .addLast(new WebSocketFrameAggregator(MAX_MESSAGE))
                                .addLast(new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static WebSocketEchoAgent start() throws InterruptedException {
        return new WebSocketEchoAgent();
    }

    public java.net.URI uri() {
        return java.net.URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** The headers of every completed handshake, in order. */
    public List<HttpHeaders> handshakes() {
        return handshakes;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete complete) {
                handshakes.add(complete.requestHeaders().copy());
                ctx.writeAndFlush(new TextWebSocketFrame("welcome"));
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
