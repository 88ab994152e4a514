package io.runagents.ingress.core.admin;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.runagents.ingress.core.http.ErrorResponses;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The console's files as HTTP responses, each with the headers that keep a page of the admin listener from
 * running anything but its own files (SPEC section 12): a strict Content-Security-Policy (no inline script or
 * style, nothing from another origin, no framing), {@code nosniff}, no referrer.
 */
final class ConsoleResponses {
    /** Only the console's own files; no inline script or style; no frames; forms post nowhere. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private ConsoleResponses() { }

    /** The file at {@code path} (304 when the client's copy is current), or a 404. */
    static FullHttpResponse answer(ConsoleAssets console, String path, HttpRequest request) {
        Optional<ConsoleAssets.Asset> found = console.find(path);
        FullHttpResponse response;
        if (found.isEmpty()) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                    Unpooled.wrappedBuffer(ErrorResponses.jsonBody("not_found", "no such console file", null)
                            .getBytes(StandardCharsets.UTF_8)));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        } else {
            ConsoleAssets.Asset asset = found.get();
            boolean current = asset.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
            response = current
                    ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED)
                    : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            Unpooled.wrappedBuffer(asset.bytes()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                    .set(HttpHeaderNames.ETAG, asset.etag());
        }
        secure(response.headers());
        return response;
    }

    /**
     * The headers every console response carries. {@code no-cache} means "revalidate": after an upgrade the
     * browser gets the new files at once, and the ETag keeps an unchanged file to a 304.
     */
    static void secure(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("Referrer-Policy", "no-referrer")
                .set("Cross-Origin-Opener-Policy", "same-origin")
                .set("Cross-Origin-Resource-Policy", "same-origin");
    }
}
