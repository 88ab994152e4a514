package io.runagents.ingress.core.demo.authserver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OAuth error answer (RFC 6749 section 5.2): the HTTP status, the {@code error} code and a description
 * for the developer. Descriptions never hold a token, code, verifier or secret.
 */
public final class OAuthError extends Exception {
    private final int status;
    private final String error;

    public OAuthError(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description);
    }

    /** Always 401: RFC 6749 requires it when the client tried the Authorization header and allows it otherwise. */
    public static OAuthError invalidClient(String description) {
        return new OAuthError(401, "invalid_client", description);
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    /** The JSON body: {@code error} and {@code error_description}. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        return body;
    }
}
