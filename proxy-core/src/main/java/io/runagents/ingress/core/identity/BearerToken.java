package io.runagents.ingress.core.identity;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Takes the token from {@code Authorization: Bearer <token>} (SPEC section 5): the scheme in any case,
 * exactly one space, then the token. Never from the query string or cookies.
 */
public final class BearerToken {
    private BearerToken() { }

    private static final String SCHEME = "Bearer ";

    /** The token, or null when the request has no {@code Authorization} header at all. */
    public static String extract(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (value == null) {
            return null;
        }
        if (value.length() <= SCHEME.length() || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return ""; // present but not a bearer token: the authenticator refuses it as malformed
        }
        return value.substring(SCHEME.length());
    }
}
