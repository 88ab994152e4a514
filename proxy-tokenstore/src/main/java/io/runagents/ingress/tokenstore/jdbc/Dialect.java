package io.runagents.ingress.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The few places where SQLite and PostgreSQL differ: how a write transaction takes its lock, and how migrations
 * are kept to one process at a time. Everything else (RETURNING, ON CONFLICT, LIMIT) is common SQL.
 */
enum Dialect {

    /**
     * SQLite has one write lock per database file. {@code BEGIN IMMEDIATE} takes it at the start of the transaction,
     * so a transaction never has to upgrade a read lock (which fails at once with SQLITE_BUSY instead of waiting);
     * waiters wait in the busy handler, up to {@code busy_timeout}. Transactions are plain statements with the
     * driver left in auto-commit mode: sqlite-jdbc's own {@code commit()} immediately begins the next transaction,
     * which would take the write lock again.
     */
    SQLITE("sqlite", "") {
        @Override
        void begin(Connection c, Duration lockTimeout) throws SQLException {
            execute(c, "BEGIN IMMEDIATE");
        }

        @Override
        void beginMigration(Connection c) throws SQLException {
            execute(c, "BEGIN EXCLUSIVE");
        }

        @Override
        void commit(Connection c) throws SQLException {
            execute(c, "COMMIT");
        }

        @Override
        void rollback(Connection c) throws SQLException {
            execute(c, "ROLLBACK");
        }
    },

    /**
     * PostgreSQL locks rows: writers lock what they change ({@code SELECT ... FOR UPDATE}), waiting at most
     * {@code lock_timeout}. Migrations take a transaction-scoped advisory lock, so replicas starting together
     * migrate one after another.
     */
    POSTGRESQL("postgresql", " FOR UPDATE") {
        @Override
        void begin(Connection c, Duration lockTimeout) throws SQLException {
            c.setAutoCommit(false);
            execute(c, "SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
        }

        @Override
        void beginMigration(Connection c) throws SQLException {
            c.setAutoCommit(false);
            execute(c, "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK_KEY + ")");
        }

        @Override
        void commit(Connection c) throws SQLException {
            c.commit();
            c.setAutoCommit(true);
        }

        @Override
        void rollback(Connection c) throws SQLException {
            c.rollback();
            c.setAutoCommit(true);
        }
    };

    /** The advisory lock of the token store's migrations: "RATOKENS" in ASCII. */
    static final long MIGRATION_LOCK_KEY = 0x5241544F4B454E53L;

    private final String folder;
    private final String forUpdate;

    Dialect(String folder, String forUpdate) {
        this.folder = folder;
        this.forUpdate = forUpdate;
    }

    /** The backend's name, as health reports it; also the folder of its migration scripts. */
    String folder() {
        return folder;
    }

    /** What a SELECT that will be followed by an update of the same row ends with. */
    String forUpdate() {
        return forUpdate;
    }

    /** Begins a write transaction whose lock waits last at most {@code lockTimeout}. */
    abstract void begin(Connection c, Duration lockTimeout) throws SQLException;

    /** Begins the migration transaction, excluding every other process's migration until it ends. */
    abstract void beginMigration(Connection c) throws SQLException;

    abstract void commit(Connection c) throws SQLException;

    abstract void rollback(Connection c) throws SQLException;

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
