package io.runagents.ingress.core.testing;

import static org.awaitility.Awaitility.await;

import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Samples the proxy's pooled buffer memory (direct and heap) every few milliseconds. The proxy's channels
 * use {@link PooledByteBufAllocator#DEFAULT}; the stubs use Netty's default allocator, so they are not counted.
 */
public final class MemoryProbe implements AutoCloseable {
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final long baseline = used();
    private final AtomicLong peak = new AtomicLong(baseline);

    private MemoryProbe() { }

    public static MemoryProbe start() {
        MemoryProbe probe = new MemoryProbe();
        probe.sampler.scheduleAtFixedRate(() -> probe.peak.accumulateAndGet(used(), Math::max),
                0, 5, TimeUnit.MILLISECONDS);
        return probe;
    }

    private static long used() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()
                + PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory();
    }

    /** The highest pooled memory seen since {@link #start}, minus what was in use then. */
    public long peakGrowth() {
        peak.accumulateAndGet(used(), Math::max);
        return peak.get() - baseline;
    }

    /** Waits until {@code progress} is positive and has not moved between two polls 300 ms apart. */
    public static void awaitStalled(LongSupplier progress) {
        long[] previous = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            long now = progress.getAsLong();
            boolean stalled = now > 0 && now == previous[0];
            previous[0] = now;
            return stalled;
        });
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
