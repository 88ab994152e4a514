package io.runagents.ingress.jwt.jwks;

import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.TokenCacheSettings;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.ProviderState;
import io.runagents.ingress.jwt.RejectReason;
import io.runagents.ingress.jwt.testing.AuthHarness;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The JWKS engine against a real HTTP endpoint whose answers the tests script; time moves by the injected clock. */
class JwksEngineTest {

    static final JwksSettings SETTINGS = new JwksSettings(300, 30, 3600, 500);

    AuthHarness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    AuthHarness start(String jwks, boolean prefetch, Path dataDir) throws Exception {
        h = AuthHarness.start(uri -> TestTokens.provider(AuthHarness.PROVIDER, uri), SETTINGS, dataDir, jwks, prefetch);
        return h;
    }

    String token(com.nimbusds.jose.jwk.JWK key) {
        return TestTokens.signedBy(key).at(h.clock.instant()).sign();
    }

    @Test
    void rotationIsPickedUpByOneRefetch() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        assertThat(h.server.requests()).isEqualTo(1);
        h.server.jwks(TestKeys.jwks(TestKeys.rsa(), TestKeys.rsa2()));
        h.clock.advance(Duration.ofSeconds(31));

        AuthResult first = h.authenticator().authenticate(token(TestKeys.rsa2()));
        assertThat(first).isInstanceOf(AuthResult.Pending.class);
        assertThat(AuthHarness.resolve(first)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(h.server.requests()).isEqualTo(2);
        // Now synchronous: the new key is in the snapshot.
        assertThat(h.authenticator().authenticate(token(TestKeys.rsa2()))).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(h.server.requests()).isEqualTo(2);
    }

    @Test
    void outageAfterWarmUpServesTheLastGoodKeysUntilTheStaleLimit() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        h.server.status(503);
        h.clock.advance(Duration.ofSeconds(301));
        h.providers.refreshDue();
        await().atMost(5, TimeUnit.SECONDS).until(() -> h.authenticator().state().lastError() != null);
        ProviderState state = h.authenticator().state();
        assertThat(state.ready()).isTrue();
        assertThat(state.keys()).isEqualTo(1);
        assertThat(state.lastError()).contains("HTTP 503");
        assertThat(h.authenticate(token(TestKeys.rsa()))).isInstanceOf(AuthResult.Authenticated.class);

        h.clock.advance(Duration.ofSeconds(3600 - 301 - 1)); // one second before the stale limit
        assertThat(h.authenticate(token(TestKeys.rsa()))).isInstanceOf(AuthResult.Authenticated.class);

        h.clock.advance(Duration.ofSeconds(1));
        assertThat(h.authenticator().state().ready()).isFalse();
        assertThat(h.authenticate(token(TestKeys.rsa()))).isInstanceOf(AuthResult.Unavailable.class);
    }

    @Test
    void garbageBodyCountsAsAFailedFetch() throws Exception {
        start("<html>not json</html>", true, null);
        ProviderState state = h.authenticator().state();
        assertThat(state.ready()).isFalse();
        assertThat(state.lastError()).contains("not valid JSON");
        // The start-up fetch does not spend the unknown-kid budget: the first token tries once more; the next is
        // rate limited, so its answer is immediate.
        assertThat(AuthHarness.resolve(h.authenticator().authenticate(token(TestKeys.rsa()))))
                .isInstanceOf(AuthResult.Unavailable.class);
        assertThat(h.authenticator().authenticate(token(TestKeys.rsa()))).isInstanceOf(AuthResult.Unavailable.class);
        assertThat(h.server.requests()).isEqualTo(2);
    }

    @Test
    void garbageAfterWarmUpKeepsTheLastGoodKeys() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        h.server.jwks("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}");
        h.providers.prefetchAll(); // ready: skipped
        h.authenticator().prefetch().toCompletableFuture().join();
        assertThat(h.authenticator().state().lastError()).contains("no usable signing key");
        assertThat(h.authenticate(token(TestKeys.rsa()))).isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void oversizedBodiesAreRefusedDeclaredOrStreamed() throws Exception {
        String huge = "{\"keys\":[],\"pad\":\"" + "x".repeat(JwksFetcher.DEFAULT_MAX_BODY_BYTES) + "\"}";
        start(huge, true, null);
        assertThat(h.authenticator().state().lastError()).contains("exceeds");
        h.server.chunked(true);
        h.authenticator().prefetch().toCompletableFuture().join();
        assertThat(h.authenticator().state().lastError()).contains("exceeds");
        assertThat(h.authenticator().state().ready()).isFalse();
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), false, null);
        h.server.redirectTo("http://127.0.0.1:1/elsewhere");
        h.authenticator().prefetch().toCompletableFuture().join();
        assertThat(h.authenticator().state().lastError()).contains("HTTP 302", "redirects are not followed");
        assertThat(h.server.requests()).isEqualTo(1);
    }

    @Test
    void slowEndpointNeverBlocksTheCaller() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), false, null);
        h.server.hold(); // answers after 10 s unless released
        String token = token(TestKeys.rsa());

        long start = System.nanoTime();
        AuthResult first = h.authenticator().authenticate(token);
        AuthResult second = h.authenticator().authenticate(token);
        long callerMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(first).isInstanceOf(AuthResult.Pending.class);
        assertThat(second).isInstanceOf(AuthResult.Pending.class);
        assertThat(callerMillis).as("time the caller spent in authenticate").isLessThan(100);
        // Observe the completing thread without waiting on the future from this thread: a waiter may itself run
        // dependents (CompletableFuture semantics), which would blur what is measured.
        java.util.concurrent.atomic.AtomicReference<String> completedOn = new java.util.concurrent.atomic.AtomicReference<>();
        long waitStart = System.nanoTime();
        ((AuthResult.Pending) first).completion().whenComplete((r, e) -> completedOn.set(Thread.currentThread().getName()));
        await().atMost(5, TimeUnit.SECONDS).until(() -> completedOn.get() != null);
        assertThat((System.nanoTime() - waitStart) / 1_000_000).as("fetch timeout bounds the wait").isLessThan(3000);
        assertThat(completedOn.get()).as("pending results complete on the fetch executor").startsWith("jwks-fetch");
        assertThat(AuthHarness.resolve(first)).isInstanceOf(AuthResult.Unavailable.class);
        assertThat(AuthHarness.resolve(second)).isInstanceOf(AuthResult.Unavailable.class);
        assertThat(h.authenticator().state().lastError()).contains("timed out");
        assertThat(h.server.requests()).isEqualTo(1); // the second caller joined the first fetch
        h.server.release();
    }

    @Test
    void aKeyPublishedJustAfterTheStartUpFetchIsFetchedForItsFirstToken() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        h.server.jwks(TestKeys.jwks(TestKeys.rsa(), TestKeys.rsa2())); // rotated within a second of start-up
        h.clock.advance(Duration.ofMillis(800));

        AuthResult first = h.authenticator().authenticate(token(TestKeys.rsa2()));
        assertThat(first).as("the start-up fetch does not spend the unknown-kid budget")
                .isInstanceOf(AuthResult.Pending.class);
        assertThat(AuthHarness.resolve(first)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(h.server.requests()).isEqualTo(2);
    }

    @Test
    void aKeyPublishedJustAfterAScheduledRefreshIsFetchedForItsFirstToken() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        h.clock.advance(Duration.ofSeconds(301));
        h.providers.refreshDue();
        await().atMost(5, TimeUnit.SECONDS).until(() -> h.clock.instant().equals(
                h.authenticator().state().lastSuccess()));
        h.server.jwks(TestKeys.jwks(TestKeys.rsa(), TestKeys.rsa2()));
        h.clock.advance(Duration.ofSeconds(1));

        assertThat(AuthHarness.resolve(h.authenticator().authenticate(token(TestKeys.rsa2()))))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(h.server.requests()).isEqualTo(3);
    }

    @Test
    void randomKidsEverySecondCauseOneFetchPerMinRefetchSeconds() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        String claims = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).claimsJson();
        for (int second = 1; second <= 90; second++) {
            h.clock.advance(Duration.ofSeconds(1));
            String header = "{\"alg\":\"RS256\",\"kid\":\"" + UUID.randomUUID() + "\"}";
            assertThat(AuthHarness.resolve(h.authenticator().authenticate(TestTokens.assemble(header, claims, "AAAA"))))
                    .isInstanceOf(AuthResult.Rejected.class);
        }
        // The start-up fetch, then one at 1 s, 31 s and 61 s: one per minRefetchSeconds (30 s).
        assertThat(h.server.requests()).isEqualTo(4);
    }

    @Test
    void randomKidsCauseAtMostOneRefetchPerWindow() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        String claims = TestTokens.signedBy(TestKeys.rsa()).at(h.clock.instant()).claimsJson();
        h.clock.advance(Duration.ofSeconds(31));

        for (int round = 0; round < 2; round++) {
            List<AuthResult> results = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String header = "{\"alg\":\"RS256\",\"kid\":\"" + UUID.randomUUID() + "\"}";
                results.add(h.authenticator().authenticate(TestTokens.assemble(header, claims, "AAAA")));
            }
            for (AuthResult r : results) {
                assertThat(AuthHarness.resolve(r)).isInstanceOfSatisfying(AuthResult.Rejected.class,
                        rej -> assertThat(rej.reason()).isEqualTo(RejectReason.UNKNOWN_KEY));
            }
            assertThat(h.server.requests()).as("fetches after round " + round).isEqualTo(2);
        }
        h.clock.advance(Duration.ofSeconds(30));
        AuthHarness.resolve(h.authenticator().authenticate(
                TestTokens.assemble("{\"alg\":\"RS256\",\"kid\":\"next-window\"}", claims, "AAAA")));
        assertThat(h.server.requests()).isEqualTo(3);
    }

    @Test
    void aReloadThatShortensRefreshSecondsBringsTheNextRefreshForward() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, null);
        h.clock.advance(Duration.ofSeconds(31));
        IdentityProviders reloaded = h.providers.reconfigure(List.of(h.authenticator().provider()),
                new JwksSettings(30, 30, 3600, 500), TokenCacheSettings.DEFAULTS, 8192);

        reloaded.refreshDue();
        // Due 30 s after the last fetch under the new setting, not 300 s under the old one.
        await().atMost(5, TimeUnit.SECONDS).until(() -> h.server.requests() == 2);
    }

    @Test
    void cacheControlMaxAgeIsHonouredWithinBounds() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), false, null);
        for (long[] c : new long[][] {{60, 60}, {5, 30}, {100_000, 300}}) {
            h.server.cacheControl("public, max-age=" + c[0]);
            h.authenticator().prefetch().toCompletableFuture().join();
            int before = h.server.requests();
            h.clock.advance(Duration.ofSeconds(c[1] - 1));
            h.providers.refreshDue();
            assertThat(h.server.requests()).as("max-age " + c[0] + ": not yet due").isEqualTo(before);
            h.clock.advance(Duration.ofSeconds(1));
            h.providers.refreshDue();
            await().atMost(5, TimeUnit.SECONDS).until(() -> h.server.requests() == before + 1);
            await().atMost(5, TimeUnit.SECONDS).until(() -> h.authenticator().state().lastSuccess()
                    .equals(h.clock.instant()));
        }
    }

    @Test
    void restartDuringAnOutageServesThePersistedKeys(@TempDir Path dataDir) throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, dataDir);
        assertThat(Files.list(dataDir.resolve("jwks"))).hasSize(1);
        h.providers.close();
        h.server.status(503);
        h.clock.advance(Duration.ofSeconds(600));

        try (IdentityProviders restarted = IdentityProviders.builder().jwks(SETTINGS).dataDir(dataDir).clock(h.clock)
                .executor(h.executor).refreshTick(null)
                .build(List.of(TestTokens.provider(AuthHarness.PROVIDER, h.server.uri())))) {
            assertThat(restarted.forProvider(AuthHarness.PROVIDER).state().ready()).isTrue();
            restarted.prefetchAll().toCompletableFuture().join(); // ready, so nothing to do
            restarted.forProvider(AuthHarness.PROVIDER).prefetch().toCompletableFuture().join();
            assertThat(restarted.forProvider(AuthHarness.PROVIDER).state().lastError()).contains("HTTP 503");
            assertThat(restarted.forProvider(AuthHarness.PROVIDER).authenticate(token(TestKeys.rsa())))
                    .isInstanceOf(AuthResult.Authenticated.class);
        }

        h.clock.advance(Duration.ofSeconds(3000)); // past maxStale since the original fetch
        try (IdentityProviders late = IdentityProviders.builder().jwks(SETTINGS).dataDir(dataDir).clock(h.clock)
                .executor(h.executor).refreshTick(null)
                .build(List.of(TestTokens.provider(AuthHarness.PROVIDER, h.server.uri())))) {
            assertThat(late.forProvider(AuthHarness.PROVIDER).state().ready()).isFalse();
        }
    }

    @Test
    void afterPersistToTheNextFetchIsSavedInTheNewDataDir(@TempDir Path dataDir) throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, dataDir.resolve("first"));
        assertThat(Files.list(dataDir.resolve("first/jwks"))).hasSize(1);

        h.providers.persistTo(dataDir.resolve("second"));
        h.clock.advance(Duration.ofSeconds(SETTINGS.refreshSeconds() + 1));
        h.providers.forProvider(AuthHarness.PROVIDER).prefetch().toCompletableFuture().join();

        assertThat(dataDir.resolve("second/jwks")).isDirectoryContaining(f -> f.toString().endsWith(".json"));
    }

    @Test
    void persistedKeysOfAnotherJwksUriAreNotUsed(@TempDir Path dataDir) throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), true, dataDir);
        try (IdentityProviders other = IdentityProviders.builder().jwks(SETTINGS).dataDir(dataDir).clock(h.clock)
                .executor(h.executor).refreshTick(null).build(List.of(TestTokens.provider(AuthHarness.PROVIDER,
                        java.net.URI.create("http://127.0.0.1:1/other"))))) {
            assertThat(other.forProvider(AuthHarness.PROVIDER).state().ready()).isFalse();
        }
    }

    @Test
    void refreshTimerTicksOnItsOwn() throws Exception {
        start(TestKeys.jwks(TestKeys.rsa()), false, null);
        try (IdentityProviders timed = IdentityProviders.builder().jwks(SETTINGS).clock(h.clock).executor(h.executor)
                .refreshTick(Duration.ofMillis(20))
                .build(List.of(TestTokens.provider("timed", h.server.uri())))) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> timed.forProvider("timed").state().ready());
        }
    }
}
