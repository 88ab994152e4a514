package io.runagents.ingress.core.exchange;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The CORS headers on answers to a cross-origin caller the agent allows (SPEC section 11): the origin echoed
 * (never {@code *}: the calls carry credentials), {@code Vary: Origin}, and the headers an MCP client in a browser
 * must read: {@code WWW-Authenticate} (where to log in) and {@code Mcp-Session-Id}.
 */
public final class CorsHeaders {
    /** Response headers a browser page may read besides the CORS-safelisted ones. */
    public static final String EXPOSED = "WWW-Authenticate, Mcp-Session-Id";

    private CorsHeaders() {
    }

    /** Adds the headers for {@code origin}, replacing any the agent set. */
    public static void addTo(HttpHeaders headers, String origin) {
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    }
}
