package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.ProviderState;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JWKS engine seen from the wire: rotation during traffic, an outage after warm-up, no keys at start
 * (503, readiness), and recovery. Slow or hanging endpoints are {@link HangingJwksTest}'s.
 */
class KeyLifecycleTest {
    static final String HOST = "portal.example.test";
    /** Unknown kids refetch at most once a second, so a test can wait the window out quickly. */
    static final JwksSettings JWKS = new JwksSettings(300, 1, 86400, 3000);

    private StubJwksServer jwks;
    private StubAgent agent;
    private ProxyServer proxy;
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeEach
    void stubs() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        agent = StubAgent.start();
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        if (proxy != null) {
            proxy.close();
        }
        agent.close();
        jwks.close();
    }

    private void startProxy() throws InterruptedException {
        IdentityProvider idp = TestConfigs.provider("idp", jwks.uri()).build();
        List<Agent> agents = List.of(TestConfigs.authenticatedAgent("secure", null, "/", agent.uri(), null));
        proxy = ProxyServer.start(TestConfigs.snapshot(TestConfigs.settings(Limits.DEFAULTS, JWKS,
                TestConfigs.newDataDir()), agents, List.of(idp)), 2);
    }

    private RawHttp.Response call(String token) throws Exception {
        return RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token);
    }

    static ProviderState state(ProxyServer proxy, String provider) {
        return proxy.config().identity().providers().states().get(provider);
    }

    /** Waits until an unknown kid may trigger a fetch again (the last attempt is older than minRefetchSeconds). */
    static void awaitRefetchAllowed(ProxyServer proxy, String provider) {
        Instant last = state(proxy, provider).lastFetchAttempt();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(25))
                .until(() -> Duration.between(last, Instant.now()).toMillis() > JWKS.minRefetchSeconds() * 1000L + 50);
    }

    @Test
    void rotationDuringTrafficAcceptsTheNewKidAfterOneFetchAndKeepsTheOldOneWorking() throws Exception {
        startProxy();
        String oldToken = TestTokens.signedBy(TestKeys.rsa()).sign();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        List<Integer> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> traffic = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            traffic.add(clients.submit(() -> {
                try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
                    while (running.get()) {
                        int status = client.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nAuthorization: Bearer "
                                + oldToken + "\r\n\r\n").read().status();
                        served.incrementAndGet();
                        if (status != 200) {
                            unexpected.add(status);
                        }
                    }
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> served.get() >= 100);

        jwks.jwks(TestKeys.jwks(TestKeys.rsa(), TestKeys.rsa2())); // the IdP publishes its next key
        awaitRefetchAllowed(proxy, "idp");
        int fetchesBefore = jwks.requests();
        List<CompletableFuture<Integer>> firstUses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String newToken = TestTokens.signedBy(TestKeys.rsa2()).claim("jti", "n" + i).sign();
            firstUses.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return call(newToken).status();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, clients));
        }
        for (CompletableFuture<Integer> status : firstUses) {
            assertThat(status.get()).isEqualTo(200);
        }
        assertThat(jwks.requests() - fetchesBefore).as("fetches for the new kid").isEqualTo(1);
        assertThat(call(TestTokens.signedBy(TestKeys.rsa2()).sign()).status()).isEqualTo(200);
        assertThat(jwks.requests() - fetchesBefore).isEqualTo(1);
        int servedAtRotation = served.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> served.get() >= servedAtRotation + 100);
        running.set(false);
        for (Future<?> f : traffic) {
            f.get();
        }
        assertThat(unexpected).as("old-key traffic during the rotation").isEmpty();

        // The old key leaves the JWKS: once a fetch sees that, tokens it signed stop working, cached or not.
        jwks.jwks(TestKeys.jwks(TestKeys.rsa2()));
        awaitRefetchAllowed(proxy, "idp");
        assertThat(call(TestTokens.signedBy(TestKeys.attackerRsa()).sign()).status()).isEqualTo(401);
        assertThat(jwks.requests() - fetchesBefore).isEqualTo(2);
        RawHttp.Response old = call(oldToken);
        assertThat(old.status()).isEqualTo(401);
        assertThat(old.header("www-authenticate")).contains("error_description=\"no key in the provider's JWKS");
        assertThat(call(TestTokens.signedBy(TestKeys.rsa2()).sign()).status()).isEqualTo(200);
    }

    @Test
    void jwksOutageAfterWarmUpKeepsValidTokensWorking() throws Exception {
        startProxy();
        String cached = TestTokens.signedBy(TestKeys.rsa()).sign();
        assertThat(call(cached).status()).isEqualTo(200);

        jwks.status(500);
        awaitRefetchAllowed(proxy, "idp");
        // an unknown kid makes the proxy go to the (now failing) endpoint
        assertThat(call(TestTokens.signedBy(TestKeys.rsa2()).sign()).status()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(5)).until(() -> state(proxy, "idp").lastError() != null);
        jwks.close(); // and then it is gone altogether

        assertThat(call(cached).status()).isEqualTo(200);
        String neverSeen = TestTokens.signedBy(TestKeys.rsa()).claim("jti", "fresh").sign();
        assertThat(call(neverSeen).status()).as("a token not in the cache, checked with the last good keys")
                .isEqualTo(200);
        assertThat(RawHttp.get(proxy.adminAddress(), "admin", "/readyz").status()).isEqualTo(200);
        assertThat(agent.received()).hasSize(3);
    }

    @Test
    void noKeysAtStartIs503WithRetryAfterAndNotReadyUntilTheEndpointRecovers() throws Exception {
        jwks.status(503);
        startProxy();

        RawHttp.Response response = call(TestTokens.signedBy(TestKeys.rsa()).sign());
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("retry-after")).matches("[1-9][0-9]*");
        assertThat(response.header("www-authenticate")).isNull();
        assertThat(JSONObjectUtils.parse(response.body())).containsEntry("error", "temporarily_unavailable");
        assertThat(agent.received()).isEmpty();

        RawHttp.Response readiness = RawHttp.get(proxy.adminAddress(), "admin", "/readyz");
        assertThat(readiness.status()).isEqualTo(503);
        Map<String, Object> body = JSONObjectUtils.parse(readiness.body());
        assertThat(body).containsEntry("ready", false);
        assertThat((List<?>) body.get("problems")).singleElement()
                .satisfies(p -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> problem = (Map<String, Object>) p;
                    assertThat(problem).containsEntry("identityProvider", "idp").containsKey("problem");
                });

        jwks.jwks(TestKeys.jwks(TestKeys.rsa())); // the endpoint recovers; the refresh timer finds out
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> RawHttp.get(proxy.adminAddress(), "admin", "/readyz").status() == 200);
        assertThat(JSONObjectUtils.parse(RawHttp.get(proxy.adminAddress(), "admin", "/readyz").body()))
                .containsEntry("ready", true);
        assertThat(call(TestTokens.signedBy(TestKeys.rsa()).sign()).status()).isEqualTo(200);
    }
}
