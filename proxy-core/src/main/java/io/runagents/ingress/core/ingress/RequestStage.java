package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.http.ErrorResponses;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A step of the ingress pipeline that looks at each request's head and either passes it on or refuses
 * it. A refused request's body is released here as it arrives (this stage owns it), so the stages after
 * never see content without its head.
 *
 * <p>Message ownership: heads and contents that are passed on belong to the next handler; everything
 * of a refused request is released by this stage.
 */
abstract class RequestStage extends ChannelInboundHandlerAdapter {
    /** Convenience for stages after the guard, which know the whole {@link IngressRequest}. */
    final void reject(ChannelHandlerContext ctx, IngressRequest request, HttpResponseStatus status, String error,
                      String description, Consumer<FullHttpResponse> headers) {
        reject(ctx, request.head, request.keepAlive && !request.closeAfter, request.requestId, request.agentName(),
                status, error, description, headers);
    }

    /** Bodies larger than this are not drained after a refusal: the connection is closed instead. */
    private static final long MAX_DRAIN_BYTES = 64 * 1024;

    private final ProxyMetrics metrics;
    private boolean discarding;
    /** Non-null while this stage waits (for a key fetch): the body that arrived meanwhile, in order. */
    private ArrayDeque<Object> held;

    RequestStage(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    /** Handles the head of a request: {@link HttpRequest} for the first stage, {@link IngressRequest} after. */
    abstract void onHead(ChannelHandlerContext ctx, Object head) throws Exception;

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest || msg instanceof IngressRequest) {
            discarding = false;
            onHead(ctx, msg);
        } else if (msg instanceof HttpContent content && discarding) {
            if (content instanceof LastHttpContent) {
                discarding = false;
            }
            content.release();
        } else if (held != null) {
            held.add(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Holds what follows the current head until {@link #resume}: the head's decision is not made yet. */
    final void pause() {
        held = new ArrayDeque<>(2);
    }

    /** Ends a {@link #pause}: passes the held messages on (or drops them, if the request was refused). */
    final void resume(ChannelHandlerContext ctx) {
        ArrayDeque<Object> messages = held;
        held = null;
        if (messages == null || messages.isEmpty()) {
            return;
        }
        Object msg;
        while ((msg = messages.poll()) != null) {
            if (discarding && msg instanceof HttpContent content) {
                if (content instanceof LastHttpContent) {
                    discarding = false;
                }
                content.release();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
        ctx.fireChannelReadComplete();
    }

    /** True while paused. */
    final boolean paused() {
        return held != null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        ArrayDeque<Object> messages = held;
        held = null;
        if (messages != null) {
            messages.forEach(ReferenceCountUtil::release);
        }
    }

    /**
     * Answers the current request with a JSON error and drops its body.
     *
     * @param head the request's head, to decide HEAD and whether the body is small enough to drain
     * @param keepAlive whether the client asked to keep the connection (read before hop-by-hop removal)
     * @param headers adds response headers (challenge, Retry-After); may be null
     */
    final void reject(ChannelHandlerContext ctx, HttpRequest head, boolean keepAlive, String requestId,
                      String agentName, HttpResponseStatus status, String error, String description,
                      Consumer<FullHttpResponse> headers) {
        metrics.requestFinished(agentName, status.code());
        discarding = !(head instanceof LastHttpContent);
        ErrorResponses.send(ctx, head.method(), status, error, description, requestId, !keepAlive || !smallBody(head),
                headers);
    }

    private static boolean smallBody(HttpRequest head) {
        if (HttpUtil.isTransferEncodingChunked(head)) {
            return false;
        }
        return HttpUtil.getContentLength(head, 0L) <= MAX_DRAIN_BYTES;
    }
}
