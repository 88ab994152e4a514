package io.runagents.ingress.core.demo.authserver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A successful token answer and whose it is.
 *
 * @param grantType    {@code authorization_code} or {@code refresh_token}
 * @param expiresIn    seconds, or null when the answer does not say
 * @param refreshToken null when the answer carries none
 * @param account      the user who consented, for tests and the demo's resource; not part of the answer
 */
public record IssuedTokens(String grantType, String accessToken, Long expiresIn, String refreshToken, String scope,
                           String account) {
    public IssuedTokens {
        Objects.requireNonNull(grantType, "grantType");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(account, "account");
    }

    /** The RFC 6749 section 5.1 body. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        if (expiresIn != null) {
            body.put("expires_in", expiresIn);
        }
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        if (scope != null) {
            body.put("scope", scope);
        }
        return body;
    }

    /** Without the tokens: a record's own toString would print them. */
    @Override
    public String toString() {
        return "IssuedTokens[grantType=" + grantType + ", expiresIn=" + expiresIn + ", refreshToken="
                + (refreshToken != null) + ", scope=" + scope + ", account=" + account + "]";
    }
}
