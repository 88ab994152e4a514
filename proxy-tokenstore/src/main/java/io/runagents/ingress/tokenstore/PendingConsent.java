package io.runagents.ingress.tokenstore;

import java.time.Instant;
import java.util.Objects;

/**
 * A consent that was started and not yet called back (SPEC section 8, step 1). The store keeps {@code state} as its
 * SHA-256 (the lookup key of the callback) and, encrypted, so that {@link TokenStore#findLiveConsent} can hand a
 * live consent back for reuse: the caller rebuilds the authorization URL from the tool's current configuration,
 * {@code state} and {@link Secret#s256Challenge()} of {@code verifier}.
 *
 * @param key whose consent for which tool
 * @param state the OAuth {@code state}
 * @param verifier the PKCE verifier (never leaves the proxy)
 * @param createdAt when it was started
 * @param expiresAt when its state stops being accepted
 */
public record PendingConsent(GrantKey key, Secret state, Secret verifier, Instant createdAt, Instant expiresAt) {
    public PendingConsent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
