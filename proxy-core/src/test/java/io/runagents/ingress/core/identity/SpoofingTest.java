package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A client can never make the agent believe in an identity the proxy did not verify (SPEC section 5): identity
 * headers and claim-header targets are removed on every route in every spelling, and on authenticated routes
 * replaced by the verified values, whatever {@code Connection} nominates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpoofingTest {
    static final String HOST = "portal.example.test";
    /** Every spelling of the reserved names a client might try. */
    static final List<String> SPOOFED = List.of(
            "X-End-User-ID: mallory@company.com",
            "x-end-user-id: mallory2@company.com",
            "X_End_User_ID: mallory3@company.com",
            "x_END-user_id: mallory4@company.com",
            "X-End-User-Context: eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.AAAA",
            "X_End_User_Context: forged",
            "X-Department: Finance",
            "x_department: Finance",
            "X-Email: mallory@company.com");

    private StubJwksServer jwks;
    private StubAgent agent;
    private ProxyServer proxy;
    private ProxySettings settings;
    private List<Agent> agents;

    @BeforeAll
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        agent = StubAgent.start();
        agents = List.of(TestConfigs.openAgent("open", "/open", agent.uri()),
                TestConfigs.authenticatedAgent("secure", null, "/secure", agent.uri(), "idp"));
        settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                TestConfigs.newDataDir());
        proxy = ProxyServer.start(TestConfigs.snapshot(settings, agents, providers(Map.of())), 2);
    }

    /** "idp" (claim header X-Department plus {@code extra}) and "other", whose X-Email is reserved everywhere too. */
    private List<IdentityProvider> providers(Map<String, String> extra) {
        TestConfigs.ProviderBuilder idp = TestConfigs.provider("idp", jwks.uri()).claimHeader("department", "X-Department");
        extra.forEach(idp::claimHeader);
        IdentityProvider other = TestConfigs.provider("other", jwks.uri()).host("other.example.test")
                .claimHeader("email", "X-Email").build();
        return List.of(idp.build(), other);
    }

    @AfterAll
    void stop() {
        proxy.close();
        agent.close();
        jwks.close();
    }

    @BeforeEach
    void forget() {
        agent.clear();
    }

    private StubAgent.Received send(String path, List<String> headerLines) throws Exception {
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, path, headerLines.toArray(String[]::new));
        assertThat(response.status()).isEqualTo(200);
        assertThat(agent.received()).hasSize(1);
        return agent.received().get(0);
    }

    /** The header names the agent received, as the spoofing rule compares them: lower case, '_' read as '-'. */
    private static List<String> canonicalNames(StubAgent.Received seen) {
        return seen.headers().names().stream().map(n -> n.toLowerCase(Locale.ROOT).replace('_', '-')).toList();
    }

    private static List<String> with(List<String> lines, String... more) {
        List<String> all = new java.util.ArrayList<>(lines);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void openRouteRemovesEverySpellingOfTheReservedHeaders() throws Exception {
        StubAgent.Received seen = send("/open/x", SPOOFED);

        assertThat(canonicalNames(seen)).doesNotContain("x-end-user-id", "x-end-user-context", "x-department",
                "x-email");
        assertThat(seen.headers().toString()).doesNotContain("mallory", "Finance", "forged");
    }

    @Test
    void authenticatedRouteReplacesThemWithTheVerifiedIdentity() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("department", "Engineering").sign();
        StubAgent.Received seen = send("/secure/x", with(SPOOFED, "Authorization: Bearer " + token));

        assertThat(canonicalNames(seen)).containsOnlyOnce("x-end-user-id", "x-end-user-context", "x-department")
                .doesNotContain("x-email");
        assertThat(seen.headers().getAll("X-End-User-ID")).containsExactly(TestTokens.USER);
        assertThat(seen.headers().getAll("X-Department")).containsExactly("Engineering");
        assertThat(seen.header("X-End-User-Context")).startsWith("eyJ").doesNotContain("forged")
                .isNotEqualTo("eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.AAAA");
        assertThat(seen.headers().toString()).doesNotContain("mallory", "Finance", "forged");
    }

    @Test
    void claimHeaderTargetIsRemovedWhenTheTokenLacksTheClaim() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign(); // no "department" claim
        StubAgent.Received seen = send("/secure/x", List.of("X-Department: Finance", "Authorization: Bearer " + token));

        assertThat(canonicalNames(seen)).doesNotContain("x-department");
        assertThat(seen.header("X-End-User-ID")).isEqualTo(TestTokens.USER);
    }

    @Test
    void connectionNominatingTheIdentityHeadersCannotRemoveOurs() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("department", "Engineering").sign();
        StubAgent.Received seen = send("/secure/x", List.of(
                "Connection: keep-alive, X-End-User-ID, X-End-User-Context, X-Department",
                "X-End-User-ID: mallory@company.com", "Authorization: Bearer " + token));

        assertThat(seen.headers().getAll("X-End-User-ID")).containsExactly(TestTokens.USER);
        assertThat(seen.headers().getAll("X-End-User-Context")).hasSize(1);
        assertThat(seen.headers().getAll("X-Department")).containsExactly("Engineering");
        assertThat(canonicalNames(seen)).doesNotContain("connection");
    }

    @Test
    void connectionNominatingAnIdentityHeaderOnAnOpenRouteStillRemovesIt() throws Exception {
        StubAgent.Received seen = send("/open/x", List.of("Connection: X-End-User-ID",
                "X-End-User-ID: mallory@company.com", "X_End_User_ID: mallory@company.com"));

        assertThat(canonicalNames(seen)).doesNotContain("x-end-user-id", "connection");
    }

    @Test
    void duplicatedIdentityHeadersLeaveExactlyTheVerifiedOne() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        StubAgent.Received seen = send("/secure/x", List.of("X-End-User-ID: a@company.com",
                "X-End-User-ID: b@company.com", "X-End-User-ID: " + TestTokens.USER, "Authorization: Bearer " + token));

        assertThat(seen.headers().getAll("X-End-User-ID")).containsExactly(TestTokens.USER);
    }

    @Test
    void spoofedHeadersOnARefusedRequestReachNobody() throws Exception {
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/secure/x",
                SPOOFED.toArray(String[]::new));

        assertThat(response.status()).isEqualTo(401);
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void claimHeaderAddedByAReloadIsReservedFromTheNextRequestOn() throws Exception {
        try {
            proxy.applyWhenReady(TestConfigs.snapshot(settings, agents, providers(Map.of("team", "X-Team"))))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            StubAgent.Received open = send("/open/x", List.of("X-Team: root", "x_team: root"));
            assertThat(canonicalNames(open)).doesNotContain("x-team");
            agent.clear();
            String token = TestTokens.signedBy(TestKeys.rsa()).claim("team", "blue").sign();
            StubAgent.Received secure = send("/secure/x", List.of("X_Team: root", "Authorization: Bearer " + token));
            assertThat(secure.headers().getAll("X-Team")).containsExactly("blue");
            assertThat(canonicalNames(secure)).containsOnlyOnce("x-team");
        } finally {
            proxy.applyWhenReady(TestConfigs.snapshot(settings, agents, providers(Map.of())))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
