package io.runagents.ingress.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.upstream.UpstreamListener;
import io.runagents.ingress.core.upstream.ConnectionPool;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of both listeners: streams a routed exchange to its upstream (an agent or a tool) and the
 * response back.
 *
 * <p>The upstream connection comes from the pool of this channel's event loop ({@link UpstreamAttempts} gets
 * it, with failover), so both channels share one thread. Reads are explicit on both sides ({@code AUTO_READ}
 * off): the client is read (through {@link Exchange#readMore}) only while the upstream connection is writable
 * and vice versa, and each side resumes on the other's writability change. Writes are flushed once per read
 * burst.
 *
 * <p>Ownership: body contents go to the upstream channel (which releases them) or are released here
 * when the exchange has no upstream any more; response objects from the upstream go to the client channel.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter implements UpstreamListener, UpstreamAttempts.Relay {
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final ListenerServices services;
    private ChannelHandlerContext ctx;
    private ConnectionPool pool;

    // The current exchange; all null / false between exchanges.
    private Exchange exchange;
    private Channel upstream;
    private final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>(2);
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean skipInterimEnd;
    private boolean upstreamKeepAlive;
    /** After a WebSocket upgrade: raw bytes both ways; the tunnel's exchange stays for its reads. */
    private Exchange tunnel;
    private long bodyBytes;
    private int status;
    /** The client's address as text, made once per connection (it is on every forwarded request). */
    private String clientIp;
    private ExchangeTimer timer;
    private UpstreamAttempts upstreams;

    public RelayHandler(ListenerServices services) {
        this.services = services;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pool = services.pools().apply(ctx.channel().eventLoop());
        this.timer = new ExchangeTimer(ctx.executor(), this::timedOut);
        this.clientIp = ForwardedHeaders.clientIp(ctx.channel().remoteAddress());
        this.upstreams = new UpstreamAttempts(pool, this, ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Exchange next) {
            start(next);
        } else if (tunnel != null && msg instanceof ByteBuf bytes) {
            upstream.write(bytes);
        } else if (msg instanceof HttpContent content && exchange != null && !requestComplete) {
            forwardBody(content);
        } else {
            ReferenceCountUtil.release(msg); // the rest of a body whose exchange already ended
        }
    }

    private void start(Exchange next) {
        exchange = next;
        requestComplete = false;
        responseStarted = false;
        skipInterimEnd = false;
        bodyBytes = 0;
        status = 0;
        ForwardedHeaders.addToRequest(next, services.tls(), clientIp);
        timer.start(next.upstreamRoute().timeoutSeconds());
        upstreams.begin(next);
    }

    @Override
    public boolean stillWaiting(Exchange forExchange) {
        return exchange == forExchange && ctx.channel().isActive();
    }

    @Override
    public void refused() {
        upstreamFailed(upstreamName() + " refused the connection");
    }

    @Override
    public void attached(Channel channel) {
        upstream = channel;
        pool.attach(channel, this);
        exchange.sentUpstream(System.nanoTime());
        channel.write(exchange.head());
        if (upstreams.retried() && requestComplete && pendingBody.isEmpty()) {
            channel.write(LastHttpContent.EMPTY_LAST_CONTENT); // the first attempt consumed the (empty) end
        }
        HttpContent content;
        while ((content = pendingBody.poll()) != null) {
            channel.write(content);
        }
        channel.flush();
        channel.read();
        if (!requestComplete && channel.isWritable()) {
            exchange.readMore();
        }
    }

    private void forwardBody(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            refuseBody(content, WireError.BAD_REQUEST, "malformed request body");
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (BodyLimit.exceeded(bodyBytes, exchange.upstreamRoute().maxBodyBytes())) {
            refuseBody(content, WireError.REQUEST_ENTITY_TOO_LARGE, WireError.REQUEST_ENTITY_TOO_LARGE.description());
            return;
        }
        timer.touch();
        if (content instanceof LastHttpContent last) {
            requestComplete = true;
            if (!last.trailingHeaders().isEmpty()) {
                // Client trailers are dropped, never merged: the upstream could read them as headers.
                content = new DefaultLastHttpContent(last.content().retain());
                last.release();
            }
        }
        if (upstream != null) {
            upstream.write(content);
        } else {
            pendingBody.add(content);
        }
    }

    /** Refuses the request in the middle of its body; the rest of it is never read, so the connection closes. */
    private void refuseBody(HttpContent content, WireError error, String description) {
        content.release();
        exchange.closeAfter();
        fail(error, description);
    }

    /** Whether the client is still to be read: a tunnel, or a request whose body is still coming. */
    private boolean clientStillSending() {
        return tunnel != null || (exchange != null && !requestComplete);
    }

    /** The exchange whose input is being read: the request's, or the tunnel's. */
    private Exchange reading() {
        return tunnel != null ? tunnel : exchange;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
            if (clientStillSending() && upstream.isWritable()) {
                reading().readMore();
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && upstream != null) {
            upstream.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void onUpstreamWritabilityChanged(boolean writable) {
        if (writable && clientStillSending()) {
            reading().readMore();
        }
    }

    @Override
    public void onResponse(Object msg) {
        timer.touch();
        if (tunnel != null) {
            ctx.write(msg);
        } else if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            upstreamFailed(upstreamName() + " sent a malformed response");
        } else if (msg instanceof HttpResponse response) {
            onResponseHead(response);
        } else if (msg instanceof LastHttpContent last && skipInterimEnd) {
            skipInterimEnd = false;
            last.release();
        } else if (msg instanceof LastHttpContent last) {
            finish(last);
        } else if (msg instanceof HttpContent content) {
            ctx.write(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse response) {
        if (response.status().code() == 101 && !exchange.webSocket()) {
            // Nothing was asked to switch (an h2c upgrade is stripped before it gets there): the connection now
            // speaks something else, and relaying the 101 would leave the client waiting on it.
            ReferenceCountUtil.release(response);
            upstreamFailed(upstreamName() + " switched protocols without a WebSocket upgrade");
            return;
        }
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            skipInterimEnd = true;
            if (response.status().code() == 101) {
                switchToTunnel(response);
                return;
            }
            ctx.write(ForwardedHeaders.interim(ctx.alloc(), response, exchange));
            return;
        }
        services.log().metrics().upstreamLatency(exchange.targetName(), System.nanoTime() - exchange.upstreamSentNanos());
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        status = response.status().code();
        // An answer before the whole request arrived (an upstream that did not wait for the body, or for the body
        // an Expect: 100-continue held back) leaves the rest of the body unread: the connection cannot carry
        // another request (RFC 9110 section 10.1.1), so the answer says close and the connection closes after it.
        if (services.tracker().draining() || !requestComplete || (exchange.http10()
                && !HttpUtil.isContentLengthSet(response) && !ForwardedHeaders.isBodyless(response, exchange))) {
            exchange.closeAfter();
        }
        ForwardedHeaders.prepareResponse(response, exchange);
        responseStarted = true;
        if (response instanceof LastHttpContent) {
            finish((LastHttpContent) response);
        } else {
            ctx.write(response);
        }
    }

    /** Writes the response's last content and ends the exchange, returning the connection if it is clean. */
    private void finish(LastHttpContent last) {
        Exchange done = exchange;
        Channel channel = upstream;
        // Not after HEAD: an upstream that wrongly sends a body with it would leave those bytes to be read as the
        // response of the next request on the connection, perhaps another user's.
        boolean reusable = requestComplete && upstreamKeepAlive && done.head().method() != HttpMethod.HEAD;
        endExchange();
        if (reusable) {
            pool.release(channel);
        } else {
            channel.close();
        }
        services.log().finished(ctx, done, status, null, () -> {
            ChannelFuture written = ctx.writeAndFlush(last);
            if (done.closesConnection()) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    @Override
    public void onResponseReadComplete() {
        ctx.flush();
        if (upstream != null && ctx.channel().isWritable()) {
            upstream.read();
        }
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (upstream == null || exchange == null && tunnel == null) {
            return;
        }
        if (tunnel != null) {
            upstream = null;
            ctx.flush();
            ctx.close();
            return;
        }
        upstream = null;
        if (!responseStarted && upstreams.mayRetryFresh() && requestComplete && bodyBytes == 0) {
            // A pooled connection the upstream had closed while idle: one fresh attempt is safe, nothing was consumed.
            upstreams.retryFresh();
            return;
        }
        upstreamFailed(upstreamName() + (cause == null ? " closed the connection" : " reset the connection"));
    }

    private void upstreamFailed(String description) {
        fail(WireError.BAD_GATEWAY, description);
    }

    /**
     * Ends the exchange on an error: a JSON answer when nothing of the response has gone out yet,
     * otherwise the client connection is closed, so the client sees a truncated response, not a clean one.
     */
    private void fail(WireError error, String description) {
        Channel channel = upstream;
        boolean started = responseStarted;
        Exchange failed = exchange;
        if (!requestComplete) {
            failed.closeAfter(); // the rest of the body will not be read
        }
        endExchange();
        if (channel != null) {
            channel.close();
        }
        if (started) {
            services.log().finished(ctx, failed, status, error.code(), ctx::close);
            return;
        }
        services.log().answer(ctx, failed, error, error.code(), description, null);
    }

    private void switchToTunnel(HttpResponse response) {
        FullHttpResponse switching = ForwardedHeaders.switchingProtocols(ctx.alloc(), response, exchange);
        services.log().finished(ctx, exchange, 101, null, () -> { });
        timer.cancel();
        tunnel = exchange;
        exchange = null;
        ctx.writeAndFlush(switching);
        ctx.pipeline().remove(PipelineNames.CODEC);
        pool.switchToRawBytes(upstream);
        upstream.read();
        tunnel.readMore();
    }

    private void endExchange() {
        timer.cancel();
        exchange = null;
        upstream = null;
        HttpContent content;
        while ((content = pendingBody.poll()) != null) {
            content.release();
        }
    }

    /** No byte either way for {@code timeoutSeconds}: 504, or a cut connection once the response started. */
    private void timedOut() {
        if (exchange == null) {
            return;
        }
        log.debug("[{}] {} timed out", ctx.channel().id(), exchange.targetName());
        if (!requestComplete && !responseStarted) {
            // The client stopped sending its body: its own doing, not the upstream's.
            fail(WireError.REQUEST_TIMEOUT, WireError.REQUEST_TIMEOUT.description());
            return;
        }
        fail(WireError.GATEWAY_TIMEOUT, upstreamName() + " did not answer in time");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt != ConnectionTracker.CUT_OFF) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (exchange != null && !responseStarted) {
            exchange.closeAfter();
            fail(WireError.SHUTDOWN, "the proxy is shutting down and " + upstreamName() + " has not answered");
        } else {
            ctx.close(); // a response already under way can only be cut short
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The client left: cancel its upstream request rather than let the upstream work for nobody.
        Channel channel = upstream;
        Exchange abandoned = exchange;
        endExchange();
        timer.stop();
        if (abandoned != null) {
            // Cut at the end of the shutdown grace, the request was not the client's doing: the status the client
            // saw begin (or 503, as a proxy answers a request it cannot serve), and the reason says why.
            boolean shutdown = services.tracker().cutOff();
            int cutStatus = responseStarted ? status : WireError.SHUTDOWN.status().code();
            services.log().finished(ctx, abandoned, shutdown ? cutStatus : ExchangeLog.CLIENT_CLOSED_REQUEST,
                    shutdown ? "shutdown" : "client_closed", () -> { });
        }
        tunnel = null;
        if (channel != null) {
            channel.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] client connection failed: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }

    private String upstreamName() {
        return services.profile().upstreamName();
    }
}
