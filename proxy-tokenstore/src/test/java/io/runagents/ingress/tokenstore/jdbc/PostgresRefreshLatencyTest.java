package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.RefreshCall;
import io.runagents.ingress.tokenstore.RefreshResult;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.testing.Backend;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a refresh costs under 50 concurrent callers on a real PostgreSQL, through two stores (two pools), as two
 * replicas would. Prints p50/p99/max per caller; asserts only that each round refreshed once. The token endpoint
 * answers at once, so the numbers are the store's own cost (locking, re-reading, AES-GCM, the write).
 */
class PostgresRefreshLatencyTest extends StoreTestBase {

    private static final int CALLERS = 50;
    private static final int ROUNDS = 20;

    @Override
    Backend newBackend(Path dataDir) {
        return Backend.postgresql(dataDir);
    }

    @Test
    void fiftyCallersOfOneExpiredGrant() throws Exception {
        TokenStore a = open(TestKeys.K1);
        TokenStore b = open(TestKeys.K1);
        AtomicInteger calls = new AtomicInteger();
        RefreshCall endpoint = g -> {
            calls.incrementAndGet();
            return new RefreshResult.Rotated(tokens("access-" + calls.get(), null, clock.instant().plusSeconds(3600)));
        };
        List<Long> latencies = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            a.replace(ALICE, tokens("expired", "refresh", clock.instant().minusSeconds(1)));
            int before = calls.get();
            latencies.addAll(RefreshContract.concurrently(CALLERS, i -> timed(() ->
                    (i % 2 == 0 ? a : b).refresh(ALICE, g -> g.accessExpiresAt().isBefore(clock.instant()), endpoint))));
            assertThat(calls.get() - before).isEqualTo(1);
        }
        report("one expired grant, 50 callers, 1 refresh + 49 re-reads per round", latencies);
    }

    @Test
    void fiftyCallersOfFiftyGrants() throws Exception {
        TokenStore a = open(TestKeys.K1);
        TokenStore b = open(TestKeys.K1);
        List<GrantKey> keys = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            keys.add(new GrantKey("google", "user" + i + "@example.com", "github"));
            a.replace(keys.get(i), tokens("access", "refresh", clock.instant()));
        }
        RefreshCall endpoint = g -> new RefreshResult.Rotated(tokens("rotated", "refresh-2", clock.instant()));
        List<Long> latencies = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            latencies.addAll(RefreshContract.concurrently(CALLERS, i -> timed(() ->
                    (i % 2 == 0 ? a : b).refresh(keys.get(i), g -> true, endpoint))));
        }
        report("50 grants, one caller each, every call rotates", latencies);
    }

    private static long timed(ThrowingRunnable r) throws Exception {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void report(String scenario, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("refresh latency on PostgreSQL (%s, %d samples): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                scenario, sorted.length, ms(sorted, 0.50), ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
        assertThat(Arrays.stream(sorted).max().orElseThrow()).isLessThan(Duration.ofSeconds(10).toNanos());
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.ceil(quantile * sorted.length) - 1] / 1e6;
    }
}
