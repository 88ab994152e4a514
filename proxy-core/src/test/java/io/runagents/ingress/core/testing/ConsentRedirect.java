package io.runagents.ingress.core.testing;

import io.runagents.ingress.core.demo.authserver.OAuthError;
import io.runagents.ingress.core.demo.authserver.OAuthHttp;
import java.net.URI;
import java.util.Map;

/**
 * Where an authorization server sent the browser: the {@code Location} and its query parameters, read
 * without following it, so a test can hand the callback to the proxy itself (or not).
 */
public record ConsentRedirect(URI location, Map<String, String> params) {
    public ConsentRedirect {
        params = Map.copyOf(params);
    }

    /** Parses a {@code Location}. */
    public static ConsentRedirect of(URI location) {
        try {
            return new ConsentRedirect(location, OAuthHttp.parameters(location.getRawQuery()));
        } catch (OAuthError e) {
            throw new IllegalArgumentException("location: " + location + " (expected: a form-encoded query)", e);
        }
    }

    /** The code, or null (an error answer). */
    public String code() {
        return params.get("code");
    }

    public String state() {
        return params.get("state");
    }

    /** The {@code error}, or null (a code answer). */
    public String error() {
        return params.get("error");
    }

    /** The RFC 9207 {@code iss}, or null when the server did not send it. */
    public String iss() {
        return params.get("iss");
    }

    /** The location without its query: the redirect URI the client registered. */
    public String redirectUri() {
        String s = location.toString();
        int query = s.indexOf('?');
        return query < 0 ? s : s.substring(0, query);
    }
}
