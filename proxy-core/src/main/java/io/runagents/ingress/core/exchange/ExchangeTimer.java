package io.runagents.ingress.core.exchange;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The upstream timeout of one exchange: fires after {@code timeout} without a byte in either direction.
 * Activity only records a timestamp, and the scheduled check re-arms itself for the remainder; the check
 * also outlives its exchange (it goes quiet at its next run), so a keep-alive connection does not
 * schedule and cancel a task per request. Confined to the channel's event loop.
 */
final class ExchangeTimer {
    private final EventExecutor executor;
    private final Runnable onTimeout;
    private long timeoutNanos;
    private long lastActivityNanos;
    private boolean active;
    private ScheduledFuture<?> scheduled;
    private long scheduledAtNanos;

    ExchangeTimer(EventExecutor executor, Runnable onTimeout) {
        this.executor = executor;
        this.onTimeout = onTimeout;
    }

    /** Starts timing a new exchange. */
    void start(int timeoutSeconds) {
        timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        lastActivityNanos = System.nanoTime();
        active = true;
        long due = lastActivityNanos + timeoutNanos;
        if (scheduled == null || scheduledAtNanos - due > 0) {
            // No check pending, or the pending one comes too late for this exchange's (shorter) timeout.
            cancelScheduled();
            schedule(timeoutNanos);
        }
    }

    /** Records a byte moving. */
    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Ends timing; a pending check finds nothing to do and stops. */
    void cancel() {
        active = false;
    }

    /** Stops the pending check too (the connection is going away). */
    void stop() {
        active = false;
        cancelScheduled();
    }

    private void schedule(long delayNanos) {
        scheduledAtNanos = System.nanoTime() + delayNanos;
        scheduled = executor.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelScheduled() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
    }

    private void check() {
        scheduled = null;
        if (!active) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle < timeoutNanos) {
            schedule(timeoutNanos - idle);
            return;
        }
        active = false;
        onTimeout.run();
    }
}
