package io.runagents.ingress.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.runagents.ingress.benchmarks.HttpResponseScanner;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One keep-alive connection of the load generator, touched only by its event loop. Closed loop: the next
 * request goes out as soon as a response is complete, and latency runs from the send. Open loop: requests
 * are due at fixed intended times whether or not the previous answer came back; a request that finds the
 * connection busy waits in a backlog, and its latency runs from its intended time, so a stall is charged to
 * every request it delayed (no coordinated omission).
 *
 * <p>Responses are parsed in place from a byte array (head end, status, {@code Content-Length}): the
 * generator must stay cheaper than the servers it measures.
 */
final class LoadConnection extends ChannelInboundHandlerAdapter {
    private final ByteBuf request;
    /** Set by {@link #begin}, once every connection of the run is up. */
    private LoadPlan plan;
    final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    long completed;
    long non2xx;
    long errors;

    private ChannelHandlerContext ctx;
    private byte[] buffer = new byte[8192];
    private int filled;
    /** Open loop: intended times waiting for this connection, oldest first (a ring). */
    private long[] backlog = new long[64];
    private int backlogHead;
    private int backlogSize;
    private long nextIntended;
    private long inFlightSince = -1;
    private ScheduledFuture<?> timer;

    LoadConnection(ByteBuf request) {
        this.request = request;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Starts sending, on this connection's event loop, once all connections are up: a schedule that began before
     * the last connect would start the run with a backlog the harness made (connecting 32 connections one after
     * the other takes long enough on a busy machine), and the warm-up would not always drain it.
     */
    void begin(LoadPlan plan, long firstIntended) {
        this.plan = plan;
        this.nextIntended = firstIntended;
        if (plan.openLoop()) {
            tick();
        } else {
            send(System.nanoTime());
        }
    }

    private void send(long latencyOrigin) {
        if (System.nanoTime() >= plan.endNanos()) {
            return;
        }
        inFlightSince = latencyOrigin;
        ctx.writeAndFlush(request.retainedDuplicate(), ctx.voidPromise());
    }

    /** Open loop: queues every request whose intended time has come, then sleeps until the next one. */
    private void tick() {
        long now = System.nanoTime();
        while (nextIntended <= now && nextIntended < plan.endNanos()) {
            enqueue(nextIntended);
            nextIntended += plan.intervalNanos();
        }
        if (inFlightSince < 0 && backlogSize > 0) {
            send(dequeue());
        }
        if (nextIntended < plan.endNanos()) {
            timer = ctx.executor().schedule(this::tick, Math.max(0, nextIntended - now), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            int n = in.readableBytes();
            if (filled + n > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, filled + n));
            }
            in.readBytes(buffer, filled, n);
            filled += n;
        } finally {
            in.release();
        }
        int consumed = 0;
        while (true) {
            int headEnd = HttpResponseScanner.headerEnd(buffer, consumed, filled);
            if (headEnd < 0) {
                break;
            }
            long length = HttpResponseScanner.contentLength(buffer, consumed, headEnd);
            if (length < 0) {
                errors++;
                ctx.close(); // chunked or close-delimited: this generator only measures Content-Length answers
                return;
            }
            if (filled - headEnd < length) {
                break;
            }
            responded(HttpResponseScanner.status(buffer, consumed));
            consumed = headEnd + (int) length;
        }
        if (consumed > 0) {
            System.arraycopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
        }
    }

    private void responded(int status) {
        long now = System.nanoTime();
        if (now >= plan.measureFromNanos() && now < plan.endNanos()) {
            histogram.recordValue(Math.min(now - inFlightSince, histogram.getHighestTrackableValue()));
            completed++;
            if (status < 200 || status > 299) {
                non2xx++;
            }
        }
        inFlightSince = -1;
        if (!plan.openLoop()) {
            send(now);
        } else if (backlogSize > 0) {
            send(dequeue());
        }
    }

    private void enqueue(long intended) {
        if (backlogSize == backlog.length) {
            long[] grown = new long[backlog.length * 2];
            for (int i = 0; i < backlogSize; i++) {
                grown[i] = backlog[(backlogHead + i) % backlog.length];
            }
            backlog = grown;
            backlogHead = 0;
        }
        backlog[(backlogHead + backlogSize) % backlog.length] = intended;
        backlogSize++;
    }

    private long dequeue() {
        long intended = backlog[backlogHead];
        backlogHead = (backlogHead + 1) % backlog.length;
        backlogSize--;
        return intended;
    }

    /**
     * Open loop, at the end: requests that were due in the measured window but still waited (or were in
     * flight) are at least {@code end - intended} late; recording that keeps a stalled server from looking
     * fast. Returns how many there were.
     */
    int recordUnfinished() {
        int late = 0;
        long end = plan.endNanos();
        if (inFlightSince >= plan.measureFromNanos()) {
            histogram.recordValue(Math.min(end - inFlightSince, histogram.getHighestTrackableValue()));
            late++;
        }
        while (backlogSize > 0) {
            long intended = dequeue();
            if (intended >= plan.measureFromNanos()) {
                histogram.recordValue(Math.min(end - intended, histogram.getHighestTrackableValue()));
                late++;
            }
        }
        return late;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (plan == null || System.nanoTime() < plan.endNanos()) {
            errors++; // the server closed a keep-alive connection during the run
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors++;
        ctx.close();
    }
}
