package io.runagents.ingress.core.demo.authserver;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * What a token or revocation request presented to authenticate its client: the id, the secret (null for a
 * public client) and the method it used. Whether they are right is {@link OAuthAuthority}'s to decide.
 */
public record ClientCredentials(String clientId, String secret, ClientAuthMethod method) {
    private static final String BASIC = "Basic ";

    public ClientCredentials {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
    }

    /** Without the secret: a record's own toString would print it. */
    @Override
    public String toString() {
        return "ClientCredentials[clientId=" + clientId + ", method=" + method.wireName() + "]";
    }

    /**
     * Reads the credentials from the {@code Authorization} header (may be null) and the form body. RFC 6749
     * section 2.3.1: the Basic user and password are the form-encoded id and secret, and a request uses one
     * method only.
     */
    public static ClientCredentials from(String authorization, Map<String, String> form) throws OAuthError {
        String formId = form.get("client_id");
        String formSecret = form.get("client_secret");
        if (authorization != null) {
            return fromBasic(authorization, formId, formSecret);
        }
        if (formId == null) {
            throw OAuthError.invalidClient("no client authentication and no client_id");
        }
        return new ClientCredentials(formId, formSecret,
                formSecret == null ? ClientAuthMethod.NONE : ClientAuthMethod.CLIENT_SECRET_POST);
    }

    private static ClientCredentials fromBasic(String authorization, String formId, String formSecret)
            throws OAuthError {
        if (!authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            throw OAuthError.invalidClient("the Authorization header is not Basic");
        }
        if (formSecret != null) {
            throw OAuthError.invalidRequest("client authentication in both the Authorization header and the body");
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidClient("the Basic credentials are not base64");
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            throw OAuthError.invalidClient("the Basic credentials have no ':'");
        }
        String id;
        String secret;
        try {
            id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidClient("the Basic credentials are not form-encoded (RFC 6749 section 2.3.1)");
        }
        if (formId != null && !formId.equals(id)) {
            throw OAuthError.invalidClient("client_id in the body differs from the Authorization header's");
        }
        return new ClientCredentials(id, secret, ClientAuthMethod.CLIENT_SECRET_BASIC);
    }
}
