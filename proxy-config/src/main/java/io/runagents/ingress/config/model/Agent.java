package io.runagents.ingress.config.model;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * An {@code agents/*.yaml} resource.
 *
 * @param host null when the agent serves any host (a fallback route)
 * @param pathPrefix normalised, starts with {@code /}, no trailing slash unless it is {@code /}
 * @param upstreams one or more {@code http://host:port} base URIs, tried in round robin
 * @param identityProvider null when the provider is chosen by host / issuer / auto-selection
 * @param maxBodyBytes null when request bodies are not limited
 * @param resource the agent's resource URL for OAuth clients (RFC 9728); null when derived from host and prefix
 * @param requiredScopes scopes every token must carry (SPEC section 11); empty for none
 * @param corsOrigins origins whose CORS preflights the proxy answers; {@code ["*"]} for any; empty for no CORS
 */
public record Agent(String name, String host, String pathPrefix, List<URI> upstreams, boolean stripPrefix,
                    Access access, String identityProvider, int timeoutSeconds, Long maxBodyBytes, URI resource,
                    List<String> requiredScopes, List<String> corsOrigins) {
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;

    public Agent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        upstreams = List.copyOf(upstreams);
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("upstreams: [] (expected: at least one)");
        }
        Objects.requireNonNull(access, "access");
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("timeoutSeconds: " + timeoutSeconds + " (expected: > 0)");
        }
        requiredScopes = List.copyOf(requiredScopes);
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** An agent without OAuth discovery settings: derived resource, no required scopes, no CORS. */
    public Agent(String name, String host, String pathPrefix, List<URI> upstreams, boolean stripPrefix,
                 Access access, String identityProvider, int timeoutSeconds, Long maxBodyBytes) {
        this(name, host, pathPrefix, upstreams, stripPrefix, access, identityProvider, timeoutSeconds, maxBodyBytes,
                null, List.of(), List.of());
    }

    /** True when {@code origin} may make cross-origin calls to this agent. */
    public boolean allowsOrigin(String origin) {
        return corsOrigins.contains("*") || corsOrigins.contains(origin);
    }
}
