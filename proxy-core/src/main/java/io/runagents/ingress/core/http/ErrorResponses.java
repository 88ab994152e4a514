package io.runagents.ingress.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Responses the proxy makes itself: always JSON,
 * {@code {"error": "...", "error_description": "...", "request_id": "..."}}.
 */
public final class ErrorResponses {
    private ErrorResponses() { }

    /**
     * A complete error response. The caller adds headers (challenge, {@code Retry-After}, connection) and
     * owns the returned message until it writes it.
     *
     * @param withBody false for replies to HEAD, which carry the length of the body they would have had
     */
    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String error,
                                        String description, String requestId, boolean withBody) {
        return json(alloc, status, error, description, requestId, withBody, Map.of());
    }

    /** Like {@link #json(ByteBufAllocator, HttpResponseStatus, String, String, String, boolean)} with more fields. */
    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String error,
                                        String description, String requestId, boolean withBody,
                                        Map<String, String> fields) {
        byte[] body = jsonBody(error, description, requestId, fields).getBytes(StandardCharsets.UTF_8);
        ByteBuf content = withBody ? alloc.buffer(body.length).writeBytes(body) : alloc.buffer(0);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (requestId != null) {
            response.headers().set(ProxyHeaders.X_REQUEST_ID, requestId);
        }
        return response;
    }

    /**
     * Writes a JSON error as the whole answer to a request and flushes it; with {@code close}, marks it
     * {@code Connection: close} and closes the connection once it is written.
     *
     * @param method the request's method (HEAD gets no body)
     * @param headers adds response headers (challenge, {@code Retry-After}); may be null
     */
    public static void send(ChannelHandlerContext ctx, HttpMethod method, WireError error, String description,
                            String requestId, boolean close, Consumer<HttpHeaders> headers) {
        send(ctx, method, error, description, requestId, close, headers, Map.of());
    }

    /** Like {@link #send(ChannelHandlerContext, HttpMethod, WireError, String, String, boolean, Consumer)}, with
     *  more string fields in the body after the standard three (SPEC section 7's {@code tool}, {@code consent_url}). */
    public static void send(ChannelHandlerContext ctx, HttpMethod method, WireError error, String description,
                            String requestId, boolean close, Consumer<HttpHeaders> headers,
                            Map<String, String> fields) {
        FullHttpResponse response = json(ctx.alloc(), error.status(), error.code(), description, requestId,
                !HttpMethod.HEAD.equals(method), fields);
        if (headers != null) {
            headers.accept(response.headers());
        }
        writeWhole(ctx, response, close);
    }

    /**
     * Writes a document the proxy answers with as the whole answer and flushes it; with {@code close}, marks it
     * {@code Connection: close} and closes the connection once it is written.
     *
     * @param contentType null for a reply without a body (204)
     */
    public static void reply(ChannelHandlerContext ctx, HttpMethod method, HttpResponseStatus status,
                             String contentType, byte[] body, String requestId, boolean close,
                             Consumer<HttpHeaders> headers) {
        boolean withBody = !HttpMethod.HEAD.equals(method) && body.length > 0;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                withBody ? ctx.alloc().buffer(body.length).writeBytes(body) : ctx.alloc().buffer(0));
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (status.code() != 204) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        if (requestId != null) {
            response.headers().set(ProxyHeaders.X_REQUEST_ID, requestId);
        }
        if (headers != null) {
            headers.accept(response.headers());
        }
        writeWhole(ctx, response, close);
    }

    /** Writes and flushes a whole answer; with {@code close}, says so and closes the connection after it. */
    private static void writeWhole(ChannelHandlerContext ctx, FullHttpResponse response, boolean close) {
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }

    /** The JSON error document; {@code request_id} is omitted when null. */
    public static String jsonBody(String error, String description, String requestId) {
        return jsonBody(error, description, requestId, Map.of());
    }

    /** The JSON error document with {@code fields} after the standard members. */
    public static String jsonBody(String error, String description, String requestId, Map<String, String> fields) {
        StringBuilder sb = new StringBuilder(96 + description.length());
        sb.append("{\"error\":");
        Json.appendString(sb, error);
        sb.append(",\"error_description\":");
        Json.appendString(sb, description);
        if (requestId != null) {
            sb.append(",\"request_id\":");
            Json.appendString(sb, requestId);
        }
        for (Map.Entry<String, String> field : fields.entrySet()) {
            sb.append(',');
            Json.appendString(sb, field.getKey());
            sb.append(':');
            Json.appendString(sb, field.getValue());
        }
        return sb.append('}').toString();
    }
}
