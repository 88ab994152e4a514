package io.runagents.ingress.config.model;

/** The verified-token cache ({@code proxy.yaml: tokenCache}). */
public record TokenCacheSettings(long maxEntries) {
    public static final TokenCacheSettings DEFAULTS = new TokenCacheSettings(100_000);
}
