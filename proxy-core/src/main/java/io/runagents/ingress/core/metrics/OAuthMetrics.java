package io.runagents.ingress.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The per-user OAuth meters (SPEC section 8): {@code runagents_oauth_consents_total{tool, result}} (started,
 * granted, denied, mismatch, revoked), {@code runagents_oauth_refreshes_total{tool, result}} (refreshed,
 * already_fresh, invalid_grant, failed) and {@code runagents_oauth_token_store_seconds{operation}}. These events are
 * rare next to requests (a cached access token costs no store call), so meters are looked up per event.
 */
public final class OAuthMetrics {
    private final MeterRegistry registry;

    public OAuthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A metrics sink for tests and tools that publish nothing. */
    public static OAuthMetrics none() {
        return new OAuthMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    public void consent(String tool, String result) {
        Counter.builder("runagents.oauth.consents").description("Per-user OAuth consent events")
                .tag("tool", tool).tag("result", result).register(registry).increment();
    }

    public void refresh(String tool, String result) {
        Counter.builder("runagents.oauth.refreshes").description("Access token refreshes at tools' token endpoints")
                .tag("tool", tool).tag("result", result).register(registry).increment();
    }

    /** How long one token-store operation took, refreshes included (they hold the grant's lock). */
    public void storeLatency(String operation, long nanos) {
        Timer.builder("runagents.oauth.token.store").description("Token store operations")
                .tag("operation", operation).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
