package io.runagents.ingress.core.exchange;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.http.ErrorResponses;
import io.runagents.ingress.core.http.RequestIds;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.transport.IdleConnectionHandler;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Lets one request at a time into the rest of the pipeline, as an {@link Exchange} it makes for each request
 * head, and is the one handler that reads the connection.
 *
 * <p>The decoder may hand over a pipelined second request in the same read as the first; it waits here
 * until the first exchange is over, so responses can never interleave. An exchange is over when the
 * request's last content has gone in and the response's last content has gone out (a refusal may
 * answer before the body is read; then reading continues only to drain it). Reads happen here: when
 * idle, while draining, and when a stage asks through {@link Exchange#readMore} (the relay does, for
 * backpressure). After an exchange that closes the connection ({@link Exchange#closesConnection}), nothing
 * more is read or served.
 *
 * <p>Messages held in the queue are owned by this handler until passed on; they are released when the
 * channel closes.
 */
public final class RequestSequencer extends ChannelDuplexHandler implements Exchange.Input {
    private final ListenerProfile profile;
    private final Supplier<RuntimeConfig> config;
    private final ConnectionTracker tracker;
    private final ArrayDeque<Object> queued = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    /** The exchange in progress (or the last one, between exchanges); null before the first. */
    private Exchange exchange;
    private boolean inExchange;
    private boolean requestDone;
    private boolean responseDone;
    private boolean upgraded;
    /** The idle handler before the codec, whose read count tells whether a request head has begun. */
    private IdleConnectionHandler idle;
    /** Its read count when the last exchange ended (or the connection opened). */
    private long readsAtRest;

    /** @param config read once per request head: the snapshot its exchange keeps to its end */
    public RequestSequencer(ListenerProfile profile, Supplier<RuntimeConfig> config, ConnectionTracker tracker) {
        this.profile = profile;
        this.config = config;
        this.tracker = tracker;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.idle = ctx.pipeline().get(IdleConnectionHandler.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void readMore() {
        if (upgraded || inExchange && !requestDone) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            ctx.fireChannelRead(msg);
        } else if (exchange != null && exchange.closesConnection() && requestDone) {
            ReferenceCountUtil.release(msg); // read after the connection's last request: never served
        } else if (!queued.isEmpty() || (inExchange && requestDone)) {
            queued.add(msg);
        } else {
            pass(ctx, msg);
        }
    }

    private void pass(ChannelHandlerContext ctx, Object msg) {
        Object passed = msg;
        if (msg instanceof HttpRequest head) {
            exchange = new Exchange(head, config.get(), profile, System.nanoTime(), this);
            inExchange = true;
            requestDone = false;
            responseDone = false;
            tracker.exchangeStarted();
            passed = exchange;
        }
        boolean last = msg instanceof LastHttpContent;
        if (last) {
            requestDone = true;
        }
        // A full request (no body, or a decoder failure) is both the head and the last content: the exchange
        // goes on, and its stages and relay read it as both.
        ctx.fireChannelRead(passed);
        if (last && responseDone) {
            exchangeDone(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        if (!upgraded && inExchange && responseDone && !requestDone) {
            ctx.read(); // the answer is out; drain the rest of the refused body
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!upgraded && msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            upgraded = response.status().code() == 101;
            ctx.write(msg, promise);
            return;
        }
        ctx.write(msg, promise);
        if (!upgraded && msg instanceof LastHttpContent && inExchange && !responseDone) {
            responseDone = true;
            if (requestDone) {
                exchangeDone(ctx);
            } else {
                ctx.read(); // drain the rest of a refused body (or, when closing, what is already on its way)
            }
        }
    }

    private void exchangeDone(ChannelHandlerContext ctx) {
        inExchange = false;
        readsAtRest = idle == null ? 0 : idle.reads();
        tracker.exchangeFinished();
        if (!ctx.channel().isActive()) {
            return;
        }
        if (exchange.closesConnection()) {
            // The writer closes the connection once the response is flushed; a request pipelined behind
            // this one (perhaps smuggled behind a refused one) must not be replayed in the meantime.
            releaseQueued();
            return;
        }
        if (tracker.draining()) {
            // Not ctx.close(): it would drop what is written but not yet on the wire, such as the end of the
            // answer, which write() hands on before its caller flushes. An empty write closes after all of it.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // Replay a pipelined request, if one is waiting; otherwise read the next one.
        boolean replayed = false;
        while (!queued.isEmpty() && !(inExchange && requestDone)) {
            pass(ctx, queued.poll());
            replayed = true;
        }
        if (replayed) {
            ctx.fireChannelReadComplete();
        } else if (!inExchange) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !inExchange && idle != null && idle.reads() != readsAtRest) {
            // A request had begun but its head never became whole (a slowloris client): say why before closing.
            ErrorResponses.send(ctx, HttpMethod.GET, WireError.REQUEST_TIMEOUT,
                    "the client did not send the whole request head in time", RequestIds.generate(), true, null);
            return;
        }
        if ((evt instanceof IdleStateEvent || evt == ConnectionTracker.CLOSE_IF_IDLE) && !inExchange) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (inExchange) {
            inExchange = false;
            tracker.exchangeFinished();
        }
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued();
    }

    private void releaseQueued() {
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
