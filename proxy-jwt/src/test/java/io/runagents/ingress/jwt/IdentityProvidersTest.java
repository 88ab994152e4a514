package io.runagents.ingress.jwt;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.TokenCacheSettings;
import io.runagents.ingress.jwt.testing.MutableClock;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityProvidersTest {

    final MutableClock clock = MutableClock.atFixedStart();
    final ExecutorService executor = Executors.newFixedThreadPool(2);
    StubJwksServer server;
    IdentityProvider a;
    IdentityProvider b;

    @BeforeEach
    void start() throws Exception {
        server = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        a = TestTokens.provider("a", server.uri());
        b = TestTokens.provider("b", server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
        executor.shutdownNow();
    }

    IdentityProviders build(List<IdentityProvider> providers) {
        return IdentityProviders.builder().clock(clock).executor(executor).refreshTick(null).build(providers);
    }

    String token() {
        return TestTokens.signedBy(TestKeys.rsa()).at(clock.instant()).sign();
    }

    @Test
    void reconfigureKeepsUnchangedProvidersAndReplacesChangedOnes() {
        IdentityProviders first = build(List.of(a, b));
        first.prefetchAll().toCompletableFuture().join();
        assertThat(server.requests()).isEqualTo(2);
        String token = token();
        assertThat(first.forProvider("a").authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(first.forProvider("b").authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);
        JwtAuthenticator oldA = first.forProvider("a");
        JwtAuthenticator oldB = first.forProvider("b");

        IdentityProvider changedB = new IdentityProvider("b", b.host(), b.issuer(), b.jwksUri(), b.audiences(),
                b.algorithms(), 30, b.maxTokenLifetimeSeconds(), b.userIdClaim(), b.allowedDomains(), b.groupsClaim(),
                b.forwardToken(), Map.of());
        IdentityProviders second = first.reconfigure(List.of(a, changedB), JwksSettings.DEFAULTS,
                TokenCacheSettings.DEFAULTS, 8192);

        assertThat(second.forProvider("a")).isSameAs(oldA);
        assertThat(second.forProvider("b")).isNotSameAs(oldB);
        assertThat(second.forProvider("b").generation()).isNotEqualTo(oldB.generation());
        assertThat(second.tokenCache().getIfPresent(oldA.generation(), token)).isNotNull();
        assertThat(second.tokenCache().getIfPresent(oldB.generation(), token)).isNull();
        assertThat(second.forProvider("b").state().ready()).isFalse();
        second.prefetchAll().toCompletableFuture().join();
        assertThat(server.requests()).as("only the changed provider fetched").isEqualTo(3);
        assertThat(second.forProvider("b").authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);

        IdentityProviders third = second.reconfigure(List.of(changedB), JwksSettings.DEFAULTS,
                TokenCacheSettings.DEFAULTS, 8192);
        assertThat(third.forProvider("a")).isNull();
        assertThat(third.tokenCache().getIfPresent(oldA.generation(), token)).isNull();
        // A retired authenticator still answers requests that started before the swap, without caching.
        assertThat(oldA.authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(third.tokenCache().getIfPresent(oldA.generation(), token)).isNull();
        first.close(); // superseded: no effect
        third.close();
    }

    @Test
    void aStagedReloadLeavesTheServingProvidersUntouchedUntilCommitted() {
        IdentityProviders first = build(List.of(a, b));
        first.prefetchAll().toCompletableFuture().join();
        String token = token();
        assertThat(first.forProvider("b").authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);
        JwtAuthenticator oldB = first.forProvider("b");
        IdentityProvider changedB = new IdentityProvider("b", b.host(), b.issuer(), b.jwksUri(), b.audiences(),
                b.algorithms(), 30, b.maxTokenLifetimeSeconds(), b.userIdClaim(), b.allowedDomains(), b.groupsClaim(),
                b.forwardToken(), Map.of());

        IdentityProviders staged = first.stage(List.of(a, changedB), JwksSettings.DEFAULTS, TokenCacheSettings.DEFAULTS,
                8192);
        staged.prefetchAll().toCompletableFuture().join();
        // Still serving: the old provider keeps its cached verdicts while the new one warms up.
        assertThat(first.tokenCache().getIfPresent(oldB.generation(), token)).isNotNull();
        assertThat(first.forProvider("b")).isSameAs(oldB);

        staged.commit(first);
        assertThat(first.tokenCache().getIfPresent(oldB.generation(), token)).as("retired at the swap").isNull();
        assertThat(staged.forProvider("b").authenticate(token)).isInstanceOf(AuthResult.Authenticated.class);

        IdentityProviders abandoned = staged.stage(List.of(a), JwksSettings.DEFAULTS, TokenCacheSettings.DEFAULTS, 8192);
        abandoned.discard(staged);
        assertThat(staged.forProvider("b").authenticate(token)).as("discarding a stage retires nothing live")
                .isInstanceOf(AuthResult.Authenticated.class);
        staged.close();
    }

    @Test
    void maxTokenBytesReloadsLive() {
        IdentityProviders first = build(List.of(a));
        first.prefetchAll().toCompletableFuture().join();
        String token = token();
        IdentityProviders second = first.reconfigure(List.of(a), JwksSettings.DEFAULTS, TokenCacheSettings.DEFAULTS,
                token.length() - 1);
        assertThat(second.forProvider("a").authenticate(token)).isEqualTo(AuthResult.Rejected.of(RejectReason.TOO_LARGE));
        second.close();
    }

    @Test
    void statesNameEveryProvider() {
        try (IdentityProviders p = build(List.of(a, b))) {
            assertThat(p.states()).containsOnlyKeys("a", "b");
            assertThat(p.states().get("a").ready()).isFalse();
            p.prefetchAll().toCompletableFuture().join();
            ProviderState s = p.states().get("a");
            assertThat(s.ready()).isTrue();
            assertThat(s.keys()).isEqualTo(1);
            assertThat(s.lastError()).isNull();
            assertThat(s.lastSuccess()).isEqualTo(clock.instant());
        }
    }

    @Test
    void duplicateNamesAndBadOptionsAreRefused() {
        assertThatThrownBy(() -> build(List.of(a, a))).hasMessageContaining("duplicate name a");
        assertThatThrownBy(() -> IdentityProviders.builder().maxTokenBytes(-1))
                .hasMessage("maxTokenBytes: -1 (expected: > 0)");
    }

    @Test
    void tokenPeekReadsTheUnverifiedIssuer() {
        assertThat(TokenPeek.issuer(token())).contains(TestTokens.ISSUER);
        assertThat(TokenPeek.issuer(TestTokens.signedBy(TestKeys.rsa()).claim("iss", 1).sign())).isEmpty();
        assertThat(TokenPeek.issuer("not.a.token!")).isEmpty();
        assertThat(TokenPeek.issuer(null)).isEmpty();
        assertThat(TokenPeek.issuer(TestTokens.assemble("{}", "{\"iss\":\"x\",\"iss\":\"y\"}", "AA"))).isEmpty();
    }

    @Test
    void fingerprintHidesTheToken() {
        String token = token();
        assertThat(TokenFingerprint.of(token)).startsWith("sha256:").hasSize(23).doesNotContain(token.substring(0, 10));
    }
}
