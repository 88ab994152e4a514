package io.runagents.ingress.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What graceful shutdown and {@code maxConnections} need to know across all client connections of a
 * listener: how many are open, how many exchanges are in flight, and whether the proxy is draining.
 */
public final class ConnectionTracker {
    private final ChannelGroup channels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean cutOff;

    /**
     * Registers a new connection; false when it would exceed {@code max} and must be closed at once.
     */
    public boolean tryOpen(Channel channel, int max) {
        if (open.incrementAndGet() > max || draining.get()) {
            open.decrementAndGet();
            return false;
        }
        channels.add(channel);
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** Open client connections right now. */
    public int openConnections() {
        return open.get();
    }

    /** Requests between their first byte and the end of their response. */
    public int inFlight() {
        return inFlight.get();
    }

    public void exchangeStarted() {
        inFlight.incrementAndGet();
    }

    public void exchangeFinished() {
        inFlight.decrementAndGet();
    }

    /** True once shutdown began: responses carry {@code Connection: close} and idle connections close. */
    public boolean draining() {
        return draining.get();
    }

    /** Starts draining: from now on every exchange is a connection's last. */
    public void startDraining() {
        draining.set(true);
    }

    /** The user event that asks a connection to close if it has no request in progress. */
    public static final Object CLOSE_IF_IDLE = new Object() {
        @Override
        public String toString() {
            return "CLOSE_IF_IDLE";
        }
    };

    /** Asks every connection to close unless it is in the middle of an exchange. */
    public void closeIdle() {
        for (Channel channel : channels) {
            channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(CLOSE_IF_IDLE));
        }
    }

    /** The user event that ends a connection at the end of the grace period: with a 503 if its answer has not begun. */
    public static final Object CUT_OFF = new Object() {
        @Override
        public String toString() {
            return "CUT_OFF";
        }
    };

    /** How long the cut-off connections get to send their 503 before they are closed regardless. */
    private static final long CUT_OFF_ANSWER_MILLIS = 1000;

    /**
     * Ends every connection still open (after the grace period). An exchange whose response has not begun is
     * answered 503 first, so its client learns that the proxy gave up rather than seeing the connection drop.
     */
    public void closeAll() {
        cutOff = true;
        for (Channel channel : channels) {
            channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(CUT_OFF));
        }
        channels.newCloseFuture().awaitUninterruptibly(CUT_OFF_ANSWER_MILLIS);
        channels.close().awaitUninterruptibly();
    }

    /** True once {@link #closeAll} ran: a connection closing now was closed by the proxy, not by its client. */
    public boolean cutOff() {
        return cutOff;
    }
}
