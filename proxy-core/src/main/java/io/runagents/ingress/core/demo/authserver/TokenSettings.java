package io.runagents.ingress.core.demo.authserver;

import java.time.Duration;
import java.util.Objects;

/**
 * How the token endpoint answers: the access tokens' lifetime, whether {@code expires_in} is said, what
 * becomes of refresh tokens, whether a reused (already rotated) refresh token ends its whole grant (reuse
 * detection, as Google and Okta do), and the scope granted, when it is not the one asked for.
 *
 * @param grantedScope null: the scope asked for; else this scope, whatever was asked (providers that grant
 *                     less, or more, than requested)
 */
public record TokenSettings(Duration accessTokenLifetime, boolean sendExpiresIn, RefreshTokens refreshTokens,
                            boolean revokeFamilyOnReuse, String grantedScope) {
    /** One-hour access tokens with {@code expires_in}, rotated refresh tokens, no reuse detection, scope as asked. */
    public static final TokenSettings DEFAULTS = new TokenSettings(Duration.ofHours(1), true, RefreshTokens.ROTATE,
            false, null);

    /** What the token endpoint does with refresh tokens. */
    public enum RefreshTokens {
        /** Every refresh answers with a new refresh token; the one used is dead from then on. */
        ROTATE,
        /** A refresh answers without a refresh token; the one used stays valid (RFC 6749 section 6). */
        KEEP,
        /** No refresh token is ever issued: the grant lasts as long as its access token. */
        NONE
    }

    public TokenSettings {
        Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime");
        Objects.requireNonNull(refreshTokens, "refreshTokens");
        if (accessTokenLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("accessTokenLifetime: " + accessTokenLifetime + " (expected: >= PT1S)");
        }
    }

    public TokenSettings withAccessTokenLifetime(Duration lifetime) {
        return new TokenSettings(lifetime, sendExpiresIn, refreshTokens, revokeFamilyOnReuse, grantedScope);
    }

    public TokenSettings withSendExpiresIn(boolean send) {
        return new TokenSettings(accessTokenLifetime, send, refreshTokens, revokeFamilyOnReuse, grantedScope);
    }

    public TokenSettings withRefreshTokens(RefreshTokens mode) {
        return new TokenSettings(accessTokenLifetime, sendExpiresIn, mode, revokeFamilyOnReuse, grantedScope);
    }

    public TokenSettings withRevokeFamilyOnReuse(boolean revoke) {
        return new TokenSettings(accessTokenLifetime, sendExpiresIn, refreshTokens, revoke, grantedScope);
    }

    public TokenSettings withGrantedScope(String scope) {
        return new TokenSettings(accessTokenLifetime, sendExpiresIn, refreshTokens, revokeFamilyOnReuse, scope);
    }
}
