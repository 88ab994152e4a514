package io.runagents.ingress.tokenstore.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The connection pool of each backend. Neither pool connects at creation ({@code initializationFailTimeout -1}):
 * a store that is down at start must not stop the proxy, only the calls that need it. Every wait is bounded: a
 * connection from the pool or the network within {@code connectTimeout}, a lock within {@code lockTimeout}.
 */
final class ConnectionPools {

    private ConnectionPools() {
    }

    /** A pool of {@code poolSize} PostgreSQL connections to {@code options.url()}. */
    static HikariDataSource postgresql(TokenStoreOptions options) {
        HikariConfig config = common(options, "runagents-tokenstore-pg");
        config.setJdbcUrl(options.url());
        config.setDriverClassName("org.postgresql.Driver");
        if (options.username() != null) {
            config.setUsername(options.username());
        }
        if (options.password() != null) {
            config.setPassword(options.password().reveal());
        }
        // Driver properties as strings: with a JDBC URL, HikariCP hands them to the driver in a Properties, whose
        // getProperty sees only String values; a Long or a Boolean would be dropped without a word.
        long connectSeconds = Math.max(1, ceilSeconds(options.connectTimeout()));
        config.addDataSourceProperty("connectTimeout", Long.toString(connectSeconds));
        config.addDataSourceProperty("loginTimeout", Long.toString(connectSeconds));
        // A reply can take as long as a lock wait; past that, the server or the network is gone.
        config.addDataSourceProperty("socketTimeout", Long.toString(socketTimeoutSeconds(options)));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // Server error details can quote column values (hashes, user ids): keep them out of exception messages.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("ApplicationName", "runagents-ingress");
        return new HikariDataSource(config);
    }

    /**
     * A pool of SQLite connections to {@code <dataDir>/tokens.db}, created 0600 when absent (SQLite gives its -wal
     * and -shm files the same mode). WAL lets readers go on while a refresh holds the write lock;
     * {@code synchronous=FULL} because a rotated refresh token that is lost on power failure ends the grant.
     */
    static HikariDataSource sqlite(TokenStoreOptions options) {
        Path file = options.dataDir().resolve("tokens.db");
        createOwnerOnly(file);
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, options.lockTimeout().toMillis()));
        SQLiteDataSource ds = new SQLiteDataSource(sqlite);
        ds.setUrl("jdbc:sqlite:" + file);
        HikariConfig config = common(options, "runagents-tokenstore-sqlite");
        config.setDataSource(ds);
        return new HikariDataSource(config);
    }

    private static HikariConfig common(TokenStoreOptions options, String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setMaximumPoolSize(options.poolSize());
        config.setMinimumIdle(Math.min(2, options.poolSize()));
        long connect = Math.max(250, options.connectTimeout().toMillis()); // HikariCP's floor
        config.setConnectionTimeout(connect);
        config.setValidationTimeout(Math.max(250, connect / 2));
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        return config;
    }

    private static void createOwnerOnly(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // an existing store: keep its mode
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the token store " + file + ": " + e, e);
        }
    }

    /** How long a PostgreSQL connection waits for a reply before it counts as broken: a lock wait and then some. */
    static long socketTimeoutSeconds(TokenStoreOptions options) {
        return ceilSeconds(options.lockTimeout()) + Math.max(1, ceilSeconds(options.connectTimeout())) + 10;
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }
}
