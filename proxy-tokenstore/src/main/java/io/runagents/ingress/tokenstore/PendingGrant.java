package io.runagents.ingress.tokenstore;

import java.time.Instant;
import java.util.Objects;

/**
 * Tokens obtained at the callback and not yet claimed with their consent code (SPEC section 8, steps 2 and 3).
 * Whoever takes one out of the store (completion, mismatch, expiry sweep) owns its tokens: it either makes them a
 * grant or revokes them upstream.
 *
 * @param key whose consent it was, for which tool
 * @param tokens what the token endpoint answered (scopes never null)
 * @param createdAt when the code was exchanged
 * @param expiresAt when the consent code stops being accepted
 */
public record PendingGrant(GrantKey key, TokenSet tokens, Instant createdAt, Instant expiresAt) {
    public PendingGrant {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
