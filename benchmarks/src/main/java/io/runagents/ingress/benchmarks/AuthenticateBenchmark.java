package io.runagents.ingress.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.TokenCacheSettings;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.netty.util.AsciiString;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.identity.ContextSigningKey;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The identity decision's cost: a verified-token cache hit, a cold verification through the production path
 * (cache disabled, so every call verifies), and raw Nimbus {@link DefaultJWTProcessor} with equivalent checks on
 * the same token as the baseline. Keys come from a loopback stub JWKS endpoint, fetched once in setup.
 *
 * <p>Goals (issue 3): hit at most 1 µs/op; cold within 1.1x of raw Nimbus. Issue 15: a hit with its identity
 * context at most 0.15 µs/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthenticateBenchmark {

    /** One provider with the cache on, and a token already in it. */
    @State(Scope.Benchmark)
    public static class Hit {
        Fixture fixture;
        String token;
        ContextKeyring contexts;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            fixture = new Fixture(TestKeys.rsa(), TokenCacheSettings.DEFAULTS);
            token = fixture.token();
            contexts = new ContextKeyring(ContextSigningKey.generate(), Clock.systemUTC());
            if (!(fixture.authenticator.authenticate(token) instanceof AuthResult.Authenticated)) {
                throw new IllegalStateException("benchmark token refused");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    /** One provider with the cache off, plus a Nimbus processor over the same keys, per algorithm. */
    @State(Scope.Benchmark)
    public static class Cold {
        @Param({"RS256", "ES256"})
        public String alg;

        Fixture fixture;
        String token;
        DefaultJWTProcessor<SecurityContext> nimbus;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            JWK key = alg.equals("RS256") ? TestKeys.rsa() : TestKeys.ec256();
            fixture = new Fixture(key, new TokenCacheSettings(0));
            token = fixture.token();
            if (!(fixture.authenticator.authenticate(token) instanceof AuthResult.Authenticated)) {
                throw new IllegalStateException("benchmark token refused");
            }
            nimbus = new DefaultJWTProcessor<>();
            nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.parse(alg),
                    new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()))));
            nimbus.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(TestTokens.AUDIENCE,
                    new JWTClaimsSet.Builder().issuer(TestTokens.ISSUER).build(),
                    new HashSet<>(List.of("exp", "email"))));
            nimbus.process(token, null);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    @Benchmark
    public AuthResult cacheHit(Hit s) {
        return s.fixture.authenticator.authenticate(s.token);
    }

    /**
     * What an authenticated request of a known token costs the identity stage (issue 15's target: at most
     * 0.15 µs): the cache hit plus the identity context already signed for this token and agent.
     */
    @Benchmark
    public AsciiString cacheHitWithContext(Hit s) {
        AuthResult.Authenticated user = (AuthResult.Authenticated) s.fixture.authenticator.authenticate(s.token);
        return s.contexts.contextFor(user, "assistant", 60).headerValue();
    }

    @Benchmark
    public AuthResult coldVerify(Cold s) {
        return s.fixture.authenticator.authenticate(s.token);
    }

    @Benchmark
    public JWTClaimsSet rawNimbus(Cold s) throws Exception {
        return s.nimbus.process(s.token, null);
    }

    /** A provider backed by a stub JWKS endpoint on loopback. */
    static final class Fixture {
        final StubJwksServer server;
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        final IdentityProviders providers;
        final JwtAuthenticator authenticator;
        final JWK key;

        Fixture(JWK key, TokenCacheSettings cache) throws Exception {
            this.key = key;
            server = new StubJwksServer().jwks(TestKeys.jwks(key));
            IdentityProvider provider = TestTokens.provider("bench", server.uri());
            providers = IdentityProviders.builder().jwks(JwksSettings.DEFAULTS).tokenCache(cache)
                    .clock(Clock.systemUTC()).executor(executor).refreshTick(null).build(List.of(provider));
            providers.prefetchAll().toCompletableFuture().join();
            authenticator = providers.forProvider("bench");
        }

        String token() {
            return TestTokens.signedBy(key).sign(); // iat now, exp in an hour: longer than any run
        }

        void close() {
            providers.close();
            server.close();
            executor.shutdownNow();
        }
    }
}
