package io.runagents.ingress.core.demo.authserver;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import io.runagents.ingress.core.http.Html;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP both servers speak around {@link OAuthAuthority}, on the JDK's {@code com.sun.net.httpserver}:
 * strict parameter parsing, the token endpoint's form body, client credentials, and the JSON, redirect and
 * page answers with the headers RFC 6749 asks for.
 */
public final class OAuthHttp {
    /** More than any OAuth form needs; a larger body is refused, not read. */
    public static final int MAX_FORM_BYTES = 16 * 1024;
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";

    private OAuthHttp() { }

    /**
     * Parses {@code application/x-www-form-urlencoded} text (a query or a form body; null is empty). A
     * parameter without a value counts as absent (RFC 6749 section 3.1); one given twice is an error.
     */
    public static Map<String, String> parameters(String raw) throws OAuthError {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidRequest("malformed percent-encoding");
            }
            if (!seen.add(name)) {
                throw OAuthError.invalidRequest("parameter " + name + " is repeated");
            }
            if (!value.isEmpty()) {
                params.put(name, value);
            }
        }
        return params;
    }

    /** The request's query parameters. */
    public static Map<String, String> query(HttpExchange exchange) throws OAuthError {
        return parameters(exchange.getRequestURI().getRawQuery());
    }

    /** The form body of a POST (RFC 6749 section 4.1.3): method, media type and size are checked first. */
    public static Map<String, String> form(HttpExchange exchange) throws OAuthError, IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new OAuthError(405, "invalid_request", "use POST");
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM_TYPE)) {
            throw OAuthError.invalidRequest("the body must be " + FORM_TYPE);
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_FORM_BYTES + 1);
        }
        if (body.length > MAX_FORM_BYTES) {
            throw new OAuthError(413, "invalid_request", "the body is over " + MAX_FORM_BYTES + " bytes");
        }
        return parameters(new String(body, StandardCharsets.UTF_8));
    }

    /** The client credentials of a token or revocation request whose form is {@code form}. */
    public static ClientCredentials credentials(HttpExchange exchange, Map<String, String> form) throws OAuthError {
        List<String> authorization = exchange.getRequestHeaders().get("Authorization");
        if (authorization != null && authorization.size() > 1) {
            throw OAuthError.invalidRequest("two Authorization headers");
        }
        return ClientCredentials.from(authorization == null ? null : authorization.get(0), form);
    }

    /** The token of {@code Authorization: Bearer <token>} (RFC 6750 section 2.1), or null. */
    public static String bearerToken(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7);
        return token.isEmpty() ? null : token;
    }

    /** A JSON answer that no cache keeps (RFC 6749 section 5.1). */
    public static void json(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Pragma", "no-cache");
        send(exchange, status, "application/json", JSONObjectUtils.toJSONString(body));
    }

    /** An OAuth error as JSON; an {@code invalid_client} 401 carries its Basic challenge (RFC 6749 section 5.2). */
    public static void error(HttpExchange exchange, OAuthError error) throws IOException {
        if (error.status() == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"oauth\"");
        }
        if (error.status() == 405) {
            exchange.getResponseHeaders().set("Allow", "POST");
        }
        json(exchange, error.status(), error.body());
    }

    /** The 302 of an authorization answer, nothing in the body. */
    public static void redirect(HttpExchange exchange, URI location) throws IOException {
        exchange.getResponseHeaders().set("Location", location.toString());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** An HTML page that no cache keeps, no other site frames and that sends no referrer on. */
    public static void page(HttpExchange exchange, int status, String html) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        send(exchange, status, "text/html; charset=utf-8", html);
    }

    /** Sends {@code body} with its length and closes the exchange. */
    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code text} escaped for HTML text and quoted attribute values. */
    public static String html(String text) {
        return Html.escape(text);
    }
}
