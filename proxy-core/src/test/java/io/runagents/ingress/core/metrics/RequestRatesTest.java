package io.runagents.ingress.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.runagents.ingress.jwt.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The activity chart's rates: deltas of the request counters per interval, bounded history. */
class RequestRatesTest {
    @Test
    void intervalsAreTheCountersDeltasAndTheOldestFallOff() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        AtomicReference<RequestRates.Totals> totals = new AtomicReference<>(new RequestRates.Totals(10, 1));
        RequestRates rates = new RequestRates(totals::get, clock, Duration.ofSeconds(10), 2);
        for (long[] next : new long[][] {{15, 2}, {15, 2}, {40, 12}}) {
            clock.advance(Duration.ofSeconds(10));
            totals.set(new RequestRates.Totals(next[0], next[1]));
            rates.sample();
        }
        clock.advance(Duration.ofSeconds(3));
        totals.set(new RequestRates.Totals(41, 12));
        assertThat(rates.recent()).extracting(RequestRates.Interval::requests, RequestRates.Interval::refused)
                .containsExactly(tuple(0L, 0L), tuple(25L, 10L), tuple(1L, 0L));
        assertThat(rates.recent().get(2).end()).isEqualTo(Instant.parse("2026-01-01T00:00:33Z"));
    }

    @Test
    void readsTheProxysRequestCounters() {
        try (ProxyMetrics metrics = new ProxyMetrics()) {
            metrics.requestFinished("a", 200);
            metrics.requestFinished("a", 404);
            metrics.requestFinished("b", 503);
            assertThat(RequestRates.totals(metrics)).isEqualTo(new RequestRates.Totals(3, 2));
        }
        assertThatThrownBy(() -> new RequestRates(() -> null, Clock.systemUTC(), Duration.ZERO, 1))
                .hasMessage("interval: PT0S (expected: > 0)");
    }
}
