package io.runagents.ingress.tokenstore;

import java.util.Objects;

/**
 * Whose grant for which tool: a grant belongs to the pair (identity provider, user id), never to the user id alone,
 * so two providers that issue the same email never share tool accounts (SPEC section 8).
 *
 * @param provider the identity provider's name
 * @param userId the user id the provider's {@code userIDClaim} gave
 * @param tool the tool's name
 */
public record GrantKey(String provider, String userId, String tool) {
    public GrantKey {
        requireNonEmpty(provider, "provider");
        requireNonEmpty(userId, "userId");
        requireNonEmpty(tool, "tool");
    }

    private static void requireNonEmpty(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + ": empty (expected: non-empty)");
        }
    }
}
