package io.runagents.ingress.config.load;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks and normalisations for single values, shared by the binders. Each returns the normalised value or
 * throws IllegalArgumentException with the message the user sees.
 */
final class Values {
    /** A DNS label (RFC 1123), for resource names and for each label of a hostname. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ENV = Pattern.compile("[A-Z_][A-Z0-9_]*");
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "[::1]", "localhost");

    /**
     * Headers the proxy sets or strips itself, or that frame the message: a claim copied into one of them would
     * spoof identity or break framing. Compared lowercased with {@code _} read as {@code -}.
     */
    private static final Set<String> RESERVED_HEADERS = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "host",
            "authorization", "x-end-user-id", "x-end-user-context", "x-request-id", "forwarded", "content-length");

    private Values() {
    }

    static String name(String s) {
        if (s.length() > 63 || !LABEL.matcher(s).matches()) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s)
                    + " (expected: a DNS label: lowercase letters, digits and '-', at most 63 characters)");
        }
        return s;
    }

    /** A bare hostname, lowercased; IP addresses in dotted form pass as well. */
    static String hostname(String s) {
        String h = s.toLowerCase(Locale.ROOT);
        if (!isDomain(h)) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s)
                    + " (expected: a hostname, without scheme, port or path)");
        }
        return h;
    }

    /** An ASCII domain such as {@code yourcompany.com}, lowercased. */
    static String domain(String s) {
        String d = s.toLowerCase(Locale.ROOT);
        if (!isDomain(d)) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected: an ASCII domain name)");
        }
        return d;
    }

    private static boolean isDomain(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (label.length() > 63 || !LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** An issuer or JWKS URL: https, or http for a loopback host. */
    static URI secureUrl(String s) {
        URI uri = parse(s, "must be an https:// URL (http:// only for loopback hosts)");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http") && LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT)))) {
            throw new IllegalArgumentException("must be an https:// URL (http:// only for loopback hosts)");
        }
        return uri;
    }

    /** An http(s) URL with a host and no user info or fragment, such as a tool's base URL. */
    static URI httpUrl(String s) {
        URI uri = parse(s, "must be an http:// or https:// URL");
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL without user info or fragment");
        }
        return uri;
    }

    /**
     * An agent upstream: {@code http://host:port} with an optional path, nothing else. A missing port is filled
     * in from the scheme so that the relay can always use {@code getPort()}.
     */
    static URI upstream(String s) {
        String expected = "must be an http://host:port URL with an optional path (no query, fragment or user info)";
        URI uri = parse(s, expected);
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(expected);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return URI.create(scheme + "://" + uri.getHost() + ":" + port + uri.getRawPath());
    }

    private static URI parse(String s, String expected) {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null
                    || !(scheme.equals("http") || scheme.equals("https"))) {
                throw new IllegalArgumentException(expected);
            }
            // java.net.URI takes any digits as a port; 0 or 70000 would only fail later, on the first connection.
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected: a port from 1 to 65535)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected, e);
        }
    }

    /**
     * A route prefix in the one spelling routing compares: leading {@code /}, no empty segments, no trailing
     * {@code /} except the root. Dot segments and escapes are refused rather than resolved, because request
     * paths are normalised before matching and a prefix that never matches would be a silent mistake.
     */
    static String pathPrefix(String s) {
        if (!s.startsWith("/")) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected: a path starting with /)");
        }
        StringBuilder b = new StringBuilder();
        for (String segment : s.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..") || segment.matches(".*[%\\\\?#\\x00-\\x20\\x7f].*")) {
                throw new IllegalArgumentException(YamlNode.Scalar.quote(s)
                        + " (expected: a plain path: no '.' or '..' segments, '%', '\\', '?', '#' or spaces)");
            }
            b.append('/').append(segment);
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    /** An OAuth scope (RFC 6749 section 3.3): printable ASCII without space, {@code "} or {@code \\}. */
    static String scope(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s)
                    + " (expected: a scope: printable ASCII without spaces, quotes or backslashes)");
        }
        return s;
    }

    /** A CORS origin: {@code scheme://host[:port]} with no path, query or user info; or {@code *}. */
    static String origin(String s) {
        if (s.equals("*")) {
            return s;
        }
        String expected = YamlNode.Scalar.quote(s) + " (expected: an origin such as https://app.example.com, or *)";
        URI uri = parse(s, expected);
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
            throw new IllegalArgumentException(expected);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    /**
     * An agent's resource URL for OAuth clients (RFC 9728): https, or http for a loopback host; no query,
     * fragment or user info.
     */
    static URI resource(String s) {
        URI uri = secureUrl(s);
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s)
                    + " (expected: an https:// URL without query, fragment or user info)");
        }
        return uri;
    }

    /** A policy path prefix: starts with {@code /}. */
    static String policyPath(String s) {
        if (!s.startsWith("/")) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected: a path starting with /)");
        }
        return s;
    }

    /** An HTTP method, uppercased. */
    static String method(String s) {
        if (!TOKEN.matcher(s).matches()) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected: an HTTP method such as GET)");
        }
        return s.toUpperCase(Locale.ROOT);
    }

    /** An HTTP header name (an RFC 9110 token), kept as written. */
    static String headerName(String s) {
        if (!TOKEN.matcher(s).matches()) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected: an HTTP header name)");
        }
        return s;
    }

    /** A header a claim may be copied into: valid, and not one the proxy owns. */
    static String claimHeader(String s) {
        headerName(s);
        String h = s.toLowerCase(Locale.ROOT).replace('_', '-');
        if (RESERVED_HEADERS.contains(h) || h.startsWith("x-forwarded-")) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected: a header the proxy does not"
                    + " set itself: not hop-by-hop, Host, Authorization, X-End-User-*, X-Forwarded-*, X-Request-ID)");
        }
        return s;
    }

    /** The name of an environment variable that holds a secret. */
    static String envName(String s) {
        if (!ENV.matcher(s).matches()) {
            throw new IllegalArgumentException(YamlNode.Scalar.quote(s)
                    + " (expected: an environment variable name: [A-Z_][A-Z0-9_]*)");
        }
        return s;
    }
}
