package io.runagents.ingress.core.ingress;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The upstream timeout of one exchange: fires after {@code timeout} without a byte in either direction.
 * Activity only records a timestamp; the scheduled check re-arms itself for the remainder, so a busy
 * stream costs no timer churn. Confined to the channel's event loop.
 */
final class ExchangeTimer {
    private final EventExecutor executor;
    private final Runnable onTimeout;
    private long timeoutNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> scheduled;

    ExchangeTimer(EventExecutor executor, Runnable onTimeout) {
        this.executor = executor;
        this.onTimeout = onTimeout;
    }

    /** Starts timing a new exchange. */
    void start(int timeoutSeconds) {
        cancel();
        timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        lastActivityNanos = System.nanoTime();
        scheduled = executor.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Records a byte moving. */
    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    void cancel() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
    }

    private void check() {
        scheduled = null;
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle < timeoutNanos) {
            scheduled = executor.schedule(this::check, timeoutNanos - idle, TimeUnit.NANOSECONDS);
            return;
        }
        onTimeout.run();
    }
}
