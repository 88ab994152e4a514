package io.runagents.ingress.config.model;

/**
 * {@code tokenStore} in {@code proxy.yaml}: where per-user OAuth grants are kept, encrypted (SPEC section 8).
 * Read at start only: changing it needs a restart.
 *
 * @param url null for a SQLite file in {@code dataDir} (one proxy); {@code jdbc:postgresql://host/db} when several
 *            replicas share the store. May carry credentials: never echo it.
 * @param username the PostgreSQL user, or null
 * @param passwordEnv the environment variable holding the PostgreSQL password, or null
 * @param encryptionKeyEnv the environment variable holding the key ring ({@code id:base64key[,...]})
 * @param poolSize database connections per proxy
 */
public record TokenStoreSettings(String url, String username, String passwordEnv, String encryptionKeyEnv,
                                 int poolSize) {
    public static final TokenStoreSettings DEFAULTS = new TokenStoreSettings(null, null, null, "RUNAGENTS_TOKEN_KEY", 8);
}
