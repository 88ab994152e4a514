package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.core.server.LiveProxy;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /admin/token-check}, {@code POST /admin/policy-test}, {@code GET /admin/audit} and {@code /admin/rates}. */
class AdminChecksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RSAKey KEY = TestKeys.rsa();
    private static final String HOST = "portal.example.test";

    @TempDir
    Path tmp;
    private StubJwksServer jwks;
    private LiveProxy live;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(KEY));
        live = LiveProxy.start(tmp, null);
        live.write("identity-providers/corp.yaml", """
                name: corp
                spec:
                  host: %s
                  identityProvider:
                    issuer: %s
                    jwksUri: %s
                    audiences: [%s]
                  userIDClaim: email
                  allowedDomains: [company.com]
                """.formatted(HOST, TestTokens.ISSUER, jwks.uri(), TestTokens.AUDIENCE))
                .write("agents/secure.yaml", """
                        name: secure
                        spec:
                          host: %s
                          pathPrefix: /secure
                          upstream: %s
                        """.formatted(HOST, live.agent.uri()))
                .write("tools/github.yaml", "name: github\nspec:\n  baseUrl: https://api.github.com\n")
                .write("policies/github.yaml", """
                        name: github-readers
                        spec:
                          target: { tool: github }
                          rules:
                            - effect: allow
                              domains: [company.com]
                              methods: [GET]
                        """);
        await().atMost(Duration.ofSeconds(10)).until(() -> live.store.current().policies().size() == 1
                && live.store.current().agent("secure").isPresent());
    }

    @AfterEach
    void stop() {
        live.close();
        jwks.close();
    }

    private JsonNode post(String path, String body, int status) throws Exception {
        HttpResponse<String> r = live.admin("POST", path, body, "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> r = live.admin("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    @Test
    void tokenCheckRunsEveryCheckOnTheLiveConfiguration() throws Exception {
        JsonNode ok = post("/admin/token-check", JSON.createObjectNode().put("token", TestTokens.signedBy(KEY).sign())
                .put("host", HOST + ":8443").toString(), 200);
        assertThat(ok.path("accepted").asBoolean()).isTrue();
        assertThat(ok.path("identityProvider").asText()).isEqualTo("corp");
        assertThat(ok.path("checks").findValuesAsText("name")).contains("signature", "issuer", "audience", "expiry",
                "allowed domain");

        String expired = TestTokens.signedBy(KEY).at(Instant.now().minusSeconds(7200)).sign();
        JsonNode refused = post("/admin/token-check", JSON.createObjectNode().put("token", expired).toString(), 200);
        assertThat(refused.path("accepted").asBoolean()).isFalse();
        assertThat(refused.toString()).contains("\"name\":\"expiry\",\"passed\":false,\"detail\":\"token expired\"")
                .doesNotContain(expired);

        JsonNode nobody = post("/admin/token-check", JSON.createObjectNode().put("token", expired)
                .put("provider", "nope").toString(), 200);
        assertThat(nobody.path("error").asText()).isEqualTo("identity-provider \"nope\" not found");
        assertThat(post("/admin/token-check", "{\"token\":\"x\",\"host\":\"bad host\"}", 400).toString())
                .contains("host: bad host (expected: host[:port])");
        assertThat(post("/admin/token-check", "{}", 400).path("error").asText()).isEqualTo("invalid_request");
        assertThat(post("/admin/token-check", "not json", 400).path("error").asText()).isEqualTo("invalid_request");
        assertThat(live.admin("GET", "/admin/token-check", null).statusCode()).isEqualTo(405);
    }

    @Test
    void policyTestExplainsEachRule() throws Exception {
        JsonNode allowed = post("/admin/policy-test",
                "{\"user\":\"alice@company.com\",\"tool\":\"github\",\"path\":\"/repos?x=1\"}", 200);
        assertThat(allowed.path("allowed").asBoolean()).isTrue();
        assertThat(allowed.path("verdict").asText()).isEqualTo("allow: github-readers#0");
        assertThat(allowed.path("path").asText()).isEqualTo("/repos");
        JsonNode denied = post("/admin/policy-test",
                "{\"user\":\"alice@company.com\",\"tool\":\"github\",\"method\":\"delete\"}", 200);
        assertThat(denied.path("verdict").asText()).isEqualTo("deny: no rule matched (github-readers#default)");
        assertThat(denied.path("rules").get(0).path("mismatch").asText()).contains("method");
        assertThat(post("/admin/policy-test", "{\"user\":\"a\",\"tool\":\"nope\"}", 404).path("error_description")
                .asText()).isEqualTo("tool \"nope\" not found");
        assertThat(post("/admin/policy-test", "{\"user\":\"a\",\"tool\":\"github\",\"path\":\"/a;b\"}", 400)
                .path("error_description").asText()).contains("the proxy answers such a request 400");
        assertThat(post("/admin/policy-test", "{\"user\":\"a\"}", 400).path("error_description").asText())
                .contains("expected: exactly one");
    }

    @Test
    void auditShowsTheLatestLinesNewestFirstFilteredByUser() throws Exception {
        String alice = TestTokens.signedBy(KEY).sign();
        String bob = TestTokens.signedBy(KEY).claim("email", "bob@company.com").sign();
        assertThat(RawHttp.get(live.server.ingressAddress(), HOST, "/secure/one", "Authorization: Bearer " + alice)
                .status()).isEqualTo(200);
        assertThat(RawHttp.get(live.server.ingressAddress(), HOST, "/secure/two", "Authorization: Bearer " + bob)
                .status()).isEqualTo(200);
        assertThat(RawHttp.get(live.server.ingressAddress(), HOST, "/secure/three").status()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/admin/audit", 200).path("count").asInt() == 3);

        JsonNode all = get("/admin/audit", 200);
        assertThat(all.path("lines").findValuesAsText("path")).containsExactly("/secure/three", "/secure/two",
                "/secure/one");
        JsonNode bobs = get("/admin/audit?user=BOB@company.com", 200);
        assertThat(bobs.path("lines").findValuesAsText("path")).containsExactly("/secure/two");
        assertThat(get("/admin/audit?limit=1", 200).path("lines").findValuesAsText("path"))
                .containsExactly("/secure/three");
        assertThat(get("/admin/audit?limit=0", 400).path("error_description").asText()).contains("expected: 1-500");
        assertThat(get("/admin/audit?limit=x", 400).path("error").asText()).isEqualTo("invalid_request");
        assertThat(all.toString()).doesNotContain(alice, bob);
    }

    @Test
    void ratesCountRequestsAndRefusals() throws Exception {
        assertThat(RawHttp.get(live.server.ingressAddress(), HOST, "/secure/x").status()).isEqualTo(401);
        assertThat(RawHttp.get(live.server.ingressAddress(), "other", "/main/x").status()).isEqualTo(200);
        JsonNode rates = get("/admin/rates", 200);
        assertThat(rates.path("intervalSeconds").asInt()).isEqualTo(10);
        long requests = 0;
        long refused = 0;
        for (JsonNode i : rates.path("intervals")) {
            requests += i.path("requests").asLong();
            refused += i.path("refused").asLong();
        }
        assertThat(requests).isEqualTo(2);
        assertThat(refused).isEqualTo(1);
    }
}
