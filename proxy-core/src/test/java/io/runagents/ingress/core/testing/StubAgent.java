package io.runagents.ingress.core.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.runagents.ingress.core.transport.Transports;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real agent on {@code 127.0.0.1:0} for end-to-end tests. It records every request it receives (head
 * and body length) and counts the connections it accepted and saw closed, the request heads it saw
 * (complete or not) and the body bytes as they arrive. Reading can be paused to play a slow consumer. Requests are answered by the {@link Behavior}
 * registered for the longest matching path prefix; by default an echo of the request as JSON.
 */
public final class StubAgent implements AutoCloseable {
    /** What the agent saw of one request. */
    public record Received(String method, String uri, HttpHeaders headers, long bodyBytes) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** Answers one request; called on the agent's event loop once the whole body has arrived. */
    @FunctionalInterface
    public interface Behavior {
        void respond(ChannelHandlerContext ctx, HttpRequest head, long bodyBytes);
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final AtomicInteger requestsStarted = new AtomicInteger();
    private final AtomicLong bodyBytesSoFar = new AtomicLong();
    private final ChannelGroup children = new DefaultChannelGroup("stub-children", GlobalEventExecutor.INSTANCE);
    private volatile boolean readingPaused;
    private final Map<String, Behavior> behaviors = new ConcurrentHashMap<>();
    private final Map<String, Behavior> headBehaviors = new ConcurrentHashMap<>();

    private StubAgent() throws InterruptedException {
        Transports transport = Transports.best();
        group = transport.newGroup(2, "stub-agent");
        server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        children.add(ch);
                        ch.config().setAutoRead(!readingPaused);
                        ch.closeFuture().addListener(f -> closedConnections.incrementAndGet());
                        ch.pipeline().addLast("http", new HttpServerCodec()).addLast("stub", new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static StubAgent start() throws InterruptedException {
        return new StubAgent();
    }

    /** Answers requests whose path starts with {@code prefix} with {@code behavior}. */
    public StubAgent on(String prefix, Behavior behavior) {
        behaviors.put(prefix, behavior);
        return this;
    }

    /**
     * Answers requests under {@code prefix} as soon as their head arrives, without waiting for (or reading
     * into the answer) the body: an agent that replies before the request is complete. The body that follows
     * is still read and dropped.
     */
    public StubAgent onHead(String prefix, Behavior behavior) {
        headBehaviors.put(prefix, behavior);
        return this;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public List<Received> received() {
        return received;
    }

    /** Forgets what was received (tests that share one agent across cases). */
    public void clear() {
        received.clear();
    }

    /** Connections the agent accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections accepted so far that have since closed (from either side). */
    public int closedConnections() {
        return closedConnections.get();
    }

    /** Request heads seen so far, including requests whose body never completed. */
    public int requestsStarted() {
        return requestsStarted.get();
    }

    /** Request body bytes received so far, over all requests, counted as they arrive. */
    public long bodyBytesSoFar() {
        return bodyBytesSoFar.get();
    }

    /** Stops (true) or resumes (false) reading on every connection, present and future: a stalled consumer. */
    public void pauseReading(boolean paused) {
        readingPaused = paused;
        for (Channel child : children) {
            child.config().setAutoRead(!paused);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Behavior behaviorFor(String uri) {
        return longestPrefix(behaviors, uri, Behaviors.ECHO);
    }

    private static Behavior longestPrefix(Map<String, Behavior> byPrefix, String uri, Behavior fallback) {
        Behavior best = fallback;
        int bestLength = -1;
        for (Map.Entry<String, Behavior> entry : byPrefix.entrySet()) {
            if (uri.startsWith(entry.getKey()) && entry.getKey().length() > bestLength) {
                best = entry.getValue();
                bestLength = entry.getKey().length();
            }
        }
        return best;
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private HttpRequest head;
        private long bodyBytes;
        /** The behaviour that answered the current request at its head, or null. */
        private Behavior answeredEarly;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    requestsStarted.incrementAndGet();
                    head = request;
                    bodyBytes = 0;
                    answeredEarly = longestPrefix(headBehaviors, request.uri(), null);
                    if (answeredEarly != null) {
                        answeredEarly.respond(ctx, request, 0);
                    }
                }
                if (msg instanceof HttpContent content) {
                    bodyBytes += content.content().readableBytes();
                    bodyBytesSoFar.addAndGet(content.content().readableBytes());
                }
                if (msg instanceof LastHttpContent && head != null) {
                    received.add(new Received(head.method().name(), head.uri(), head.headers().copy(), bodyBytes));
                    HttpRequest done = head;
                    head = null;
                    if (answeredEarly == null) {
                        behaviorFor(done.uri()).respond(ctx, done, bodyBytes);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
