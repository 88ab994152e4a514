package io.runagents.ingress.core.ingress;

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
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.http.ErrorResponses;
import io.runagents.ingress.core.server.ConnectionTracker;
import io.runagents.ingress.core.upstream.UpstreamListener;
import io.runagents.ingress.core.upstream.UpstreamPool;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last ingress stage: streams a routed request to its agent and the response back.
 *
 * <p>The upstream connection comes from the pool of this channel's event loop ({@link UpstreamAttempts}
 * gets it, with failover), so both channels share one thread. Reads are explicit on both sides ({@code AUTO_READ} off): the client is read only while
 * the agent's connection is writable and vice versa, and each side resumes on the other's
 * writability change. Writes are flushed once per read burst.
 *
 * <p>Ownership: body contents go to the upstream channel (which releases them) or are released here
 * when the exchange has no upstream any more; response objects from the agent go to the client channel.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter implements UpstreamListener, UpstreamAttempts.Relay {
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final RelayServices services;
    private ChannelHandlerContext ctx;
    private UpstreamPool pool;

    // The current exchange; all null / false between exchanges.
    private IngressRequest request;
    private Channel upstream;
    private final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>(2);
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean skipInterimEnd;
    private boolean upstreamKeepAlive;
    private boolean closeAfter;
    private boolean tunnel;
    private long bodyBytes;
    private long sentNanos;
    private int status;
    /** The client's address as text, made once per connection (it is on every forwarded request). */
    private String clientIp;
    private ExchangeTimer timer;
    private UpstreamAttempts upstreams;

    RelayHandler(RelayServices services) {
        this.services = services;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pool = services.connector().pool(ctx.channel().eventLoop());
        this.timer = new ExchangeTimer(ctx.executor(), this::timedOut);
        this.clientIp = ForwardedHeaders.clientIp(ctx.channel().remoteAddress());
        this.upstreams = new UpstreamAttempts(pool, services.side(), this, ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof IngressRequest ingress) {
            start(ingress);
        } else if (tunnel && msg instanceof ByteBuf bytes) {
            upstream.write(bytes);
        } else if (msg instanceof HttpContent content && request != null && !requestComplete) {
            forwardBody(content);
        } else {
            ReferenceCountUtil.release(msg); // the rest of a body whose exchange already ended
        }
    }

    private void start(IngressRequest ingress) {
        request = ingress;
        requestComplete = false;
        responseStarted = false;
        skipInterimEnd = false;
        bodyBytes = 0;
        status = 0;
        closeAfter = !ingress.keepAlive || ingress.closeAfter;
        ForwardedHeaders.addToRequest(ingress, services, clientIp);
        timer.start(ingress.route.timeoutSeconds());
        upstreams.begin(ingress);
    }

    @Override
    public boolean stillWaiting(IngressRequest forRequest) {
        return request == forRequest && ctx.channel().isActive();
    }

    @Override
    public void refused() {
        upstreamFailed(services.upstreamName() + " refused the connection");
    }

    @Override
    public void attached(Channel channel) {
        upstream = channel;
        UpstreamPool.attach(channel, this);
        sentNanos = System.nanoTime();
        channel.write(request.head);
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
            ctx.read();
        }
    }

    private void forwardBody(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            refuseBody(content, HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request body");
            return;
        }
        bodyBytes += content.content().readableBytes();
        Long max = request.route.maxBodyBytes();
        if (max != null && bodyBytes > max) {
            refuseBody(content, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request_entity_too_large",
                    "request body exceeds the agent's maxBodyBytes");
            return;
        }
        timer.touch();
        if (content instanceof LastHttpContent last) {
            requestComplete = true;
            if (!last.trailingHeaders().isEmpty()) {
                // Client trailers are dropped, never merged: the agent could read them as headers.
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
    private void refuseBody(HttpContent content, HttpResponseStatus status, String error, String description) {
        content.release();
        closeAfter = true;
        fail(status, error, description);
    }

    /** Whether the client is still to be read: a tunnel, or a request whose body is still coming. */
    private boolean clientStillSending() {
        return tunnel || (request != null && !requestComplete);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
            if (clientStillSending() && upstream.isWritable()) {
                ctx.read();
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
            ctx.read();
        }
    }

    @Override
    public void onResponse(Object msg) {
        timer.touch();
        if (tunnel) {
            ctx.write(msg);
        } else if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            upstreamFailed(services.upstreamName() + " sent a malformed response");
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
        if (response.status().code() == 101 && !request.webSocket) {
            // Nothing was asked to switch (an h2c upgrade is stripped before it gets there): the connection now
            // speaks something else, and relaying the 101 would leave the client waiting on it.
            ReferenceCountUtil.release(response);
            upstreamFailed(services.upstreamName() + " switched protocols without a WebSocket upgrade");
            return;
        }
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            skipInterimEnd = true;
            if (response.status().code() == 101) {
                switchToTunnel(response);
                return;
            }
            ctx.write(ForwardedHeaders.interim(ctx.alloc(), response, request));
            return;
        }
        services.log().metrics().upstreamLatency(request.agentName(), System.nanoTime() - sentNanos);
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        status = response.status().code();
        if (services.tracker().draining() || (request.http10 && !HttpUtil.isContentLengthSet(response)
                && !ForwardedHeaders.isBodyless(response, request))) {
            closeAfter = true;
        }
        ForwardedHeaders.prepareResponse(response, request, closeAfter);
        responseStarted = true;
        if (response instanceof LastHttpContent) {
            finish((LastHttpContent) response);
        } else {
            ctx.write(response);
        }
    }

    /** Writes the response's last content and ends the exchange, returning the connection if it is clean. */
    private void finish(LastHttpContent last) {
        IngressRequest done = request;
        Channel channel = upstream;
        // Not after HEAD: an agent that wrongly sends a body with it would leave those bytes to be read as the
        // response of the next request on the connection, perhaps another user's.
        boolean reusable = requestComplete && upstreamKeepAlive && done.head.method() != HttpMethod.HEAD;
        boolean close = closeAfter;
        endExchange();
        if (reusable) {
            pool.release(channel);
        } else {
            channel.close();
        }
        services.log().finished(ctx, done, done.head, done.requestId, status, null, () -> {
            ChannelFuture written = ctx.writeAndFlush(last);
            if (close) {
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
        if (upstream == null || request == null && !tunnel) {
            return;
        }
        if (tunnel) {
            upstream = null;
            ctx.flush();
            ctx.close();
            return;
        }
        upstream = null;
        if (!responseStarted && upstreams.mayRetryFresh() && requestComplete && bodyBytes == 0) {
            // A pooled connection the agent had closed while idle: one fresh attempt is safe, nothing was consumed.
            upstreams.retryFresh();
            return;
        }
        upstreamFailed(services.upstreamName() + (cause == null ? " closed the connection" : " reset the connection"));
    }

    private void upstreamFailed(String description) {
        fail(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", description);
    }

    /**
     * Ends the exchange on an error: a JSON answer when nothing of the response has gone out yet,
     * otherwise the client connection is closed, so the client sees a truncated response, not a clean one.
     */
    private void fail(HttpResponseStatus failure, String error, String description) {
        Channel channel = upstream;
        boolean started = responseStarted;
        boolean drained = requestComplete;
        IngressRequest failed = request;
        endExchange();
        if (channel != null) {
            channel.close();
        }
        if (started) {
            services.log().finished(ctx, failed, failed.head, failed.requestId, status, error, ctx::close);
            return;
        }
        boolean close = closeAfter || !drained;
        services.log().finished(ctx, failed, failed.head, failed.requestId, failure.code(), error,
                () -> ErrorResponses.send(ctx, failed.head.method(), failure, error, description, failed.requestId,
                        close, null));
    }

    private void switchToTunnel(HttpResponse response) {
        FullHttpResponse switching = ForwardedHeaders.switchingProtocols(ctx.alloc(), response, request);
        services.log().finished(ctx, request, request.head, request.requestId, 101, null, () -> { });
        timer.cancel();
        tunnel = true;
        request = null;
        ctx.writeAndFlush(switching);
        IngressInitializer.switchToRawBytes(ctx.channel());
        UpstreamPool.switchToRawBytes(upstream);
        upstream.read();
        ctx.read();
    }

    private void endExchange() {
        timer.cancel();
        request = null;
        upstream = null;
        HttpContent content;
        while ((content = pendingBody.poll()) != null) {
            content.release();
        }
    }

    /** No byte either way for {@code timeoutSeconds}: 504, or a cut connection once the response started. */
    private void timedOut() {
        if (request == null) {
            return;
        }
        log.debug("[{}] {} timed out", ctx.channel().id(), request.agentName());
        if (!requestComplete && !responseStarted) {
            // The client stopped sending its body: its own doing, not the upstream's.
            fail(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
                    "the client did not send the whole request in time");
            return;
        }
        fail(HttpResponseStatus.GATEWAY_TIMEOUT, "gateway_timeout",
                services.upstreamName() + " did not answer in time");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt != ConnectionTracker.CUT_OFF) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (request != null && !responseStarted && !tunnel) {
            closeAfter = true;
            fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutdown",
                    "the proxy is shutting down and " + services.upstreamName() + " has not answered");
        } else {
            ctx.close(); // a response already under way can only be cut short
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The client left: cancel its upstream request rather than let the agent work for nobody.
        Channel channel = upstream;
        IngressRequest abandoned = request;
        endExchange();
        timer.stop();
        if (abandoned != null) {
            // Cut at the end of the shutdown grace, the request was not the client's doing: the status the client
            // saw begin (or 503, as a proxy answers a request it cannot serve), and the reason says why.
            boolean shutdown = services.tracker().cutOff();
            int cutStatus = responseStarted ? status : HttpResponseStatus.SERVICE_UNAVAILABLE.code();
            services.log().finished(ctx, abandoned, abandoned.head, abandoned.requestId,
                    shutdown ? cutStatus : ExchangeLog.CLIENT_CLOSED_REQUEST,
                    shutdown ? "shutdown" : "client_closed", () -> { });
        }
        tunnel = false;
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
}
