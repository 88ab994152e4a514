package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.RefreshCall;
import io.runagents.ingress.tokenstore.RefreshOutcome;
import io.runagents.ingress.tokenstore.RefreshResult;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.testing.Backend;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a refresh costs on a real PostgreSQL when 50 callers want the same expired grant at once, through two stores
 * (two pools), as two replicas would. Each caller's time runs from its call to its answer, queueing included: one of
 * them refreshes, the 49 others wait for the grant's lock and then re-read the rotated grant. The token endpoint
 * answers at once, so the figures are the store's own cost (queueing on the lock, the re-read, AES-GCM, the write).
 *
 * <p>Prints one line, {@code REFRESH-LATENCY ...}, and asserts only what holds at any machine speed: every round ran
 * the token endpoint exactly once, and every caller got that round's rotated grant.
 */
class PostgresRefreshLatencyTest extends StoreTestBase {

    private static final int CALLERS = 50;
    private static final int WARMUP_ROUNDS = 3;
    private static final int ROUNDS = 20;

    @Override
    Backend newBackend(Path dataDir) {
        return Backend.postgresql(dataDir);
    }

    @Test
    void fiftyConcurrentCallersOfOneExpiredGrant() throws Exception {
        JdbcTokenStore a = open(TestKeys.K1);
        JdbcTokenStore b = open(TestKeys.K1);
        AtomicInteger calls = new AtomicInteger();
        List<Long> nanos = new ArrayList<>();
        for (int round = 1; round <= WARMUP_ROUNDS + ROUNDS; round++) {
            String rotated = "access-" + round;
            a.replace(ALICE, tokens("expired-" + round, "refresh-" + round, clock.instant().minusSeconds(1)));
            int before = calls.get();
            RefreshCall endpoint = g -> {
                calls.incrementAndGet();
                return new RefreshResult.Rotated(tokens(rotated, null, clock.instant().plusSeconds(3600)));
            };
            List<Timed> results = RefreshContract.concurrently(CALLERS, i -> {
                long start = System.nanoTime();
                RefreshOutcome outcome = (i % 2 == 0 ? a : b)
                        .refresh(ALICE, g -> g.accessExpiresAt().isBefore(clock.instant()), endpoint);
                return new Timed(outcome, System.nanoTime() - start);
            });

            assertThat(calls.get() - before).as("token endpoint calls in round %d", round).isEqualTo(1);
            assertThat(results).filteredOn(t -> t.outcome() instanceof RefreshOutcome.Refreshed).hasSize(1);
            assertThat(results).filteredOn(t -> t.outcome() instanceof RefreshOutcome.AlreadyFresh)
                    .hasSize(CALLERS - 1);
            assertThat(results).allSatisfy(t -> assertThat(RefreshContract.grantOf(t.outcome()).accessToken())
                    .isEqualTo(Secret.of(rotated)));
            if (round > WARMUP_ROUNDS) {
                results.forEach(t -> nanos.add(t.nanos()));
            }
        }
        assertThat(a.refreshLocksInUse() + b.refreshLocksInUse()).isZero();

        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.println(String.format(Locale.ROOT,
                "REFRESH-LATENCY postgresql callers=%d stores=2 rounds=%d samples=%d refresh-calls-per-round=1 "
                        + "p50=%.2fms p99=%.2fms max=%.2fms",
                CALLERS, ROUNDS, sorted.length, ms(sorted, 0.50), ms(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6));
    }

    private record Timed(RefreshOutcome outcome, long nanos) {
    }

    /** The nearest-rank quantile, in milliseconds. */
    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.ceil(quantile * sorted.length) - 1] / 1e6;
    }
}
