package io.runagents.ingress.core.exchange;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
    private final RequestBody body = new RequestBody();
    /** The answer's start, held back while the audit trail is stalled. */
    private final ResponseHold hold = new ResponseHold();
    private boolean responseStarted;
    private boolean skipInterimEnd;
    private boolean upstreamKeepAlive;
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
        } else if (msg instanceof HttpContent content && exchange != null && !body.complete()) {
            forwardBody(content);
        } else {
            ReferenceCountUtil.release(msg); // the rest of a body whose exchange already ended
        }
    }

    private void start(Exchange next) {
        exchange = next;
        body.reset();
        responseStarted = false;
        skipInterimEnd = false;
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
        body.writeKeptTo(channel, upstreams.retried());
        channel.flush();
        channel.read();
        if (!body.complete() && channel.isWritable()) {
            exchange.readMore();
        }
    }

    private void forwardBody(HttpContent content) {
        WireError refused = body.accept(content, exchange.upstreamRoute().maxBodyBytes(), upstream);
        if (refused != null) {
            // Refused in the middle of its body: the rest of it is never read, so the connection closes.
            exchange.closeAfter();
            fail(refused, refused == WireError.BAD_REQUEST ? "malformed request body" : refused.description());
            return;
        }
        timer.touch();
    }

    /** Whether the client is still to be read: a request whose body is still coming. */
    private boolean clientStillSending() {
        return exchange != null && !body.complete();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
            if (clientStillSending() && upstream.isWritable()) {
                exchange.readMore();
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
            exchange.readMore();
        }
    }

    @Override
    public void onResponse(Object msg) {
        timer.touch();
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
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
            write(content);
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
        exchange.upstreamAnswered(status);
        // An answer before the whole request arrived (an upstream that did not wait for the body, or for the body
        // an Expect: 100-continue held back) leaves the rest of the body unread: the connection cannot carry
        // another request (RFC 9110 section 10.1.1), so the answer says close and the connection closes after it.
        if (services.tracker().draining() || !body.complete() || (exchange.http10()
                && !HttpUtil.isContentLengthSet(response) && !ForwardedHeaders.isBodyless(response, exchange))) {
            exchange.closeAfter();
        }
        ForwardedHeaders.prepareResponse(response, exchange);
        responseStarted = true;
        if (response instanceof LastHttpContent) {
            finish((LastHttpContent) response);
        } else if (services.log().auditStalled()) {
            hold.add(response);
        } else {
            ctx.write(response);
        }
    }

    /** Writes a part of the answer, or holds it with the rest while the answer is held back. */
    private void write(HttpContent content) {
        if (!hold.holding()) {
            ctx.write(content);
        } else if (!hold.add(content)) {
            hold.writeTo(ctx); // too large to hold: it streams on
        }
    }

    /** Writes the response's last content and ends the exchange, returning the connection if it is clean. */
    private void finish(LastHttpContent last) {
        Exchange done = exchange;
        Channel channel = upstream;
        // Not after HEAD: an upstream that wrongly sends a body with it would leave those bytes to be read as the
        // response of the next request on the connection, perhaps another user's.
        boolean reusable = body.complete() && upstreamKeepAlive && done.head().method() != HttpMethod.HEAD;
        endExchange();
        if (reusable) {
            pool.release(channel);
        } else {
            channel.close();
        }
        boolean wholeAnswer = hold.holding() || last instanceof HttpResponse; // nothing of it went out yet
        services.log().finished(ctx, done, status, null, () -> {
            hold.writeTo(ctx);
            ChannelFuture written = ctx.writeAndFlush(last);
            if (done.closesConnection()) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }, () -> {
            hold.release();
            last.release();
            if (wholeAnswer) {
                services.log().refuseUnaudited(ctx, done);
            } else {
                ctx.close();
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
        if (upstream == null || exchange == null) {
            return;
        }
        upstream = null;
        if (!responseStarted && upstreams.mayRetryFresh() && body.complete() && body.empty()) {
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
        boolean started = responseStarted && !hold.holding(); // a held answer never reached the client
        hold.release();
        Exchange failed = exchange;
        if (!body.complete()) {
            failed.closeAfter(); // the rest of the body will not be read
        }
        endExchange();
        if (channel != null) {
            channel.close();
        }
        if (started) {
            services.log().finished(ctx, failed, status, error.code(), ctx::close, ctx::close);
            return;
        }
        services.log().answer(ctx, failed, error, error.code(), description, null);
    }

    /** The upstream accepted the WebSocket upgrade: from now on a {@link TunnelHandler} moves raw bytes. */
    private void switchToTunnel(HttpResponse response) {
        FullHttpResponse switching = ForwardedHeaders.switchingProtocols(ctx.alloc(), response, exchange);
        services.log().finished(ctx, exchange, 101, null, () -> { }, () -> { });
        Channel upgraded = upstream;
        TunnelHandler tunnel = new TunnelHandler(upgraded, exchange);
        timer.stop();
        exchange = null;
        upstream = null;
        ctx.writeAndFlush(switching);
        ctx.pipeline().remove(PipelineNames.CODEC);
        ctx.pipeline().replace(this, PipelineNames.RELAY, tunnel);
        // The tunnel listens before the upstream's codec goes: what the codec read after the 101 (a server that
        // speaks first sends its first frame at once, often in the same segment) is handed to it, not dropped.
        pool.attach(upgraded, tunnel);
        pool.switchToRawBytes(upgraded);
        tunnel.start();
    }

    private void endExchange() {
        timer.cancel();
        exchange = null;
        upstream = null;
        body.reset();
    }

    /** No byte either way for {@code timeoutSeconds}: 504, or a cut connection once the response started. */
    private void timedOut() {
        if (exchange == null) {
            return;
        }
        log.debug("[{}] {} timed out", ctx.channel().id(), exchange.targetName());
        if (!body.complete() && !responseStarted) {
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
        hold.release();
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
                    shutdown ? "shutdown" : "client_closed", () -> { }, () -> { });
        }
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
