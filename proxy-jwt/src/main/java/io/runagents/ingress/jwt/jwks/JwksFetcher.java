package io.runagents.ingress.jwt.jwks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches JWKS documents asynchronously with {@link HttpClient}: redirects are never followed (a JWKS that moves
 * must be reconfigured, not chased), the whole exchange is bounded by a timeout, and the body by a size cap that
 * is enforced while it streams. Only a 200 answer counts.
 */
public final class JwksFetcher {

    /** Large enough for any real provider's key set (Google's is ~2 KB), small enough to bound memory. */
    public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

    /** A fetched document and the {@code Cache-Control: max-age} it came with, if any. */
    public record Response(byte[] body, OptionalLong maxAgeSeconds) {
    }

    private final HttpClient client;
    private final Duration timeout;
    private final int maxBodyBytes;

    /** A fetcher whose HTTP client completes on {@code executor}. */
    public JwksFetcher(Duration timeout, int maxBodyBytes, Executor executor) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
        }
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .executor(executor)
                .build();
    }

    /** The configured timeout for one whole fetch. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Starts a fetch. The future fails with a {@link JwksException} (possibly wrapped) on a non-200 status, an
     * oversized body, a timeout or an I/O error.
     */
    public CompletableFuture<Response> fetch(URI uri) {
        if (!allowedScheme(uri)) {
            // Config validation refuses these too; keys fetched in clear text could be swapped on the way.
            return CompletableFuture.failedFuture(new JwksException("jwksUri must be https (http only for loopback)"));
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/jwk-set+json, application/json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> exchange =
                client.sendAsync(request, info -> new BoundedBody(maxBodyBytes, info,
                        () -> new JwksException("JWKS body exceeds " + maxBodyBytes + " bytes")));
        CompletableFuture<Response> result = exchange.handle((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw new CompletionException(cause instanceof JwksException ? cause
                        : new JwksException("fetch failed: " + describe(cause), cause));
            }
            if (response.statusCode() != 200) {
                throw new CompletionException(new JwksException("HTTP " + response.statusCode()
                        + (response.statusCode() / 100 == 3 ? " (redirects are not followed)" : "")));
            }
            return new Response(response.body(), maxAge(response.headers().allValues("cache-control")));
        });
        // The request timeout covers only the wait for headers; this bounds a body that trickles in too.
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((r, e) -> {
            if (e == null) {
                return r;
            }
            exchange.cancel(true);
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new CompletionException(cause instanceof TimeoutException
                    ? new JwksException("fetch timed out after " + timeout.toMillis() + " ms") : cause);
        });
    }

    /** SPEC section 3: https, or http to a loopback host. */
    static boolean allowedScheme(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return true;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme.equals("http") && (host.equals("127.0.0.1") || host.equals("localhost")
                || host.equals("[::1]") || host.equals("::1"));
    }

    private static String describe(Throwable t) {
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        return t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
    }

    /** {@code max-age} seconds from {@code Cache-Control}; {@code no-store}/{@code no-cache} count as 0. */
    static OptionalLong maxAge(List<String> cacheControl) {
        for (String header : cacheControl) {
            for (String directive : header.split(",")) {
                String d = directive.trim().toLowerCase(Locale.ROOT);
                if (d.equals("no-store") || d.equals("no-cache")) {
                    return OptionalLong.of(0);
                }
                if (d.startsWith("max-age=")) {
                    try {
                        return OptionalLong.of(Math.max(0, Long.parseLong(d.substring(8).replace("\"", ""))));
                    } catch (NumberFormatException e) {
                        return OptionalLong.empty();
                    }
                }
            }
        }
        return OptionalLong.empty();
    }
}
