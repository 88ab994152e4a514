package io.runagents.ingress.core.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.testing.ConsentRedirect;
import io.runagents.ingress.core.testing.OAuthTestClient;
import io.runagents.ingress.core.testing.StubAuthorizationServer;
import io.runagents.ingress.core.testing.TokenEndpointFailure;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The proxy's side of the code and refresh grants and of revocation, against a real authorization server over
 * HTTP, with each of its failure switches: what counts as tokens, what as the server's refusal, what as a failure.
 */
class TokenEndpointTest {
    private static final String CALLBACK = "http://127.0.0.1:18080/oauth/callback";
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private StubAuthorizationServer server;
    private TokenEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        server = new StubAuthorizationServer(CLOCK);
        endpoint = new TokenEndpoint(executor, Duration.ofMillis(1500), Map.of("DRIVE_SECRET", "s3cret: &=")::get,
                CLOCK);
    }

    @AfterEach
    void stop() {
        server.release();
        server.close();
        executor.shutdownNow();
    }

    private ToolAuth.OAuth2 tool(ToolAuth.TokenEndpointAuth auth) {
        return new ToolAuth.OAuth2(server.authorizationUrl(), server.tokenUrl(), "drive-client",
                auth == ToolAuth.TokenEndpointAuth.NONE ? null : "DRIVE_SECRET", List.of("files.read"), auth,
                server.revocationUrl(), URI.create(server.issuer()), null);
    }

    /** Registers the client and has the stub's user consent: a fresh code and the verifier it was issued for. */
    private String[] code(ClientAuthMethod method) throws Exception {
        OAuthClient client = method == ClientAuthMethod.NONE ? OAuthClient.publicClient("drive-client", CALLBACK)
                : OAuthClient.confidential("drive-client", "s3cret: &=", method, CALLBACK);
        server.register(client);
        OAuthTestClient.Pkce pkce = OAuthTestClient.Pkce.random();
        ConsentRedirect redirect = server.consent(new OAuthTestClient(client)
                .authorizationUrl(server.authorizationUrl(), "files.read", "st", pkce, Map.of()));
        return new String[] {redirect.code(), pkce.verifier()};
    }

    private TokenEndpoint.Answer exchange(ToolAuth.TokenEndpointAuth auth, String code, String verifier)
            throws Exception {
        return endpoint.exchangeCode(tool(auth), Secret.of(code), Secret.of(verifier), URI.create(CALLBACK))
                .get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(ToolAuth.TokenEndpointAuth.class)
    void theCodeBecomesTokensWithEveryClientAuthentication(ToolAuth.TokenEndpointAuth auth) throws Exception {
        String[] code = code(ClientAuthMethod.valueOf(auth.name()));
        TokenEndpoint.Answer answer = exchange(auth, code[0], code[1]);

        TokenSet tokens = ((TokenEndpoint.Answer.Tokens) answer).tokens();
        assertThat(server.accountOf(tokens.accessToken().reveal())).contains(StubAuthorizationServer.DEFAULT_ACCOUNT);
        assertThat(tokens.refreshToken()).isNotNull();
        assertThat(tokens.accessExpiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(server.lastAuthMethod().name()).isEqualTo(auth.name());
        assertThat(server.lastTokenRequest().header("Accept")).isEqualTo("application/json");
    }

    @Test
    void aWrongVerifierIsTheServersRefusal() throws Exception {
        String[] code = code(ClientAuthMethod.CLIENT_SECRET_BASIC);
        TokenEndpoint.Answer answer = exchange(ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC, code[0], "x".repeat(43));
        assertThat(answer).isEqualTo(new TokenEndpoint.Answer.Refused("invalid_grant", 400));
    }

    @Test
    void refreshRotatesAndAReusedRefreshTokenIsInvalidGrant() throws Exception {
        String[] code = code(ClientAuthMethod.CLIENT_SECRET_POST);
        ToolAuth.OAuth2 tool = tool(ToolAuth.TokenEndpointAuth.CLIENT_SECRET_POST);
        TokenSet first = ((TokenEndpoint.Answer.Tokens) exchange(tool.tokenEndpointAuth(), code[0], code[1])).tokens();

        TokenSet second = ((TokenEndpoint.Answer.Tokens) endpoint.refresh(tool, first.refreshToken())
                .get(5, TimeUnit.SECONDS)).tokens();
        assertThat(second.refreshToken()).isNotNull().isNotEqualTo(first.refreshToken());
        assertThat(server.refreshes()).isEqualTo(1);

        TokenEndpoint.Answer reused = endpoint.refresh(tool, first.refreshToken()).get(5, TimeUnit.SECONDS);
        assertThat(reused).isEqualTo(new TokenEndpoint.Answer.Refused("invalid_grant", 400));
    }

    @ParameterizedTest
    @EnumSource(value = TokenEndpointFailure.class, names = {"SERVER_ERROR", "TOO_MANY_REQUESTS", "NOT_JSON",
        "NO_ACCESS_TOKEN", "NOT_BEARER", "OVERSIZED", "OVERSIZED_CHUNKED", "HANG"})
    void failuresAreFailuresNeverTokens(TokenEndpointFailure failure) throws Exception {
        String[] code = code(ClientAuthMethod.CLIENT_SECRET_BASIC);
        server.tokenFailure(failure);
        TokenEndpoint.Answer answer = exchange(ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC, code[0], code[1]);
        // 429's body carries an error code of its own; either way it is no token and no end of the grant.
        assertThat(answer).isInstanceOfAny(TokenEndpoint.Answer.Failed.class, TokenEndpoint.Answer.Refused.class);
        assertThat(answer.toString()).doesNotContain("at_not_issued", code[0], code[1]);
        if (failure == TokenEndpointFailure.HANG) {
            assertThat(answer).isEqualTo(new TokenEndpoint.Answer.Failed("timeout", "no answer in time"));
        }
        if (failure == TokenEndpointFailure.OVERSIZED || failure == TokenEndpointFailure.OVERSIZED_CHUNKED) {
            assertThat(answer).isEqualTo(new TokenEndpoint.Answer.Failed("invalid_response", "the answer is over 65536 bytes"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TokenEndpointFailure.class, names = {"INVALID_CLIENT", "UNAUTHORIZED_CLIENT", "ERROR_WITH_200"})
    void oauthErrorsAreRefusalsAndClientErrorsAreConfigurationErrors(TokenEndpointFailure failure) throws Exception {
        String[] code = code(ClientAuthMethod.CLIENT_SECRET_BASIC);
        server.tokenFailure(failure);
        TokenEndpoint.Answer.Refused refused = (TokenEndpoint.Answer.Refused)
                exchange(ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC, code[0], code[1]);
        assertThat(refused.configurationError()).isEqualTo(failure != TokenEndpointFailure.ERROR_WITH_200);
    }

    @Test
    void aMissingClientSecretIsAFailureBeforeAnyRequest() throws Exception {
        TokenEndpoint noSecrets = new TokenEndpoint(executor, Duration.ofSeconds(1), name -> null, CLOCK);
        TokenEndpoint.Answer answer = noSecrets.refresh(tool(ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC),
                Secret.of("rt")).get(5, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo(new TokenEndpoint.Answer.Failed("misconfigured",
                "the tool's client secret is not configured (environment variable DRIVE_SECRET)"));
        assertThat(server.tokenRequests()).isEmpty();
    }

    @Test
    void revocationIsBestEffort() throws Exception {
        String[] code = code(ClientAuthMethod.CLIENT_SECRET_BASIC);
        ToolAuth.OAuth2 tool = tool(ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC);
        TokenSet tokens = ((TokenEndpoint.Answer.Tokens) exchange(tool.tokenEndpointAuth(), code[0], code[1])).tokens();

        assertThat(endpoint.revoke(tool, tokens.refreshToken(), "refresh_token").get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(server.revocations()).hasSize(1);
        assertThat(server.revocations().get(0).token()).isEqualTo(tokens.refreshToken().reveal());

        server.revocationFailure(TokenEndpointFailure.SERVER_ERROR);
        assertThat(endpoint.revoke(tool, tokens.accessToken(), "access_token").get(5, TimeUnit.SECONDS)).isFalse();
        ToolAuth.OAuth2 without = new ToolAuth.OAuth2(tool.authorizationUrl(), tool.tokenUrl(), tool.clientId(),
                tool.clientSecretEnv(), tool.scopes(), tool.tokenEndpointAuth(), null, null, null);
        assertThat(endpoint.revoke(without, tokens.accessToken(), "access_token").get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void scopesAndExpiryAreReadAsGranted() {
        TokenEndpoint.Answer answer = endpoint.judge(200, ("{\"access_token\":\"a\",\"token_type\":\"bearer\","
                + "\"scope\":\"files.read  files.read profile\",\"expires_in\":120}").getBytes(StandardCharsets.UTF_8));
        TokenSet tokens = ((TokenEndpoint.Answer.Tokens) answer).tokens();
        assertThat(tokens.scopes()).containsExactly("files.read", "profile");
        assertThat(tokens.accessExpiresAt()).isEqualTo(NOW.plusSeconds(120));
        assertThat(tokens.refreshToken()).isNull();

        TokenSet noExpiry = ((TokenEndpoint.Answer.Tokens) endpoint.judge(200,
                "{\"access_token\":\"a\",\"token_type\":\"Bearer\"}".getBytes(StandardCharsets.UTF_8))).tokens();
        assertThat(noExpiry.accessExpiresAt()).isNull();
        assertThat(noExpiry.scopes()).isNull();
    }
}
