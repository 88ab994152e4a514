package io.runagents.ingress.core.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.runagents.ingress.core.demo.authserver.AccessGrant;
import io.runagents.ingress.core.demo.authserver.OAuthAuthority;
import io.runagents.ingress.core.demo.authserver.OAuthHttp;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tool behind {@link StubAuthorizationServer}, {@code /api/*}: 401 for a token that is not valid now,
 * {@code /api/whoami} answers whose it is, any other path 404. Records every call.
 */
public final class StubToolEndpoint {
    /** A call to the tool and the status it got. */
    public record Call(String method, String path, Map<String, List<String>> headers, int status) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private final OAuthAuthority authority;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    StubToolEndpoint(OAuthAuthority authority) {
        this.authority = authority;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    void handle(HttpExchange exchange, String path) throws IOException {
        String token = OAuthHttp.bearerToken(exchange);
        Optional<AccessGrant> grant = token == null ? Optional.empty() : authority.accessGrant(token);
        int status = grant.isEmpty() ? 401 : path.equals("/api/whoami") ? 200 : 404;
        calls.add(new Call(exchange.getRequestMethod(), path, headers(exchange.getRequestHeaders()), status));
        if (status == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            OAuthHttp.json(exchange, 401, Map.of("error", "invalid_token"));
        } else if (status == 404) {
            OAuthHttp.json(exchange, 404, Map.of("error", "not_found"));
        } else {
            OAuthHttp.json(exchange, 200, Map.of("account", grant.get().account(), "client_id",
                    grant.get().clientId(), "scope", String.valueOf(grant.get().scope())));
        }
    }

    /** A copy whose lookups ignore case, as header names do. */
    static Map<String, List<String>> headers(Headers headers) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(copy);
    }
}
