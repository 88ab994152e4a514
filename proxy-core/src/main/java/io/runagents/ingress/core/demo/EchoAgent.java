package io.runagents.ingress.core.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.runagents.ingress.core.http.Json;
import io.runagents.ingress.core.transport.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A tiny agent that answers every request with a JSON echo of what it received: method, path, headers
 * and the body's length. The demo puts it behind the proxy so a person can see the forwarded headers.
 * The body is counted as it streams, never held.
 */
public final class EchoAgent implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private EchoAgent(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Starts an echo agent on {@code 127.0.0.1:port} (0 for any free port). */
    public static EchoAgent start(int port) throws InterruptedException {
        Transports transport = Transports.best();
        EventLoopGroup group = transport.newGroup(1, "echo-agent");
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new EchoHandler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        return new EchoAgent(group, channel);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Renders the echo document of a request head and its body length. */
    public static String echoJson(HttpRequest head, long bodyBytes) {
        StringBuilder sb = new StringBuilder(512).append("{\"method\":");
        Json.appendString(sb, head.method().name());
        sb.append(",\"path\":");
        Json.appendString(sb, head.uri());
        sb.append(",\"headers\":{");
        boolean first = true;
        for (Map.Entry<String, String> header : head.headers()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.appendString(sb, header.getKey());
            sb.append(':');
            Json.appendString(sb, header.getValue());
        }
        return sb.append("},\"bodyBytes\":").append(bodyBytes).append("}\n").toString();
    }

    private static final class EchoHandler extends SimpleChannelInboundHandler<HttpObject> {
        private HttpRequest head;
        private long bodyBytes;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest request) {
                head = request;
                bodyBytes = 0;
            }
            if (msg instanceof HttpContent content) {
                bodyBytes += content.content().readableBytes();
            }
            if (msg instanceof LastHttpContent && head != null) {
                byte[] body = echoJson(head, bodyBytes).getBytes(StandardCharsets.UTF_8);
                ByteBuf buf = ctx.alloc().buffer(body.length).writeBytes(body);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, buf);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                boolean keepAlive = HttpUtil.isKeepAlive(head);
                head = null;
                if (keepAlive) {
                    ctx.writeAndFlush(response);
                } else {
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }
    }
}
