package io.runagents.ingress.core.testing;

import com.sun.net.httpserver.HttpExchange;
import io.runagents.ingress.core.demo.authserver.OAuthHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How {@link StubAuthorizationServer}'s token (or revocation) endpoint fails when a test says so. A failing
 * answer touches no grant: the code or refresh token sent stays as it was.
 */
public enum TokenEndpointFailure {
    /** No failure: the real answer. */
    NONE,
    /** 500 with a text body. */
    SERVER_ERROR,
    /** 429 with {@code Retry-After: 30}. */
    TOO_MANY_REQUESTS,
    /** 401 {@code invalid_client}: a configuration error of the tool (wrong secret, wrong method). */
    INVALID_CLIENT,
    /** 400 {@code unauthorized_client}: another configuration error, and an example of "other 4xx". */
    UNAUTHORIZED_CLIENT,
    /** 400 {@code invalid_grant}: the grant is gone (revoked, expired) at the provider. */
    INVALID_GRANT,
    /** 200 with an {@code error} field and no token, as GitHub answers a bad code. */
    ERROR_WITH_200,
    /** 200 with an HTML page (a login page where JSON was expected). */
    NOT_JSON,
    /** 200 JSON without {@code access_token}. */
    NO_ACCESS_TOKEN,
    /** 200 JSON with {@code token_type: "mac"}. */
    NOT_BEARER,
    /** 200, an otherwise good answer of {@link #OVERSIZED_BYTES} bytes, with Content-Length. */
    OVERSIZED,
    /** The same, chunked: a size cap must count while reading. */
    OVERSIZED_CHUNKED,
    /** No answer until {@link StubAuthorizationServer#release()} (or close); then 503, still touching nothing. */
    HANG;

    /** One byte over the 64 KiB a token answer may have (SPEC section 8). */
    public static final int OVERSIZED_BYTES = 64 * 1024 + 1;

    /** Writes this failure's answer. Not for {@link #NONE}. */
    void answer(HttpExchange exchange) throws IOException {
        String fake = "{\"access_token\":\"at_not_issued\",\"token_type\":\"Bearer\",\"expires_in\":3600";
        switch (this) {
            case SERVER_ERROR -> OAuthHttp.send(exchange, 500, "text/plain", "internal error\n");
            case TOO_MANY_REQUESTS -> {
                exchange.getResponseHeaders().set("Retry-After", "30");
                OAuthHttp.send(exchange, 429, "application/json", "{\"error\":\"rate_limited\"}");
            }
            case INVALID_CLIENT -> {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"oauth\"");
                error(exchange, 401, "invalid_client");
            }
            case UNAUTHORIZED_CLIENT -> error(exchange, 400, "unauthorized_client");
            case INVALID_GRANT -> error(exchange, 400, "invalid_grant");
            case ERROR_WITH_200 -> error(exchange, 200, "bad_verification_code");
            case NOT_JSON -> OAuthHttp.send(exchange, 200, "text/html",
                    "<html><body><form action=\"/login\">Sign in</form></body></html>\n");
            case NO_ACCESS_TOKEN -> OAuthHttp.send(exchange, 200, "application/json",
                    "{\"token_type\":\"Bearer\",\"expires_in\":3600}");
            case NOT_BEARER -> OAuthHttp.send(exchange, 200, "application/json",
                    fake.replace("Bearer", "mac") + "}");
            case OVERSIZED, OVERSIZED_CHUNKED -> oversized(exchange, fake, this == OVERSIZED_CHUNKED);
            case HANG -> error(exchange, 503, "temporarily_unavailable");
            case NONE -> throw new IllegalStateException("NONE is no failure");
        }
    }

    private static void error(HttpExchange exchange, int status, String error) throws IOException {
        OAuthHttp.send(exchange, status, "application/json",
                "{\"error\":\"" + error + "\",\"error_description\":\"a failure the test asked for\"}");
    }

    /** A good answer padded to exactly {@link #OVERSIZED_BYTES}: only its size is wrong. */
    private static void oversized(HttpExchange exchange, String fields, boolean chunked) throws IOException {
        String start = fields + ",\"padding\":\"";
        String end = "\"}";
        byte[] body = (start + "x".repeat(OVERSIZED_BYTES - start.length() - end.length()) + end)
                .getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
