package io.runagents.ingress.jwt.cache;

import com.github.benmanes.caffeine.cache.Cache;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.RejectReason;
import io.runagents.ingress.jwt.testing.AuthHarness;
import io.runagents.ingress.jwt.testing.MutableClock;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class VerifiedTokenCacheTest {

    AuthHarness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    static AuthResult.Authenticated identity(String keyId, Instant exp) {
        return new AuthResult.Authenticated("alice", null, List.of(), List.of(), "p", exp, Map.of(), keyId);
    }

    @Test
    void hitReturnsTheSameResultWithoutVerifying() throws Exception {
        h = AuthHarness.start(TestKeys.rsa());
        String token = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).sign();
        AuthResult first = h.authenticator().authenticate(token);
        AuthResult second = h.authenticator().authenticate(token);
        assertThat(first).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(second).isSameAs(first);
        Cache<?, ?> caffeine = h.providers.tokenCacheMetricsView();
        assertThat(caffeine.stats().hitCount()).isEqualTo(1);
        assertThat(caffeine.stats().loadCount()).isEqualTo(1);
    }

    @Test
    void eachNewTokenIsOneMissAndOneLoad() throws Exception {
        h = AuthHarness.start(TestKeys.rsa());
        for (int i = 0; i < 20; i++) {
            String token = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).claim("jti", "t" + i).sign();
            assertThat(h.authenticator().authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);
            assertThat(h.authenticator().authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);
        }
        Cache<?, ?> caffeine = h.providers.tokenCacheMetricsView();
        assertThat(caffeine.stats().missCount()).as("one per new token").isEqualTo(20);
        assertThat(caffeine.stats().loadCount()).isEqualTo(20);
        assertThat(caffeine.stats().hitCount()).isEqualTo(20);
    }

    @Test
    void refusalsAreNotCached() throws Exception {
        h = AuthHarness.start(TestKeys.rsa());
        String token = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).claim("iss", "other").sign();
        assertThat(h.authenticate(token)).isEqualTo(AuthResult.Rejected.of(RejectReason.ISSUER));
        h.providers.tokenCache().cleanUp();
        assertThat(h.providers.tokenCache().estimatedSize()).isZero();
    }

    @Test
    void entryEndsAtExpAndTheTokenIsNotAnsweredPastIt() throws Exception {
        h = AuthHarness.start(TestKeys.rsa());
        Instant exp = h.clock.instant().plusSeconds(100);
        String token = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).claim("exp", exp.getEpochSecond())
                .sign();
        JwtAuthenticator a = h.authenticator();
        assertThat(a.authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);
        h.clock.advance(Duration.ofSeconds(99));
        assertThat(h.providers.tokenCache().getIfPresent(a.generation(), token)).isNotNull();
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(h.providers.tokenCache().getIfPresent(a.generation(), token)).isNull();
        h.clock.advance(Duration.ofSeconds(60)); // past the skew as well: verification refuses it
        assertThat(a.authenticate(token)).isEqualTo(AuthResult.Rejected.of(RejectReason.EXPIRED));
    }

    @Test
    void entryLifetimeIsCapped() {
        MutableClock clock = MutableClock.atFixedStart();
        VerifiedTokenCache cache = new VerifiedTokenCache(10, Duration.ofMinutes(10), clock);
        cache.getOrVerify(1, "t", t -> identity("k", clock.instant().plus(Duration.ofHours(1))));
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(cache.getIfPresent(1, "t")).isNotNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.getIfPresent(1, "t")).isNull();
    }

    @Test
    void farFutureExpDoesNotOverflow() {
        MutableClock clock = MutableClock.atFixedStart();
        VerifiedTokenCache cache = new VerifiedTokenCache(10, Duration.ofMinutes(10), clock);
        cache.getOrVerify(1, "t", t -> identity("k", Instant.parse("9999-12-31T23:59:59Z")));
        assertThat(cache.getIfPresent(1, "t")).isNotNull();
    }

    @Test
    void generationsAndKeysAreEvictedSelectively() {
        MutableClock clock = MutableClock.atFixedStart();
        VerifiedTokenCache cache = new VerifiedTokenCache(10, Duration.ofMinutes(10), clock);
        Instant exp = clock.instant().plusSeconds(600);
        cache.getOrVerify(1, "a", t -> identity("k1", exp));
        cache.getOrVerify(1, "b", t -> identity("k2", exp));
        cache.getOrVerify(2, "a", t -> identity("k1", exp));
        cache.invalidateKeys(1, java.util.Set.of("k1"));
        assertThat(cache.getIfPresent(1, "a")).isNull();
        assertThat(cache.getIfPresent(1, "b")).isNotNull();
        assertThat(cache.getIfPresent(2, "a")).isNotNull();
        cache.invalidateGeneration(2);
        assertThat(cache.getIfPresent(2, "a")).isNull();
    }

    @Test
    void keyRemovedFromTheJwksEvictsItsTokens() throws Exception {
        h = AuthHarness.start(TestKeys.rsa(), TestKeys.rsa2());
        String byOne = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).sign();
        String byTwo = TestTokens.signedBy(TestKeys.rsa2()).at(h.clock.instant()).sign();
        JwtAuthenticator a = h.authenticator();
        assertThat(a.authenticate(byOne)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(a.authenticate(byTwo)).isInstanceOf(AuthResult.Authenticated.class);

        h.server.jwks(TestKeys.jwks(TestKeys.rsa2()));
        a.prefetch().toCompletableFuture().join();
        await().atMost(5, TimeUnit.SECONDS).until(() -> a.state().keys() == 1);

        assertThat(h.providers.tokenCache().getIfPresent(a.generation(), byOne)).isNull();
        assertThat(h.providers.tokenCache().getIfPresent(a.generation(), byTwo)).isNotNull();
        assertThat(AuthHarness.resolve(a.authenticate(byOne))).isInstanceOfSatisfying(AuthResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_KEY));
    }

    @Test
    void hundredConcurrentIdenticalMissesVerifyOnce() throws Exception {
        h = AuthHarness.start(TestKeys.rsa());
        String token = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).sign();
        List<AuthResult> results = atOnce(100, () -> h.authenticator().authenticate(token));
        assertThat(results).allSatisfy(r -> assertThat(r).isSameAs(results.get(0)));
        assertThat(h.providers.tokenCacheMetricsView().stats().loadCount()).as("verifications").isEqualTo(1);
    }

    @Test
    void concurrentMissesRunTheVerifierOnce() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        VerifiedTokenCache cache = new VerifiedTokenCache(10, Duration.ofMinutes(10), clock);
        AtomicInteger calls = new AtomicInteger();
        List<AuthResult> results = atOnce(100, () -> cache.getOrVerify(7, "same-token", t -> {
            calls.incrementAndGet();
            return identity("k", clock.instant().plusSeconds(60));
        }));
        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(AuthResult.Authenticated.class));
        assertThat(calls).hasValue(1);
    }

    @Test
    void boundedByMaxEntries() {
        MutableClock clock = MutableClock.atFixedStart();
        VerifiedTokenCache cache = new VerifiedTokenCache(5, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 50; i++) {
            cache.getOrVerify(1, "t" + i, t -> identity("k", clock.instant().plusSeconds(60)));
        }
        cache.cleanUp();
        assertThat(cache.estimatedSize()).isLessThanOrEqualTo(5);
        VerifiedTokenCache none = new VerifiedTokenCache(0, Duration.ofMinutes(10), clock);
        none.getOrVerify(1, "t", t -> identity("k", clock.instant().plusSeconds(60)));
        none.cleanUp();
        assertThat(none.getIfPresent(1, "t")).isNull();
    }

    /**
     * The front of recent tokens (on when the cache holds at least as many entries as the front has slots) answers
     * exactly as the cache does: never past the entry's deadline, never after an invalidation, never for another
     * generation or another token, and its hits are counted as the cache's.
     */
    @Test
    void theFrontOfRecentTokensAnswersExactlyAsTheCache() {
        MutableClock clock = MutableClock.atFixedStart();
        VerifiedTokenCache cache = new VerifiedTokenCache(10_000, Duration.ofMinutes(10), clock);
        Instant exp = clock.instant().plusSeconds(100);
        AuthResult verified = cache.getOrVerify(1, "token-a", t -> identity("k1", exp));
        assertThat(cache.getIfPresent(1, "token-a")).isSameAs(verified);
        assertThat(cache.getIfPresent(2, "token-a")).as("another generation").isNull();
        assertThat(cache.getIfPresent(1, new String("token-a"))).as("an equal token").isSameAs(verified);
        assertThat(cache.getIfPresent(1, "token-b")).isNull();
        long hits = cache.caffeine().stats().hitCount();
        for (int i = 0; i < 10; i++) {
            cache.getIfPresent(1, "token-a");
        }
        assertThat(cache.caffeine().stats().hitCount()).as("front hits are cache hits").isEqualTo(hits + 10);

        clock.advance(Duration.ofSeconds(100).minusMillis(1));
        assertThat(cache.getIfPresent(1, "token-a")).isSameAs(verified);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.getIfPresent(1, "token-a")).as("at exp").isNull();

        for (Runnable drop : List.<Runnable>of(() -> cache.invalidate(1, "token-c"),
                () -> cache.invalidateKeys(1, java.util.Set.of("k3")), () -> cache.invalidateGeneration(1))) {
            cache.getOrVerify(1, "token-c", t -> identity("k3", clock.instant().plusSeconds(60)));
            assertThat(cache.getIfPresent(1, "token-c")).isNotNull();
            drop.run();
            assertThat(cache.getIfPresent(1, "token-c")).isNull();
        }
        cache.getOrVerify(1, "token-d", t -> identity("k4", clock.instant().plusSeconds(60)));
        cache.setMaximumSize(0);
        cache.cleanUp();
        assertThat(cache.getIfPresent(1, "token-d")).as("the cache turned off").isNull();
    }

    /** Runs {@code call} on {@code threads} threads released together; their results, in thread order. */
    private static List<AuthResult> atOnce(int threads, Callable<AuthResult> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier barrier = new CyclicBarrier(threads);
            List<Future<AuthResult>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    barrier.await();
                    return call.call();
                }));
            }
            List<AuthResult> results = new ArrayList<>();
            for (Future<AuthResult> f : futures) {
                results.add(f.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
