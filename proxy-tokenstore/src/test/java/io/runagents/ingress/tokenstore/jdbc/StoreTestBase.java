package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Scopes;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import io.runagents.ingress.tokenstore.testing.Backend;
import io.runagents.ingress.jwt.testing.MutableClock;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the store tests share: a backend per test, a hand-moved clock, stores closed after each test. */
abstract class StoreTestBase {

    static final GrantKey ALICE = new GrantKey("google", "alice@example.com", "github");

    @TempDir
    Path dataDir;

    final MutableClock clock = MutableClock.atFixedStart();
    Backend backend;
    private final List<JdbcTokenStore> opened = new CopyOnWriteArrayList<>(); // stores may open on several threads

    /** The backend under test, on a database of its own. */
    abstract Backend newBackend(Path dataDir);

    @BeforeEach
    void createBackend() {
        backend = newBackend(dataDir);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcTokenStore::close);
    }

    /** A store whose key ring holds {@code keys} (none: the generated key file). */
    JdbcTokenStore open(String... keys) {
        JdbcTokenStore store = JdbcTokenStore.open(backend.options(keys.length == 0 ? null : TestKeys.ring(keys)), clock);
        opened.add(store);
        return store;
    }

    /** The dialect of the backend under test. */
    Dialect dialect() {
        return backend.options(null).postgresql() ? Dialect.POSTGRESQL : Dialect.SQLITE;
    }

    static TokenSet tokens(String access, String refresh, Instant accessExpiresAt, String... scopes) {
        return new TokenSet(Secret.of(access), refresh == null ? null : Secret.of(refresh), accessExpiresAt,
                scopes.length == 0 ? null : Scopes.checked(Arrays.asList(scopes)));
    }

    /** Runs {@code sql} with {@code args} over plain JDBC; returns the update count. */
    int sql(String sql, Object... args) throws SQLException {
        try (Connection c = backend.raw(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** The bytes of one column of one row, over plain JDBC. */
    byte[] bytes(String sql, Object... args) throws SQLException {
        try (Connection c = backend.raw(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }
}
