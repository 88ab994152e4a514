package io.runagents.ingress.core.ingress;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.server.ConnectionTracker;
import java.util.ArrayDeque;

/**
 * Lets one request at a time into the rest of the pipeline and decides when the connection reads.
 *
 * <p>The decoder may hand over a pipelined second request in the same read as the first; it waits here
 * until the first exchange is over, so responses can never interleave. An exchange is over when the
 * request's last content has gone in and the response's last content has gone out (a refusal may
 * answer before the body is read; then reading continues only to drain it). Channel reads are requested
 * here when idle and while draining; during an exchange the relay requests them, for backpressure.
 *
 * <p>Messages held in the queue are owned by this handler until passed on; they are released when the
 * channel closes.
 */
final class RequestSequencer extends ChannelDuplexHandler {
    private final ConnectionTracker tracker;
    private final ArrayDeque<Object> queued = new ArrayDeque<>(4);
    private boolean inExchange;
    private boolean requestDone;
    private boolean responseDone;
    private boolean upgraded;
    /** The current response said {@code Connection: close}: nothing after this exchange may be served. */
    private boolean lastExchange;

    RequestSequencer(ConnectionTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            ctx.fireChannelRead(msg);
        } else if (lastExchange && requestDone) {
            ReferenceCountUtil.release(msg); // read after the connection's last request: never served
        } else if (!queued.isEmpty() || (inExchange && requestDone)) {
            queued.add(msg);
        } else {
            pass(ctx, msg);
        }
    }

    private void pass(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            inExchange = true;
            requestDone = false;
            responseDone = false;
            tracker.exchangeStarted();
        }
        boolean last = msg instanceof LastHttpContent;
        if (last) {
            requestDone = true;
        }
        ctx.fireChannelRead(msg);
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
        if (msg instanceof HttpResponse response && !HttpUtil.isKeepAlive(response)) {
            lastExchange = true;
        }
        ctx.write(msg, promise);
        if (!upgraded && msg instanceof LastHttpContent && inExchange && !responseDone) {
            responseDone = true;
            if (requestDone) {
                exchangeDone(ctx);
            } else {
                ctx.read();
            }
        }
    }

    private void exchangeDone(ChannelHandlerContext ctx) {
        inExchange = false;
        tracker.exchangeFinished();
        if (!ctx.channel().isActive()) {
            return;
        }
        if (lastExchange) {
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
