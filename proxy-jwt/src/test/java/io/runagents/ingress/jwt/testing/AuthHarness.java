package io.runagents.ingress.jwt.testing;

import com.nimbusds.jose.jwk.JWK;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.JwtAuthenticator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One provider against a {@link StubJwksServer}, a {@link MutableClock} and a small executor, with no refresh
 * timer (tests tick {@link IdentityProviders#refreshDue()} themselves). Keys are prefetched on start.
 */
public final class AuthHarness implements AutoCloseable {

    public static final String PROVIDER = "test-idp";

    public final MutableClock clock = MutableClock.atFixedStart();
    public final StubJwksServer server;
    public final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "jwks-fetch");
        t.setDaemon(true);
        return t;
    });
    public final IdentityProviders providers;

    private AuthHarness(Function<java.net.URI, IdentityProvider> provider, JwksSettings settings, Path dataDir,
                        String jwks, boolean prefetch) throws IOException {
        server = new StubJwksServer().jwks(jwks);
        providers = IdentityProviders.builder().jwks(settings).dataDir(dataDir).clock(clock).executor(executor)
                .refreshTick(null).build(List.of(provider.apply(server.uri())));
        if (prefetch) {
            providers.prefetchAll().toCompletableFuture().join();
        }
    }

    /** The default provider, the given keys, default JWKS settings, prefetched. */
    public static AuthHarness start(JWK... keys) throws IOException {
        return new AuthHarness(uri -> TestTokens.provider(PROVIDER, uri), JwksSettings.DEFAULTS, null,
                TestKeys.jwks(keys), true);
    }

    /** Full control. */
    public static AuthHarness start(Function<java.net.URI, IdentityProvider> provider, JwksSettings settings,
                                    Path dataDir, String jwks, boolean prefetch) throws IOException {
        return new AuthHarness(provider, settings, dataDir, jwks, prefetch);
    }

    public JwtAuthenticator authenticator() {
        return providers.forProvider(PROVIDER);
    }

    /** Authenticates and, when the answer is pending, waits (at most 5 s) for the final one. */
    public AuthResult authenticate(String token) {
        return resolve(authenticator().authenticate(token));
    }

    /** The final result behind a possibly pending one. */
    public static AuthResult resolve(AuthResult result) {
        if (result instanceof AuthResult.Pending p) {
            try {
                return p.completion().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("pending result did not complete", e);
            }
        }
        return result;
    }

    @Override
    public void close() {
        providers.close();
        server.close();
        executor.shutdownNow();
    }
}
