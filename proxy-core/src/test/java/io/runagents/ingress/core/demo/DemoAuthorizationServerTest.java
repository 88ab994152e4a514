package io.runagents.ingress.core.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.demo.authserver.TokenSettings;
import io.runagents.ingress.core.http.FormEncoding;
import io.runagents.ingress.core.testing.ConsentRedirect;
import io.runagents.ingress.core.testing.OAuthTestClient.Answer;
import io.runagents.ingress.core.testing.OAuthTestClient.Pkce;
import io.runagents.ingress.core.testing.OAuthTestClient;
import io.runagents.ingress.jwt.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's built-in authorization server and its Demo Drive, over real loopback HTTP as the proxy and a
 * browser would use them: auto-approval by {@code login_hint}, the Allow page, PKCE, refresh rotation,
 * revocation, and {@code /drive/files} for the token's own account only.
 */
class DemoAuthorizationServerTest {
    private static final String CALLBACK = "http://127.0.0.1:8080/oauth/callback";
    private static final OAuthClient PROXY = OAuthClient.publicClient("runagents-demo", CALLBACK);

    private final MutableClock clock = MutableClock.atFixedStart();
    private final OAuthTestClient proxy = new OAuthTestClient(PROXY);
    private DemoAuthorizationServer server;

    @BeforeEach
    void start() throws Exception {
        server = DemoAuthorizationServer.start(clock, TokenSettings.DEFAULTS.withAccessTokenLifetime(Duration.ofMinutes(10)));
        server.register(PROXY);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI authorizationUrl(Pkce pkce, Map<String, String> extra) {
        return proxy.authorizationUrl(server.authorizationUrl(), "drive.read", "st", pkce, extra);
    }

    private ConsentRedirect redirectOf(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(302);
        return ConsentRedirect.of(URI.create(answer.header("Location")));
    }

    @Test
    void aLoginHintApprovesAtOnceAndTheDriveShowsThatAccountsFiles() throws Exception {
        Pkce pkce = Pkce.random();
        ConsentRedirect redirect = redirectOf(proxy.get(authorizationUrl(pkce,
                Map.of(DemoAuthorizationServer.ACCOUNT_PARAMETER, Demo.ALICE)), null));
        assertThat(redirect.redirectUri()).isEqualTo(CALLBACK);
        assertThat(redirect.state()).isEqualTo("st");
        assertThat(redirect.iss()).isEqualTo(server.issuer());

        Answer tokens = proxy.exchangeCode(server.tokenUrl(), redirect.code(), pkce.verifier());
        assertThat(tokens.json()).containsEntry("token_type", "Bearer").containsEntry("expires_in", 600L)
                .containsKeys("access_token", "refresh_token");

        Answer files = proxy.get(URI.create(server.driveUrl() + "/files"), tokens.json("access_token"));
        assertThat(files.status()).isEqualTo(200);
        assertThat(files.json()).containsEntry("account", Demo.ALICE);
        assertThat((List<?>) files.json().get("files")).hasSize(3);
    }

    @Test
    void withoutAHintThePageAsksAndItsAllowAndDenyAnswerTheClient() throws Exception {
        Pkce pkce = Pkce.random();
        Answer page = proxy.get(authorizationUrl(pkce, Map.of("state", "\"><script>alert(1)</script>")), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(page.body()).contains("value=\"allow\"", "name=\"login_hint\"", "drive.read")
                .contains("&quot;&gt;&lt;script&gt;").doesNotContain("<script>");

        Map<String, String> form = new LinkedHashMap<>(Map.of("response_type", "code", "client_id",
                PROXY.clientId(), "redirect_uri", CALLBACK, "state", "st", "code_challenge", pkce.challenge(),
                "code_challenge_method", "S256", "login_hint", "bob@example.com"));
        form.put("decision", "allow");
        ConsentRedirect allowed = redirectOf(postForm(form));
        Answer tokens = proxy.exchangeCode(server.tokenUrl(), allowed.code(), pkce.verifier());
        Answer files = proxy.get(URI.create(server.driveUrl() + "/files"), tokens.json("access_token"));
        assertThat(files.json()).containsEntry("account", "bob@example.com");
        assertThat((List<?>) files.json().get("files")).hasSize(1);

        form.put("decision", "deny");
        ConsentRedirect denied = redirectOf(postForm(form));
        assertThat(denied.error()).isEqualTo("access_denied");
        assertThat(denied.code()).isNull();
    }

    private Answer postForm(Map<String, String> form) throws Exception {
        return proxy.send(HttpRequest.newBuilder(server.authorizationUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(FormEncoding.encode(form))).build());
    }

    @Test
    void aRequestOfAnUnknownClientOrRedirectUriIsRefusedOnAPageNotRedirected() throws Exception {
        Pkce pkce = Pkce.random();
        OAuthTestClient stranger = new OAuthTestClient(OAuthClient.publicClient("runagents-demo", "http://evil.example/cb"));
        Answer answer = proxy.get(stranger.authorizationUrl(server.authorizationUrl(), "a", "s", pkce,
                Map.of("login_hint", Demo.ALICE)), null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.body()).contains("redirect_uri is not registered");

        Answer badAccount = proxy.get(authorizationUrl(pkce, Map.of("login_hint", "<b>")), null);
        assertThat(badAccount.status()).isEqualTo(400);
        assertThat(badAccount.body()).doesNotContain("<b>");
    }

    @Test
    void pkceIsCheckedAndRefreshTokensRotate() throws Exception {
        Pkce pkce = Pkce.random();
        String code = redirectOf(proxy.get(authorizationUrl(pkce, Map.of("login_hint", Demo.ALICE)), null)).code();
        assertThat(proxy.exchangeCode(server.tokenUrl(), code, Pkce.random().verifier()).json("error"))
                .isEqualTo("invalid_grant");

        code = redirectOf(proxy.get(authorizationUrl(pkce, Map.of("login_hint", Demo.ALICE)), null)).code();
        Answer tokens = proxy.exchangeCode(server.tokenUrl(), code, pkce.verifier());
        Answer refreshed = proxy.refresh(server.tokenUrl(), tokens.json("refresh_token"), Map.of());
        assertThat(refreshed.json("refresh_token")).isNotEqualTo(tokens.json("refresh_token"));
        assertThat(proxy.refresh(server.tokenUrl(), tokens.json("refresh_token"), Map.of()).json("error"))
                .isEqualTo("invalid_grant");
    }

    @Test
    void theDriveRefusesExpiredRevokedAndMissingTokens() throws Exception {
        Pkce pkce = Pkce.random();
        String code = redirectOf(proxy.get(authorizationUrl(pkce, Map.of("login_hint", Demo.ALICE)), null)).code();
        Answer tokens = proxy.exchangeCode(server.tokenUrl(), code, pkce.verifier());
        URI files = URI.create(server.driveUrl() + "/files");

        Answer none = proxy.get(files, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"drive\"");
        assertThat(proxy.get(files, "at_forged").header("WWW-Authenticate")).contains("error=\"invalid_token\"");

        clock.advance(Duration.ofMinutes(10));
        assertThat(proxy.get(files, tokens.json("access_token")).status()).isEqualTo(401);

        Answer refreshed = proxy.refresh(server.tokenUrl(), tokens.json("refresh_token"), Map.of());
        assertThat(proxy.get(files, refreshed.json("access_token")).status()).isEqualTo(200);
        assertThat(proxy.revoke(server.revocationUrl(), refreshed.json("refresh_token"), "refresh_token").status())
                .isEqualTo(200);
        assertThat(proxy.get(files, refreshed.json("access_token")).status()).isEqualTo(401);
        assertThat(proxy.refresh(server.tokenUrl(), refreshed.json("refresh_token"), Map.of()).json("error"))
                .isEqualTo("invalid_grant");
    }

    @Test
    void itListensOnLoopbackOnly() {
        assertThat(URI.create(server.issuer()).getHost()).isEqualTo("127.0.0.1");
        assertThat(server.tokenUrl().toString()).startsWith(server.issuer() + "/");
    }
}
