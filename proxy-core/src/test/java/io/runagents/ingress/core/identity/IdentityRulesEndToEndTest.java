package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every acceptance and refusal rule of SPEC sections 3 and 5, over real sockets: a stub JWKS, a stub agent and
 * the real proxy. A refusal is checked for its status, its exact {@code WWW-Authenticate} header, its JSON error
 * and for the agent having seen nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityRulesEndToEndTest {
    static final String HOST = "portal.example.test";
    static final String FORWARDING_HOST = "fwd.example.test";
    static final String EC_ONLY_HOST = "es.example.test";
    static final String NO_ERROR = "Bearer realm=\"" + HOST + "\", resource_metadata=\"https://" + HOST
            + "/.well-known/oauth-protected-resource\"";

    private StubJwksServer jwks;
    private StubAgent agent;
    private ProxyServer proxy;

    @BeforeAll
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa(), TestKeys.ec256()));
        agent = StubAgent.start();
        IdentityProvider idp = TestConfigs.provider("idp", jwks.uri()).allowedDomains("company.com")
                .maxTokenLifetimeSeconds(7200).claimHeader("department", "X-Department")
                .claimHeader("groups", "X-Groups").build();
        IdentityProvider forwarding = TestConfigs.provider("idp-fwd", jwks.uri()).host(FORWARDING_HOST)
                .forwardToken(true).build();
        IdentityProvider ecOnly = TestConfigs.provider("idp-es256", jwks.uri()).host(EC_ONLY_HOST)
                .algorithms("ES256").build();
        ProxySettings settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                TestConfigs.newDataDir());
        proxy = ProxyServer.start(TestConfigs.snapshot(settings,
                List.of(TestConfigs.authenticatedAgent("secure", null, "/", agent.uri(), null)),
                List.of(idp, forwarding, ecOnly)), 2);
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
    void validTokenReachesTheAgentWithTheVerifiedIdentity(String scheme) throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("department", "Engineering").sign();
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/hello",
                "Authorization: " + scheme + " " + token);

        assertThat(response.status()).isEqualTo(200);
        StubAgent.Received seen = agent.received().get(0);
        assertThat(seen.headers().getAll("X-End-User-ID")).containsExactly(TestTokens.USER);
        assertThat(seen.header("X-Department")).isEqualTo("Engineering");
        assertThat(seen.header("X-Groups")).isEqualTo("engineering,staff");
        assertThat(seen.header("X-End-User-Context")).matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$");
        assertThat(seen.headers().contains("Authorization")).as("token not forwarded by default").isFalse();
    }

    @Test
    void ecTokenIsAcceptedAndAbsentClaimsMakeNoHeader() throws Exception {
        String token = TestTokens.signedBy(TestKeys.ec256()).sign();
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token);

        assertThat(response.status()).isEqualTo(200);
        StubAgent.Received seen = agent.received().get(0);
        assertThat(seen.header("X-End-User-ID")).isEqualTo(TestTokens.USER);
        assertThat(seen.headers().contains("X-Department")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jos\u00e9@company.com", "jos\u00e8@company.com", "\u7528\u6237@company.com"})
    void nonAsciiUserIdArrivesAsItsUtf8Bytes(String userId) throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("email", userId).sign();
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token);

        assertThat(response.status()).isEqualTo(200);
        // HTTP/1.1 header values are bytes; the agent's decoder reads each as one ISO-8859-1 char. Two users must
        // never share a header value, so the bytes must be the id's UTF-8 encoding, not a lossy '?' substitute.
        String wire = agent.received().get(0).header("X-End-User-ID");
        assertThat(new String(wire.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)).isEqualTo(userId);
    }

    @Test
    void claimWithAnOuterSpaceMakesNoHeader() throws Exception {
        // A header value cannot carry it (the agent would read "Engineering"), and it must not break the request.
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("department", " Engineering").sign();
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token);

        assertThat(response.status()).isEqualTo(200);
        StubAgent.Received seen = agent.received().get(0);
        assertThat(seen.header("X-End-User-ID")).isEqualTo(TestTokens.USER);
        assertThat(seen.headers().contains("X-Department")).isFalse();
    }

    @Test
    void forwardTokenTrueForwardsTheAuthorizationHeader() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), FORWARDING_HOST, "/",
                "Authorization: Bearer " + token);

        assertThat(response.status()).isEqualTo(200);
        StubAgent.Received seen = agent.received().get(0);
        assertThat(seen.headers().getAll("Authorization")).containsExactly("Bearer " + token);
        assertThat(seen.header("X-End-User-ID")).isEqualTo(TestTokens.USER);
    }

    /** One refusal: extra request lines, and what must come back. {@code challenge} null: no WWW-Authenticate. */
    record Refusal(String name, String path, List<String> headerLines, int status, String error,
                   String description, String challenge) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Refusal invalid(String name, String token, String description) {
        return new Refusal(name, "/hello", List.of("Authorization: Bearer " + token), 401, "invalid_token",
                description, NO_ERROR + ", error=\"invalid_token\", error_description=\"" + description + "\"");
    }

    static Refusal missing(String name, String path, String... headerLines) {
        return new Refusal(name, path, List.of(headerLines), 401, "unauthorized", "a bearer token is required",
                NO_ERROR);
    }

    static Refusal other(String name, int status, String error, String description, String... headerLines) {
        return new Refusal(name, "/hello", List.of(headerLines), status, error, description, null);
    }

    static Stream<Arguments> refusals() {
        Instant now = Instant.now();
        String valid = TestTokens.signedBy(TestKeys.rsa()).sign();
        TestTokens.Builder base = TestTokens.signedBy(TestKeys.rsa());
        String claims = base.claimsJson();
        byte[] rsaPublicKey = TestKeys.rsa().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}";
        return Stream.of(
                missing("no token", "/hello"),
                missing("Basic scheme", "/hello", "Authorization: Basic YWxpY2U6c2VjcmV0"),
                missing("scheme without token", "/hello", "Authorization: Bearer"),
                missing("token in the query string", "/hello?access_token=" + valid),
                missing("WebSocket upgrade without a token", "/hello", "Upgrade: websocket", "Connection: Upgrade",
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"),
                missing("token in a cookie", "/hello", "Cookie: access_token=" + valid + "; token=" + valid),
                invalid("two spaces after Bearer", " " + valid, "token is not a strict compact JWS"),
                invalid("padding in a segment", valid + "=", "token is not a strict compact JWS"),
                other("token over maxTokenBytes", 400, "bad_request", "bearer token exceeds maxTokenBytes",
                        "Authorization: Bearer " + "a".repeat(Limits.DEFAULTS.maxTokenBytes() + 1)),
                other("two Authorization headers", 400, "bad_request", "more than one Authorization header",
                        "Authorization: Bearer " + valid, "Authorization: Bearer " + valid),
                invalid("alg none, empty signature",
                        TestTokens.assemble("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, ""),
                        "token is not a strict compact JWS"),
                invalid("alg none with a signature segment",
                        TestTokens.assemble("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, "AAAA"),
                        "unsigned tokens (alg none) are not accepted"),
                invalid("HS256 keyed with the RSA public key",
                        TestTokens.hmac(rsaPublicKey, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}", claims),
                        "signature algorithm not allowed"),
                invalid("ES256 header on an RSA kid", TestTokens.signedBy(TestKeys.ec256()).header("kid", "rsa-1").sign(),
                        "signature algorithm does not match the key"),
                invalid("wrong signature", TestTokens.signedBy(TestKeys.attackerRsa()).header("kid", "rsa-1").sign(),
                        "signature verification failed"),
                invalid("embedded jwk header is not trusted", TestTokens.signedBy(TestKeys.attackerRsa())
                        .header("kid", "rsa-1").header("jwk", TestKeys.attackerRsa().toPublicJWK().toJSONObject())
                        .sign(), "signature verification failed"),
                invalid("unknown kid", TestTokens.signedBy(TestKeys.attackerRsa()).sign(),
                        "no key in the provider's JWKS has the token's kid"),
                invalid("no kid while the JWKS has several keys",
                        TestTokens.signedBy(TestKeys.rsa()).header("kid", null).sign(),
                        "token has no kid and the key set has several keys"),
                invalid("unknown crit header", TestTokens.signedBy(TestKeys.rsa()).header("crit", List.of("exp")).sign(),
                        "token uses a critical header the proxy does not understand"),
                invalid("wrong issuer", TestTokens.signedBy(TestKeys.rsa()).claim("iss", "https://evil.example").sign(),
                        "issuer mismatch"),
                invalid("wrong audience", TestTokens.signedBy(TestKeys.rsa()).claim("aud", List.of("other")).sign(),
                        "audience mismatch"),
                invalid("expired", TestTokens.signedBy(TestKeys.rsa()).claim("iat", now.minusSeconds(7200).getEpochSecond())
                        .claim("exp", now.minusSeconds(3600).getEpochSecond()).sign(), "token expired"),
                invalid("nbf in the future", TestTokens.signedBy(TestKeys.rsa())
                        .claim("nbf", now.plusSeconds(600).getEpochSecond()).sign(), "token not yet valid"),
                invalid("iat in the future", TestTokens.signedBy(TestKeys.rsa()).at(now.plusSeconds(600)).sign(),
                        "token issued in the future"),
                invalid("missing exp", TestTokens.signedBy(TestKeys.rsa()).claim("exp", null).sign(),
                        "token has no exp claim"),
                // iat pinned to the same instant as exp: a second ticking between the two would make it 7,200 s.
                invalid("lifetime over maxTokenLifetimeSeconds", TestTokens.signedBy(TestKeys.rsa()).at(now)
                        .claim("exp", now.plusSeconds(7201).getEpochSecond()).sign(),
                        "token lifetime exceeds the provider's limit"),
                invalid("duplicate claim", TestTokens.signedBy(TestKeys.rsa())
                        .rawClaims(claims.replace("{", "{\"email\":\"root@company.com\",")).sign(),
                        "token repeats a claim name"),
                invalid("user id not a string", TestTokens.signedBy(TestKeys.rsa()).claim("email", 42).sign(),
                        "user id claim missing or not a clean string"),
                invalid("user id with a comma", TestTokens.signedBy(TestKeys.rsa())
                        .claim("email", "alice,bob@company.com").sign(), "user id claim missing or not a clean string"),
                invalid("user id with a control character", TestTokens.signedBy(TestKeys.rsa())
                        .claim("email", "alice\u0007@company.com").sign(), "user id claim missing or not a clean string"),
                // The agent's parser would strip the space: " alice@company.com" would arrive as another user.
                invalid("user id with a leading space", TestTokens.signedBy(TestKeys.rsa())
                        .claim("email", " alice@company.com").sign(), "user id claim missing or not a clean string"),
                invalid("JWE", TestTokens.b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + ".AAAA.AAAA.AAAA.AAAA",
                        "encrypted tokens (JWE) are not accepted"),
                other("domain not allowed", 403, "forbidden", "email domain not allowed", "Authorization: Bearer "
                        + TestTokens.signedBy(TestKeys.rsa()).claim("email", "bob@other.org").sign()),
                other("subdomain of an allowed domain", 403, "forbidden", "email domain not allowed",
                        "Authorization: Bearer "
                                + TestTokens.signedBy(TestKeys.rsa()).claim("email", "bob@eng.company.com").sign()),
                other("email_verified false", 403, "forbidden", "email not verified", "Authorization: Bearer "
                        + TestTokens.signedBy(TestKeys.rsa()).claim("email_verified", false).sign())
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedRequestsNeverReachTheAgent(Refusal refusal) throws Exception {
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, refusal.path(),
                refusal.headerLines().toArray(String[]::new));

        assertThat(response.status()).isEqualTo(refusal.status());
        assertThat(response.header("www-authenticate")).isEqualTo(refusal.challenge());
        assertThat(response.header("content-type")).isEqualTo("application/json");
        Map<String, Object> body = JSONObjectUtils.parse(response.body());
        assertThat(body).containsEntry("error", refusal.error())
                .containsEntry("error_description", refusal.description())
                .containsEntry("request_id", response.header("x-request-id"));
        assertThat(agent.received()).as("the agent saw a refused request").isEmpty();
    }

    @Test
    void headRefusalHasAChallengeAndNoBody() throws Exception {
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response response = client.send("HEAD /hello HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").readHead();
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("www-authenticate")).isEqualTo(NO_ERROR);
            // the next response on the connection starts right away: the 401 carried no body bytes
            String token = TestTokens.signedBy(TestKeys.rsa()).sign();
            RawHttp.Response next = client.send("GET /hello HTTP/1.1\r\nHost: " + HOST
                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n").read();
            assertThat(next.status()).isEqualTo(200);
        }
        assertThat(agent.received()).hasSize(1);
    }

    @Test
    void refusingARequestThatAwaits100ContinueClosesTheConnection() throws Exception {
        // Its body is held back until a 100 that never comes: draining would read the next request as that body.
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response refused = client.send("POST /hello HTTP/1.1\r\nHost: " + HOST
                    + "\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n").read();
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(agent.received()).isEmpty();
    }

    @Test
    void refusalKeepsTheConnectionUsable() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        try (RawHttp client = new RawHttp(proxy.ingressAddress())) {
            RawHttp.Response refused = client.send("POST /hello HTTP/1.1\r\nHost: " + HOST
                    + "\r\nContent-Length: 5\r\n\r\nhello").read();
            assertThat(refused.status()).isEqualTo(401);
            RawHttp.Response accepted = client.send("POST /hello HTTP/1.1\r\nHost: " + HOST
                    + "\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 3\r\n\r\nabc").read();
            assertThat(accepted.status()).isEqualTo(200);
        }
        assertThat(agent.received()).singleElement().satisfies(r -> assertThat(r.bodyBytes()).isEqualTo(3));
    }

    @Test
    void algorithmOutsideTheProvidersListIsRefused() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), EC_ONLY_HOST, "/",
                "Authorization: Bearer " + token);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("www-authenticate")).isEqualTo("Bearer realm=\"" + EC_ONLY_HOST
                + "\", resource_metadata=\"https://" + EC_ONLY_HOST + "/.well-known/oauth-protected-resource\""
                + ", error=\"invalid_token\", error_description=\"signature algorithm not allowed\"");
        assertThat(RawHttp.get(proxy.ingressAddress(), EC_ONLY_HOST, "/",
                "Authorization: Bearer " + TestTokens.signedBy(TestKeys.ec256()).sign()).status()).isEqualTo(200);
        assertThat(agent.received()).hasSize(1);
    }
}
