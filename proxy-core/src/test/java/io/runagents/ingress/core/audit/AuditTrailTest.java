package io.runagents.ingress.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.testing.TestContexts;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.Behaviors;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit trail end to end (SPEC section 9): a client request whose agent calls two tools leaves three
 * lines that share the ingress request id and the user; every refusal leaves one {@code deny} line with
 * its reason (and rule); no token, context or secret ever reaches the file. The file is read after
 * {@code shutdown}, which must have put every line on disk.
 */
class AuditTrailTest {
    private static final RSAKey IDP_KEY = TestKeys.rsa();
    private static final String HOST = "portal.example.test";
    private static final String API_KEY = "sk_live_never_in_the_audit";
    private static final List<String> FIELDS = List.of("ts", "request_id", "direction", "user", "provider", "agent",
            "tool", "method", "path", "status", "decision", "reason", "rule", "duration_ms", "context_id");

    private final ContextSigningKey contextKey = ContextSigningKey.generate();
    /** The request id each test-made context is used with (an agent passes on the X-Request-ID it received). */
    private final Map<String, String> requestIds = new java.util.HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private StubJwksServer jwks;
    private StubAgent agent;
    private StubAgent github;
    private StubAgent finance;
    private ProxyServer proxy;
    private Path auditFile;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(IDP_KEY));
        agent = StubAgent.start();
        github = StubAgent.start();
        finance = StubAgent.start();
        // A slow tool: its audit line must show the time it took, and the ingress line must cover it.
        github.on("/", (ctx, head, bodyBytes) -> ctx.executor().schedule(
                () -> Behaviors.ECHO.respond(ctx, head, bodyBytes), 100, TimeUnit.MILLISECONDS));
        agent.on("/plan", this::callTwoTools);
        Agent assistant = new Agent("assistant", null, "/", List.of(agent.uri()), false, Access.AUTHENTICATED,
                null, 30, null);
        List<Tool> tools = List.of(
                new Tool("github", github.uri(), ToolAuth.NONE),
                new Tool("finance", finance.uri(), ToolAuth.NONE),
                new Tool("stripe", finance.uri(), new ToolAuth.ApiKey("X-Api-Key", "STRIPE_KEY")));
        List<Policy> policies = List.of(
                new Policy("github-engineering-only", "github", null, List.of(
                        rule(0, PolicyRule.Effect.ALLOW, List.of(), List.of("engineering"), List.of()))),
                new Policy("finance-bob-read-only", "finance", null, List.of(
                        rule(0, PolicyRule.Effect.ALLOW, List.of("bob@company.com"), List.of(), List.of("GET")),
                        rule(1, PolicyRule.Effect.DENY, List.of("bob@company.com"), List.of(), List.of()),
                        rule(2, PolicyRule.Effect.ALLOW, List.of(), List.of(), List.of()))));
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), TestConfigs.settings(Limits.DEFAULTS),
                List.of(TestTokens.provider("corp", jwks.uri(), List.of("company.com"))), List.of(assistant), tools,
                policies);
        auditFile = Path.of(snapshot.proxy().audit().file());
        proxy = ProxyServer.start(snapshot, 2, contextKey, name -> "STRIPE_KEY".equals(name) ? API_KEY : null);
    }

    private static PolicyRule rule(int index, PolicyRule.Effect effect, List<String> users, List<String> groups,
                                   List<String> methods) {
        return new PolicyRule(index, effect, users, groups, List.of(), methods, List.of());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        for (AutoCloseable c : List.of(agent, github, finance, jwks)) {
            c.close();
        }
    }

    /**
     * The agent's work for one client request: two tool calls through the egress, concurrently, with the
     * context it received; it answers the client once both returned. Never blocks its event loop.
     */
    private void callTwoTools(io.netty.channel.ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest head,
                              long bodyBytes) {
        String context = head.headers().get("X-End-User-Context");
        String requestId = head.headers().get("X-Request-ID"); // passed on, as SPEC section 6 asks of agents
        boolean keepAlive = HttpUtil.isKeepAlive(head);
        CompletableFuture<HttpResponse<String>> repos = toolCall("GET", "/tools/github/repos/x?per_page=5", context,
                requestId);
        CompletableFuture<HttpResponse<String>> invoice = toolCall("POST", "/tools/finance/invoices?draft=1", context,
                requestId);
        repos.thenCombine(invoice, (r, i) -> "github=" + r.statusCode() + " finance=" + i.statusCode())
                .whenComplete((summary, error) -> ctx.executor().execute(() -> {
                    byte[] body = (error == null ? summary : "failed: " + error).getBytes(StandardCharsets.UTF_8);
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            error == null ? HttpResponseStatus.OK : HttpResponseStatus.BAD_GATEWAY,
                            Unpooled.wrappedBuffer(body));
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                            : ChannelFutureListener.CLOSE);
                }));
    }

    private CompletableFuture<HttpResponse<String>> toolCall(String method, String path, String context,
                                                             String requestId) {
        URI uri = URI.create("http://127.0.0.1:" + proxy.egressAddress().getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("X-End-User-Context", context).header("X-Request-ID", requestId)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private RawHttp.Response ingress(String requestId, String token) throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            return client.send("GET /plan?session=s3cr3t HTTP/1.1\r\nHost: " + HOST + "\r\nX-Request-ID: " + requestId
                    + (token == null ? "" : "\r\nAuthorization: Bearer " + token) + "\r\n\r\n").read();
        }
    }

    /** A tool call as an agent makes it: the context it was given and the request id of the request it serves. */
    private RawHttp.Response egress(String method, String path, String context) throws Exception {
        String requestId = requestIds.get(context);
        try (RawHttp client = new RawHttp(proxy.egressAddress())) {
            return client.send(method + " " + path + " HTTP/1.1\r\nHost: egress\r\nX-End-User-Context: " + context
                    + (requestId == null ? "" : "\r\nX-Request-ID: " + requestId)
                    + "\r\nContent-Length: 0\r\n\r\n").read();
        }
    }

    /** Stops the proxy (which must flush the audit log) and returns the raw file and its lines, each parsed. */
    private List<JsonNode> stopAndRead(List<String> secrets) throws Exception {
        proxy.shutdown(Duration.ofSeconds(5));
        String raw = Files.readString(auditFile, StandardCharsets.UTF_8);
        for (String secret : secrets) {
            assertThat(raw).as("the audit file must not contain a secret").doesNotContain(secret);
        }
        List<JsonNode> lines = AuditFixtures.read(auditFile);
        for (JsonNode line : lines) {
            assertThat(line.fieldNames()).toIterable().containsExactlyElementsOf(FIELDS);
        }
        return lines;
    }

    @Test
    void oneClientRequestWithTwoToolCallsLeavesThreeLinesSharingRequestIdAndUser() throws Exception {
        Instant before = Instant.now();
        String token = TestTokens.signedBy(IDP_KEY).claim("email", "alice@company.com")
                .claim("groups", List.of("engineering")).sign();
        RawHttp.Response response = ingress("trail-0001", token);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("github=200 finance=200");
        assertThat(response.header("x-request-id")).isEqualTo("trail-0001");
        String context = agent.received().get(0).header("X-End-User-Context");
        assertThat(context).isNotBlank();
        assertThat(github.received()).singleElement().extracting(r -> r.header("X-Request-ID")).isEqualTo("trail-0001");

        List<JsonNode> lines = stopAndRead(List.of(token, context, "s3cr3t", "per_page", "draft"));
        Instant after = Instant.now();

        assertThat(lines).hasSize(3).allSatisfy(line -> {
            assertThat(line.get("request_id").asText()).isEqualTo("trail-0001");
            assertThat(line.get("user").asText()).isEqualTo("alice@company.com");
            assertThat(line.get("provider").asText()).isEqualTo("corp");
            assertThat(line.get("decision").asText()).isEqualTo("allow");
            assertThat(line.get("reason").isNull()).isTrue();
            assertThat(line.get("status").asInt()).isEqualTo(200);
            assertThat(Instant.parse(line.get("ts").asText())).isBetween(before.minusMillis(1), after);
        });
        assertThat(lines).extracting(l -> l.get("direction").asText())
                .containsExactlyInAnyOrder("ingress", "egress", "egress");

        JsonNode ingress = only(lines, "ingress", null);
        assertThat(ingress.get("agent").asText()).isEqualTo("assistant");
        assertThat(ingress.get("method").asText()).isEqualTo("GET");
        assertThat(ingress.get("path").asText()).isEqualTo("/plan");
        assertThat(ingress.get("rule").isNull()).isTrue(); // the agent has no policies

        JsonNode repos = only(lines, "egress", "github");
        assertThat(repos.get("method").asText()).isEqualTo("GET");
        assertThat(repos.get("path").asText()).isEqualTo("/tools/github/repos/x");
        assertThat(repos.get("rule").asText()).isEqualTo("github-engineering-only#0");
        assertThat(repos.get("duration_ms").asLong()).isGreaterThanOrEqualTo(100);

        // The tool calls name the agent that made them and join the client request through the context's id.
        String contextId = com.nimbusds.jwt.SignedJWT.parse(context).getJWTClaimsSet().getJWTID();
        assertThat(lines).allSatisfy(l -> assertThat(l.get("context_id").asText()).isEqualTo(contextId));
        assertThat(only(lines, "egress", "github").get("agent").asText()).isEqualTo("assistant");

        JsonNode invoice = only(lines, "egress", "finance");
        assertThat(invoice.get("method").asText()).isEqualTo("POST");
        assertThat(invoice.get("path").asText()).isEqualTo("/tools/finance/invoices");
        assertThat(invoice.get("rule").asText()).isEqualTo("finance-bob-read-only#2");

        // The client's request spans both tool calls.
        assertThat(ingress.get("duration_ms").asLong())
                .isGreaterThanOrEqualTo(repos.get("duration_ms").asLong())
                .isGreaterThanOrEqualTo(invoice.get("duration_ms").asLong());
    }

    @Test
    void everyRefusalHasOneDenyLineWithItsReasonAndNoSecret() throws Exception {
        String expired = TestTokens.signedBy(IDP_KEY).at(Instant.now().minus(Duration.ofHours(3))).sign();
        assertThat(ingress("deny-missing", null).status()).isEqualTo(401);
        assertThat(ingress("deny-expired", expired).status()).isEqualTo(401);
        String bob = context("bob@company.com", List.of(), "rid-bob");
        String carol = context("carol@company.com", List.of("sales"), "rid-carol");
        String tampered = bob.substring(0, bob.length() - 4) + (bob.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThat(egress("POST", "/tools/finance/invoices?amount=5", bob).status()).isEqualTo(403);
        assertThat(egress("GET", "/tools/github/repos", carol).status()).isEqualTo(403);
        assertThat(egress("GET", "/tools/nope/x", bob).status()).isEqualTo(404);
        assertThat(egress("GET", "/tools/github/repos", tampered).status()).isEqualTo(401);
        assertThat(egress("GET", "/tools/stripe/v1/charges", bob).status()).isEqualTo(200);
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            assertThat(client.send("GARBAGE\r\n\r\n").read().status()).isEqualTo(400);
        }
        assertThat(agent.received()).isEmpty();
        assertThat(github.received()).isEmpty();
        assertThat(finance.received()).singleElement().extracting(r -> r.header("X-Api-Key")).isEqualTo(API_KEY);

        List<JsonNode> lines = stopAndRead(List.of(expired, bob, carol, tampered, API_KEY, "amount"));

        assertThat(lines).hasSize(8);
        JsonNode missing = byRequestId(lines, "deny-missing");
        assertThat(summary(missing)).isEqualTo("ingress assistant - GET /plan 401 deny missing -");
        assertThat(missing.get("user").isNull()).isTrue();
        JsonNode expiredLine = byRequestId(lines, "deny-expired");
        assertThat(summary(expiredLine)).isEqualTo("ingress assistant - GET /plan 401 deny expired -");
        // The provider that refused the token is named even though no user came out of it.
        assertThat(expiredLine.get("provider").asText()).isEqualTo("corp");
        // A request line that could not be parsed has no method or path (not Netty's "GET /bad-request").
        assertThat(lines).filteredOn(l -> l.get("status").asInt() == 400).singleElement()
                .satisfies(l -> assertThat(summary(l)).isEqualTo("ingress - - - - 400 deny bad_request -"));

        JsonNode policy = byRequestId(lines, "rid-bob", "finance");
        assertThat(summary(policy))
                .isEqualTo("egress assistant finance POST /tools/finance/invoices 403 deny policy finance-bob-read-only#1");
        assertThat(policy.get("user").asText()).isEqualTo("bob@company.com");
        assertThat(summary(byRequestId(lines, "rid-carol", "github")))
                .isEqualTo("egress assistant github GET /tools/github/repos 403 deny policy github-engineering-only#default");

        // The context is checked before routing: an unknown tool is still logged with its caller; only a call
        // with a bad context has no known user (and no tool: nothing about tools is revealed without one).
        assertThat(summary(byRequestId(lines, "rid-bob", null)))
                .isEqualTo("egress assistant - GET /tools/nope/x 404 deny not_found -");
        List<JsonNode> anonymous = lines.stream().filter(l -> l.get("user").isNull()
                && l.get("direction").asText().equals("egress")).toList();
        assertThat(anonymous).extracting(AuditTrailTest::summary).containsExactly(
                "egress - - GET /tools/github/repos 401 deny invalid_context -");

        assertThat(summary(byRequestId(lines, "rid-bob", "stripe")))
                .isEqualTo("egress assistant stripe GET /tools/stripe/v1/charges 200 allow - -");
    }

    /** A context for the assistant as the ingress signs it; the agent's tool calls with it carry {@code rid}. */
    private String context(String email, List<String> groups, String rid) {
        AuthResult.Authenticated user = new AuthResult.Authenticated(email, email, groups, List.of(), "corp",
                Instant.now().plusSeconds(3600), Map.of(), "k");
        String context = TestContexts.sign(contextKey, user, "assistant");
        requestIds.put(context, rid);
        return context;
    }

    /** direction, agent, tool, method, path, status, decision, reason, rule; "-" for null. */
    private static String summary(JsonNode line) {
        return String.join(" ", List.of("direction", "agent", "tool", "method", "path", "status", "decision", "reason",
                "rule").stream().map(f -> line.get(f).isNull() ? "-" : line.get(f).asText()).toList());
    }

    private static JsonNode only(List<JsonNode> lines, String direction, String tool) {
        List<JsonNode> matching = lines.stream().filter(l -> l.get("direction").asText().equals(direction)
                && (tool == null || tool.equals(l.get("tool").asText()))).toList();
        assertThat(matching).as(direction + " " + tool).hasSize(1);
        return matching.get(0);
    }

    private static JsonNode byRequestId(List<JsonNode> lines, String requestId) {
        List<JsonNode> matching = lines.stream().filter(l -> l.get("request_id").asText().equals(requestId)).toList();
        assertThat(matching).as(requestId).hasSize(1);
        return matching.get(0);
    }

    private static JsonNode byRequestId(List<JsonNode> lines, String requestId, String tool) {
        List<JsonNode> matching = lines.stream().filter(l -> l.get("request_id").asText().equals(requestId)
                && java.util.Objects.equals(tool, l.get("tool").isNull() ? null : l.get("tool").asText())).toList();
        assertThat(matching).as(requestId + " " + tool).hasSize(1);
        return matching.get(0);
    }
}
