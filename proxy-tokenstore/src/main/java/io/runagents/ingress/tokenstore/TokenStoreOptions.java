package io.runagents.ingress.tokenstore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open the token store: its own small record, so the store does not depend on how {@code proxy.yaml} is
 * bound. Secrets come already read from the environment by the caller.
 *
 * @param url null for a SQLite file {@code <dataDir>/tokens.db} (one proxy), or {@code jdbc:postgresql://host/db}
 *            (shared by every replica)
 * @param username the PostgreSQL user, or null
 * @param password the PostgreSQL password, or null
 * @param poolSize connections in the pool (&gt;= 1)
 * @param dataDir where the SQLite file and a generated key live
 * @param encryptionKeys the key ring, {@code id:base64key[,id:base64key...]}, or null to use (and first generate)
 *                       {@code <dataDir>/token-key}
 * @param connectTimeout the longest wait for a connection (pool or network) before the store counts as unavailable
 * @param lockTimeout the longest wait for another caller's lock (a refresh in progress elsewhere); must exceed the
 *                    refresh call's own timeout
 */
public record TokenStoreOptions(String url, String username, Secret password, int poolSize, Path dataDir,
                                Secret encryptionKeys, Duration connectTimeout, Duration lockTimeout) {

    /** The default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The default lock timeout: three times {@code consent.tokenTimeoutMillis}'s default. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

    private static final String POSTGRESQL = "jdbc:postgresql:";

    public TokenStoreOptions {
        if (url != null && !url.startsWith(POSTGRESQL)) {
            // Not echoed: a JDBC URL may carry a password.
            throw new IllegalArgumentException("url: not a PostgreSQL URL (expected: null or " + POSTGRESQL + "//host/db)");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: >= 1)");
        }
        Objects.requireNonNull(dataDir, "dataDir");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(lockTimeout, "lockTimeout");
    }

    /** Options with the default timeouts. */
    public static TokenStoreOptions of(String url, String username, Secret password, int poolSize, Path dataDir,
                                       Secret encryptionKeys) {
        return new TokenStoreOptions(url, username, password, poolSize, dataDir, encryptionKeys,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_LOCK_TIMEOUT);
    }

    /** A SQLite store in {@code dataDir}, with the default pool size and timeouts. */
    public static TokenStoreOptions sqlite(Path dataDir, Secret encryptionKeys) {
        return of(null, null, null, 4, dataDir, encryptionKeys);
    }

    /** True when the store is PostgreSQL, false for SQLite. */
    public boolean postgresql() {
        return url != null;
    }

    /** The same options with other timeouts. */
    public TokenStoreOptions withTimeouts(Duration connectTimeout, Duration lockTimeout) {
        return new TokenStoreOptions(url, username, password, poolSize, dataDir, encryptionKeys, connectTimeout,
                lockTimeout);
    }

    /** The URL without its query (which may carry credentials); the SQLite file when {@code url} is null. */
    public String describeLocation() {
        if (url == null) {
            return dataDir.resolve("tokens.db").toString();
        }
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    @Override
    public String toString() {
        return "TokenStoreOptions[" + describeLocation() + ", username=" + username + ", poolSize=" + poolSize
                + ", dataDir=" + dataDir + ", encryptionKeys=" + (encryptionKeys == null ? "generated" : "***")
                + ", connectTimeout=" + connectTimeout + ", lockTimeout=" + lockTimeout + "]";
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }
}
