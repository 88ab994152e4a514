package io.runagents.ingress.core.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} when a connection has neither read nor written for the
 * idle timeout. Netty's {@code IdleStateHandler} does the same but reads the clock on every read and adds a
 * listener to every write's promise, on the per-request path of both sides of the relay; here a read or a
 * write only sets a flag, and a check that runs four times per timeout counts the quiet periods. The
 * event therefore comes between one timeout and one and a quarter timeouts after the last activity. A
 * write counts when it is issued, not when it completes: a peer that stops reading stalls the relay
 * (backpressure), so no writes follow and the connection still goes idle.
 */
public final class IdleConnectionHandler extends ChannelDuplexHandler {
    private static final int CHECKS_PER_TIMEOUT = 4;

    private final long checkEveryNanos;
    private boolean active;
    /** Reads since the connection opened (each a burst of bytes): tells whether bytes came since some moment. */
    private long reads;
    private int quietChecks;
    private ScheduledFuture<?> check;

    public IdleConnectionHandler(long timeout, TimeUnit unit) {
        this.checkEveryNanos = Math.max(1, unit.toNanos(timeout) / CHECKS_PER_TIMEOUT);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        active = true;
        reads++;
        ctx.fireChannelRead(msg);
    }

    /**
     * How many reads the connection has had. Placed before the HTTP codec, this counts bytes arriving, so a
     * request head still being sent (which the codec keeps to itself until it is whole) shows as reads
     * after the last exchange ended.
     */
    public long reads() {
        return reads;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        active = true;
        ctx.write(msg, promise);
    }

    private void start(ChannelHandlerContext ctx) {
        if (check == null) {
            active = true;
            check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), checkEveryNanos, checkEveryNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void check(ChannelHandlerContext ctx) {
        if (active) {
            active = false;
            quietChecks = 0;
        } else if (++quietChecks >= CHECKS_PER_TIMEOUT) {
            quietChecks = 0;
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }
}
