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
    /** Bodies larger than this are not drained after a refusal: the connection is closed instead. */
    private static final long MAX_DRAIN_BYTES = 64 * 1024;

    private final ExchangeLog log;
    private boolean discarding;
    /** Non-null while this stage waits (for a key fetch): the body that arrived meanwhile, in order. */
    private ArrayDeque<Object> held;

    RequestStage(ExchangeLog log) {
        this.log = log;
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
     * Answers the current request with a JSON error, drops its body, and records the refusal (metrics and
     * audit line; the answer waits for the audit line to be accepted).
     *
     * @param request the request as far as the pipeline got; null for a head refused before it was parsed
     * @param head the request's head, to decide HEAD and whether the body is small enough to drain
     * @param keepAlive whether the client asked to keep the connection (read before hop-by-hop removal)
     * @param headers adds response headers (challenge, Retry-After); may be null
     */
    final void reject(ChannelHandlerContext ctx, IngressRequest request, HttpRequest head, boolean keepAlive,
                      String requestId, HttpResponseStatus status, String error, String description,
                      Consumer<FullHttpResponse> headers) {
        discarding = !(head instanceof LastHttpContent);
        String refusal = error;
        if (request != null) {
            request.refused = true;
            refusal = request.refusal != null ? request.refusal : error;
        }
        // A client that sent Expect: 100-continue holds its body back until told; draining would swallow the next
        // request's bytes as that body, so the connection closes instead.
        boolean close = !keepAlive || !smallBody(head) || HttpUtil.is100ContinueExpected(head);
        log.finished(ctx, request, head, requestId, status.code(), refusal,
                () -> ErrorResponses.send(ctx, head.method(), status, error, description, requestId, close, headers));
    }

    /** Convenience for stages after the guard, which know the whole {@link IngressRequest}. */
    final void reject(ChannelHandlerContext ctx, IngressRequest request, HttpResponseStatus status, String error,
                      String description, Consumer<FullHttpResponse> headers) {
        reject(ctx, request, request.head, request.keepAlive && !request.closeAfter, request.requestId, status,
                error, description, headers);
    }

    private static boolean smallBody(HttpRequest head) {
        if (HttpUtil.isTransferEncodingChunked(head)) {
            return false;
        }
        return HttpUtil.getContentLength(head, 0L) <= MAX_DRAIN_BYTES;
    }
}
