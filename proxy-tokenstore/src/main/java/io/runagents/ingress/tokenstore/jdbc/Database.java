package io.runagents.ingress.tokenstore.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool, the dialect and the schema: runs work on a connection, in or out of a write transaction, and turns every
 * {@link SQLException} into a {@link TokenStoreUnavailableException} (the caller answers 503).
 *
 * <p>The schema is migrated before the first work runs. When the database is down at start, the proxy still starts;
 * the migration is retried by the next call that needs the store.
 */
final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final Duration connectTimeout;
    private final Duration lockTimeout;
    private final Clock clock;
    private final Runnable afterMigration;
    private final ReentrantLock migrationLock = new ReentrantLock();
    private volatile boolean migrated;

    Database(HikariDataSource pool, Dialect dialect, Duration connectTimeout, Duration lockTimeout, Clock clock,
             Runnable afterMigration) {
        this.pool = pool;
        this.dialect = dialect;
        this.connectTimeout = connectTimeout;
        this.lockTimeout = lockTimeout;
        this.clock = clock;
        this.afterMigration = afterMigration;
    }

    Dialect dialect() {
        return dialect;
    }

    Duration lockTimeout() {
        return lockTimeout;
    }

    /**
     * Migrates the schema now. Returns false, with a warning, when the database cannot be reached; throws when the
     * schema cannot be used (a changed migration), which is a reason not to start.
     */
    boolean migrateAtStart() {
        try {
            migrateOnce();
            return true;
        } catch (TokenStoreUnavailableException e) {
            log.warn("{}; the proxy starts and answers 503 to the calls that need the store until it is reachable",
                    e.getMessage());
            return false;
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode: each statement is its own transaction. */
    <T> T read(String what, SqlWork<T> work) {
        migrateOnce();
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    /**
     * Runs {@code work} in a write transaction ({@link Dialect#begin}) and commits it. A {@link RuntimeException}
     * from {@code work} rolls back and propagates as it is.
     */
    <T> T write(String what, SqlWork<T> work) {
        migrateOnce();
        try (Connection c = pool.getConnection()) {
            dialect.begin(c, lockTimeout);
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
            dialect.commit(c);
            return result;
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    /** Whether a connection can be had and answers now; the failure's description otherwise. */
    String probe() {
        try {
            migrateOnce();
            try (Connection c = pool.getConnection()) {
                if (!c.isValid((int) Math.max(1, connectTimeout.toSeconds()))) {
                    return "the connection did not answer within " + connectTimeout.toMillis() + " ms";
                }
            }
            return null;
        } catch (SQLException e) {
            return describe(e);
        } catch (TokenStoreUnavailableException e) {
            return e.getMessage();
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private void migrateOnce() {
        if (migrated) {
            return;
        }
        try {
            if (!migrationLock.tryLock(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TokenStoreUnavailableException("token store: the schema migration is still running", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenStoreUnavailableException("token store: interrupted waiting for the schema migration", e);
        }
        try {
            if (migrated) {
                return;
            }
            try (Connection c = pool.getConnection()) {
                SchemaMigrator.migrate(c, dialect, clock);
            } catch (SQLException e) {
                throw unavailable("migrate the schema", e);
            }
            migrated = true;
            afterMigration.run();
        } finally {
            migrationLock.unlock();
        }
    }

    private void rollbackQuietly(Connection c, Throwable cause) {
        try {
            dialect.rollback(c);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static TokenStoreUnavailableException unavailable(String what, SQLException e) {
        return new TokenStoreUnavailableException("token store: cannot " + what + ": " + describe(e), e);
    }

    /**
     * The driver's message and SQL state, and the cause's message (the pool's timeout wraps why connecting failed).
     * The drivers here put neither statement parameters nor credentials in them.
     */
    static String describe(SQLException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        if (e.getSQLState() != null) {
            sb.append(" (SQL state ").append(e.getSQLState()).append(')');
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(e.getMessage())) {
            sb.append(": ").append(cause.getMessage());
        }
        return sb.toString();
    }
}
