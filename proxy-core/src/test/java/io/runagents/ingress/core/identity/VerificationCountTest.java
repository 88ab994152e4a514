package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache as an operator sees it on {@code /metrics}: a token is verified once, however many
 * requests (on however many connections and event loops at once) carry it.
 */
class VerificationCountTest {
    static final String HOST = "portal.example.test";

    private StubJwksServer jwks;
    private StubAgent agent;
    private ProxyServer proxy;
    private ProxySettings settings;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        agent = StubAgent.start();
        settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                TestConfigs.newDataDir());
        proxy = ProxyServer.start(TestConfigs.snapshot(settings,
                List.of(TestConfigs.authenticatedAgent("secure", null, "/", agent.uri(), null)),
                List.of(TestConfigs.provider("idp", jwks.uri()).build())), 4);
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
        jwks.close();
    }

    /** A sample's value from the Prometheus text, 0 when the series is absent. */
    private double metric(String series) throws Exception {
        String text = RawHttp.get(proxy.adminAddress(), "admin", "/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * Signature verifications, as {@code /metrics} shows them: Micrometer's Caffeine binder reports the cache's
     * loads (each one verification, whether its result is stored or not) as {@code cache_puts_total}.
     */
    private double verifications() throws Exception {
        return metric("runagents_cache_puts_total{cache=\"verified_tokens\"}");
    }

    /** The same count straight from the cache's statistics. */
    private CacheStats stats() {
        return proxy.config().identity().providers().tokenCacheMetricsView().stats();
    }

    @Test
    void thousandRequestsWithOneTokenCostOneVerification() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        double hitsBefore = metric("runagents_cache_gets_total{cache=\"verified_tokens\",result=\"hit\"}");
        double verificationsBefore = verifications();
        CacheStats statsBefore = stats();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> connections = new ArrayList<>();
            for (int c = 0; c < 10; c++) {
                connections.add(pool.submit(() -> {
                    int ok = 0;
                    try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
                        for (int i = 0; i < 100; i++) {
                            if (client.send("GET /n/" + i + " HTTP/1.1\r\nHost: " + HOST
                                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n").read().status() == 200) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : connections) {
                ok += f.get();
            }
            assertThat(ok).isEqualTo(1000);
        } finally {
            pool.shutdownNow();
        }

        assertThat(agent.received()).hasSize(1000);
        assertThat(verifications() - verificationsBefore).as("signature verifications").isEqualTo(1.0);
        assertThat(metric("runagents_cache_gets_total{cache=\"verified_tokens\",result=\"hit\"}") - hitsBefore)
                .as("cache hits").isGreaterThanOrEqualTo(990.0);
        CacheStats delta = stats().minus(statsBefore);
        assertThat(delta.loadSuccessCount()).as("verified and stored").isEqualTo(1);
        assertThat(delta.loadFailureCount()).isZero();
        assertThat(metric("runagents_auth_total{provider=\"idp\",result=\"authenticated\"}")).isEqualTo(1000.0);
    }

    @Test
    void refusedTokensAreVerifiedEachTimeAndNeverCached() throws Exception {
        // Refusals are not cached (SPEC: only a hit may prove the bytes were verified), so each costs a check.
        String wrongAudience = TestTokens.signedBy(TestKeys.rsa()).claim("aud", "elsewhere").sign();
        double before = verifications();
        CacheStats statsBefore = stats();
        for (int i = 0; i < 3; i++) {
            assertThat(RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + wrongAudience)
                    .status()).isEqualTo(401);
        }
        assertThat(verifications() - before).isEqualTo(3.0);
        assertThat(stats().minus(statsBefore).loadSuccessCount()).as("nothing stored").isZero();
        assertThat(metric("runagents_auth_total{provider=\"idp\",result=\"audience\"}")).isEqualTo(3.0);
        // The start-up prefetch is the one fetch so far, and the provider's keys are published too.
        assertThat(metric("runagents_jwks_fetches_total{provider=\"idp\",result=\"success\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(metric("runagents_jwks_fetches_total{provider=\"idp\",result=\"failure\"}")).isZero();
        assertThat(metric("runagents_jwks_keys{provider=\"idp\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void reloadThatTightensTheProviderRefusesItsAlreadyVerifiedTokens() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign(); // alice@company.com
        assertThat(RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token).status())
                .isEqualTo(200);

        // the same provider now admits only another domain: a cached verdict must not outlive the rule it obeyed
        proxy.applyWhenReady(TestConfigs.snapshot(settings,
                List.of(TestConfigs.authenticatedAgent("secure", null, "/", agent.uri(), null)),
                List.of(TestConfigs.provider("idp", jwks.uri()).allowedDomains("other.org").build())))
                .toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);

        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token);
        assertThat(response.status()).isEqualTo(403);
        assertThat(agent.received()).hasSize(1);
    }
}
