package io.runagents.ingress.tokenstore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the listing endpoints and the admin view show of a grant: everything but its tokens, which are not even
 * decrypted to produce it.
 *
 * @param key whose grant for which tool
 * @param scopes the granted scopes
 * @param accessExpiresAt when the current access token expires, or null when unknown
 * @param refreshable whether a refresh token is stored
 * @param createdAt when the user granted it
 * @param refreshedAt when it was last refreshed, or null
 * @param version see {@link Grant#version()}
 * @param keyId the id of the key its tokens are encrypted with
 */
public record GrantInfo(GrantKey key, List<String> scopes, Instant accessExpiresAt, boolean refreshable,
                        Instant createdAt, Instant refreshedAt, long version, String keyId) {
    public GrantInfo {
        Objects.requireNonNull(key, "key");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(keyId, "keyId");
    }
}
