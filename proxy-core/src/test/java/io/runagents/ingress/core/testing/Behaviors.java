package io.runagents.ingress.core.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.runagents.ingress.core.demo.EchoAgent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Ready-made stub agent behaviours. */
public final class Behaviors {
    private Behaviors() { }

    /** Echoes the request as JSON (what {@link EchoAgent} does). */
    public static final StubAgent.Behavior ECHO = (ctx, head, bodyBytes) -> {
        byte[] body = EchoAgent.echoJson(head, bodyBytes).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (HttpUtil.isKeepAlive(head)) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    };

    /** Never answers. */
    public static final StubAgent.Behavior SILENT = (ctx, head, bodyBytes) -> { };

    /** Sends a response head announcing 1 MB and 1 KB of it, then resets the connection. */
    public static final StubAgent.Behavior RESET_MID_RESPONSE = (ctx, head, bodyBytes) -> {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 1024 * 1024);
        ctx.write(response);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[1024]))).addListener(f -> {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
        });
    };

    /** Writes bytes that are not HTTP. */
    public static final StubAgent.Behavior MALFORMED = (ctx, head, bodyBytes) -> {
        ctx.pipeline().remove("http");
        ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 abc nonsense\r\n\u0001\r\n\r\n", StandardCharsets.ISO_8859_1))
                .addListener(ChannelFutureListener.CLOSE);
    };

    /** Answers 101 Switching Protocols whatever was asked, then keeps the connection open and silent. */
    public static final StubAgent.Behavior UNASKED_SWITCH = (ctx, head, bodyBytes) -> {
        ctx.pipeline().remove("http");
        ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                + "Upgrade: h2c\r\n\r\n", StandardCharsets.ISO_8859_1));
    };

    /** Streams {@code total} bytes as a chunked response, in 64 KiB chunks, honouring backpressure. */
    public static StubAgent.Behavior download(long total) {
        return download(total, new AtomicLong());
    }

    /** Like {@link #download(long)}, counting in {@code written} the body bytes handed to the socket. */
    public static StubAgent.Behavior download(long total, AtomicLong written) {
        return (ctx, head, bodyBytes) -> {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setContentLength(response, total);
            ctx.writeAndFlush(response);
            new ChunkWriter(ctx, total, written).run();
        };
    }

    /**
     * Server-sent events: writes {@code first} as one event at once, then waits (without blocking its event
     * loop) for {@code release} before writing {@code second} and ending the stream.
     */
    public static StubAgent.Behavior sse(String first, String second, CompletableFuture<?> release) {
        return (ctx, head, bodyBytes) -> {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(response, true);
            ctx.write(response);
            ctx.writeAndFlush(event(first));
            release.whenComplete((v, e) -> ctx.executor().execute(() -> {
                ctx.write(event(second));
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }));
        };
    }

    private static DefaultHttpContent event(String data) {
        return new DefaultHttpContent(Unpooled.copiedBuffer("data: " + data + "\n\n", StandardCharsets.UTF_8));
    }

    /** Answers with {@code then} once {@code release} completes: a slow agent the test controls. */
    public static StubAgent.Behavior awaiting(CompletableFuture<?> release, StubAgent.Behavior then) {
        return (ctx, head, bodyBytes) -> release.whenComplete((v, e) -> ctx.executor().execute(
                () -> then.respond(ctx, head, bodyBytes)));
    }

    /** Writes a body chunk by chunk while the channel is writable; resumes from the writability listener. */
    private static final class ChunkWriter implements Runnable {
        private static final byte[] CHUNK = new byte[64 * 1024];
        private final io.netty.channel.ChannelHandlerContext ctx;
        private final AtomicLong written;
        private long remaining;

        ChunkWriter(io.netty.channel.ChannelHandlerContext ctx, long total, AtomicLong written) {
            this.ctx = ctx;
            this.remaining = total;
            this.written = written;
        }

        @Override
        public void run() {
            while (remaining > 0 && ctx.channel().isActive()) {
                int n = (int) Math.min(CHUNK.length, remaining);
                remaining -= n;
                written.addAndGet(n);
                io.netty.channel.ChannelFuture f = ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(CHUNK, 0, n)));
                if (!ctx.channel().isWritable()) {
                    f.addListener(done -> ctx.executor().execute(this));
                    return;
                }
            }
            if (remaining == 0) {
                remaining = -1;
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }
    }
}
