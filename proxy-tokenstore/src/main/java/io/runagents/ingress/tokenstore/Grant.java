package io.runagents.ingress.tokenstore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A user's active grant for a tool, with its tokens decrypted. {@code toString} shows no token ({@link Secret}).
 *
 * @param key whose grant for which tool
 * @param scopes the scopes the token endpoint granted
 * @param accessToken the access token to inject
 * @param accessExpiresAt when it expires, or null when the token endpoint did not say
 * @param refreshToken the refresh token, or null when there is none
 * @param createdAt when the user granted it
 * @param refreshedAt when it was last refreshed, or null before the first refresh
 * @param version changes on every write of the grant (refresh, replacement); compare for equality only. A cached
 *                access token whose version is no longer the stored one is stale.
 * @param keyId the encryption key the row was read with; not the first key of the ring means the next write
 *              re-encrypts it
 */
public record Grant(GrantKey key, List<String> scopes, Secret accessToken, Instant accessExpiresAt,
                    Secret refreshToken, Instant createdAt, Instant refreshedAt, long version, String keyId) {
    public Grant {
        Objects.requireNonNull(key, "key");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(keyId, "keyId");
    }

    /** The metadata of this grant, without tokens. */
    public GrantInfo info() {
        return new GrantInfo(key, scopes, accessExpiresAt, refreshToken != null, createdAt, refreshedAt, version, keyId);
    }
}
