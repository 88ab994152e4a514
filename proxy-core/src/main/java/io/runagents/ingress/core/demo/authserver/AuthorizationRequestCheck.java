package io.runagents.ingress.core.demo.authserver;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.regex.Pattern;

/** The checks of an authorization request's query (RFC 6749 section 4.1.1, RFC 7636 section 4.3, RFC 8707). */
final class AuthorizationRequestCheck {
    /** RFC 7636 section 4.2: BASE64URL(SHA-256(verifier)) is 43 characters, no padding. */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private AuthorizationRequestCheck() { }

    /**
     * The client and its redirect URI first: until both are known good, a wrong request is refused to the
     * browser, never redirected. Then everything else, each failure redirected to the client.
     */
    static AuthorizationCheck check(ClientRegistry clients, Map<String, String> query) {
        String clientId = query.get("client_id");
        OAuthClient client = clients.find(clientId);
        if (client == null) {
            return new AuthorizationCheck.Refused(clientId == null ? "client_id is missing" : "unknown client_id");
        }
        String redirectUri = query.get("redirect_uri");
        if (redirectUri == null || !client.redirectUris().contains(redirectUri)) {
            return new AuthorizationCheck.Refused(redirectUri == null ? "redirect_uri is missing"
                    : "redirect_uri is not registered for this client");
        }
        String state = query.get("state");
        if (!"code".equals(query.get("response_type"))) {
            return new AuthorizationCheck.Rejected(redirectUri, state, "unsupported_response_type",
                    "response_type must be code");
        }
        String challenge = query.get("code_challenge");
        if (challenge == null || !"S256".equals(query.get("code_challenge_method"))) {
            return new AuthorizationCheck.Rejected(redirectUri, state, "invalid_request",
                    "PKCE is required: code_challenge with code_challenge_method=S256");
        }
        if (!S256_CHALLENGE.matcher(challenge).matches()) {
            return new AuthorizationCheck.Rejected(redirectUri, state, "invalid_request",
                    "code_challenge is not an S256 challenge (43 base64url characters)");
        }
        String resource = query.get("resource");
        if (resource != null && !isResourceUri(resource)) {
            return new AuthorizationCheck.Rejected(redirectUri, state, "invalid_target",
                    "resource must be an absolute URI without a fragment (RFC 8707)");
        }
        return new AuthorizationRequest(client, redirectUri, query.get("scope"), state, challenge, resource);
    }

    private static boolean isResourceUri(String value) {
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
