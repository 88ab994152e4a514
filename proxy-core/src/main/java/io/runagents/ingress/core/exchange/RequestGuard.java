package io.runagents.ingress.core.exchange;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.runagents.ingress.core.http.Authority;
import io.runagents.ingress.core.http.HopByHop;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.http.RequestIds;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.identity.BearerToken;
import io.runagents.ingress.core.routing.PathNormalizer;
import java.util.List;

/**
 * The first stage of both listeners: refuses what is malformed (SPEC section 5) and records on the
 * {@link Exchange} what the rest read: the request id, the host from the request target, the normalised
 * path and query, how the client wants the connection used, and (at the ingress) the bearer token, after
 * cleaning the headers of hop-by-hop and identity headers a client must not set. A malformed message leaves
 * the byte stream in an unknown state, so every refusal here closes the connection.
 */
public final class RequestGuard implements Stage {
    /** One guard serves every connection: it keeps nothing between requests. */
    public static final RequestGuard INSTANCE = new RequestGuard();

    private RequestGuard() {
    }

    @Override
    public Verdict apply(Exchange exchange) {
        HttpRequest head = exchange.head();
        String clientId = head.headers().get(ProxyHeaders.X_REQUEST_ID);
        exchange.requestId(clientId != null && RequestIds.isSane(clientId)
                && head.headers().getAll(ProxyHeaders.X_REQUEST_ID).size() == 1 ? clientId : RequestIds.generate());
        Verdict refused = check(exchange, head);
        if (refused != Verdict.NEXT) {
            exchange.closeAfter();
            return refused;
        }
        exchange.connection(HttpUtil.isKeepAlive(head), head.protocolVersion().minorVersion() == 0,
                isWebSocketUpgrade(head));
        HttpHeaders headers = head.headers();
        HopByHop.remove(headers, exchange.webSocket());
        if (exchange.profile().stripsIdentityHeadersFirst()) {
            exchange.config().identityHeaders().strip(headers);
        }
        return Verdict.NEXT;
    }

    private static Verdict check(Exchange exchange, HttpRequest head) {
        if (head.decoderResult().isFailure()) {
            Throwable cause = head.decoderResult().cause();
            if (cause instanceof TooLongHttpHeaderException) {
                return Verdict.refuse(WireError.REQUEST_HEADER_FIELDS_TOO_LARGE);
            }
            if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
                return Verdict.refuse(WireError.URI_TOO_LONG);
            }
            return Verdict.refuse(WireError.BAD_REQUEST);
        }
        String problem = inspect(head);
        if (problem == null && exchange.profile().readsBearerToken()) {
            // On every route, open ones too (SPEC section 5), although only authenticated routes read the token.
            String token = BearerToken.extract(head.headers());
            if (token != null && token.length() > exchange.config().snapshot().proxy().limits().maxTokenBytes()) {
                problem = "bearer token exceeds maxTokenBytes";
            }
            exchange.token(token);
        }
        if (problem == null) {
            problem = resolveTarget(exchange, head);
        }
        return problem == null ? Verdict.NEXT : Verdict.refuse(WireError.BAD_REQUEST, problem);
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

    /** Records host, authority, path and query from the request target; returns an error or null. */
    private static String resolveTarget(Exchange exchange, HttpRequest head) {
        String uri = head.uri();
        String hostHeader = head.headers().get(HttpHeaderNames.HOST);
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
            head.headers().set(HttpHeaderNames.HOST, authority);
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
        String path;
        try {
            path = PathNormalizer.normalize(rawPath);
        } catch (PathNormalizer.InvalidPathException e) {
            return e.getMessage();
        }
        exchange.target(host, authority, path, query);
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
