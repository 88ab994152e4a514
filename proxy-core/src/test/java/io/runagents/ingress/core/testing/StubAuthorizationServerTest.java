package io.runagents.ingress.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.demo.authserver.RevokedToken;
import io.runagents.ingress.core.http.FormEncoding;
import io.runagents.ingress.core.testing.OAuthTestClient.Answer;
import io.runagents.ingress.core.testing.OAuthTestClient.Pkce;
import io.runagents.ingress.jwt.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stub authorization server speaks the protocol the proxy's consent flow is tested against: codes for
 * the consenting account, PKCE checked, codes single use and bound to their client and redirect URI,
 * refresh tokens rotated, reuse refused, revocation, tokens that expire on the test's clock.
 */
class StubAuthorizationServerTest {
    static final String CALLBACK = "http://127.0.0.1:8080/oauth/callback";
    static final OAuthClient PROXY = OAuthClient.confidential("proxy", "s3cr:t+/%", ClientAuthMethod.CLIENT_SECRET_BASIC,
            CALLBACK);

    private final MutableClock clock = MutableClock.atFixedStart();
    private StubAuthorizationServer stub;
    private final OAuthTestClient proxy = new OAuthTestClient(PROXY);

    @BeforeEach
    void start() throws Exception {
        stub = new StubAuthorizationServer(clock).register(PROXY);
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    /** A consent of {@code account} for {@code client}, exchanged: the token answer. */
    static Answer consentAndExchange(StubAuthorizationServer stub, OAuthTestClient client, String account)
            throws Exception {
        Pkce pkce = Pkce.random();
        ConsentRedirect redirect = stub.consentBy(account)
                .consent(client.authorizationUrl(stub.authorizationUrl(), "files.read", "st-1", pkce, Map.of()));
        return client.exchangeCode(stub.tokenUrl(), redirect.code(), pkce.verifier());
    }

    @Test
    void aConsentGivesTokensOfTheConsentingAccount() throws Exception {
        Pkce pkce = Pkce.random();
        URI url = proxy.authorizationUrl(stub.authorizationUrl(), "files.read", "state-123", pkce,
                Map.of("resource", "https://drive.example/api"));
        ConsentRedirect redirect = stub.consentBy("alice-at-drive").consent(url);

        assertThat(redirect.redirectUri()).isEqualTo(CALLBACK);
        assertThat(redirect.state()).isEqualTo("state-123");
        assertThat(redirect.code()).startsWith("ac_");
        assertThat(redirect.iss()).as("iss only when configured").isNull();
        assertThat(stub.codesIssued()).isEqualTo(1);
        assertThat(stub.authorizationRequests().get(0)).containsEntry("resource", "https://drive.example/api");

        Answer tokens = proxy.exchangeCode(stub.tokenUrl(), redirect.code(), pkce.verifier());
        assertThat(tokens.status()).isEqualTo(200);
        assertThat(tokens.header("Cache-Control")).isEqualTo("no-store");
        assertThat(tokens.json()).containsEntry("token_type", "Bearer").containsEntry("expires_in", 3600L)
                .containsEntry("scope", "files.read").containsKeys("access_token", "refresh_token");
        assertThat(stub.lastAuthMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        assertThat(stub.codeExchanges()).isEqualTo(1);
        assertThat(stub.tokenRequests("authorization_code")).isEqualTo(1);

        Answer whoami = proxy.get(URI.create(stub.toolBaseUrl() + "/whoami"), tokens.json("access_token"));
        assertThat(whoami.status()).isEqualTo(200);
        assertThat(whoami.json("account")).isEqualTo("alice-at-drive");
        assertThat(stub.toolCalls()).singleElement().satisfies(call -> assertThat(call.status()).isEqualTo(200));
    }

    @Test
    void theIssuerIsSentWhenConfiguredAndADenialRedirectsWithAccessDenied() throws Exception {
        Pkce pkce = Pkce.random();
        URI url = proxy.authorizationUrl(stub.authorizationUrl(), "files.read", "s", pkce, Map.of());
        assertThat(stub.issuerInRedirect(stub.issuer()).consent(url).iss()).isEqualTo(stub.issuer());

        ConsentRedirect denied = stub.denyConsent(true).consent(url);
        assertThat(denied.error()).isEqualTo("access_denied");
        assertThat(denied.state()).isEqualTo("s");
        assertThat(denied.code()).isNull();
        assertThat(denied.iss()).isEqualTo(stub.issuer());
    }

    @Test
    void anUnknownClientOrRedirectUriIsRefusedWithoutARedirect() throws Exception {
        Pkce pkce = Pkce.random();
        OAuthTestClient stranger = new OAuthTestClient(OAuthClient.publicClient("stranger", CALLBACK));
        OAuthTestClient elsewhere = new OAuthTestClient(OAuthClient.confidential("proxy", "x",
                ClientAuthMethod.CLIENT_SECRET_BASIC, "https://evil.example/cb"));
        for (URI url : new URI[] {stranger.authorizationUrl(stub.authorizationUrl(), "a", "s", pkce, Map.of()),
                elsewhere.authorizationUrl(stub.authorizationUrl(), "a", "s", pkce, Map.of())}) {
            Answer answer = proxy.get(url, null);
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.header("Location")).isNull();
        }
        assertThat(stub.codesIssued()).isZero();
    }

    @Test
    void anAuthorizationRequestWithoutS256IsAnsweredWithAnErrorRedirect() throws Exception {
        Pkce pkce = Pkce.random();
        Map<String, Map<String, String>> cases = Map.of(
                "invalid_request", Map.of("code_challenge_method", "plain"),
                "unsupported_response_type", Map.of("response_type", "token"));
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            ConsentRedirect redirect = stub.consent(URI.create(stub.authorizationUrl() + "?"
                    + FormEncoding.encode(withOverride(pkce, c.getValue()))));
            assertThat(redirect.error()).as("%s", c.getValue()).isEqualTo(c.getKey());
            assertThat(redirect.state()).isEqualTo("s7");
        }
        assertThat(stub.codesIssued()).isZero();
    }

    private static Map<String, String> withOverride(Pkce pkce, Map<String, String> override) {
        Map<String, String> params = new LinkedHashMap<>(Map.of("response_type", "code", "client_id",
                "proxy", "redirect_uri", CALLBACK, "state", "s7", "code_challenge", pkce.challenge(),
                "code_challenge_method", "S256"));
        params.putAll(override);
        return params;
    }

    @Test
    void theVerifierMustMatchTheChallengeAndAFailedAttemptUsesTheCodeUp() throws Exception {
        Pkce pkce = Pkce.random();
        ConsentRedirect redirect = stub.consent(proxy.authorizationUrl(stub.authorizationUrl(), "a", "s", pkce,
                Map.of()));

        Answer wrong = proxy.exchangeCode(stub.tokenUrl(), redirect.code(), Pkce.random().verifier());
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json("error")).isEqualTo("invalid_grant");
        assertThat(proxy.exchangeCode(stub.tokenUrl(), redirect.code(), pkce.verifier()).json("error"))
                .isEqualTo("invalid_grant");
        assertThat(stub.codeExchanges()).isZero();
    }

    @Test
    void aCodeIsSingleUseAndItsReuseRevokesWhatItGranted() throws Exception {
        Pkce pkce = Pkce.random();
        ConsentRedirect redirect = stub.consent(proxy.authorizationUrl(stub.authorizationUrl(), "a", "s", pkce,
                Map.of()));
        Answer first = proxy.exchangeCode(stub.tokenUrl(), redirect.code(), pkce.verifier());
        assertThat(first.status()).isEqualTo(200);

        Answer again = proxy.exchangeCode(stub.tokenUrl(), redirect.code(), pkce.verifier());
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json("error")).isEqualTo("invalid_grant");
        assertThat(stub.accountOf(first.json("access_token"))).isEmpty();
        assertThat(proxy.refresh(stub.tokenUrl(), first.json("refresh_token"), Map.of()).json("error"))
                .isEqualTo("invalid_grant");
    }

    @Test
    void aCodeIsBoundToItsRedirectUriAndClientAndExpires() throws Exception {
        OAuthClient other = OAuthClient.confidential("other", "pw", ClientAuthMethod.CLIENT_SECRET_POST, CALLBACK);
        stub.register(other);
        Pkce pkce = Pkce.random();
        URI url = proxy.authorizationUrl(stub.authorizationUrl(), "a", "s", pkce, Map.of());

        String code = stub.consent(url).code();
        assertThat(new OAuthTestClient(other).exchangeCode(stub.tokenUrl(), code, pkce.verifier()).json("error"))
                .isEqualTo("invalid_grant");
        assertThat(proxy.exchangeCode(stub.tokenUrl(), code, pkce.verifier()).status())
                .as("another client's attempt does not use the code up").isEqualTo(200);

        code = stub.consent(url).code();
        assertThat(proxy.exchangeCode(stub.tokenUrl(), code, pkce.verifier(), CALLBACK + "x").json("error"))
                .isEqualTo("invalid_grant");

        code = stub.consent(url).code();
        clock.advance(Duration.ofMinutes(10));
        assertThat(proxy.exchangeCode(stub.tokenUrl(), code, pkce.verifier()).json("error"))
                .isEqualTo("invalid_grant");
    }

    @Test
    void clientsAuthenticateByTheirRegisteredMethodOnly() throws Exception {
        OAuthClient post = OAuthClient.confidential("post-client", "pw", ClientAuthMethod.CLIENT_SECRET_POST, CALLBACK);
        OAuthClient open = OAuthClient.publicClient("public-client", CALLBACK);
        stub.register(post).register(open);
        assertThat(consentAndExchange(stub, new OAuthTestClient(post), "a").status()).isEqualTo(200);
        assertThat(stub.lastAuthMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThat(consentAndExchange(stub, new OAuthTestClient(open), "a").status()).isEqualTo(200);
        assertThat(stub.lastAuthMethod()).isEqualTo(ClientAuthMethod.NONE);

        OAuthClient postAsBasic = OAuthClient.confidential("post-client", "pw", ClientAuthMethod.CLIENT_SECRET_BASIC,
                CALLBACK);
        OAuthClient wrongSecret = OAuthClient.confidential("proxy", "nope", ClientAuthMethod.CLIENT_SECRET_BASIC,
                CALLBACK);
        OAuthClient proxyAsPublic = OAuthClient.publicClient("proxy", CALLBACK);
        for (OAuthClient presented : new OAuthClient[] {postAsBasic, wrongSecret, proxyAsPublic}) {
            Answer answer = consentAndExchange(stub, new OAuthTestClient(presented), "a");
            assertThat(answer.status()).as("%s", presented).isEqualTo(401);
            assertThat(answer.json("error")).isEqualTo("invalid_client");
            assertThat(answer.header("WWW-Authenticate")).startsWith("Basic");
        }
    }

    @Test
    void basicCredentialsAreFormEncodedAndOneMethodIsUsedAtATime() throws Exception {
        String form = "grant_type=refresh_token&refresh_token=rt_x";
        String raw = "Basic " + Base64.getEncoder().encodeToString("proxy:s3cr:t+/%".getBytes(StandardCharsets.UTF_8));
        assertThat(proxy.post(stub.tokenUrl(), form, raw).json("error"))
                .as("a secret sent without form-encoding").isEqualTo("invalid_client");
        assertThat(proxy.post(stub.tokenUrl(), form + "&client_secret=x",
                FormEncoding.basicCredentials("proxy", PROXY.secret())).json("error")).isEqualTo("invalid_request");
        assertThat(proxy.post(stub.tokenUrl(), form + "&grant_type=refresh_token",
                FormEncoding.basicCredentials("proxy", PROXY.secret())).json("error"))
                .as("a repeated parameter").isEqualTo("invalid_request");
        assertThat(proxy.get(stub.tokenUrl(), null).status()).isEqualTo(405);
    }

    @Test
    void aRefreshRotatesTheRefreshTokenAndAReusedOneIsInvalidGrant() throws Exception {
        Answer tokens = consentAndExchange(stub, proxy, "alice-at-drive");
        String first = tokens.json("refresh_token");

        Answer refreshed = proxy.refresh(stub.tokenUrl(), first, Map.of());
        assertThat(refreshed.status()).isEqualTo(200);
        String second = refreshed.json("refresh_token");
        assertThat(second).startsWith("rt_").isNotEqualTo(first);
        assertThat(refreshed.json("access_token")).isNotEqualTo(tokens.json("access_token"));
        assertThat(stub.accountOf(refreshed.json("access_token"))).contains("alice-at-drive");

        Answer reused = proxy.refresh(stub.tokenUrl(), first, Map.of());
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.json("error")).isEqualTo("invalid_grant");
        assertThat(proxy.refresh(stub.tokenUrl(), second, Map.of()).status())
                .as("without reuse detection the family lives on").isEqualTo(200);
        assertThat(stub.refreshes()).isEqualTo(2);
        assertThat(stub.tokenRequests("refresh_token")).isEqualTo(3);
    }

    @Test
    void withReuseDetectionAReusedRefreshTokenEndsTheWholeGrant() throws Exception {
        stub.tokenSettings(s -> s.withRevokeFamilyOnReuse(true));
        Answer tokens = consentAndExchange(stub, proxy, "a");
        Answer refreshed = proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"), Map.of());

        assertThat(proxy.refresh(stub.tokenUrl(), tokens.json("refresh_token"), Map.of()).json("error"))
                .isEqualTo("invalid_grant");
        assertThat(proxy.refresh(stub.tokenUrl(), refreshed.json("refresh_token"), Map.of()).json("error"))
                .isEqualTo("invalid_grant");
        assertThat(stub.accountOf(refreshed.json("access_token"))).isEmpty();
    }

    @Test
    void accessTokensExpireOnTheInjectedClock() throws Exception {
        stub.tokenSettings(s -> s.withAccessTokenLifetime(Duration.ofMinutes(5)));
        Answer tokens = consentAndExchange(stub, proxy, "a");
        assertThat(tokens.json()).containsEntry("expires_in", 300L);
        URI whoami = URI.create(stub.toolBaseUrl() + "/whoami");

        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(proxy.get(whoami, tokens.json("access_token")).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        Answer expired = proxy.get(whoami, tokens.json("access_token"));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(proxy.get(whoami, null).status()).isEqualTo(401);
    }

    @Test
    void revokingARefreshTokenEndsTheGrantAndAnAccessTokenOnlyItself() throws Exception {
        Answer one = consentAndExchange(stub, proxy, "alice-at-drive");
        Answer two = consentAndExchange(stub, proxy, "alice-at-drive");

        assertThat(proxy.revoke(stub.revocationUrl(), one.json("access_token"), "access_token").status())
                .isEqualTo(200);
        assertThat(stub.accountOf(one.json("access_token"))).isEmpty();
        assertThat(proxy.refresh(stub.tokenUrl(), one.json("refresh_token"), Map.of()).status()).isEqualTo(200);

        assertThat(proxy.revoke(stub.revocationUrl(), two.json("refresh_token"), null).status()).isEqualTo(200);
        assertThat(stub.accountOf(two.json("access_token"))).isEmpty();
        assertThat(proxy.refresh(stub.tokenUrl(), two.json("refresh_token"), Map.of()).json("error"))
                .isEqualTo("invalid_grant");

        assertThat(proxy.revoke(stub.revocationUrl(), "never-issued", null).status()).isEqualTo(200);
        assertThat(stub.revocations()).extracting(StubAuthorizationServer.Revocation::kind).containsExactly(
                RevokedToken.Kind.ACCESS_TOKEN, RevokedToken.Kind.REFRESH_TOKEN, RevokedToken.Kind.UNKNOWN);
        assertThat(stub.revocations().get(1).account()).isEqualTo("alice-at-drive");
        assertThat(stub.revocations().get(1).token()).isEqualTo(two.json("refresh_token"));
    }

    @Test
    void aClientCannotRevokeAnotherClientsToken() throws Exception {
        OAuthClient other = OAuthClient.publicClient("other", CALLBACK);
        stub.register(other);
        Answer tokens = consentAndExchange(stub, proxy, "a");

        Answer answer = new OAuthTestClient(other).revoke(stub.revocationUrl(), tokens.json("refresh_token"), null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(stub.accountOf(tokens.json("access_token"))).isPresent();
        assertThat(stub.revocations()).isEmpty();
        assertThat(stub.revocationRequests()).isEqualTo(1);
    }
}
