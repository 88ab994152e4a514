package io.runagents.ingress.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingress as an MCP-ready OAuth protected resource (SPEC section 11, RFC 9728): the metadata documents, the
 * 401 challenge that points to them, required scopes with their 403 challenge, CORS preflights the proxy answers
 * itself, and policy rules on scopes. Every refusal is checked to have never reached the agent.
 */
class DiscoveryTest {
    private static final String HOST = "mcp.example.test";
    private static final String APP = "https://app.example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StubJwksServer jwks;
    private StubAgent agent;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        agent = StubAgent.start();
        proxy = ProxyServer.start(snapshot(List.of("mcp:tools")), 2);
    }

    private ConfigSnapshot snapshot(List<String> requiredScopes) {
        Agent mcp = new Agent("mcp", HOST, "/mcp", List.of(agent.uri()), false, Access.AUTHENTICATED, null, 30, null,
                null, requiredScopes, List.of(APP));
        Agent root = new Agent("root", "root.example.test", "/", List.of(agent.uri()), false, Access.AUTHENTICATED,
                null, 30, null, URI.create("https://api.corp.example/"), List.of(), List.of());
        Agent open = TestConfigs.openAgent("public", "/public", agent.uri());
        Policy adminsOnly = new Policy("mcp-admin-scope", null, "mcp", List.of(
                new PolicyRule(0, PolicyRule.Effect.ALLOW, List.of(), List.of(), List.of(), List.of(), List.of("/admin"),
                        List.of("mcp:admin"), List.of()),
                new PolicyRule(1, PolicyRule.Effect.DENY, List.of(), List.of(), List.of(), List.of(), List.of("/admin"),
                        List.of(), List.of()),
                new PolicyRule(2, PolicyRule.Effect.ALLOW, List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of(), List.of())));
        ProxySettings settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                TestConfigs.newDataDir());
        return new ConfigSnapshot(1, Instant.now(), settings,
                List.of(TestConfigs.provider("idp", jwks.uri()).host(HOST).build()), List.of(mcp, root, open),
                List.of(), List.of(adminsOnly));
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
        jwks.close();
    }

    @Test
    void theMetadataOfAnAuthenticatedAgentIsServedWithoutATokenFromAnyOrigin() throws Exception {
        RawHttp.Response response = get(HOST + ":8443", "/.well-known/oauth-protected-resource/mcp");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(response.header("cache-control")).contains("max-age=");
        assertThat(response.header("content-type")).isEqualTo("application/json");
        JsonNode doc = JSON.readTree(response.body());
        assertThat(doc.get("resource").asText()).as("the port the client used is kept")
                .isEqualTo("https://" + HOST + ":8443/mcp");
        assertThat(doc.get("authorization_servers")).extracting(JsonNode::asText).containsExactly(TestTokens.ISSUER);
        assertThat(doc.get("bearer_methods_supported")).extracting(JsonNode::asText).containsExactly("header");
        assertThat(doc.get("scopes_supported")).extracting(JsonNode::asText).containsExactly("mcp:tools");
        assertThat(doc.get("resource_name").asText()).isEqualTo("mcp");

        JsonNode rootDoc = JSON.readTree(get("root.example.test", "/.well-known/oauth-protected-resource").body());
        assertThat(rootDoc.get("resource").asText()).as("spec.resource, no trailing slash")
                .isEqualTo("https://api.corp.example");
        assertThat(rootDoc.get("authorization_servers")).extracting(JsonNode::asText)
                .as("the only provider there is").containsExactly(TestTokens.ISSUER);
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void noMetadataForOpenAgentsOrPathsWithoutAnAgent() throws Exception {
        for (String path : List.of("/.well-known/oauth-protected-resource/public",
                "/.well-known/oauth-protected-resource/nothing", "/.well-known/oauth-protected-resource/mcp/deeper",
                "/oauth/consent/drive")) {
            RawHttp.Response response = get(HOST, path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.body()).contains("\"error\":\"not_found\"");
        }
        assertThat(agent.received()).as("the proxy owns these paths").isEmpty();
    }

    @Test
    void everyChallengeNamesTheMetadata() throws Exception {
        String metadata = "resource_metadata=\"https://" + HOST + "/.well-known/oauth-protected-resource/mcp\"";
        RawHttp.Response missing = get(HOST, "/mcp");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.header("www-authenticate")).isEqualTo("Bearer realm=\"" + HOST + "\", " + metadata);
        RawHttp.Response invalid = get(HOST, "/mcp", "Authorization: Bearer a.b.c");
        assertThat(invalid.status()).isEqualTo(401);
        assertThat(invalid.header("www-authenticate")).contains(metadata).contains("error=\"invalid_token\"");
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void requiredScopesComeFromScopeOrScpAndTheirAbsenceIs403WithAChallenge() throws Exception {
        String withScope = TestTokens.signedBy(TestKeys.rsa()).claim("scope", "openid mcp:tools").sign();
        String withScp = TestTokens.signedBy(TestKeys.rsa()).claim("scp", List.of("mcp:tools")).sign();
        String without = TestTokens.signedBy(TestKeys.rsa()).claim("scope", "openid").sign();
        String both = TestTokens.signedBy(TestKeys.rsa()).claim("scope", "mcp:tools").claim("scp", List.of("x"))
                .sign();
        assertThat(get(HOST, "/mcp", "Authorization: Bearer " + withScope).status()).isEqualTo(200);
        assertThat(get(HOST, "/mcp", "Authorization: Bearer " + withScp).status()).isEqualTo(200);
        assertThat(agent.received()).hasSize(2);

        RawHttp.Response lacking = get(HOST, "/mcp", "Authorization: Bearer " + without);
        assertThat(lacking.status()).isEqualTo(403);
        assertThat(lacking.header("www-authenticate")).isEqualTo("Bearer realm=\"" + HOST
                + "\", error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=\"https://" + HOST
                + "/.well-known/oauth-protected-resource/mcp\"");
        assertThat(JSON.readTree(lacking.body()).get("error").asText()).isEqualTo("insufficient_scope");
        RawHttp.Response malformed = get(HOST, "/mcp", "Authorization: Bearer " + both);
        assertThat(malformed.status()).isEqualTo(401);
        assertThat(malformed.header("www-authenticate")).contains("error=\"invalid_token\"");
        assertThat(agent.received()).as("refused tokens never reach the agent").hasSize(2);
    }

    @Test
    void policiesMatchScopes() throws Exception {
        String tools = TestTokens.signedBy(TestKeys.rsa()).claim("scope", "mcp:tools").sign();
        String admin = TestTokens.signedBy(TestKeys.rsa()).claim("scope", "mcp:tools mcp:admin").sign();
        RawHttp.Response denied = get(HOST, "/mcp/admin/users", "Authorization: Bearer " + tools);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).contains("mcp-admin-scope, rule 1");
        assertThat(get(HOST, "/mcp/admin/users", "Authorization: Bearer " + admin).status()).isEqualTo(200);
        assertThat(agent.received()).singleElement().extracting(StubAgent.Received::uri).isEqualTo("/mcp/admin/users");
    }

    @Test
    void preflightsFromAllowedOriginsAreAnsweredByTheProxyAndOthersRefused() throws Exception {
        RawHttp.Response allowed = options("Origin: " + APP);
        assertThat(allowed.status()).isEqualTo(204);
        assertThat(allowed.header("access-control-allow-origin")).isEqualTo(APP);
        assertThat(allowed.header("vary")).isEqualToIgnoringCase("origin");
        assertThat(allowed.header("access-control-allow-headers")).contains("Authorization", "Mcp-Session-Id",
                "Mcp-Protocol-Version", "Last-Event-ID");
        assertThat(allowed.header("access-control-allow-methods")).contains("POST");
        assertThat(allowed.header("access-control-max-age")).matches("[1-9][0-9]*");

        RawHttp.Response other = options("Origin: https://evil.example.com");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.header("access-control-allow-origin")).isNull();
        assertThat(agent.received()).as("no preflight reaches the agent").isEmpty();
    }

    @Test
    void answersToAnAllowedOriginCarryCorsHeadersAndOthersNone() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("scope", "mcp:tools").sign();
        RawHttp.Response ok = get(HOST, "/mcp", "Authorization: Bearer " + token, "Origin: " + APP);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("access-control-allow-origin")).isEqualTo(APP);
        assertThat(ok.header("access-control-expose-headers")).contains("WWW-Authenticate", "Mcp-Session-Id");
        RawHttp.Response challenge = get(HOST, "/mcp", "Origin: " + APP);
        assertThat(challenge.status()).isEqualTo(401);
        assertThat(challenge.header("access-control-allow-origin")).as("a browser client must read the 401")
                .isEqualTo(APP);
        assertThat(challenge.header("access-control-expose-headers")).contains("WWW-Authenticate");
        RawHttp.Response foreign = get(HOST, "/mcp", "Authorization: Bearer " + token, "Origin: https://evil.example");
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.header("access-control-allow-origin")).isNull();
    }

    @Test
    void theMetadataReloadsWithTheConfiguration() throws Exception {
        proxy.applyWhenReady(snapshot(List.of("mcp:tools", "files.read"))).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        JsonNode doc = JSON.readTree(get(HOST, "/.well-known/oauth-protected-resource/mcp").body());
        assertThat(doc.get("scopes_supported")).extracting(JsonNode::asText).containsExactly("mcp:tools", "files.read");
    }

    private RawHttp.Response get(String host, String path, String... headers) throws Exception {
        return RawHttp.get(proxy.ingressAddress(), host, path, headers);
    }

    private RawHttp.Response options(String origin) throws Exception {
        return RawHttp.exchange(proxy.ingressAddress(), "OPTIONS /mcp HTTP/1.1\r\nHost: " + HOST + "\r\n" + origin
                + "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, "
                + "mcp-session-id\r\n\r\n");
    }
}
