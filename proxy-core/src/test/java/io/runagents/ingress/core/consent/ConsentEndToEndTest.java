package io.runagents.ingress.core.consent;

import static io.runagents.ingress.core.testing.ConsentFixture.CALLBACK;
import static io.runagents.ingress.core.testing.ConsentFixture.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.core.testing.ConsentFixture;
import io.runagents.ingress.core.testing.ConsentRedirect;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.StubAuthorizationServer;
import io.runagents.ingress.core.testing.TokenEndpointFailure;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-user OAuth consent end to end (SPEC sections 7 and 8) over real sockets: a real stub authorization server
 * and tool API, the proxy's ingress endpoints and its egress, the SQLite token store in a temporary dataDir
 * ({@link ConsentFixture}). The failure rules of section 8 are {@link ConsentFailuresEndToEndTest}'s.
 */
class ConsentEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsentFixture fixture;
    private StubAgent agent;
    private StubAuthorizationServer drive;

    @BeforeEach
    void start() throws Exception {
        fixture = new ConsentFixture().start();
        agent = fixture.agent();
        drive = fixture.drive();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aUserConsentsTheToolGetsTheirOwnTokenAndARevokeEndsIt() throws Exception {
        String alice = token("alice@company.com");
        String context = fixture.contextFor(alice);

        RawHttp.Response first = fixture.callTool(context, "/tools/drive/whoami");
        assertThat(first.status()).isEqualTo(401);
        assertThat(first.header("WWW-Authenticate")).contains("error=\"consent_required\"");
        JsonNode required = JSON.readTree(first.body());
        assertThat(required.get("error").asText()).isEqualTo("consent_required");
        assertThat(required.get("tool").asText()).isEqualTo("drive");
        assertThat(drive.toolCalls()).as("the tool never saw the call").isEmpty();
        URI consentUrl = URI.create(required.get("consent_url").asText());
        assertThat(consentUrl.getQuery()).contains("code_challenge_method=S256", "redirect_uri=" + CALLBACK,
                "scope=files.read");

        RawHttp.Response again = fixture.callTool(context, "/tools/drive/whoami");
        assertThat(JSON.readTree(again.body()).get("consent_url").asText()).as("a live consent is reused")
                .isEqualTo(consentUrl.toString());

        String code = fixture.consentCodeFromCallback(drive.consentBy("alice-at-drive").consent(consentUrl));
        RawHttp.Response completed = fixture.post("/oauth/consent/drive/complete", alice,
                "{\"consent_code\":\"" + code + "\"}");
        assertThat(completed.status()).isEqualTo(200);
        assertThat(JSON.readTree(completed.body()).get("scopes").get(0).asText()).isEqualTo("files.read");

        RawHttp.Response used = fixture.callTool(context, "/tools/drive/whoami",
                "Authorization: Bearer agent-own-token");
        assertThat(used.status()).isEqualTo(200);
        assertThat(JSON.readTree(used.body()).get("account").asText()).isEqualTo("alice-at-drive");
        int exchanges = drive.tokenRequests().size();
        assertThat(fixture.callTool(context, "/tools/drive/whoami").status()).isEqualTo(200);
        assertThat(drive.tokenRequests()).as("a cached token needs no token endpoint").hasSize(exchanges);

        RawHttp.Response grants = fixture.get("/oauth/grants", alice);
        assertThat(grants.status()).isEqualTo(200);
        assertThat(grants.body()).contains("\"tool\":\"drive\"").doesNotContain("at_", "rt_");

        RawHttp.Response revoked = fixture.delete("/oauth/grants/drive", alice);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(drive.revocations()).hasSize(1);
        assertThat(fixture.callTool(context, "/tools/drive/whoami").status()).isEqualTo(401);

        String audit = fixture.auditText();
        assertThat(audit).contains("\"direction\":\"consent\"", "\"decision\":\"started\"",
                "\"decision\":\"granted\"", "\"decision\":\"revoked\"").doesNotContain(code);
    }

    @Test
    void aConsentLinkForwardedToAnotherUserNeverAttachesTheirAccount() throws Exception {
        String alice = token("alice@company.com");
        RawHttp.Response started = fixture.post("/oauth/consent/drive", alice, "");
        assertThat(started.status()).isEqualTo(200);
        JsonNode start = JSON.readTree(started.body());
        assertThat(start.get("expires_in").asInt()).isEqualTo(600);
        // Alice forwards the link; Mallory follows it, so the tool account is Mallory's...
        String code = fixture.consentCodeFromCallback(drive.consentBy("mallory-at-drive")
                .consent(URI.create(start.get("authorization_url").asText())));
        // ...and Mallory's application (with Mallory's own JWT) presents the code: refused, tokens destroyed.
        RawHttp.Response mismatch = fixture.post("/oauth/consent/drive/complete", token("mallory@company.com"),
                "{\"consent_code\":\"" + code + "\"}");
        assertThat(mismatch.status()).isEqualTo(403);
        assertThat(JSON.readTree(mismatch.body()).get("error").asText()).isEqualTo("consent_user_mismatch");
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(drive.revocations()).hasSize(1));

        RawHttp.Response replay = fixture.post("/oauth/consent/drive/complete", alice,
                "{\"consent_code\":\"" + code + "\"}");
        assertThat(replay.status()).isEqualTo(400);
        assertThat(JSON.readTree(replay.body()).get("error").asText()).isEqualTo("invalid_consent_code");
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
    }

    @Test
    void aStateWorksOnceAndADenialExchangesNoCode() throws Exception {
        String alice = token("alice@company.com");
        URI url = URI.create(JSON.readTree(fixture.post("/oauth/consent/drive", alice, "").body())
                .get("authorization_url").asText());
        ConsentRedirect redirect = drive.consentBy("alice-at-drive").consent(url);
        assertThat(fixture.callback(redirect).status()).isEqualTo(200);
        RawHttp.Response replayed = fixture.callback(redirect);
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.body()).contains("expired");
        assertThat(RawHttp.get(fixture.proxy().ingressAddress(), "portal.example.test",
                "/oauth/callback?code=x&state=unknown").status()).isEqualTo(400);

        URI second = URI.create(JSON.readTree(fixture.post("/oauth/consent/drive", alice, "").body())
                .get("authorization_url").asText());
        int exchanges = drive.codeExchanges();
        RawHttp.Response denied = fixture.callback(drive.denyConsent(true).consent(second));
        assertThat(denied.status()).isEqualTo(400);
        assertThat(denied.body()).contains("access_denied");
        assertThat(drive.codeExchanges()).isEqualTo(exchanges);
    }

    @Test
    void theConsentEndpointsNeedAValidToken() throws Exception {
        RawHttp.Response none = fixture.post("/oauth/consent/drive", null, "");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(fixture.post("/oauth/consent/drive", "not.a.jwt", "").status()).isEqualTo(401);
        assertThat(fixture.post("/oauth/consent/nosuchtool", token("alice@company.com"), "").status()).isEqualTo(404);
        assertThat(fixture.get("/oauth/consent/drive", token("alice@company.com")).status()).isEqualTo(405);
        assertThat(drive.authorizationRequests()).isEmpty();
        assertThat(agent.received()).as("no consent endpoint reaches the agent").isEmpty();
    }

    @Test
    void aTool401DropsTheTokenTheRefreshFailureKeepsTheGrantAndInvalidGrantEndsIt() throws Exception {
        String alice = token("alice@company.com");
        String context = fixture.contextFor(alice);
        URI url = URI.create(JSON.readTree(fixture.post("/oauth/consent/drive", alice, "").body())
                .get("authorization_url").asText());
        String code = fixture.consentCodeFromCallback(drive.consentBy("alice-at-drive").consent(url));
        assertThat(fixture.post("/oauth/consent/drive/complete", alice, "{\"consent_code\":\"" + code + "\"}").status())
                .isEqualTo(200);
        assertThat(fixture.callTool(context, "/tools/drive/whoami").status()).isEqualTo(200);

        drive.revokeAccount("alice-at-drive"); // the provider ends the grant: the access token stops working
        RawHttp.Response rejected = fixture.callTool(context, "/tools/drive/whoami");
        assertThat(rejected.status()).as("the tool's 401 is passed on").isEqualTo(401);
        assertThat(rejected.body()).doesNotContain("consent_required");
        int refreshes = drive.tokenRequests("refresh_token");

        drive.tokenFailure(TokenEndpointFailure.SERVER_ERROR);
        RawHttp.Response failed = fixture.callTool(context, "/tools/drive/whoami");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(JSON.readTree(failed.body()).get("error").asText()).isEqualTo("token_refresh_failed");
        assertThat(fixture.get("/oauth/grants", alice).body()).as("the grant is kept").contains("\"tool\":\"drive\"");

        drive.tokenFailure(TokenEndpointFailure.NONE);
        RawHttp.Response ended = fixture.callTool(context, "/tools/drive/whoami");
        assertThat(ended.status()).isEqualTo(401);
        assertThat(JSON.readTree(ended.body()).get("error").asText()).isEqualTo("consent_required");
        assertThat(drive.tokenRequests("refresh_token")).as("one refresh per call after the 401: the 500, then "
                + "invalid_grant").isEqualTo(refreshes + 2);
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
        assertThat(fixture.auditText()).contains("\"decision\":\"refresh_failed\"",
                "\"reason\":\"http_500\"", "\"reason\":\"invalid_grant\"");
    }
}
