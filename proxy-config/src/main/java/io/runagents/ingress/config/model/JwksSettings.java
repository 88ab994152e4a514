package io.runagents.ingress.config.model;

/** How JWKS documents are fetched and kept ({@code proxy.yaml: jwks}). */
public record JwksSettings(int refreshSeconds, int minRefetchSeconds, int maxStaleSeconds, int fetchTimeoutMillis) {
    public static final JwksSettings DEFAULTS = new JwksSettings(300, 30, 86400, 3000);
}
