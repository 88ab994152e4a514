package io.runagents.ingress.core.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.NetUtil;
import io.runagents.ingress.core.http.Authority;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * DNS-rebinding and cross-site protection for {@code /admin/*} and the console (SPEC section 10).
 *
 * <p>"Loopback only" does not protect a loopback listener from a page the operator opens in a browser: a name
 * the attacker controls can resolve to 127.0.0.1, and the browser then treats the admin API as that page's own
 * origin. Such a request carries the attacker's name in {@code Host}, so only a {@code Host} that is the
 * listener's own address (the address the connection arrived at), {@code localhost}, or a name the operator
 * listed ({@code admin.allowedHosts}) is answered; others get 421 before anything is read or written.
 *
 * <p>A state-changing request (POST, PUT, DELETE, PATCH) that carries an {@code Origin} must come from the
 * listener itself: the origin's host is the listener's address or {@code localhost} on the listener's port, or
 * a listed name (a name in front of a reverse proxy may have another port). A request without {@code Origin},
 * such as the CLI's, is judged by {@code Host} alone.
 */
final class AdminHostGuard {
    private static final Set<HttpMethod> STATE_CHANGING =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);
    private static final String LOCALHOST = "localhost";

    private final Supplier<List<String>> allowedHosts;

    /** @param allowedHosts the names besides the listener's address and localhost, read per request (they reload) */
    AdminHostGuard(Supplier<List<String>> allowedHosts) {
        this.allowedHosts = Objects.requireNonNull(allowedHosts, "allowedHosts");
    }

    /**
     * The refusal of a request that arrived at {@code local}, or empty when it may be answered.
     *
     * @param local the local address of the connection (the listener's own address, as the client reached it)
     */
    Optional<AdminReply> check(HttpMethod method, HttpHeaders headers, InetSocketAddress local) {
        String host = Authority.routingHost(headers.get(HttpHeaderNames.HOST));
        if (host == null || !(own(host, local) || listed(host))) {
            // The Host is not echoed: it is the attacker's text, and the operator needs the rule, not the value.
            return Optional.of(AdminReply.error(HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected_request",
                    "the admin listener answers only Host " + LOCALHOST + ", its own address or a name in"
                            + " proxy.yaml's admin.allowedHosts"));
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && STATE_CHANGING.contains(method) && !sameListener(origin, local)) {
            return Optional.of(AdminReply.error(HttpResponseStatus.FORBIDDEN, "forbidden_origin",
                    "a " + method + " from another origin is refused (expected: a page of this admin listener)"));
        }
        return Optional.empty();
    }

    /** {@code localhost} or the literal address the connection arrived at. */
    private static boolean own(String host, InetSocketAddress local) {
        if (host.equals(LOCALHOST)) {
            return true;
        }
        InetAddress literal = ipLiteral(host);
        return literal != null && local != null && literal.equals(local.getAddress());
    }

    private boolean listed(String host) {
        for (String name : allowedHosts.get()) {
            if (host.equals(Authority.routingHost(name))) {
                return true;
            }
        }
        return false;
    }

    private boolean sameListener(String origin, InetSocketAddress local) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false; // "null" (sandboxed frames, file: pages) and garbage alike
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        String host = Authority.routingHost(uri.getHost());
        if (host == null) {
            return false;
        }
        if (listed(host)) {
            return true;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        // Another port on this machine is another site (a dev server, another tool's page): not ours.
        return own(host, local) && local != null && port == local.getPort();
    }

    /** The address of an IPv4 or bracketed IPv6 literal; null for a name (never resolved: no DNS here). */
    private static InetAddress ipLiteral(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // not reached: the bytes are 4 or 16 long
        }
    }
}
