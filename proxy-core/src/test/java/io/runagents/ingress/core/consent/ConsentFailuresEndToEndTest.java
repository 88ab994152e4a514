package io.runagents.ingress.core.consent;

import static io.runagents.ingress.core.testing.ConsentFixture.CALLBACK;
import static io.runagents.ingress.core.testing.ConsentFixture.newTokenKey;
import static io.runagents.ingress.core.testing.ConsentFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.IssuedTokens;
import io.runagents.ingress.core.testing.ConsentFixture;
import io.runagents.ingress.core.testing.ConsentRedirect;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAuthorizationServer;
import io.runagents.ingress.core.testing.StubAuthorizationServer.TokenRequest;
import io.runagents.ingress.core.testing.StubToolEndpoint;
import io.runagents.ingress.core.testing.TokenEndpointFailure;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC section 8's failure rules end to end, over real sockets (the rules {@link ConsentEndToEndTest} and
 * {@link TokenEndpointTest} leave out): refreshes that expire, hang or meet a tampered or unkeyed row, restarts
 * with the same, another or a missing key, {@code returnUrl}, RFC 9207 {@code iss}, garbage token answers to the
 * code, and states and consent codes that expired. Each checks what the caller got, what the authorization server
 * and the tool saw, and, after the proxy stopped, that no token, code or state reached the audit file or the logs.
 */
class ConsentFailuresEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WHOAMI = "/tools/drive/whoami";
    private static final URI RETURN_URL = URI.create("http://127.0.0.1:1/app/connected");

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private ConsentFixture fixture;
    private StubAuthorizationServer drive;
    private String alice;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ConsentFixture();
        drive = fixture.drive();
        alice = token("alice@company.com");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            fixture.assertNoSecretWritten();
        } finally {
            fixture.close();
            callers.shutdownNow();
        }
    }

    @Test
    void anExpiringAccessTokenIsRefreshedOnceAndTheCallGoesOnWithTheNewOne() throws Exception {
        fixture.start();
        drive.tokenSettings(s -> s.withAccessTokenLifetime(Duration.ofSeconds(2)));
        fixture.grant(alice, "alice-at-drive");
        drive.tokenSettings(s -> s.withAccessTokenLifetime(Duration.ofHours(1)));
        IssuedTokens granted = drive.issuedTokens().get(0);
        String context = fixture.contextFor(alice);
        assertThat(fixture.callTool(context, WHOAMI).status()).isEqualTo(200);
        assertThat(lastToolCall().header("Authorization")).isEqualTo("Bearer " + granted.accessToken());

        // Due when min(60 s, half its 2 s lifetime) is left: the first call from then on refreshes first.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(fixture.callTool(context, WHOAMI).status()).isEqualTo(200);
            return !lastToolCall().header("Authorization").equals("Bearer " + granted.accessToken());
        });
        assertThat(drive.tokenRequests("refresh_token")).isEqualTo(1);
        TokenRequest refresh = drive.lastTokenRequest();
        assertThat(refresh.form()).containsEntry("refresh_token", granted.refreshToken());
        assertThat(refresh.authMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        IssuedTokens rotated = drive.issuedTokens().get(1);
        assertThat(lastToolCall().header("Authorization")).isEqualTo("Bearer " + rotated.accessToken());
        assertThat(drive.toolCalls()).extracting(StubToolEndpoint.Call::status).containsOnly(200);

        assertThat(fixture.callTool(context, WHOAMI).status()).isEqualTo(200);
        assertThat(drive.tokenRequests("refresh_token")).as("the new token is kept in memory").isEqualTo(1);
        assertThat(json(fixture.get("/oauth/grants", alice)).at("/grants/0/refreshed").isTextual()).isTrue();
        await().untilAsserted(() -> assertThat(fixture.consentLines("refreshed")).hasSize(1));
    }

    @Test
    void aHangingTokenEndpointIs502WithinTheTimeoutKeepsTheGrantAndHoldsUpNothingElse() throws Exception {
        fixture.consent(null, 600, 1000).start();
        fixture.grant(alice, "alice-at-drive");
        String bob = token("bob@company.com");
        fixture.grant(bob, "bob-at-drive");
        String context = fixture.contextFor(alice);
        assertThat(fixture.callTool(context, WHOAMI).status()).isEqualTo(200);
        drive.revokeAccount("alice-at-drive"); // the tool refuses her token: the next call refreshes first
        assertThat(fixture.callTool(context, WHOAMI).status()).isEqualTo(401);
        int toolCalls = drive.toolCalls().size();

        drive.tokenFailure(TokenEndpointFailure.HANG);
        long start = System.nanoTime();
        Future<RawHttp.Response> hanging = callers.submit(() -> fixture.callTool(context, WHOAMI));
        await().pollInterval(Duration.ofMillis(10)).until(() -> drive.waiting() == 1);
        Future<RawHttp.Response> sharing = callers.submit(() -> fixture.callTool(context, WHOAMI));
        // Meanwhile the event loops serve the ingress and the egress, and the store's threads read Bob's grant and
        // Alice's list. (A store write, such as starting a consent, would wait: on SQLite the refresh holds the
        // database's write lock until the token endpoint answers or the timeout ends it.)
        RawHttp.Response bobs = fixture.callTool(fixture.contextFor(bob), WHOAMI);
        assertThat(json(bobs).path("account").asText()).isEqualTo("bob-at-drive");
        assertThat(fixture.get("/oauth/grants", alice).status()).isEqualTo(200);
        assertThat(hanging).as("still waiting for the token endpoint").isNotDone();

        RawHttp.Response failed = hanging.get(5, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertError(failed, 502, "token_refresh_failed");
        assertThat(json(failed).path("error_description").asText()).contains("no answer in time");
        assertThat(millis).as("consent.tokenTimeoutMillis bounds the wait").isBetween(1000L, 3000L);
        assertError(sharing.get(5, TimeUnit.SECONDS), 502, "token_refresh_failed");
        assertThat(drive.tokenRequests("refresh_token")).as("one refresh for both calls").isEqualTo(1);
        assertThat(drive.toolCalls()).as("the tool saw Bob's call only").hasSize(toolCalls + 1);
        assertThat(fixture.get("/oauth/grants", alice).body()).as("the grant is kept").contains("\"tool\":\"drive\"");
        await().untilAsserted(() -> assertThat(fixture.consentLines("refresh_failed")).singleElement()
                .satisfies(line -> {
                    assertThat(line.path("status").asInt()).isEqualTo(502);
                    assertThat(line.path("reason").asText()).isEqualTo("timeout");
                }));
    }

    @ParameterizedTest
    @ValueSource(strings = {"access_token", "refresh_token"})
    void aTamperedCiphertextIsNoGrantAndANewConsentReplacesIt(String column) throws Exception {
        fixture.start();
        fixture.grant(alice, "alice-at-drive");
        flipLastByte(column); // in the GCM tag

        String context = fixture.contextFor(alice);
        assertConsentRequired(fixture.callTool(context, WHOAMI));
        assertThat(drive.toolCalls()).as("the tool never saw the call").isEmpty();
        assertThat(drive.tokenRequests("refresh_token")).isZero();
        assertThat(fixture.logText()).contains("does not decrypt");
        assertThat(fixture.readiness().status()).isEqualTo(200);

        fixture.grant(alice, "alice-at-drive");
        RawHttp.Response after = fixture.callTool(context, WHOAMI);
        assertThat(after.status()).isEqualTo(200);
        assertThat(json(after).path("account").asText()).isEqualTo("alice-at-drive");
    }

    @Test
    void anotherKeyUnderTheSameKeyIdIsNoGrant() throws Exception {
        fixture.start();
        fixture.grant(alice, "alice-at-drive");
        assertThat(fixture.callTool(fixture.contextFor(alice), WHOAMI).status()).isEqualTo(200);

        fixture.restart(newTokenKey("k1"));
        assertConsentRequired(fixture.callTool(fixture.contextFor(alice), WHOAMI));
        assertThat(drive.toolCalls()).hasSize(1);
        assertThat(drive.tokenRequests("refresh_token")).isZero();
        assertThat(fixture.logText()).contains("does not decrypt");
        await().untilAsserted(() -> assertThat(tokenStoreReadiness().path("missingKeyIds")).isEmpty());
    }

    @Test
    void aKeyIdNotConfiguredIs503AndKeepsTheGrantUntilTheKeyIsBack() throws Exception {
        fixture.start();
        fixture.grant(alice, "alice-at-drive");
        assertThat(fixture.callTool(fixture.contextFor(alice), WHOAMI).status()).isEqualTo(200);
        String oldKey = fixture.tokenKey();
        String newKey = newTokenKey("k2");

        fixture.restart(newKey);
        RawHttp.Response missing = fixture.callTool(fixture.contextFor(alice), WHOAMI);
        assertError(missing, 503, "token_key_missing");
        assertThat(json(missing).path("error_description").asText()).contains("k1");
        assertThat(drive.toolCalls()).hasSize(1);
        assertThat(fixture.get("/oauth/grants", alice).body()).as("the grant is kept").contains("\"tool\":\"drive\"");
        await().untilAsserted(() -> assertThat(tokenStoreReadiness().path("missingKeyIds").toString())
                .isEqualTo("[\"k1\"]"));
        assertThat(fixture.readiness().status()).as("a missing key never fails readiness").isEqualTo(200);

        fixture.restart(newKey + "," + oldKey);
        RawHttp.Response back = fixture.callTool(fixture.contextFor(alice), WHOAMI);
        assertThat(back.status()).isEqualTo(200);
        assertThat(json(back).path("account").asText()).isEqualTo("alice-at-drive");
        assertThat(drive.codeExchanges()).as("no new consent").isEqualTo(1);
        await().untilAsserted(() -> assertThat(tokenStoreReadiness().path("missingKeyIds")).isEmpty());
    }

    @Test
    void aRestartWithTheSameKeyAndDataDirKeepsTheGrants() throws Exception {
        fixture.start();
        fixture.grant(alice, "alice-at-drive");
        assertThat(fixture.callTool(fixture.contextFor(alice), WHOAMI).status()).isEqualTo(200);

        fixture.restart(fixture.tokenKey());
        RawHttp.Response after = fixture.callTool(fixture.contextFor(alice), WHOAMI);
        assertThat(after.status()).isEqualTo(200);
        assertThat(json(after).path("account").asText()).isEqualTo("alice-at-drive");
        assertThat(drive.tokenRequests()).as("neither a new consent nor a refresh").hasSize(1);
        assertThat(drive.authorizationRequests()).hasSize(1);
    }

    @Test
    void aReturnUrlGetsTheConsentCodeByA303AndTheClientCannotChooseIt() throws Exception {
        fixture.consent(RETURN_URL, 600, 3000).start();
        String evil = "http://evil.example/steal";
        RawHttp.Response started = fixture.post("/oauth/consent/drive?return_url=" + evil, alice,
                "{\"return_url\":\"" + evil + "\",\"returnUrl\":\"" + evil + "\",\"redirect_uri\":\"" + evil + "\"}");
        assertThat(started.status()).isEqualTo(200);
        URI url = URI.create(json(started).path("authorization_url").asText());
        assertThat(url.getQuery()).contains("redirect_uri=" + CALLBACK).doesNotContain("evil");

        RawHttp.Response back = fixture.callback(fixture.consentAt(url, "alice-at-drive"));
        ConsentRedirect location = redirectTo(back);
        assertThat(location.params()).containsOnlyKeys("tool", "consent_code").containsEntry("tool", "drive");
        String code = fixture.rememberSecret(location.params().get("consent_code"));
        assertThat(code).hasSizeGreaterThanOrEqualTo(22); // 128 bits or more, base64url
        assertThat(fixture.complete(alice, code).status()).isEqualTo(200);
        assertThat(fixture.callTool(fixture.contextFor(alice), WHOAMI).status()).isEqualTo(200);

        RawHttp.Response denied = fixture.callback(fixture.remember(drive.denyConsent(true)
                .consent(fixture.startConsent(alice))));
        assertThat(redirectTo(denied).params()).isEqualTo(Map.of("tool", "drive", "error", "access_denied"));
    }

    @Test
    void anAnswerFromAnotherIssuerExchangesNoCode() throws Exception {
        fixture.toolIssuer(URI.create(drive.issuer())).start();
        drive.issuerInRedirect("http://127.0.0.1:1/another-issuer");
        ConsentRedirect mixedUp = fixture.consentAt(fixture.startConsent(alice), "alice-at-drive");
        assertThat(mixedUp.iss()).isEqualTo("http://127.0.0.1:1/another-issuer");

        RawHttp.Response page = fixture.callback(mixedUp);
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("server_error");
        assertThat(drive.tokenRequests()).as("the code was never sent anywhere").isEmpty();
        assertThat(fixture.callback(mixedUp).body()).as("the state is used up").contains("expired");
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
        await().untilAsserted(() -> assertThat(fixture.consentLines("denied")).singleElement().satisfies(line -> {
            assertThat(line.path("reason").asText()).isEqualTo("issuer_mismatch");
            assertThat(line.path("user").asText()).isEqualTo("alice@company.com");
            assertThat(line.path("tool").asText()).isEqualTo("drive");
        }));

        drive.issuerInRedirect(drive.issuer()); // the tool's own issuer: the code is exchanged
        fixture.grant(alice, "alice-at-drive");
        assertThat(fixture.callTool(fixture.contextFor(alice), WHOAMI).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(value = TokenEndpointFailure.class, names = {"NOT_JSON", "NO_ACCESS_TOKEN", "NOT_BEARER", "OVERSIZED",
        "OVERSIZED_CHUNKED", "ERROR_WITH_200"})
    void aTokenAnswerThatIsNoTokenAnswerToTheCodeIsNoGrant(TokenEndpointFailure failure) throws Exception {
        fixture.consent(RETURN_URL, 600, 3000).start();
        ConsentRedirect back = fixture.consentAt(fixture.startConsent(alice), "alice-at-drive");
        drive.tokenFailure(failure);

        RawHttp.Response answer = fixture.callback(back);
        assertThat(redirectTo(answer).params()).isEqualTo(Map.of("tool", "drive", "error", "server_error"));
        assertThat(drive.tokenRequests()).singleElement().satisfies(request -> {
            assertThat(request.form()).containsEntry("grant_type", "authorization_code")
                    .containsEntry("code", back.code()).containsEntry("redirect_uri", CALLBACK)
                    .containsKey("code_verifier");
            assertThat(request.header("Accept")).isEqualTo("application/json");
            assertThat(request.authMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        });
        assertThat(fixture.callback(back).status()).as("the state is used up").isEqualTo(400);
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
        assertConsentRequired(fixture.callTool(fixture.contextFor(alice), WHOAMI));
        assertThat(drive.toolCalls()).isEmpty();
        String reason = failure == TokenEndpointFailure.ERROR_WITH_200 ? "bad_verification_code" : "invalid_response";
        await().untilAsserted(() -> assertThat(fixture.consentLines("denied")).singleElement()
                .satisfies(line -> assertThat(line.path("reason").asText()).isEqualTo(reason)));
    }

    @Test
    void anExpiredStateOrConsentCodeIsRefusedAndExchangesNothing() throws Exception {
        fixture.consent(null, 2, 3000).start();
        String code = fixture.consentCodeFromCallback(fixture.consentAt(fixture.startConsent(alice), "alice-at-drive"));
        URI late = fixture.startConsent(alice); // after the pending grant above: it expires last
        ConsentRedirect lateBack = fixture.consentAt(late, "alice-at-drive");
        String context = fixture.contextFor(alice);
        // The egress hands out a live pending consent: once it hands out another, the late one has expired.
        await().atMost(Duration.ofSeconds(10)).until(() -> !json(fixture.callTool(context, WHOAMI))
                .path("consent_url").asText().equals(late.toString()));
        int tokenRequests = drive.tokenRequests().size();

        RawHttp.Response page = fixture.callback(lateBack);
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("expired");
        assertThat(drive.tokenRequests()).as("an expired state's code is not exchanged").hasSize(tokenRequests);
        assertError(fixture.complete(alice, code), 400, "invalid_consent_code");
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
        assertThat(drive.toolCalls()).isEmpty();
    }

    @Test
    void aConsentCodeCompletedForAnotherToolIsAMismatchAndItsTokensAreRevoked() throws Exception {
        fixture.start();
        String code = fixture.consentCodeFromCallback(fixture.consentAt(fixture.startConsent(alice), "alice-at-drive"));
        IssuedTokens issued = drive.issuedTokens().get(0);

        // The same user, another tool: attaching Alice's drive account to that tool would be the wrong grant.
        RawHttp.Response other = fixture.post("/oauth/consent/" + ConsentFixture.OTHER_TOOL + "/complete", alice,
                "{\"consent_code\":\"" + code + "\"}");
        assertError(other, 403, "consent_user_mismatch");
        // The refresh token is revoked, which ends its access tokens too (RFC 7009 section 2.1).
        await().untilAsserted(() -> assertThat(drive.revocations()).extracting(StubAuthorizationServer.Revocation::token)
                .containsExactly(issued.refreshToken()));
        assertError(fixture.complete(alice, code), 400, "invalid_consent_code");
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
        assertConsentRequired(fixture.callTool(fixture.contextFor(alice), WHOAMI));
        assertThat(drive.toolCalls()).isEmpty();
        await().untilAsserted(() -> assertThat(fixture.consentLines("mismatch")).singleElement().satisfies(line -> {
            assertThat(line.path("tool").asText()).isEqualTo(ConsentFixture.TOOL);
            assertThat(line.path("status").asInt()).isEqualTo(403);
        }));
    }

    @Test
    void aPendingGrantNobodyCompletedIsRevokedUpstreamOnceItExpires() throws Exception {
        fixture.consent(null, 2, 3000).start();
        String code = fixture.consentCodeFromCallback(fixture.consentAt(fixture.startConsent(alice), "alice-at-drive"));
        IssuedTokens issued = drive.issuedTokens().get(0);
        assertThat(drive.revocations()).isEmpty();

        // The sweep runs every 30 s; the test runs it at once, until the pending grant's 2 s are over.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            fixture.proxy().consents().sweep();
            assertThat(drive.revocations()).extracting(StubAuthorizationServer.Revocation::token)
                    .containsExactly(issued.refreshToken());
        });
        assertError(fixture.complete(alice, code), 400, "invalid_consent_code");
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
        fixture.proxy().consents().sweep();
        assertThat(drive.revocations()).as("revoked once").hasSize(1);
    }

    @Test
    void aCallbackWithoutExactlyOneStateOrACompletionWithoutAKnownCodeIsRefused() throws Exception {
        fixture.start();
        String state = fixture.rememberSecret(ConsentRedirect.of(fixture.startConsent(alice)).state());
        for (String query : List.of("code=c", "error=access_denied", "code=c&state=" + state + "&state=" + state,
                "code=c&state=")) {
            RawHttp.Response page = RawHttp.get(fixture.proxy().ingressAddress(), "portal.example.test",
                    "/oauth/callback?" + query);
            assertThat(page.status()).as(query).isEqualTo(400);
        }
        assertThat(drive.tokenRequests()).isEmpty();
        assertError(fixture.complete(alice, "no-such-code"), 400, "invalid_consent_code");
        assertThat(fixture.post("/oauth/consent/drive/complete", alice, "{}").status()).isEqualTo(400);
        assertThat(fixture.get("/oauth/grants", alice).body()).isEqualTo("{\"grants\":[]}");
    }

    // ---- helpers

    private StubToolEndpoint.Call lastToolCall() {
        List<StubToolEndpoint.Call> calls = drive.toolCalls();
        return calls.get(calls.size() - 1);
    }

    private JsonNode tokenStoreReadiness() throws Exception {
        return json(fixture.readiness()).path("tokenStore");
    }

    /** Flips the last byte of {@code column} of the one stored grant, behind the proxy's back. */
    private void flipLastByte(String column) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + fixture.tokenDatabase())) {
            byte[] sealed;
            try (PreparedStatement read = db.prepareStatement("SELECT " + column + " FROM grants");
                 ResultSet row = read.executeQuery()) {
                assertThat(row.next()).isTrue();
                sealed = row.getBytes(1);
            }
            sealed[sealed.length - 1] ^= 1;
            try (PreparedStatement write = db.prepareStatement("UPDATE grants SET " + column + " = ?")) {
                write.setBytes(1, sealed);
                assertThat(write.executeUpdate()).isEqualTo(1);
            }
        }
    }

    /** A 303 to {@code consent.returnUrl}, private as the code page is. */
    private static ConsentRedirect redirectTo(RawHttp.Response response) {
        assertThat(response.status()).isEqualTo(303);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        ConsentRedirect location = ConsentRedirect.of(URI.create(response.header("Location")));
        assertThat(location.redirectUri()).isEqualTo(RETURN_URL.toString());
        return location;
    }

    private void assertConsentRequired(RawHttp.Response response) throws Exception {
        assertError(response, 401, "consent_required");
        assertThat(response.header("WWW-Authenticate")).contains("error=\"consent_required\"");
        assertThat(json(response).path("consent_url").asText()).startsWith(drive.authorizationUrl().toString());
    }

    private static void assertError(RawHttp.Response response, int status, String error) throws Exception {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(json(response).path("error").asText()).isEqualTo(error);
    }

    private static JsonNode json(RawHttp.Response response) throws Exception {
        return JSON.readTree(response.body());
    }
}
