package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.runagents.ingress.core.identity.BearerToken;
import io.runagents.ingress.core.http.HopByHop;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.routing.PathNormalizer;
import io.runagents.ingress.core.server.RuntimeConfig;
import java.util.List;
import java.util.function.Supplier;

/**
 * The first stage: refuses what is malformed (SPEC section 5) and turns the decoder's request into an
 * {@link IngressRequest}: the host from the request target, the normalised path, the request id, and
 * headers cleaned of hop-by-hop and identity headers a client must not set. It also pins the
 * configuration snapshot the request will use to its end.
 */
final class RequestGuardHandler extends RequestStage {
    private final Supplier<RuntimeConfig> config;
    private final boolean atIngress;

    /**
     * @param atIngress true at the ingress: identity headers are stripped and the bearer token's size is
     *                  checked here; false at the egress, where the next stage verifies the identity context
     *                  before removing it, and an agent's own Authorization header is its business
     */
    RequestGuardHandler(Supplier<RuntimeConfig> config, ExchangeLog log, boolean atIngress) {
        super(log);
        this.config = config;
        this.atIngress = atIngress;
    }

    @Override
    void onHead(ChannelHandlerContext ctx, Object msg) {
        HttpRequest head = (HttpRequest) msg;
        String clientId = head.headers().get(ProxyHeaders.X_REQUEST_ID);
        String requestId = clientId != null && RequestIds.isSane(clientId)
                && head.headers().getAll(ProxyHeaders.X_REQUEST_ID).size() == 1 ? clientId : RequestIds.generate();
        if (head.decoderResult().isFailure()) {
            Throwable cause = head.decoderResult().cause();
            if (cause instanceof TooLongHttpHeaderException) {
                refuse(ctx, head, requestId, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "request_header_fields_too_large", "request headers exceed maxHeaderBytes");
            } else if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
                refuse(ctx, head, requestId, HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                        "request line too long");
            } else {
                refuse(ctx, head, requestId, HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request");
            }
            return;
        }
        String problem = inspect(head);
        if (problem != null) {
            refuse(ctx, head, requestId, HttpResponseStatus.BAD_REQUEST, "bad_request", problem);
            return;
        }
        IngressRequest request = new IngressRequest(head, config.get(), System.nanoTime());
        request.requestId = requestId;
        // On every route, open ones too (SPEC section 5), although only authenticated routes read the token.
        String token = atIngress ? BearerToken.extract(head.headers()) : null;
        if (token != null && token.length() > request.config.snapshot().proxy().limits().maxTokenBytes()) {
            refuse(ctx, head, requestId, HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "bearer token exceeds maxTokenBytes");
            return;
        }
        request.token = token;
        String error = resolveTarget(request);
        if (error != null) {
            refuse(ctx, head, requestId, HttpResponseStatus.BAD_REQUEST, "bad_request", error);
            return;
        }
        request.keepAlive = HttpUtil.isKeepAlive(head);
        request.http10 = head.protocolVersion().minorVersion() == 0;
        request.webSocket = isWebSocketUpgrade(head);
        HttpHeaders headers = head.headers();
        HopByHop.remove(headers, request.webSocket);
        if (atIngress) {
            request.config.identityHeaders().strip(headers);
        }
        ctx.fireChannelRead(request);
    }

    /** Framing and header rules the decoder leaves to us; null when the head is acceptable. */
    private static String inspect(HttpRequest head) {
        HttpVersion version = head.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return "unsupported HTTP version";
        }
        HttpHeaders headers = head.headers();
        if (headers.getAll(HttpHeaderNames.HOST).size() != 1) {
            return "exactly one Host header is required";
        }
        List<String> transferEncodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (transferEncodings.size() > 1) {
            return "repeated Transfer-Encoding";
        }
        // Only the plain spelling: the decoder reads "chunked," or "gzip, chunked" as chunked, but an agent
        // that does not would take the body's bytes for its next request (smuggling past this proxy).
        if (transferEncodings.size() == 1 && !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(
                transferEncodings.get(0).trim())) {
            return "unsupported Transfer-Encoding (only chunked is accepted)";
        }
        // Netty's decoder already refuses this (RFC 9112); kept so a change of decoder settings cannot smuggle.
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING) && headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return "Content-Length with Transfer-Encoding";
        }
        if (head.method() == HttpMethod.CONNECT) {
            return "CONNECT is not supported";
        }
        if (headers.getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            return "more than one Authorization header";
        }
        return null;
    }

    /** Sets host, authority, path and query from the request target; returns an error or null. */
    private static String resolveTarget(IngressRequest request) {
        String uri = request.head.uri();
        String hostHeader = request.head.headers().get(HttpHeaderNames.HOST);
        String target = uri;
        String authority = hostHeader;
        if (startsWithIgnoreCase(uri, "http://") || startsWithIgnoreCase(uri, "https://")) {
            int start = uri.indexOf("//") + 2;
            int slash = indexOfAny(uri, start, "/?#");
            authority = uri.substring(start, slash < 0 ? uri.length() : slash);
            target = slash < 0 ? "/" : uri.substring(slash);
            if (target.charAt(0) == '?') {
                target = "/" + target;
            }
            if (authority.indexOf('@') >= 0) {
                return "userinfo in request target";
            }
            request.head.headers().set(HttpHeaderNames.HOST, authority);
        }
        String host = Authority.routingHost(authority);
        if (host == null) {
            return "missing or invalid Host";
        }
        int question = target.indexOf('?');
        String rawPath = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        if (query != null && !validQuery(query)) {
            return "invalid character in query";
        }
        try {
            request.path = PathNormalizer.normalize(rawPath);
        } catch (PathNormalizer.InvalidPathException e) {
            return e.getMessage();
        }
        request.host = host;
        request.authority = authority;
        request.query = query;
        return null;
    }

    private static boolean validQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                return false;
            }
        }
        return true;
    }

    private static boolean isWebSocketUpgrade(HttpRequest head) {
        HttpHeaders headers = head.headers();
        List<String> upgrades = headers.getAll(HttpHeaderNames.UPGRADE);
        return head.method() == HttpMethod.GET && upgrades.size() == 1
                && HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(upgrades.get(0).trim())
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest head, String requestId, HttpResponseStatus status,
                        String error, String description) {
        // A malformed message leaves the byte stream in an unknown state: never read another request from it.
        reject(ctx, null, head, false, requestId, status, error, description, null);
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
