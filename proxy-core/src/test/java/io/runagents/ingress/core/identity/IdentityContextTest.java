package io.runagents.ingress.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.runagents.ingress.config.model.IdentityContextSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.testing.RawHttp;
import io.runagents.ingress.core.testing.StubAgent;
import io.runagents.ingress.core.testing.TestConfigs;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code X-End-User-Context} (SPEC section 6) checked the way an agent or tool would: with Nimbus, against the
 * JWKS the admin listener publishes at {@code /identity-context/jwks.json}.
 */
class IdentityContextTest {
    static final String HOST = "portal.example.test";
    static final int TTL_SECONDS = 120;

    private StubJwksServer jwks;
    private StubAgent agent;
    private String dataDir;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        agent = StubAgent.start();
        dataDir = TestConfigs.newDataDir();
        proxy = startProxy();
    }

    @AfterEach
    void stop() {
        proxy.close();
        agent.close();
        jwks.close();
    }

    private ProxyServer startProxy() throws InterruptedException {
        ProxySettings settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                new IdentityContextSettings(null, TTL_SECONDS), dataDir);
        return ProxyServer.start(TestConfigs.snapshot(settings,
                List.of(TestConfigs.authenticatedAgent("secure", null, "/", agent.uri(), null)),
                List.of(TestConfigs.provider("idp", jwks.uri()).build())), 2);
    }

    private ECKey publishedKey(ProxyServer server) throws Exception {
        RawHttp.Response response = RawHttp.get(server.adminAddress(), "admin", "/identity-context/jwks.json");
        assertThat(response.status()).isEqualTo(200);
        List<JWK> keys = JWKSet.parse(response.body()).getKeys();
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).isPrivate()).as("the published JWKS holds no private part").isFalse();
        assertThat(response.body()).doesNotContain("\"d\"");
        ECKey key = keys.get(0).toECKey();
        assertThat(key.getCurve()).isEqualTo(Curve.P_256);
        return key;
    }

    /** Sends the token, returns the verified context's claims after checking its signature and header. */
    private JWTClaimsSet verifiedContext(String token, String requestId, String... extraHeaderLines) throws Exception {
        List<String> lines = new java.util.ArrayList<>(List.of("Authorization: Bearer " + token));
        lines.addAll(List.of(extraHeaderLines));
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/", lines.toArray(String[]::new));
        assertThat(response.status()).isEqualTo(200);
        StubAgent.Received seen = agent.received().get(agent.received().size() - 1);
        SignedJWT context = SignedJWT.parse(seen.header("X-End-User-Context"));
        ECKey key = publishedKey(proxy);
        assertThat(context.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(context.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(context.verify(new ECDSAVerifier(key.toECPublicKey()))).as("signature").isTrue();
        String rid = response.header("x-request-id");
        assertThat(rid).isNotBlank().isEqualTo(seen.header("X-Request-ID"));
        if (requestId != null) {
            assertThat(rid).isEqualTo(requestId);
        }
        JWTClaimsSet claims = context.getJWTClaimsSet();
        assertThat(claims.getClaims()).as("the request id travels in X-Request-ID only").doesNotContainKey("rid");
        assertThat(claims.getIssuer()).isEqualTo("runagents");
        assertThat(claims.getAudience()).containsExactly("secure");
        assertThat(claims.getJWTID()).matches("[0-9a-f]{32}");
        return claims;
    }

    @Test
    void contextCarriesTheUserAndExpiresWithinTheTtl() throws Exception {
        Instant tokenExp = Instant.now().plusSeconds(3600);
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("exp", tokenExp.getEpochSecond()).sign();
        long before = Instant.now().getEpochSecond();
        JWTClaimsSet claims = verifiedContext(token, null);
        long after = Instant.now().getEpochSecond();

        assertThat(claims.getSubject()).isEqualTo(TestTokens.USER);
        assertThat(claims.getStringClaim("email")).isEqualTo(TestTokens.USER);
        assertThat(claims.getStringListClaim("groups")).containsExactly("engineering", "staff");
        assertThat(claims.getStringClaim("idp")).isEqualTo("idp");
        long iat = claims.getIssueTime().toInstant().getEpochSecond();
        long exp = claims.getExpirationTime().toInstant().getEpochSecond();
        assertThat(iat).isBetween(before, after);
        assertThat(exp).isGreaterThan(iat).isLessThanOrEqualTo(iat + TTL_SECONDS)
                .isLessThanOrEqualTo(tokenExp.getEpochSecond());
    }

    @Test
    void contextNeverOutlivesTheUsersTokenBeyondTheProvidersClockSkew() throws Exception {
        Instant tokenExp = Instant.now().plusSeconds(30); // shorter than the ttl
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("exp", tokenExp.getEpochSecond()).sign();

        JWTClaimsSet claims = verifiedContext(token, null);

        // The token is accepted up to its exp plus the provider's skew (60 s): so is its context, and no longer.
        assertThat(claims.getExpirationTime().toInstant().getEpochSecond())
                .isEqualTo(tokenExp.getEpochSecond() + 60);
    }

    @Test
    void theRequestIdTravelsInXRequestIdAndTheContextIsTheTokensForThisAgent() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();

        JWTClaimsSet first = verifiedContext(token, "req-abc-123", "X-Request-ID: req-abc-123");
        String firstValue = agent.received().get(agent.received().size() - 1).header("X-End-User-Context");
        JWTClaimsSet second = verifiedContext(token, "req-def-456", "X-Request-ID: req-def-456");
        String secondValue = agent.received().get(agent.received().size() - 1).header("X-End-User-Context");

        assertThat(secondValue).as("one context per verified token and agent, reused").isEqualTo(firstValue);
        assertThat(second.getJWTID()).isEqualTo(first.getJWTID());
        String otherToken = TestTokens.signedBy(TestKeys.rsa()).claim("jti", "another").sign();
        assertThat(verifiedContext(otherToken, null).getJWTID()).as("another token, another context")
                .isNotEqualTo(first.getJWTID());
    }

    @Test
    void emailIsOmittedAndGroupsEmptyWhenTheTokenHasNone() throws Exception {
        proxy.close();
        ProxySettings settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(),
                new IdentityContextSettings(null, TTL_SECONDS), dataDir);
        proxy = ProxyServer.start(TestConfigs.snapshot(settings,
                List.of(TestConfigs.authenticatedAgent("secure", null, "/", agent.uri(), null)),
                List.of(TestConfigs.provider("by-sub", jwks.uri()).userIdClaim("sub").build())), 2);
        String token = TestTokens.signedBy(TestKeys.rsa()).claim("email", null).claim("groups", null).sign();

        JWTClaimsSet claims = verifiedContext(token, null);

        assertThat(claims.getSubject()).isEqualTo("user-123");
        assertThat(claims.getClaims()).doesNotContainKey("email");
        assertThat(claims.getStringListClaim("groups")).isEmpty();
        assertThat(claims.getStringClaim("idp")).isEqualTo("by-sub");
    }

    @Test
    void signingKeyIsKeptInTheDataDirAcrossRestarts() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token);
        SignedJWT issuedBeforeRestart = SignedJWT.parse(agent.received().get(0).header("X-End-User-Context"));
        ECKey before = publishedKey(proxy);

        proxy.close();
        proxy = startProxy();

        ECKey after = publishedKey(proxy);
        assertThat(after.getKeyID()).isEqualTo(before.getKeyID());
        assertThat(issuedBeforeRestart.verify(new ECDSAVerifier(after.toECPublicKey()))).isTrue();
    }

    @Test
    void reloadWithAnotherSigningKeyFileRotatesAndKeepsPublishingTheOldKey() throws Exception {
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        ECKey before = publishedKey(proxy);
        ECKey next = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        java.nio.file.Path keyFile = java.nio.file.Path.of(dataDir, "rotated.jwk");
        java.nio.file.Files.writeString(keyFile, next.toJSONString());

        proxy.applyWhenReady(snapshotWith(new IdentityContextSettings(keyFile.toString(), TTL_SECONDS)))
                .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        RawHttp.get(proxy.ingressAddress(), HOST, "/", "Authorization: Bearer " + token);

        SignedJWT context = SignedJWT.parse(agent.received().get(agent.received().size() - 1).header("X-End-User-Context"));
        assertThat(context.getHeader().getKeyID()).isEqualTo(next.getKeyID());
        assertThat(context.verify(new ECDSAVerifier(next.toECPublicKey()))).isTrue();
        List<JWK> published = JWKSet.parse(RawHttp.get(proxy.adminAddress(), "admin", "/identity-context/jwks.json")
                .body()).getKeys();
        assertThat(published).extracting(JWK::getKeyID).containsExactly(next.getKeyID(), before.getKeyID());
        assertThat(published).noneMatch(JWK::isPrivate);
    }

    @Test
    void reloadWithAnUnreadableSigningKeyFileIsRefusedAndTheKeyStays() throws Exception {
        ECKey before = publishedKey(proxy);
        String missing = java.nio.file.Path.of(dataDir, "missing.jwk").toString();

        assertThatThrownBy(() -> proxy.applyWhenReady(snapshotWith(new IdentityContextSettings(missing, TTL_SECONDS)))
                .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS))
                .hasMessageContaining("identityContext.signingKeyFile: cannot read " + missing + " (no such file)");

        assertThat(publishedKey(proxy).getKeyID()).isEqualTo(before.getKeyID());
        String token = TestTokens.signedBy(TestKeys.rsa()).sign();
        verifiedContext(token, null); // still signed with the key published before
    }

    private io.runagents.ingress.config.model.ConfigSnapshot snapshotWith(IdentityContextSettings context) {
        ProxySettings settings = TestConfigs.settings(Limits.DEFAULTS, ProxySettings.DEFAULTS.jwks(), context, dataDir);
        return TestConfigs.snapshot(settings,
                List.of(TestConfigs.authenticatedAgent("secure", null, "/", agent.uri(), null)),
                List.of(TestConfigs.provider("idp", jwks.uri()).build()));
    }
}
