package io.runagents.ingress.core.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.IdentityContextSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.identity.IdentityContextSigner;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.core.testing.TestContexts;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's egress story end to end: client token at the ingress, the agent's tool calls with the
 * identity context it received, per-user policies, and refusals the tool never sees.
 */
class EgressEndToEndTest {
    private static final RSAKey IDP_KEY = TestKeys.rsa();
    private static final String HOST = "portal.example.test";

    private final ContextSigningKey contextKey = ContextSigningKey.generate();
    private StubJwksServer jwks;
    private StubAgent agent;
    private StubAgent github;
    private StubAgent finance;
    private StubAgent stripe;
    private ProxyServer proxy;
    private ConfigSnapshot snapshot;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(IDP_KEY));
        agent = StubAgent.start();
        github = StubAgent.start();
        finance = StubAgent.start();
        stripe = StubAgent.start();
        Agent assistant = new Agent("assistant", null, "/", List.of(agent.uri()), false, Access.AUTHENTICATED,
                null, 30, null);
        List<Tool> tools = List.of(
                new Tool("github", github.uri(), ToolAuth.NONE),
                new Tool("finance", finance.uri(), ToolAuth.NONE),
                new Tool("stripe", stripe.uri(), new ToolAuth.ApiKey("X-Api-Key", "STRIPE_KEY")),
                new Tool("calendar", stripe.uri(), new ToolAuth.OAuth2(URI.create("https://auth.example/a"), URI.create("https://auth.example/t"), "client", "CAL_SECRET", List.of(),
                        ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC, null, null, null)));
        List<Policy> policies = List.of(
                new Policy("github-engineering-only", "github", null, List.of(
                        rule(0, PolicyRule.Effect.ALLOW, List.of(), List.of("engineering"), List.of()))),
                new Policy("finance-bob-read-only", "finance", null, List.of(
                        rule(0, PolicyRule.Effect.ALLOW, List.of("bob@company.com"), List.of(), List.of("GET", "HEAD")),
                        rule(1, PolicyRule.Effect.DENY, List.of("bob@company.com"), List.of(), List.of()),
                        rule(2, PolicyRule.Effect.ALLOW, List.of(), List.of(), List.of()))));
        snapshot = new ConfigSnapshot(1, Instant.now(), TestConfigs.settings(Limits.DEFAULTS),
                List.of(TestTokens.provider("corp", jwks.uri(), List.of("company.com"))), List.of(assistant), tools,
                policies);
        proxy = ProxyServer.start(snapshot, 2, contextKey, name -> "STRIPE_KEY".equals(name) ? "sk_test_123" : null);
    }

    private static PolicyRule rule(int index, PolicyRule.Effect effect, List<String> users, List<String> groups,
                                   List<String> methods) {
        return new PolicyRule(index, effect, users, groups, List.of(), methods, List.of());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        for (AutoCloseable c : List.of(agent, github, finance, stripe, jwks)) {
            c.close();
        }
    }

    /** Sends a client request for {@code user} through the ingress and returns the context the agent got. */
    private String contextFor(String email, List<String> groups) throws Exception {
        String token = TestTokens.signedBy(IDP_KEY).claim("email", email).claim("groups", groups).sign();
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("GET /ask HTTP/1.1\r\nHost: " + HOST
                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
        }
        StubAgent.Received seen = agent.received().get(agent.received().size() - 1);
        assertThat(seen.header("X-End-User-ID")).isEqualTo(email);
        return seen.header("X-End-User-Context");
    }

    private RawHttp.Response callTool(String method, String path, String... headers) throws Exception {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: egress\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Content-Length: 0\r\n\r\n");
        try (RawHttp client = new RawHttp(proxy.egressAddress())) {
            return client.send(request.toString()).read();
        }
    }

    @Test
    void contextsSignedBeforeAKeyRotationStillReachTheirTools() throws Exception {
        String before = contextFor("alice@company.com", List.of("engineering"));
        ECKey nextKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        Path keyFile = Files.writeString(Path.of(TestConfigs.newDataDir(), "next.jwk"), nextKey.toJSONString());
        ProxySettings rotated = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                new IdentityContextSettings(keyFile.toString(), 300), TestConfigs.newDataDir());
        proxy.applyWhenReady(new ConfigSnapshot(2, Instant.now(), rotated, snapshot.identityProviders(),
                snapshot.agents(), snapshot.tools(), snapshot.policies())).toCompletableFuture().get(10, TimeUnit.SECONDS);

        String after = contextFor("alice@company.com", List.of("engineering"));

        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(nextKey.getKeyID())
                .isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());
        assertThat(callTool("GET", "/tools/github/repos", "X-End-User-Context: " + before).status()).isEqualTo(200);
        assertThat(callTool("GET", "/tools/github/repos", "X-End-User-Context: " + after).status()).isEqualTo(200);
    }

    @Test
    void engineeringReachesGithubWithItsIdentityAndRequestId() throws Exception {
        String context = contextFor("alice@company.com", List.of("engineering"));
        String requestId = agent.received().get(0).header("X-Request-ID");
        RawHttp.Response response = callTool("GET", "/tools/github/repos/x?per_page=5", "X-End-User-Context: " + context,
                "X-Request-ID: " + requestId); // as an agent passes it on (SPEC section 6)
        assertThat(response.status()).isEqualTo(200);
        StubAgent.Received seen = github.received().get(0);
        assertThat(seen.uri()).isEqualTo("/repos/x?per_page=5");
        assertThat(seen.header("X-End-User-ID")).isEqualTo("alice@company.com");
        assertThat(seen.header("X-End-User-Context")).isNull();
        assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + github.port());
        assertThat(seen.header("X-Request-ID")).isEqualTo(requestId);
        assertThat(response.header("x-request-id")).isEqualTo(requestId);
    }

    @Test
    void aToolCallWithoutARequestIdGetsItsOwn() throws Exception {
        String context = contextFor("alice@company.com", List.of("engineering"));
        RawHttp.Response response = callTool("GET", "/tools/github/repos", "X-End-User-Context: " + context);
        assertThat(response.status()).isEqualTo(200);
        assertThat(github.received().get(0).header("X-Request-ID")).matches("[0-9a-f]{32}")
                .isNotEqualTo(agent.received().get(0).header("X-Request-ID"));
    }

    @Test
    void onlyEngineeringMayReachGithub() throws Exception {
        String context = contextFor("carol@company.com", List.of("sales"));
        RawHttp.Response response = callTool("GET", "/tools/github/repos", "X-End-User-Context: " + context);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.body()).contains("github-engineering-only");
        assertThat(github.received()).isEmpty();
    }

    @Test
    void bobIsReadOnlyOnFinanceWhileOthersAreNot() throws Exception {
        String bob = contextFor("bob@company.com", List.of());
        assertThat(callTool("GET", "/tools/finance/invoices", "X-End-User-Context: " + bob).status()).isEqualTo(200);
        RawHttp.Response post = callTool("POST", "/tools/finance/invoices", "X-End-User-Context: " + bob);
        assertThat(post.status()).isEqualTo(403);
        assertThat(post.body()).contains("finance-bob-read-only").contains("rule 1");
        String alice = contextFor("alice@company.com", List.of());
        assertThat(callTool("POST", "/tools/finance/invoices", "X-End-User-Context: " + alice).status()).isEqualTo(200);
        assertThat(finance.received()).extracting(StubAgent.Received::method).containsExactly("GET", "POST");
    }

    @Test
    void anotherDomainNeverPassesTheIngress() throws Exception {
        String token = TestTokens.signedBy(IDP_KEY).claim("email", "eve@evil.com").sign();
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GET /ask HTTP/1.1\r\nHost: " + HOST + "\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").read().status()).isEqualTo(403);
        }
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void forgedExpiredMissingOrBareIdentityIsRefused() throws Exception {
        String valid = contextFor("alice@company.com", List.of("engineering"));
        AuthResult.Authenticated alice = new AuthResult.Authenticated("alice@company.com", "alice@company.com",
                List.of("engineering"), List.of(), "corp", Instant.now().plusSeconds(3600), Map.of(), "k");
        String otherProxy = TestContexts.sign(ContextSigningKey.generate(), alice, "assistant");
        String expired = TestContexts.sign(contextKey,
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC), alice, "assistant");
        String unknownAgent = TestContexts.sign(contextKey, alice, "no-such-agent");
        String otherIssuer = new IdentityContextSigner(contextKey, Clock.systemUTC())
                .sign(alice, "assistant", "someone-else", 300, 60).headerValue().toString();
        String tampered = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
        for (String[] headers : List.of(
                new String[] {"X-End-User-Context: " + otherProxy},
                new String[] {"X-End-User-Context: " + expired},
                new String[] {"X-End-User-Context: " + tampered},
                new String[] {"X-End-User-Context: " + unknownAgent},
                new String[] {"X-End-User-Context: " + otherIssuer},
                new String[] {"X-End-User-ID: alice@company.com"},
                new String[] {},
                new String[] {"X-End-User-Context: " + valid, "X-End-User-ID: mallory@company.com"})) {
            RawHttp.Response response = callTool("GET", "/tools/github/repos", headers);
            assertThat(response.status()).as(String.join(" | ", headers)).isEqualTo(401);
            assertThat(response.body()).contains("\"error\":\"invalid_context\"");
        }
        assertThat(github.received()).isEmpty();
    }

    @Test
    void unknownToolIs404AndApiKeyIsInjectedAndOauth2WithoutConsentSettingsIsUnavailable() throws Exception {
        String context = contextFor("alice@company.com", List.of("engineering"));
        assertThat(callTool("GET", "/tools/nope/x", "X-End-User-Context: " + context).status()).isEqualTo(404);
        assertThat(callTool("GET", "/elsewhere", "X-End-User-Context: " + context).status()).isEqualTo(404);
        assertThat(callTool("GET", "/tools/stripe/v1/charges", "X-End-User-Context: " + context).status())
                .isEqualTo(200);
        assertThat(stripe.received().get(0).header("X-Api-Key")).isEqualTo("sk_test_123");
        // This snapshot has no consent.callbackUrl (the config loader refuses such a file; a snapshot built in code
        // can still have one): the tool cannot be served, and nothing reaches it.
        RawHttp.Response oauth2 = callTool("GET", "/tools/calendar/events", "X-End-User-Context: " + context);
        assertThat(oauth2.status()).isEqualTo(503);
        assertThat(oauth2.body()).contains("\"error\":\"tool_unavailable\"", "consent.callbackUrl");
        assertThat(stripe.received()).hasSize(1);
    }

    @Test
    void nonAsciiUserIdsTravelAsUtf8AndMatchTheirContext() throws Exception {
        String user = "\u7528\u6237@company.com";
        String wire = new String(user.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        String token = TestTokens.signedBy(IDP_KEY).claim("email", user).claim("groups", List.of("engineering")).sign();
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GET /ask HTTP/1.1\r\nHost: " + HOST + "\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").read().status()).isEqualTo(200);
        }
        StubAgent.Received atAgent = agent.received().get(0);
        assertThat(atAgent.header("X-End-User-ID")).isEqualTo(wire);
        String context = atAgent.header("X-End-User-Context");
        assertThat(callTool("GET", "/tools/github/x", "X-End-User-Context: " + context, "X-End-User-ID: " + wire)
                .status()).isEqualTo(200);
        assertThat(github.received().get(0).header("X-End-User-ID")).isEqualTo(wire);
        assertThat(callTool("GET", "/tools/github/x", "X-End-User-Context: " + context, "X-End-User-ID: ??@company.com")
                .status()).isEqualTo(401);
    }
}
