package io.runagents.ingress.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Removal of hop-by-hop headers (RFC 9110 section 7.6.1): {@code Connection} and every header it names,
 * {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Trailer} and {@code Upgrade}.
 *
 * <p>{@code Connection} may not remove the headers that frame or address the message
 * ({@code Content-Length}, {@code Transfer-Encoding}, {@code Host}): a client that nominates them would
 * otherwise make the proxy send a request the agent frames differently.
 */
public final class HopByHop {
    private HopByHop() { }

    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");

    /**
     * Removes the hop-by-hop headers from {@code headers} in place.
     *
     * @param keepUpgrade true when a WebSocket upgrade is being proxied: {@code Upgrade} and
     *                    {@code Connection: upgrade} stay (and nothing else the client nominated)
     */
    public static void remove(HttpHeaders headers, boolean keepUpgrade) {
        // Most requests name nothing in Connection: skip the list (an allocation per message) then.
        List<String> connection = headers.contains(HttpHeaderNames.CONNECTION)
                ? headers.getAll(HttpHeaderNames.CONNECTION) : List.of();
        for (int i = 0; i < connection.size(); i++) {
            for (String token : connection.get(i).split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !isProtected(name) && !(keepUpgrade && "upgrade".equalsIgnoreCase(name))) {
                    headers.remove(name);
                }
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(ProxyHeaders.PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HTTP2_SETTINGS);
        if (keepUpgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            headers.remove(HttpHeaderNames.UPGRADE);
        }
    }

    private static boolean isProtected(String name) {
        return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.HOST.contentEqualsIgnoreCase(name);
    }
}
