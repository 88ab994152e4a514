package io.runagents.ingress.core.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Removes, from every request, the headers only the proxy may set: {@code X-End-User-ID},
 * {@code X-End-User-Context} and each configured claim header. Names match case-insensitively and with
 * {@code _} read as {@code -}, because many agent frameworks (CGI-style ones, some WSGI servers) fold
 * both spellings into the same variable.
 *
 * <p>It also removes the headers in which a client would state what the proxy states or checks
 * ({@link #CLIENT_CLAIMS}), and, for the same folding, the underscore spellings of the framing and forwarding
 * headers ({@code Content_Length}, {@code X_Forwarded_For}, ...): the proxy sets or checks the dashed ones, and
 * an underscore twin folded into the same variable would let a client override them.
 */
public final class IdentityHeaders {
    /** Headers the proxy sets or frames by, in canonical form; only their underscore spellings are removed. */
    private static final Set<String> UNDERSCORE_TWINS_REMOVED = Set.of("host", "content-length",
            "transfer-encoding", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-request-id");

    /**
     * Headers in which a client would state what the proxy states or checks, removed in every spelling: its
     * address, scheme, host, port and prefix (the proxy's X-Forwarded-* say them; frameworks that prefer these would
     * believe the client), the URL or method a framework should use instead of the request line's (IIS, Symfony
     * and method-override filters honour them, past the proxy's path and method policies), and credentials meant
     * for a proxy (with {@code forwardToken: false} a bearer token must not reach the agent by another name).
     */
    private static final List<String> CLIENT_CLAIMS = List.of("forwarded", "x-real-ip", "x-client-ip",
            "true-client-ip", "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-forwarded-ssl",
            "x-original-url", "x-rewrite-url", "x-http-method-override", "x-http-method", "x-method-override",
            "proxy-authorization");

    private final Set<String> reserved;
    /** Lengths of the reserved names: most headers are skipped without building a lower-case copy. */
    private final java.util.BitSet lengths = new java.util.BitSet();

    private IdentityHeaders(Set<String> reserved) {
        this.reserved = reserved;
        reserved.forEach(name -> lengths.set(name.length()));
    }

    /** The reserved set for a configuration: the two identity headers plus every {@code claimHeaders} target. */
    public static IdentityHeaders of(Iterable<Map<String, String>> claimHeaderMaps) {
        Set<String> names = new java.util.HashSet<>();
        names.add(canonical(ProxyHeaders.X_END_USER_ID.toString()));
        names.add(canonical(ProxyHeaders.X_END_USER_CONTEXT.toString()));
        names.addAll(CLIENT_CLAIMS);
        for (Map<String, String> map : claimHeaderMaps) {
            for (String header : map.values()) {
                names.add(canonical(header));
            }
        }
        return new IdentityHeaders(Set.copyOf(names));
    }

    /** Removes every reserved header, in any spelling, and the underscore twins, from {@code headers}. */
    public void strip(HttpHeaders headers) {
        List<CharSequence> doomed = null;
        // Names only, as they are stored: a value (the token, say) never becomes a String here.
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            CharSequence name = entries.next().getKey();
            if (lengths.get(name.length()) && reserved.contains(canonical(name.toString()))
                    || AsciiString.indexOf(name, '_', 0) >= 0 && UNDERSCORE_TWINS_REMOVED.contains(canonical(name.toString()))) {
                if (doomed == null) {
                    doomed = new ArrayList<>(2);
                }
                doomed.add(name);
            }
        }
        if (doomed != null) {
            doomed.forEach(headers::remove);
        }
    }

    private static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
