package io.runagents.ingress.core.demo.authserver;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A valid authorization request, waiting for the user's answer: the client, the redirect URI it registered,
 * the scope and {@code state} it sent (either may be null), its PKCE S256 challenge, and the RFC 8707
 * resource (null when not sent).
 */
public record AuthorizationRequest(OAuthClient client, String redirectUri, String scope, String state,
                                   String codeChallenge, String resource) implements AuthorizationCheck {
    public AuthorizationRequest {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(codeChallenge, "codeChallenge");
    }

    /** The user allowed: the redirect with {@code code}, and {@code iss} (RFC 9207) when not null. */
    public URI approved(String code, String issuer) {
        return AuthorizationCheck.redirect(redirectUri, Map.of("code", code), state, issuer);
    }

    /** The user said no: the redirect with {@code error=access_denied}, and {@code iss} when not null. */
    public URI denied(String issuer) {
        return AuthorizationCheck.redirect(redirectUri, Map.of("error", "access_denied"), state, issuer);
    }
}
