package io.runagents.ingress.config.model;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@code identity-providers/*.yaml} resource, flattened: the fields of {@code spec} and
 * {@code spec.identityProvider} sit side by side. Two providers are the same configuration exactly when
 * their records are equal, which is what decides whether a reload resets a provider's caches.
 *
 * @param maxTokenLifetimeSeconds null when token lifetime is not limited
 * @param audiences empty when {@code aud} is not checked
 * @param allowedDomains empty when every email domain is allowed
 * @param claimHeaders claim name to header name, in file order
 */
public record IdentityProvider(String name, String host, String issuer, URI jwksUri, List<String> audiences,
                               List<String> algorithms, int clockSkewSeconds, Long maxTokenLifetimeSeconds,
                               String userIdClaim, List<String> allowedDomains, String groupsClaim,
                               boolean forwardToken, Map<String, String> claimHeaders) {

    /** The algorithms accepted when a provider names none. */
    public static final List<String> DEFAULT_ALGORITHMS =
            List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;
    public static final String DEFAULT_GROUPS_CLAIM = "groups";

    public IdentityProvider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(jwksUri, "jwksUri");
        audiences = List.copyOf(audiences);
        algorithms = List.copyOf(algorithms);
        Objects.requireNonNull(userIdClaim, "userIdClaim");
        allowedDomains = List.copyOf(allowedDomains);
        Objects.requireNonNull(groupsClaim, "groupsClaim");
        claimHeaders = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claimHeaders));
        if (clockSkewSeconds < 0) {
            throw new IllegalArgumentException("clockSkewSeconds: " + clockSkewSeconds + " (expected: >= 0)");
        }
    }
}
