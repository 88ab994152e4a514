package io.runagents.ingress.jwt;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.AuthResult.Authenticated;
import io.runagents.ingress.jwt.AuthResult.Pending;
import io.runagents.ingress.jwt.AuthResult.Rejected;
import io.runagents.ingress.jwt.AuthResult.Unavailable;
import io.runagents.ingress.jwt.cache.VerifiedTokenCache;
import io.runagents.ingress.jwt.jwks.JwksRefresher;
import io.runagents.ingress.jwt.jwks.JwksSnapshot;
import io.runagents.ingress.jwt.verify.ClaimsPolicy;
import io.runagents.ingress.jwt.verify.JwsVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Decides who a token's user is for one identity provider: verified-token cache, then {@link JwsVerifier} against
 * the current key snapshot, then {@link ClaimsPolicy}. Everything is synchronous except a needed key fetch, which
 * yields {@link Pending}. Thread-safe; made by {@link IdentityProviders}.
 */
public final class JwtAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);
    private static final Rejected MISSING = Rejected.of(RejectReason.MISSING);
    private static final Rejected TOO_LARGE = Rejected.of(RejectReason.TOO_LARGE);
    /** How long a token may wait for the next fetch its unknown kid is allowed, after one that did not have it. */
    static final long MAX_HOLD_MILLIS = 2000;

    private final IdentityProvider provider;
    private final long generation;
    private final JwksRefresher keys;
    private final JwsVerifier jws;
    private final ClaimsPolicy claims;
    private final VerifiedTokenCache cache;
    private final IntSupplier maxTokenBytes;
    private final Executor executor;
    // Identity-compared markers: "the snapshot lacks the key" results that a fetch may still change.
    private final Rejected unknownKid;
    private final Unavailable noKeys;
    private volatile boolean retired;

    JwtAuthenticator(IdentityProvider provider, long generation, JwksRefresher keys, ClaimsPolicy claims,
                     VerifiedTokenCache cache, IntSupplier maxTokenBytes, Executor executor) {
        this.provider = provider;
        this.generation = generation;
        this.keys = keys;
        this.jws = new JwsVerifier(provider.algorithms());
        this.claims = claims;
        this.cache = cache;
        this.maxTokenBytes = maxTokenBytes;
        this.executor = executor;
        this.unknownKid = new Rejected(RejectReason.UNKNOWN_KEY, "no key in the provider's JWKS has the token's kid");
        this.noKeys = new Unavailable("no keys available for identity provider " + provider.name());
    }

    /**
     * Authenticates a raw bearer token (without the {@code Bearer } prefix; null or empty means none was sent).
     *
     * <p>A cache hit, or a miss whose key is in the current snapshot, returns the final result at once.
     * {@link Pending} is returned only when the token needs a key the snapshot lacks and a fetch is allowed; its
     * stage completes on the fetch executor. If it has already completed when you attach to it, a non-async
     * callback runs on your thread: hop to your own event loop when you resume.
     */
    public AuthResult authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return MISSING;
        }
        if (token.length() > maxTokenBytes.getAsInt()) {
            return TOO_LARGE;
        }
        JwksSnapshot snapshot = keys.snapshot();
        Authenticated hit = cache.getIfPresent(generation, token); // counted once: a hit, or the token's miss
        if (hit != null) {
            if (snapshot.containsId(hit.keyId())) {
                return hit;
            }
            cache.invalidate(generation, token); // its key left the set (or went stale) since it was cached
        }
        AuthResult result = decide(token, snapshot);
        if (!lacksKey(result)) {
            return result;
        }
        boolean joining = keys.fetching(); // a fetch that began before this token arrived
        CompletableFuture<JwksSnapshot> fetch = keys.fetchForMissingKey();
        if (fetch == null) {
            // Rate limited. A fetch may have ended between our snapshot and now: judge by the newest keys.
            JwksSnapshot newest = keys.snapshot();
            return newest != snapshot ? decide(token, newest) : result;
        }
        if (log.isDebugEnabled()) {
            log.debug("provider {}: token {} waits for a JWKS fetch", provider.name(), TokenFingerprint.of(token));
        }
        return new Pending(joining ? fetch.thenComposeAsync(s -> afterJoinedFetch(token), executor)
                : fetch.thenApplyAsync(s -> resume(token), executor));
    }

    /**
     * The decision once a fetch the token joined ended. That fetch began before the token arrived, perhaps before
     * the provider published the token's key (a scheduled refresh, another token's fetch): when it did not bring
     * the key, the token may start the next fetch the unknown-kid budget allows, waiting for it up to
     * {@link #MAX_HOLD_MILLIS}, rather than be refused at once.
     */
    private CompletionStage<AuthResult> afterJoinedFetch(String token) {
        AuthResult result = resume(token);
        if (!lacksKey(result)) {
            return CompletableFuture.completedFuture(result);
        }
        long wait = keys.millisUntilUnknownKidFetch();
        if (wait > MAX_HOLD_MILLIS) {
            return CompletableFuture.completedFuture(result);
        }
        Executor later = wait == 0 ? executor : CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS, executor);
        return CompletableFuture.supplyAsync(keys::fetchForMissingKey, later).thenComposeAsync(next -> next == null
                ? CompletableFuture.completedFuture(resume(token))
                : next.thenApplyAsync(s -> resume(token), executor), executor);
    }

    private AuthResult resume(String token) {
        try {
            return decide(token, keys.snapshot());
        } catch (RuntimeException e) {
            log.error("provider {}: verifying token {} failed", provider.name(), TokenFingerprint.of(token), e);
            return new Unavailable("internal error while verifying the token");
        }
    }

    /** True for the "the snapshot lacks the key" results that a fetch may still change. */
    private boolean lacksKey(AuthResult result) {
        return result == unknownKid || result == noKeys;
    }

    private AuthResult decide(String token, JwksSnapshot snapshot) {
        if (retired) { // a replaced provider's late requests must not refill the cache
            return verify(token, snapshot);
        }
        return cache.getOrVerify(generation, token, t -> verify(t, snapshot));
    }

    private AuthResult verify(String token, JwksSnapshot snapshot) {
        JwsVerifier.Outcome outcome = jws.verify(token, snapshot);
        if (outcome instanceof JwsVerifier.Verified v) {
            return claims.evaluate(v.payload(), v.key().id());
        }
        if (outcome instanceof JwsVerifier.Refused r) {
            return new Rejected(r.reason(), r.description());
        }
        return outcome == JwsVerifier.Missing.NO_KEYS ? noKeys : unknownKid;
    }

    /** Fetches the provider's keys now; completes (never exceptionally) when the attempt ends. */
    public CompletionStage<Void> prefetch() {
        return keys.refresh().thenApply(s -> null);
    }

    /** Keys, last fetch, last error and readiness. */
    public ProviderState state() {
        return keys.state();
    }

    /** The provider configuration this authenticator enforces. */
    public IdentityProvider provider() {
        return provider;
    }

    /** The config generation that keys this provider's verified-token cache entries. */
    public long generation() {
        return generation;
    }

    JwksRefresher keys() {
        return keys;
    }

    /** Stops refreshing and drops this provider's cached tokens; in-flight requests still get answers. */
    void retire() {
        retired = true;
        keys.close();
        cache.invalidateGeneration(generation);
    }
}
