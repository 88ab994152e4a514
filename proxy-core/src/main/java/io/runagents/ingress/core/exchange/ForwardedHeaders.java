package io.runagents.ingress.core.exchange;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.runagents.ingress.core.http.HopByHop;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.routing.UpstreamTarget;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/** The headers the relay writes: on requests towards the agent and on responses towards the client. */
final class ForwardedHeaders {
    private ForwardedHeaders() { }

    /** The client's address as {@code X-Forwarded-For} names it. */
    static String clientIp(SocketAddress client) {
        return client instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unknown";
    }

    /**
     * Completes the request head for its upstream. The ingress adds {@code X-Forwarded-*} and
     * {@code X-Request-ID} (the guard removed what a client must not say: {@code IdentityHeaders}) and drops
     * {@code Authorization} unless the provider forwards it; the egress
     * adds only the request id (the ingress request's, from the identity context).
     */
    static void addToRequest(Exchange exchange, boolean tls, String clientIp) {
        HttpHeaders headers = exchange.head().headers();
        headers.set(ProxyHeaders.X_REQUEST_ID, exchange.requestId());
        if (!exchange.profile().addsForwardedHeaders()) {
            return;
        }
        if (!exchange.forwardAuthorization()) {
            headers.remove(HttpHeaderNames.AUTHORIZATION);
        }
        if (headers.contains(ProxyHeaders.X_FORWARDED_FOR)) {
            List<String> previous = headers.getAll(ProxyHeaders.X_FORWARDED_FOR);
            headers.set(ProxyHeaders.X_FORWARDED_FOR, String.join(", ", previous) + ", " + clientIp);
        } else {
            headers.set(ProxyHeaders.X_FORWARDED_FOR, clientIp);
        }
        headers.set(ProxyHeaders.X_FORWARDED_PROTO, tls ? "https" : "http");
        headers.set(ProxyHeaders.X_FORWARDED_HOST, exchange.authority());
    }

    /**
     * Points the request at one upstream target: its base path plus the route's path and the query, as
     * HTTP/1.1; at the egress the tool is addressed by its own host.
     */
    static void aimAt(Exchange exchange, UpstreamTarget target) {
        HttpRequest head = exchange.head();
        head.setUri(target.basePath() + exchange.upstreamRoute().upstreamPath(exchange.path())
                + (exchange.query() == null ? "" : "?" + exchange.query()));
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (exchange.profile().addressesUpstreamByItsHost()) {
            head.headers().set(HttpHeaderNames.HOST, target.authority());
        }
    }

    /**
     * Prepares the agent's response head for the client: hop-by-hop headers removed, the request id
     * echoed, framing fixed for a body the agent delimited by closing, and {@code Connection: close} when
     * this is the connection's last exchange.
     */
    static void prepareResponse(HttpResponse response, Exchange exchange) {
        prepare(response, exchange, exchange.closesConnection());
        if (exchange.allowedOrigin() != null) {
            CorsHeaders.addTo(response.headers(), exchange.allowedOrigin());
        }
    }

    private static void prepare(HttpResponse response, Exchange exchange, boolean closeAfter) {
        HttpHeaders headers = response.headers();
        HopByHop.remove(headers, false);
        headers.set(ProxyHeaders.X_REQUEST_ID, exchange.requestId());
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        boolean mayHaveBody = response.status().codeClass() != HttpStatusClass.INFORMATIONAL
                && response.status().code() != 204 && response.status().code() != 304;
        if (mayHaveBody && !HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response)
                && !exchange.http10()) {
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        if (closeAfter) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (exchange.http10()) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /**
     * An interim (1xx) response for the client, complete in itself: the decoder's end marker that follows
     * it is dropped by the relay, so the client-side encoder sees one whole message.
     */
    static FullHttpResponse interim(ByteBufAllocator alloc, HttpResponse response, Exchange exchange) {
        FullHttpResponse interim = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                alloc.buffer(0), response.headers(), EmptyHttpHeaders.INSTANCE);
        prepare(interim, exchange, false);
        interim.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        return interim;
    }

    /** The agent's {@code 101 Switching Protocols}, as is (upgrade headers kept), with the request id. */
    static FullHttpResponse switchingProtocols(ByteBufAllocator alloc, HttpResponse response, Exchange exchange) {
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                alloc.buffer(0), response.headers(), EmptyHttpHeaders.INSTANCE);
        switching.headers().set(ProxyHeaders.X_REQUEST_ID, exchange.requestId());
        return switching;
    }

    /** True when the response cannot have a body (204, 304, or an answer to HEAD). */
    static boolean isBodyless(HttpResponse response, Exchange exchange) {
        int code = response.status().code();
        return code == 204 || code == 304 || HttpMethod.HEAD.equals(exchange.head().method());
    }
}
