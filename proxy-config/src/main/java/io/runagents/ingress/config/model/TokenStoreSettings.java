package io.runagents.ingress.config.model;

/** Where per-user OAuth refresh tokens are kept; {@code url} null means a SQLite file in {@code dataDir}. */
public record TokenStoreSettings(String url, String encryptionKeyEnv) {
    public static final TokenStoreSettings DEFAULTS = new TokenStoreSettings(null, "RUNAGENTS_TOKEN_KEY");
}
