package io.runagents.ingress.tokenstore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a token endpoint answered: the tokens of a new grant, of a pending grant, or of a refresh.
 *
 * @param accessToken the access token
 * @param refreshToken the refresh token, or null when the response had none (on a refresh: keep the old one,
 *                     RFC 6749 section 6)
 * @param accessExpiresAt when the access token expires, or null when the response had no {@code expires_in} (used
 *                        until the tool answers 401)
 * @param scopes the scopes the token endpoint granted, or null when the response did not say (on a refresh: keep
 *               the previous ones; for a new grant the caller passes the scopes it asked for, RFC 6749 section 5.1)
 */
public record TokenSet(Secret accessToken, Secret refreshToken, Instant accessExpiresAt, List<String> scopes) {
    public TokenSet {
        Objects.requireNonNull(accessToken, "accessToken");
        if (scopes != null) {
            scopes = Scopes.checked(scopes);
        }
    }
}
