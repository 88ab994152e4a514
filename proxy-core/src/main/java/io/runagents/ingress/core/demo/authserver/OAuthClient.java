package io.runagents.ingress.core.demo.authserver;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A registered client: its id, its secret (null exactly for a public client, {@link ClientAuthMethod#NONE}),
 * the one way it must authenticate, and the redirect URIs it may ask for, compared as exact strings (RFC 9700
 * section 4.1.3: no pattern, no prefix).
 */
public record OAuthClient(String clientId, String secret, ClientAuthMethod authMethod, List<String> redirectUris) {
    public OAuthClient {
        Objects.requireNonNull(authMethod, "authMethod");
        if (clientId == null || clientId.isEmpty()) {
            throw new IllegalArgumentException("clientId: " + clientId + " (expected: a non-empty string)");
        }
        if ((secret == null) != (authMethod == ClientAuthMethod.NONE)) {
            throw new IllegalArgumentException("secret: " + (secret == null ? "null" : "set") + " (expected: "
                    + (authMethod == ClientAuthMethod.NONE ? "none for a public client" : "a secret for "
                    + authMethod.wireName()) + ")");
        }
        redirectUris = List.copyOf(redirectUris);
        if (redirectUris.isEmpty()) {
            throw new IllegalArgumentException("redirectUris: [] (expected: at least one)");
        }
        for (String uri : redirectUris) {
            checkRedirectUri(uri);
        }
    }

    /** Without the secret: a record's own toString would print it. */
    @Override
    public String toString() {
        return "OAuthClient[clientId=" + clientId + ", authMethod=" + authMethod.wireName() + ", redirectUris="
                + redirectUris + "]";
    }

    /** A confidential client with one redirect URI. */
    public static OAuthClient confidential(String clientId, String secret, ClientAuthMethod authMethod,
                                          String redirectUri) {
        return new OAuthClient(clientId, secret, authMethod, List.of(redirectUri));
    }

    /** A public client (no secret) with one redirect URI. */
    public static OAuthClient publicClient(String clientId, String redirectUri) {
        return new OAuthClient(clientId, null, ClientAuthMethod.NONE, List.of(redirectUri));
    }

    /** RFC 6749 section 3.1.2: an absolute URI without a fragment. */
    private static void checkRedirectUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("redirectUris: " + uri + " (expected: a URI)", e);
        }
        if (!parsed.isAbsolute() || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("redirectUris: " + uri + " (expected: an absolute URI, no fragment)");
        }
    }
}
