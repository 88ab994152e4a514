package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Which provider checks a token (SPEC section 3): the agent's named provider; else the providers of the request's
 * host, the token's {@code iss} picking one; else the only provider there is. A token is only ever accepted by
 * the provider that issued it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderSelectionTest {
    static final String ISS_A = "https://a.idp.example";
    static final String ISS_B = "https://b.idp.example";
    static final String ISS_C = "https://c.idp.example";
    static final String ISS_D = "https://d.idp.example";

    /** Tenants a and b of one multi-tenant IdP: same keys, different issuers (as with Entra ID). */
    private StubJwksServer shared;
    private StubJwksServer jwksC;
    private StubJwksServer jwksD;
    private StubAgent agent;
    private ProxyServer proxy;

    @BeforeAll
    void stubs() throws Exception {
        shared = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        jwksC = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa2()));
        jwksD = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.ec256()));
        agent = StubAgent.start();
    }

    @AfterAll
    void stopStubs() {
        agent.close();
        shared.close();
        jwksC.close();
        jwksD.close();
    }

    @BeforeEach
    void forget() {
        agent.clear();
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    private void start(List<Agent> agents, List<IdentityProvider> providers) throws InterruptedException {
        ProxySettings settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                TestConfigs.newDataDir());
        proxy = ProxyServer.start(TestConfigs.snapshot(settings, agents, providers), 2);
    }

    /** Four providers on three hosts, host-bound agents, an agent naming its provider, and a host-less agent. */
    private void startFourProviders() throws InterruptedException {
        start(List.of(
                        TestConfigs.authenticatedAgent("a", "a.example.test", "/", agent.uri(), null),
                        TestConfigs.authenticatedAgent("b", "b.example.test", "/", agent.uri(), null),
                        TestConfigs.authenticatedAgent("c", "c.example.test", "/", agent.uri(), null),
                        TestConfigs.authenticatedAgent("named", "c.example.test", "/named", agent.uri(), "idp-d"),
                        TestConfigs.authenticatedAgent("elsewhere", "x.example.test", "/", agent.uri(), "idp-c"),
                        TestConfigs.authenticatedAgent("fallback", null, "/", agent.uri(), null)),
                List.of(TestConfigs.provider("tenant-a", shared.uri()).host("a.example.test").issuer(ISS_A).build(),
                        TestConfigs.provider("tenant-b", shared.uri()).host("b.example.test").issuer(ISS_B).build(),
                        TestConfigs.provider("idp-c", jwksC.uri()).host("c.example.test").issuer(ISS_C).build(),
                        TestConfigs.provider("idp-d", jwksD.uri()).host("c.example.test").issuer(ISS_D).build()));
    }

    private static String token(JWK key, String issuer) {
        return TestTokens.signedBy(key).claim("iss", issuer).sign();
    }

    private RawHttp.Response call(String host, String path, String token) throws Exception {
        return token == null ? RawHttp.get(proxy.ingressAddress(), host, path)
                : RawHttp.get(proxy.ingressAddress(), host, path, "Authorization: Bearer " + token);
    }

    /** The {@code idp} claim of the X-End-User-Context the agent received last. */
    private String contextIdp() throws Exception {
        String context = agent.received().get(agent.received().size() - 1).header("X-End-User-Context");
        String payload = new String(Base64.getUrlDecoder().decode(context.split("\\.")[1]), StandardCharsets.UTF_8);
        return JSONObjectUtils.parse(payload).get("idp").toString();
    }

    /** The challenge without an error: the realm and where the agent at / on {@code host} describes itself. */
    private static String realm(String host) {
        return "Bearer realm=\"" + host + "\", resource_metadata=\"https://" + host
                + "/.well-known/oauth-protected-resource\"";
    }

    private static String invalid(String host, String description) {
        return realm(host) + ", error=\"invalid_token\", error_description=\"" + description + "\"";
    }

    @Test
    void tokenOfOneHostsProviderIsRefusedOnAnotherHostEvenWithTheSameKeys() throws Exception {
        startFourProviders();
        String tenantA = token(TestKeys.rsa(), ISS_A);

        assertThat(call("a.example.test", "/", tenantA).status()).isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("tenant-a");
        RawHttp.Response crossed = call("b.example.test", "/", tenantA);
        assertThat(crossed.status()).isEqualTo(401);
        assertThat(crossed.header("www-authenticate")).isEqualTo(invalid("b.example.test", "issuer mismatch"));
        assertThat(call("b.example.test", "/", token(TestKeys.rsa(), ISS_B)).status()).isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("tenant-b");
        // a token of the providers of host c on host a: different keys
        RawHttp.Response foreign = call("a.example.test", "/", token(TestKeys.rsa2(), ISS_C));
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(agent.received()).hasSize(2);
    }

    @Test
    void twoProvidersOnOneHostAreChosenByIssuer() throws Exception {
        startFourProviders();

        assertThat(call("c.example.test", "/", token(TestKeys.rsa2(), ISS_C)).status()).isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("idp-c");
        assertThat(call("c.example.test", "/", token(TestKeys.ec256(), ISS_D)).status()).isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("idp-d");
        // iss picks the provider, but only that provider's keys count: d's issuer on c's key is refused
        RawHttp.Response borrowed = call("c.example.test", "/", token(TestKeys.rsa2(), ISS_D));
        assertThat(borrowed.status()).isEqualTo(401);
        assertThat(borrowed.header("www-authenticate"))
                .isEqualTo(invalid("c.example.test", "no key in the provider's JWKS has the token's kid"));
        RawHttp.Response stranger = call("c.example.test", "/", token(TestKeys.rsa2(), "https://unknown.example"));
        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.header("www-authenticate"))
                .startsWith(realm("c.example.test") + ", error=\"invalid_token\"");
        assertThat(agent.received()).hasSize(2);
        String metrics = RawHttp.get(proxy.adminAddress(), "admin", "/metrics").body();
        assertThat(metrics).contains("runagents_auth_total{provider=\"idp-c\",result=\"authenticated\"} 1.0")
                .contains("runagents_auth_total{provider=\"idp-d\",result=\"authenticated\"} 1.0");
    }

    @Test
    void agentNamingItsProviderUsesOnlyThatOne() throws Exception {
        startFourProviders();

        // host c has idp-c and idp-d; /named names idp-d, so idp-c's valid token is refused there
        assertThat(call("c.example.test", "/named/x", token(TestKeys.rsa2(), ISS_C)).status()).isEqualTo(401);
        assertThat(call("c.example.test", "/named/x", token(TestKeys.ec256(), ISS_D)).status()).isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("idp-d");
        // a host with no provider of its own: the named one decides
        assertThat(call("x.example.test", "/", token(TestKeys.rsa2(), ISS_C)).status()).isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("idp-c");
        assertThat(agent.received()).hasSize(2);
    }

    @Test
    void singleRegisteredProviderIsAutoSelectedForAHostlessAgent() throws Exception {
        start(List.of(TestConfigs.authenticatedAgent("any", null, "/", agent.uri(), null)),
                List.of(TestConfigs.provider("solo", jwksC.uri()).host("sso.example.test").issuer(ISS_C).build()));

        assertThat(call("anything.example.test", "/", token(TestKeys.rsa2(), ISS_C)).status()).isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("solo");
        RawHttp.Response none = call("anything.example.test", "/", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("www-authenticate")).isEqualTo(realm("anything.example.test"));
        assertThat(agent.received()).hasSize(1);
    }

    @Test
    void withSeveralProvidersAHostWithoutOneNeverBorrowsAny() throws Exception {
        startFourProviders();

        for (String token : List.of(token(TestKeys.rsa(), ISS_A), token(TestKeys.rsa2(), ISS_C))) {
            RawHttp.Response response = call("nowhere.example.test", "/", token);
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("www-authenticate"))
                    .startsWith(realm("nowhere.example.test") + ", error=\"invalid_token\"");
        }
        // no token was sent: the challenge carries no error (RFC 6750 section 3.1)
        RawHttp.Response none = call("nowhere.example.test", "/", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("www-authenticate")).isEqualTo(realm("nowhere.example.test"));
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void theRequestTargetsHostSelectsTheProviderNeverXForwardedHost() throws Exception {
        startFourProviders();
        String tenantB = token(TestKeys.rsa(), ISS_B);

        RawHttp.Response forwarded = RawHttp.get(proxy.ingressAddress(), "a.example.test", "/",
                "Authorization: Bearer " + tenantB, "X-Forwarded-Host: b.example.test");
        assertThat(forwarded.status()).as("X-Forwarded-Host from a client is ignored").isEqualTo(401);
        assertThat(forwarded.header("www-authenticate")).isEqualTo(invalid("a.example.test", "issuer mismatch"));
        RawHttp.Response absolute = RawHttp.exchange(proxy.ingressAddress(), "GET http://b.example.test/x HTTP/1.1\r\n"
                + "Host: a.example.test\r\nAuthorization: Bearer " + tenantB + "\r\n\r\n");
        assertThat(absolute.status()).as("an absolute-form target's authority wins over Host").isEqualTo(200);
        assertThat(contextIdp()).isEqualTo("tenant-b");
    }
}
