package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.Grant;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.RefreshCall;
import io.runagents.ingress.tokenstore.RefreshOutcome;
import io.runagents.ingress.tokenstore.RefreshResult;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;
import io.runagents.ingress.tokenstore.crypto.TokenCipher;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Refresh under the grant's lock: once across stores, what a response keeps, and what each failure does. */
abstract class RefreshContract extends StoreTestBase {

    private static final int CALLERS = 50;

    /** The egress's test: the access token expires within a minute. */
    private final Predicate<Grant> expiring = g -> g.accessExpiresAt() != null
            && g.accessExpiresAt().isBefore(clock.instant().plusSeconds(60));

    @Test
    void fiftyCallersThroughTwoStoresRefreshOnceAndAllSeeTheRotatedToken() throws Exception {
        JdbcTokenStore a = open(TestKeys.K1);
        JdbcTokenStore b = open(TestKeys.K1);
        a.replace(ALICE, tokens("old-access", "old-refresh", clock.instant().minusSeconds(1)));
        AtomicInteger calls = new AtomicInteger();
        RefreshCall endpoint = g -> {
            calls.incrementAndGet();
            assertThat(g.refreshToken()).isEqualTo(Secret.of("old-refresh"));
            // The token endpoint answers only once every caller is inside refresh (this one running, the others
            // queued behind it in either store), so that all 50 overlap the refresh: no sleep, no luck involved.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1))
                    .until(() -> a.refreshCallers(ALICE) + b.refreshCallers(ALICE) == CALLERS);
            return new RefreshResult.Rotated(tokens("new-access", "new-refresh", clock.instant().plusSeconds(3600)));
        };
        List<RefreshOutcome> outcomes = concurrently(CALLERS, i -> (i % 2 == 0 ? a : b).refresh(ALICE, expiring, endpoint));

        assertThat(calls).hasValue(1);
        assertThat(outcomes).filteredOn(o -> o instanceof RefreshOutcome.Refreshed).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof RefreshOutcome.AlreadyFresh).hasSize(CALLERS - 1);
        assertThat(outcomes).allSatisfy(o -> assertThat(grantOf(o).accessToken()).isEqualTo(Secret.of("new-access")));
        assertThat(b.load(ALICE).found().orElseThrow().refreshToken()).isEqualTo(Secret.of("new-refresh"));
        assertThat(a.refreshLocksInUse()).isZero();
        assertThat(b.refreshLocksInUse()).isZero();
    }

    @Test
    void aResponseWithoutRefreshTokenOrScopesKeepsThemReencryptedWithTheFirstKey() throws Exception {
        open(TestKeys.K1).replace(ALICE, tokens("old-access", "old-refresh", clock.instant(), "repo"));
        TokenStore rotated = open(TestKeys.K2, TestKeys.K1);
        long before = rotated.version(ALICE).orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        RefreshOutcome outcome = rotated.refresh(ALICE, expiring,
                g -> new RefreshResult.Rotated(tokens("new-access", null, null)));

        Grant grant = ((RefreshOutcome.Refreshed) outcome).grant();
        assertThat(grant.refreshToken()).isEqualTo(Secret.of("old-refresh"));
        assertThat(grant.scopes()).containsExactly("repo");
        assertThat(grant.accessExpiresAt()).isNull(); // no expires_in: used until the tool answers 401
        assertThat(grant.refreshedAt()).isEqualTo(clock.instant());
        assertThat(grant.version()).isNotEqualTo(before);
        assertThat(rotated.load(ALICE).found().orElseThrow()).isEqualTo(grant);
        assertThat(TokenCipher.keyIdOf(bytes("SELECT refresh_token FROM grants WHERE user_id = ?", ALICE.userId())))
                .contains("k2");
    }

    @Test
    void grantedScopesReplaceTheOldOnes() {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("a", "r", clock.instant(), "repo", "admin"));
        store.refresh(ALICE, expiring, g -> new RefreshResult.Rotated(tokens("b", "r2", null, "repo")));
        assertThat(store.load(ALICE).found().orElseThrow().scopes()).containsExactly("repo");
    }

    @Test
    void invalidGrantEndsTheGrant() {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("a", "r", clock.instant()));
        RefreshOutcome outcome = store.refresh(ALICE, expiring, g -> new RefreshResult.InvalidGrant());
        assertThat(((RefreshOutcome.Ended) outcome).removed().refreshToken()).isEqualTo(Secret.of("r"));
        assertThat(store.load(ALICE)).isEqualTo(Lookup.none());
    }

    @Test
    void aFailedRefreshKeepsTheGrantAsItWas() {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("a", "r", clock.instant()));
        Grant before = store.load(ALICE).found().orElseThrow();
        RefreshResult.Failed failure = new RefreshResult.Failed("http_503", "HTTP 503");
        RefreshOutcome outcome = store.refresh(ALICE, expiring, g -> failure);
        assertThat(outcome).isEqualTo(new RefreshOutcome.Failed(before, failure));
        assertThat(store.load(ALICE).found().orElseThrow()).isEqualTo(before);
    }

    @Test
    void aThrowingCallRollsBackAndPropagates() {
        TokenStore store = open(TestKeys.K1);
        store.replace(ALICE, tokens("a", "r", clock.instant()));
        Grant before = store.load(ALICE).found().orElseThrow();
        assertThatThrownBy(() -> store.refresh(ALICE, expiring, g -> {
            throw new IllegalStateException("bug in the caller");
        })).hasMessage("bug in the caller");
        assertThat(store.load(ALICE).found().orElseThrow()).isEqualTo(before);
        store.refresh(ALICE, expiring, g -> new RefreshResult.Rotated(tokens("b", null, null))); // lock released
        assertThat(store.load(ALICE).found().orElseThrow().accessToken()).isEqualTo(Secret.of("b"));
    }

    @Test
    void nothingToRefreshDoesNotCallTheEndpoint() throws Exception {
        TokenStore store = open(TestKeys.K1);
        RefreshCall mustNotRun = g -> {
            throw new AssertionError("called");
        };
        assertThat(store.refresh(ALICE, expiring, mustNotRun)).isEqualTo(new RefreshOutcome.Unusable(Lookup.none()));
        store.replace(ALICE, tokens("a", "r", clock.instant().plusSeconds(3600)));
        assertThat(store.refresh(ALICE, expiring, mustNotRun)).isInstanceOf(RefreshOutcome.AlreadyFresh.class);
        sql("UPDATE grants SET refresh_token = access_token WHERE user_id = ?", ALICE.userId());
        assertThat(store.refresh(ALICE, g -> true, mustNotRun))
                .isEqualTo(new RefreshOutcome.Unusable(Lookup.undecryptable()));
    }

    @Test
    void aRefreshStuckElsewhereTimesOutTheWaitersInsteadOfHangingThem() throws Exception {
        TokenStore a = open(TestKeys.K1);
        ExecutorService leader = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try (TokenStore b = JdbcTokenStore.open(backend.options(TestKeys.ring(TestKeys.K1))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), clock)) {
            a.replace(ALICE, tokens("a", "r", clock.instant()));
            CountDownLatch inCall = new CountDownLatch(1);
            Future<RefreshOutcome> stuck = leader.submit(() -> a.refresh(ALICE, expiring, g -> {
                inCall.countDown();
                awaitQuietly(release);
                return new RefreshResult.Failed("timeout", "no answer in time");
            }));
            assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicInteger waiterCalls = new AtomicInteger();
            long start = System.nanoTime();
            assertThatThrownBy(() -> b.refresh(ALICE, expiring, g -> {
                waiterCalls.incrementAndGet();
                return new RefreshResult.InvalidGrant();
            })).isInstanceOf(TokenStoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(waiterCalls).hasValue(0);
            release.countDown();
            assertThat(stuck.get(10, TimeUnit.SECONDS)).isInstanceOf(RefreshOutcome.Failed.class);
            assertThat(b.load(ALICE)).isInstanceOf(Lookup.Found.class); // the waiter deleted nothing
        } finally {
            release.countDown();
            leader.shutdownNow();
        }
    }

    static Grant grantOf(RefreshOutcome o) {
        if (o instanceof RefreshOutcome.Refreshed r) {
            return r.grant();
        }
        return ((RefreshOutcome.AlreadyFresh) o).grant();
    }

    /** Runs {@code task} on {@code n} threads released together; returns their results in order. */
    static <T> List<T> concurrently(int n, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.run(index);
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One thread's share of {@link #concurrently}. */
    interface IndexedTask<T> {
        T run(int index) throws Exception;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
