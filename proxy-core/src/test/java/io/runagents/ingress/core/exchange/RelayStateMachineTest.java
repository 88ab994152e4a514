package io.runagents.ingress.core.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.upstream.ConnectionPool;
import io.runagents.ingress.core.upstream.UpstreamEndpoint;
import io.runagents.ingress.core.upstream.UpstreamListener;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's state machine with {@link EmbeddedChannel}s on both sides and a pool the test drives: reuse of a
 * kept-alive connection, the one fresh retry when a pooled connection turns out closed, a response cut short,
 * and backpressure in both directions. Every message the test makes is released by the end (paranoid leak
 * detection).
 */
class RelayStateMachineTest {
    private final TestPool pool = new TestPool();
    private final RuntimeConfig config = TestConfigs.runtime(TestConfigs.snapshot(List.of(
            TestConfigs.openAgent("echo", "/", URI.create("http://127.0.0.1:9")))));
    private final List<Object> written = new ArrayList<>();
    private int clientReads;
    private EmbeddedChannel client;
    private FlushGate clientGate;

    @BeforeEach
    void start() {
        ListenerServices services = new ListenerServices(ListenerProfile.INGRESS, loop -> pool,
                new ExchangeLog(new ProxyMetrics(), null, ListenerProfile.INGRESS, Clock.systemUTC()),
                new ConnectionTracker(), false);
        clientGate = new FlushGate();
        client = new EmbeddedChannel(clientGate, new RelayHandler(services));
        client.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    }

    @AfterEach
    void releaseAll() {
        clientGate.open(client);
        client.finishAndReleaseAll();
        pool.opened.forEach(EmbeddedChannel::finishAndReleaseAll);
        written.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aCleanExchangeReturnsItsConnectionAndTheNextOneReusesIt() {
        send(get("/one"));
        EmbeddedChannel upstream = pool.last();
        assertThat((HttpRequest) upstream.readOutbound()).extracting(HttpRequest::uri).isEqualTo("/one");
        assertThat((Object) upstream.readOutbound()).isInstanceOf(LastHttpContent.class);
        respond(ok("first"));
        assertThat(clientBody()).isEqualTo("first");
        assertThat(pool.idle).containsExactly(upstream);

        send(get("/two"));
        assertThat(pool.opened).as("no new connection").hasSize(1);
        assertThat((HttpRequest) upstream.readOutbound()).extracting(HttpRequest::uri).isEqualTo("/two");
        releaseOutbound(upstream);
        respond(ok("second"));
        assertThat(clientBody()).isEqualTo("second");
    }

    @Test
    void aPooledConnectionTheAgentClosedWhileIdleIsReplacedOnceByAFreshOne() {
        send(get("/one"));
        releaseOutbound(pool.last());
        respond(ok("first"));
        clientBody();

        send(get("/two"));
        EmbeddedChannel stale = pool.last();
        releaseOutbound(stale);
        pool.listener.onUpstreamClosed(null); // the agent had closed it; nothing of the answer came
        assertThat(pool.opened).as("one fresh attempt").hasSize(2);
        EmbeddedChannel fresh = pool.last();
        assertThat((HttpRequest) fresh.readOutbound()).extracting(HttpRequest::uri).isEqualTo("/two");
        assertThat((Object) fresh.readOutbound()).as("the end the first attempt consumed")
                .isInstanceOf(LastHttpContent.class);
        respond(ok("second"));
        assertThat(clientBody()).isEqualTo("second");

        send(get("/three"));
        releaseOutbound(pool.last());
        pool.listener.onUpstreamClosed(null); // stale again: one fresh attempt
        assertThat(pool.opened).hasSize(3);
        releaseOutbound(pool.last());
        pool.listener.onUpstreamClosed(null); // a fresh connection that fails is not retried
        assertThat(pool.opened).as("no third attempt").hasSize(3);
        FullHttpResponse failed = client.readOutbound();
        assertThat(failed.status().code()).isEqualTo(502);
        written.add(failed);
    }

    @Test
    void aResponseCutShortClosesTheClientConnectionInsteadOfEndingItCleanly() {
        send(get("/big"));
        releaseOutbound(pool.last());
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 100);
        pool.listener.onResponse(head);
        pool.listener.onResponse(new DefaultHttpContent(Unpooled.copiedBuffer("0123456789", StandardCharsets.US_ASCII)));
        pool.listener.onResponseReadComplete();
        pool.listener.onUpstreamClosed(new java.io.IOException("reset"));

        assertThat((HttpResponse) client.readOutbound()).extracting(r -> r.status().code()).isEqualTo(200);
        HttpContent part = client.readOutbound();
        assertThat(part.content().readableBytes()).isEqualTo(10);
        part.release();
        assertThat((Object) client.readOutbound()).as("no end, no error document after a started answer").isNull();
        assertThat(client.isOpen()).as("the client sees a truncated response").isFalse();
    }

    @Test
    void theClientIsReadOnlyWhileTheUpstreamCanTakeMoreAndResumesWhenItCan() {
        send(post("/upload"));
        EmbeddedChannel upstream = pool.last();
        int readsWhenAttached = clientReads;
        assertThat(readsWhenAttached).as("attached: ask for the body").isPositive();

        pool.gate.close();
        client.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[64])));
        assertThat(upstream.isWritable()).isFalse();
        assertThat(clientReads).as("no read while the upstream holds the chunk").isEqualTo(readsWhenAttached);

        pool.gate.open(upstream);
        pool.listener.onUpstreamWritabilityChanged(true);
        assertThat(clientReads).as("resumed").isEqualTo(readsWhenAttached + 1);
        releaseOutbound(upstream);
        client.writeInbound(new DefaultLastHttpContent());
        releaseOutbound(upstream);
        respond(ok("done"));
        assertThat(clientBody()).isEqualTo("done");
    }

    @Test
    void theUpstreamIsReadOnlyWhileTheClientCanTakeMore() {
        send(get("/download"));
        EmbeddedChannel upstream = pool.last();
        releaseOutbound(upstream);
        int readsBefore = pool.gate.reads;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        clientGate.close();
        pool.listener.onResponse(head);
        pool.listener.onResponse(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[64])));
        pool.listener.onResponseReadComplete();
        assertThat(client.isWritable()).isFalse();
        assertThat(pool.gate.reads).as("no upstream read while the client holds 64 bytes").isEqualTo(readsBefore);

        clientGate.open(client);
        client.runPendingTasks();
        assertThat(pool.gate.reads).as("resumed on the client's writability").isEqualTo(readsBefore + 1);
        pool.listener.onResponse(new DefaultLastHttpContent());
        drainClient();
    }

    private void send(HttpRequest head) {
        Exchange exchange = new Exchange(head, config, ListenerProfile.INGRESS, System.nanoTime(), () -> clientReads++);
        exchange.requestId("r-" + head.uri().substring(1));
        exchange.target("a.example", "a.example", head.uri(), null);
        exchange.connection(true, false, false);
        exchange.route(config.routes().match("a.example", head.uri()));
        client.writeInbound(exchange);
        if (head.method() == HttpMethod.GET) {
            client.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /** The agent's whole answer in one read; once it ends the exchange, the pool holds the connection again. */
    private void respond(FullHttpResponse response) {
        pool.listener.onResponse(response);
        if (pool.listener != null) {
            pool.listener.onResponseReadComplete();
        }
    }

    /** The body of the one complete response the client got. */
    private String clientBody() {
        FullHttpResponse response = client.readOutbound();
        written.add(response);
        return response.content().toString(StandardCharsets.UTF_8);
    }

    private void drainClient() {
        Object msg;
        while ((msg = client.readOutbound()) != null) {
            written.add(msg);
        }
    }

    private void releaseOutbound(EmbeddedChannel channel) {
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            written.add(msg);
        }
    }

    private static HttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    private static HttpRequest post(String uri) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        return head;
    }

    private static FullHttpResponse ok(String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    /**
     * Holds flushes while closed, so what is written stays in the channel's outbound buffer and its writability
     * follows the water marks, as a slow peer makes a real socket's; counts read requests too.
     */
    private static final class FlushGate extends ChannelOutboundHandlerAdapter {
        private boolean closed;
        private int reads;

        void close() {
            closed = true;
        }

        void open(Channel channel) {
            closed = false;
            channel.flush();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!closed) {
                ctx.flush();
            }
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    /** Connections are embedded channels; the test plays the agent through the attached listener. */
    private static final class TestPool implements ConnectionPool {
        final List<EmbeddedChannel> opened = new ArrayList<>();
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
        /** The flush gate of the latest connection. */
        FlushGate gate;
        UpstreamListener listener;

        EmbeddedChannel last() {
            return opened.get(opened.size() - 1);
        }

        @Override
        public Channel pollIdle(UpstreamEndpoint endpoint) {
            return idle.pollLast();
        }

        @Override
        public ChannelFuture connect(UpstreamEndpoint endpoint) {
            gate = new FlushGate();
            EmbeddedChannel channel = new EmbeddedChannel(gate);
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
            opened.add(channel);
            return channel.newSucceededFuture();
        }

        @Override
        public void attach(Channel channel, UpstreamListener listener) {
            this.listener = listener;
        }

        @Override
        public void release(Channel channel) {
            listener = null;
            idle.addLast(channel);
        }

        @Override
        public void switchToRawBytes(Channel channel) {
        }
    }
}
