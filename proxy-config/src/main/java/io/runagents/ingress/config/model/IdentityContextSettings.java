package io.runagents.ingress.config.model;

import java.util.Objects;

/**
 * The proxy's own signing key for {@code X-End-User-Context}; {@code signingKeyFile} null means generated.
 *
 * @param issuer the contexts' {@code iss}, which the egress requires
 */
public record IdentityContextSettings(String signingKeyFile, int ttlSeconds, String issuer) {
    public static final String DEFAULT_ISSUER = "runagents";
    public static final IdentityContextSettings DEFAULTS = new IdentityContextSettings(null, 300, DEFAULT_ISSUER);

    public IdentityContextSettings {
        Objects.requireNonNull(issuer, "issuer");
        if (issuer.isEmpty()) {
            throw new IllegalArgumentException("issuer: \"\" (expected: a non-empty string)");
        }
    }

    /** With the default issuer. */
    public IdentityContextSettings(String signingKeyFile, int ttlSeconds) {
        this(signingKeyFile, ttlSeconds, DEFAULT_ISSUER);
    }
}
