package io.runagents.ingress.core.routing;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * One upstream base URI, resolved once per configuration.
 *
 * @param basePath the URI's path without a trailing slash ("" for none), prepended to forwarded paths
 */
public record UpstreamTarget(URI uri, String host, int port, boolean tls, String basePath) {

    /** Parses an {@code http://host:port[/base]} or {@code https://...} URI from the agent config. */
    public static UpstreamTarget of(URI uri) {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new UpstreamTarget(uri, host, port, tls, path);
    }

    /** An unresolved socket address: the name is resolved at connect time, off the event loop's hot path. */
    public InetSocketAddress socketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The value of the {@code Host} header when the request's own host is not forwarded. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = tls ? port == 443 : port == 80;
        return defaultPort ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
