package io.runagents.ingress.core.exchange;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.runagents.ingress.core.http.WireError;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * Runs a listener's {@link Stage}s over each request head, in order, in one pipeline hop: the head goes on to
 * the relay when every stage passed it, or is answered here when one refused it. A refused request's body is
 * released as it arrives (this handler owns it), so the relay never sees content without its exchange.
 *
 * <p>While a stage's decision waits ({@link Verdict.Later}), the body that arrives meanwhile is held here in
 * order and passed on (or dropped) once the decision is made, on the channel's event loop.
 *
 * <p>Message ownership: an {@link Exchange} and contents that are passed on belong to the next handler;
 * everything of a refused request is released here.
 */
public final class ExchangeStages extends ChannelInboundHandlerAdapter {
    /** Bodies larger than this are not drained after a refusal: the connection is closed instead. */
    private static final long MAX_DRAIN_BYTES = 64 * 1024;

    private final ExchangeLog log;
    private final Stage[] stages;
    private boolean discarding;
    /** Non-null while a stage's decision waits: the body that arrived meanwhile, in order. */
    private ArrayDeque<Object> held;
    private boolean waiting;
    /** Non-null while a stage reads the body it decides on ({@link Verdict.ReadBody}). */
    private BodyReading reading;
    /** The exchange whose whole body a stage read: its answer has nothing left to drop. */
    private Exchange consumed;

    /** A body being read for a stage: whose, for which stage, and what came so far. */
    private static final class BodyReading {
        final Exchange exchange;
        final int stage;
        final Verdict.ReadBody read;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BodyReading(Exchange exchange, int stage, Verdict.ReadBody read) {
            this.exchange = exchange;
            this.stage = stage;
            this.read = read;
        }
    }

    /** @param stages run in this order; the first is the listener's guard */
    public ExchangeStages(ExchangeLog log, List<Stage> stages) {
        this.log = Objects.requireNonNull(log, "log");
        this.stages = stages.toArray(new Stage[0]);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Exchange exchange) {
            discarding = false;
            run(ctx, exchange, 0);
        } else if (msg instanceof HttpContent content && discarding) {
            discard(content);
        } else if (msg instanceof HttpContent content && reading != null) {
            readBody(ctx, content);
        } else if (held != null) {
            held.add(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void run(ChannelHandlerContext ctx, Exchange exchange, int from) {
        for (int i = from; i < stages.length; i++) {
            Verdict verdict = stages[i].apply(exchange);
            if (verdict != Verdict.NEXT) {
                decided(ctx, exchange, i, verdict);
                return;
            }
        }
        ctx.fireChannelRead(exchange);
    }

    private void decided(ChannelHandlerContext ctx, Exchange exchange, int stage, Verdict verdict) {
        if (verdict instanceof Verdict.Next) {
            run(ctx, exchange, stage + 1);
        } else if (verdict instanceof Verdict.Refusal refusal) {
            refuse(ctx, exchange, refusal);
        } else if (verdict instanceof Verdict.Reply reply) {
            discardBodyAfterAnswer(exchange);
            log.reply(ctx, exchange, reply);
        } else if (verdict instanceof Verdict.ReadBody read) {
            startReading(ctx, exchange, stage, read);
        } else {
            wait(ctx, exchange, stage, (Verdict.Later<?>) verdict);
        }
    }

    private <T> void wait(ChannelHandlerContext ctx, Exchange exchange, int stage, Verdict.Later<T> later) {
        if (held == null) {
            held = new ArrayDeque<>(2);
        }
        waiting = true;
        later.pending().whenComplete((result, failure) -> ctx.executor().execute(() -> {
            waiting = false;
            if (!ctx.channel().isActive()) {
                releaseHeld();
                return;
            }
            decided(ctx, exchange, stage, failure == null ? later.resume().apply(result)
                    : Verdict.refuse(WireError.TEMPORARILY_UNAVAILABLE, "the request could not be checked"));
            if (!waiting) {
                resume(ctx);
            }
        }));
    }

    private void startReading(ChannelHandlerContext ctx, Exchange exchange, int stage, Verdict.ReadBody read) {
        HttpRequest head = exchange.head();
        if (HttpUtil.getContentLength(head, 0L) > read.maxBytes()) {
            refuse(ctx, exchange, tooLarge(read));
            return;
        }
        reading = new BodyReading(exchange, stage, read);
        if (head instanceof HttpContent whole) {
            // A request that is its own last content (no body): its bytes, if any, are all there is.
            reading.bytes.writeBytes(ByteBufUtil.getBytes(whole.content()));
            bodyRead(ctx);
            return;
        }
        if (HttpUtil.is100ContinueExpected(head)) {
            // The proxy itself is the one that wants the body; a client that waits for the go-ahead gets it here.
            head.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        exchange.readMore();
    }

    private void readBody(ChannelHandlerContext ctx, HttpContent content) {
        BodyReading body = reading;
        boolean last = content instanceof LastHttpContent;
        if (body.bytes.size() + content.content().readableBytes() > body.read.maxBytes()) {
            content.release();
            reading = null;
            body.exchange.closeAfter(); // the rest is not read: the connection cannot carry another request
            refuse(ctx, body.exchange, tooLarge(body.read));
            discarding = !last;
            return;
        }
        body.bytes.writeBytes(ByteBufUtil.getBytes(content.content()));
        content.release();
        if (last) {
            bodyRead(ctx);
        } else {
            body.exchange.readMore();
        }
    }

    private void bodyRead(ChannelHandlerContext ctx) {
        BodyReading body = reading;
        reading = null;
        consumed = body.exchange;
        decided(ctx, body.exchange, body.stage, body.read.resume().apply(body.bytes.toByteArray()));
    }

    private static Verdict.Refusal tooLarge(Verdict.ReadBody read) {
        return new Verdict.Refusal(WireError.REQUEST_ENTITY_TOO_LARGE, "the request body exceeds " + read.maxBytes()
                + " bytes", null);
    }

    /** Passes on (or drops, for a refused request) what arrived while a decision waited. */
    private void resume(ChannelHandlerContext ctx) {
        ArrayDeque<Object> messages = held;
        held = null;
        if (messages == null || messages.isEmpty()) {
            return;
        }
        Object msg;
        while ((msg = messages.poll()) != null) {
            if (discarding && msg instanceof HttpContent content) {
                discard(content);
            } else if (reading != null && msg instanceof HttpContent content) {
                readBody(ctx, content);
            } else if (held != null) {
                held.add(msg); // a decision made from what came so far waits again: the rest waits with it
            } else {
                ctx.fireChannelRead(msg);
            }
        }
        ctx.fireChannelReadComplete();
    }

    private void discard(HttpContent content) {
        if (content instanceof LastHttpContent) {
            discarding = false;
        }
        content.release();
    }

    /**
     * Answers the request with a JSON error, drops its body, and records the refusal (metrics and audit line;
     * the answer waits for the audit line to be accepted).
     */
    private void refuse(ChannelHandlerContext ctx, Exchange exchange, Verdict.Refusal refusal) {
        exchange.refuse(null);
        discardBodyAfterAnswer(exchange);
        WireError error = refusal.error();
        String reason = exchange.refusal() != null ? exchange.refusal() : error.code();
        log.answer(ctx, exchange, error, reason, refusal.description(), refusal.headers(), refusal.fields());
    }

    /** The proxy answers before the body: it is dropped as it comes, or the connection closes after the answer. */
    private void discardBodyAfterAnswer(Exchange exchange) {
        if (consumed == exchange) {
            consumed = null;
            return;
        }
        HttpRequest head = exchange.head();
        discarding = !(head instanceof LastHttpContent);
        // A client that sent Expect: 100-continue holds its body back until told; draining would swallow the next
        // request's bytes as that body, so the connection closes instead.
        if (!exchange.closesConnection() && (!smallBody(head) || HttpUtil.is100ContinueExpected(head))) {
            exchange.closeAfter();
        }
    }

    private static boolean smallBody(HttpRequest head) {
        if (HttpUtil.isTransferEncodingChunked(head)) {
            return false;
        }
        return HttpUtil.getContentLength(head, 0L) <= MAX_DRAIN_BYTES;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
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
}
