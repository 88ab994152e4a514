package io.runagents.ingress.config.model;

/** The proxy's own signing key for {@code X-End-User-Context}; {@code signingKeyFile} null means generated. */
public record IdentityContextSettings(String signingKeyFile, int ttlSeconds) {
    public static final IdentityContextSettings DEFAULTS = new IdentityContextSettings(null, 300);
}
