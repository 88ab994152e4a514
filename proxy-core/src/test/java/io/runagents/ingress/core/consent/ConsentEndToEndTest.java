package io.runagents.ingress.core.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.ConsentRedirect;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.StubAuthorizationServer;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.core.testing.TokenEndpointFailure;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-user OAuth consent end to end (SPEC sections 7 and 8) over real sockets: a real stub authorization server
 * and tool API, the proxy's ingress endpoints and its egress, the SQLite token store in a temporary dataDir.
 */
class ConsentEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RSAKey IDP_KEY = TestKeys.rsa();
    private static final String CALLBACK = "http://127.0.0.1:1/oauth/callback";
    private static final String CLIENT_SECRET = "drive-secret";
    private static final String TOKEN_KEY = "k1:" + Base64.getEncoder().encodeToString(random32());

    private final ContextSigningKey contextKey = ContextSigningKey.generate();
    private StubJwksServer jwks;
    private StubAgent agent;
    private StubAuthorizationServer drive;
    private ProxyServer proxy;
    private String auditFile;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(IDP_KEY));
        agent = StubAgent.start();
        drive = new StubAuthorizationServer().register(OAuthClient.confidential("proxy", CLIENT_SECRET,
                ClientAuthMethod.CLIENT_SECRET_BASIC, CALLBACK));
        Agent assistant = new Agent("assistant", null, "/", List.of(agent.uri()), false, Access.AUTHENTICATED,
                null, 30, null);
        Tool tool = new Tool("drive", drive.toolBaseUrl(), new ToolAuth.OAuth2(drive.authorizationUrl(),
                drive.tokenUrl(), "proxy", "DRIVE_SECRET", List.of("files.read"),
                ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC, drive.revocationUrl(), null, null));
        ProxySettings base = TestConfigs.settings(TestConfigs.newAuditFile());
        auditFile = base.audit().file();
        ProxySettings settings = new ProxySettings(base.listen(), TestConfigs.newDataDir(), base.tls(), Limits.DEFAULTS,
                base.jwks(), base.tokenCache(), base.audit(), base.identityContext(), base.tokenStore(), base.admin(),
                new ConsentSettings(URI.create(CALLBACK), null, 600, 3000));
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), settings,
                List.of(TestTokens.provider("corp", jwks.uri(), List.of("company.com"))), List.of(assistant),
                List.of(tool), List.of());
        proxy = ProxyServer.start(snapshot, 2, contextKey, name -> switch (name) {
            case "DRIVE_SECRET" -> CLIENT_SECRET;
            case "RUNAGENTS_TOKEN_KEY" -> TOKEN_KEY;
            default -> null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        agent.close();
        drive.close();
        jwks.close();
    }

    @Test
    void aUserConsentsTheToolGetsTheirOwnTokenAndARevokeEndsIt() throws Exception {
        String alice = token("alice@company.com");
        String context = contextFor(alice);

        RawHttp.Response first = callTool(context, "/tools/drive/whoami");
        assertThat(first.status()).isEqualTo(401);
        assertThat(first.header("WWW-Authenticate")).contains("error=\"consent_required\"");
        JsonNode required = JSON.readTree(first.body());
        assertThat(required.get("error").asText()).isEqualTo("consent_required");
        assertThat(required.get("tool").asText()).isEqualTo("drive");
        assertThat(drive.toolCalls()).as("the tool never saw the call").isEmpty();
        URI consentUrl = URI.create(required.get("consent_url").asText());
        assertThat(consentUrl.getQuery()).contains("code_challenge_method=S256", "redirect_uri=" + CALLBACK,
                "scope=files.read");

        RawHttp.Response again = callTool(context, "/tools/drive/whoami");
        assertThat(JSON.readTree(again.body()).get("consent_url").asText()).as("a live consent is reused")
                .isEqualTo(consentUrl.toString());

        String code = consentCodeFromCallback(drive.consentBy("alice-at-drive").consent(consentUrl));
        RawHttp.Response completed = post("/oauth/consent/drive/complete", alice,
                "{\"consent_code\":\"" + code + "\"}");
        assertThat(completed.status()).isEqualTo(200);
        assertThat(JSON.readTree(completed.body()).get("scopes").get(0).asText()).isEqualTo("files.read");

        RawHttp.Response used = callTool(context, "/tools/drive/whoami", "Authorization: Bearer agent-own-token");
        assertThat(used.status()).isEqualTo(200);
        assertThat(JSON.readTree(used.body()).get("account").asText()).isEqualTo("alice-at-drive");
        int exchanges = drive.tokenRequests().size();
        assertThat(callTool(context, "/tools/drive/whoami").status()).isEqualTo(200);
        assertThat(drive.tokenRequests()).as("a cached token needs no token endpoint").hasSize(exchanges);

        RawHttp.Response grants = get("/oauth/grants", alice);
        assertThat(grants.status()).isEqualTo(200);
        assertThat(grants.body()).contains("\"tool\":\"drive\"").doesNotContain("at_", "rt_");

        RawHttp.Response revoked = delete("/oauth/grants/drive", alice);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(drive.revocations()).hasSize(1);
        assertThat(callTool(context, "/tools/drive/whoami").status()).isEqualTo(401);

        String audit = Files.readString(Path.of(auditFile));
        assertThat(audit).contains("\"direction\":\"consent\"", "\"decision\":\"started\"",
                "\"decision\":\"granted\"", "\"decision\":\"revoked\"").doesNotContain(code);
    }

    @Test
    void aConsentLinkForwardedToAnotherUserNeverAttachesTheirAccount() throws Exception {
        String alice = token("alice@company.com");
        RawHttp.Response started = post("/oauth/consent/drive", alice, "");
        assertThat(started.status()).isEqualTo(200);
        JsonNode start = JSON.readTree(started.body());
        assertThat(start.get("expires_in").asInt()).isEqualTo(600);
        // Alice forwards the link; Mallory follows it, so the tool account is Mallory's...
        String code = consentCodeFromCallback(drive.consentBy("mallory-at-drive")
                .consent(URI.create(start.get("authorization_url").asText())));
        // ...and Mallory's application (with Mallory's own JWT) presents the code: refused, tokens destroyed.
        RawHttp.Response mismatch = post("/oauth/consent/drive/complete", token("mallory@company.com"),
                "{\"consent_code\":\"" + code + "\"}");
        assertThat(mismatch.status()).isEqualTo(403);
        assertThat(JSON.readTree(mismatch.body()).get("error").asText()).isEqualTo("consent_user_mismatch");
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(drive.revocations()).hasSize(1));

        RawHttp.Response replay = post("/oauth/consent/drive/complete", alice, "{\"consent_code\":\"" + code + "\"}");
        assertThat(replay.status()).isEqualTo(400);
        assertThat(JSON.readTree(replay.body()).get("error").asText()).isEqualTo("invalid_consent_code");
        assertThat(get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
    }

    @Test
    void aStateWorksOnceAndADenialExchangesNoCode() throws Exception {
        String alice = token("alice@company.com");
        URI url = URI.create(JSON.readTree(post("/oauth/consent/drive", alice, "").body())
                .get("authorization_url").asText());
        ConsentRedirect redirect = drive.consentBy("alice-at-drive").consent(url);
        assertThat(callback(redirect).status()).isEqualTo(200);
        RawHttp.Response replayed = callback(redirect);
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.body()).contains("expired");
        assertThat(RawHttp.get(proxy.ingressAddress(), "portal.example.test", "/oauth/callback?code=x&state=unknown")
                .status()).isEqualTo(400);

        URI second = URI.create(JSON.readTree(post("/oauth/consent/drive", alice, "").body())
                .get("authorization_url").asText());
        int exchanges = drive.codeExchanges();
        RawHttp.Response denied = callback(drive.denyConsent(true).consent(second));
        assertThat(denied.status()).isEqualTo(400);
        assertThat(denied.body()).contains("access_denied");
        assertThat(drive.codeExchanges()).isEqualTo(exchanges);
    }

    @Test
    void theConsentEndpointsNeedAValidToken() throws Exception {
        RawHttp.Response none = post("/oauth/consent/drive", null, "");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(post("/oauth/consent/drive", "not.a.jwt", "").status()).isEqualTo(401);
        assertThat(post("/oauth/consent/nosuchtool", token("alice@company.com"), "").status()).isEqualTo(404);
        assertThat(get("/oauth/consent/drive", token("alice@company.com")).status()).isEqualTo(405);
        assertThat(drive.authorizationRequests()).isEmpty();
        assertThat(agent.received()).as("no consent endpoint reaches the agent").isEmpty();
    }

    @Test
    void aTool401DropsTheTokenTheRefreshFailureKeepsTheGrantAndInvalidGrantEndsIt() throws Exception {
        String alice = token("alice@company.com");
        String context = contextFor(alice);
        URI url = URI.create(JSON.readTree(post("/oauth/consent/drive", alice, "").body())
                .get("authorization_url").asText());
        String code = consentCodeFromCallback(drive.consentBy("alice-at-drive").consent(url));
        assertThat(post("/oauth/consent/drive/complete", alice, "{\"consent_code\":\"" + code + "\"}").status())
                .isEqualTo(200);
        assertThat(callTool(context, "/tools/drive/whoami").status()).isEqualTo(200);

        drive.revokeAccount("alice-at-drive"); // the provider ends the grant: the access token stops working
        RawHttp.Response rejected = callTool(context, "/tools/drive/whoami");
        assertThat(rejected.status()).as("the tool's 401 is passed on").isEqualTo(401);
        assertThat(rejected.body()).doesNotContain("consent_required");
        int refreshes = drive.tokenRequests("refresh_token");

        drive.tokenFailure(TokenEndpointFailure.SERVER_ERROR);
        RawHttp.Response failed = callTool(context, "/tools/drive/whoami");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(JSON.readTree(failed.body()).get("error").asText()).isEqualTo("token_refresh_failed");
        assertThat(get("/oauth/grants", alice).body()).as("the grant is kept").contains("\"tool\":\"drive\"");

        drive.tokenFailure(TokenEndpointFailure.NONE);
        RawHttp.Response ended = callTool(context, "/tools/drive/whoami");
        assertThat(ended.status()).isEqualTo(401);
        assertThat(JSON.readTree(ended.body()).get("error").asText()).isEqualTo("consent_required");
        assertThat(drive.tokenRequests("refresh_token")).as("one refresh per call after the 401: the 500, then "
                + "invalid_grant").isEqualTo(refreshes + 2);
        assertThat(get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
        assertThat(Files.readString(Path.of(auditFile))).contains("\"decision\":\"refresh_failed\"",
                "\"reason\":\"invalid_grant\"");
    }

    private String consentCodeFromCallback(ConsentRedirect redirect) throws Exception {
        RawHttp.Response page = callback(redirect);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        Matcher code = Pattern.compile("id=\"consent-code\">([^<]+)<").matcher(page.body());
        assertThat(code.find()).isTrue();
        return code.group(1);
    }

    private RawHttp.Response callback(ConsentRedirect redirect) throws Exception {
        return RawHttp.get(proxy.ingressAddress(), "portal.example.test",
                "/oauth/callback?" + redirect.location().getRawQuery());
    }

    private static String token(String email) throws Exception {
        return TestTokens.signedBy(IDP_KEY).claim("email", email).sign();
    }

    private String contextFor(String token) throws Exception {
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), "portal.example.test", "/ask",
                "Authorization: Bearer " + token);
        assertThat(response.status()).isEqualTo(200);
        return agent.received().get(agent.received().size() - 1).header("X-End-User-Context");
    }

    private RawHttp.Response callTool(String context, String path, String... headers) throws Exception {
        String[] all = new String[headers.length + 1];
        all[0] = "X-End-User-Context: " + context;
        System.arraycopy(headers, 0, all, 1, headers.length);
        return RawHttp.get(proxy.egressAddress(), "egress", path, all);
    }

    private RawHttp.Response post(String path, String token, String body) throws Exception {
        return RawHttp.exchange(proxy.ingressAddress(), "POST " + path + " HTTP/1.1\r\nHost: portal.example.test\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body);
    }

    private RawHttp.Response get(String path, String token) throws Exception {
        return RawHttp.get(proxy.ingressAddress(), "portal.example.test", path, "Authorization: Bearer " + token);
    }

    private RawHttp.Response delete(String path, String token) throws Exception {
        return RawHttp.exchange(proxy.ingressAddress(), "DELETE " + path + " HTTP/1.1\r\nHost: portal.example.test\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

    private static byte[] random32() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
