package io.runagents.ingress.core.ingress;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.runagents.ingress.core.http.HopByHop;
import io.runagents.ingress.core.http.ProxyHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/** The headers the relay writes: on requests towards the agent and on responses towards the client. */
final class ForwardedHeaders {
    private ForwardedHeaders() { }

    /**
     * Completes the request head for the agent: {@code X-Forwarded-*}, {@code X-Request-ID}, and
     * {@code Authorization} removed unless the provider forwards it.
     */
    static void addToRequest(IngressRequest request, SocketAddress client, boolean tls) {
        HttpHeaders headers = request.head.headers();
        if (!request.forwardAuthorization) {
            headers.remove(HttpHeaderNames.AUTHORIZATION);
        }
        String clientIp = client instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unknown";
        List<String> previous = headers.getAll(ProxyHeaders.X_FORWARDED_FOR);
        if (previous.isEmpty()) {
            headers.set(ProxyHeaders.X_FORWARDED_FOR, clientIp);
        } else {
            headers.set(ProxyHeaders.X_FORWARDED_FOR, String.join(", ", previous) + ", " + clientIp);
        }
        headers.set(ProxyHeaders.X_FORWARDED_PROTO, tls ? "https" : "http");
        headers.set(ProxyHeaders.X_FORWARDED_HOST, request.authority);
        headers.set(ProxyHeaders.X_REQUEST_ID, request.requestId);
    }

    /**
     * Prepares the agent's response head for the client: hop-by-hop headers removed, the request id
     * echoed, framing fixed for a body the agent delimited by closing, and {@code Connection: close} when
     * this is the connection's last exchange.
     */
    static void prepareResponse(HttpResponse response, IngressRequest request, boolean closeAfter) {
        HttpHeaders headers = response.headers();
        HopByHop.remove(headers, false);
        headers.set(ProxyHeaders.X_REQUEST_ID, request.requestId);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        boolean mayHaveBody = response.status().codeClass() != HttpStatusClass.INFORMATIONAL
                && response.status().code() != 204 && response.status().code() != 304;
        if (mayHaveBody && !HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response)
                && !request.http10) {
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        if (closeAfter) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }
}
