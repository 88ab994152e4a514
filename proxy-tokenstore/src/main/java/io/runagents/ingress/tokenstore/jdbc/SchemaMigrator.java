package io.runagents.ingress.tokenstore.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Creates and upgrades the schema with versioned migrations, one process at a time: the whole run is one
 * transaction that first takes the dialect's migration lock (PostgreSQL advisory lock, SQLite
 * {@code BEGIN EXCLUSIVE}), then reads which versions {@code token_store_schema} lists, applies the missing ones in
 * order and records each with the SHA-256 of its script. Both backends have transactional DDL, so a failed
 * migration leaves the schema as it was.
 *
 * <p>Why not Flyway: its SQLite support takes no lock (two processes starting on one new file both apply V1, and one
 * fails with SQLITE_BUSY), and this store needs a few files, not a framework.
 *
 * <p>Scripts live in {@code db/<dialect>/V<n>__<description>.sql} beside this class. A script that changed after it
 * was applied stops the start (a schema must not drift from its history); versions newer than this build knows are
 * accepted with a warning (a rolling upgrade: migrations only add).
 */
final class SchemaMigrator {

    /** One step of the schema's history. */
    record Migration(int version, String description) {
        String resource(Dialect dialect) {
            return "db/" + dialect.folder() + "/V" + version + "__" + description + ".sql";
        }
    }

    /** Every migration, in order. Append only. */
    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "grants_and_consents"));

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final String HISTORY = "token_store_schema";
    private static final String SCRIPTS = "/io/runagents/ingress/tokenstore/";

    private SchemaMigrator() {
    }

    /** Brings the schema on {@code c} up to date; returns how many migrations were applied. */
    static int migrate(Connection c, Dialect dialect, Clock clock) throws SQLException {
        return migrate(c, dialect, clock, MIGRATIONS);
    }

    /** {@link #migrate(Connection, Dialect, Clock)} with another history (tests: upgrades and failed scripts). */
    static int migrate(Connection c, Dialect dialect, Clock clock, List<Migration> migrations) throws SQLException {
        dialect.beginMigration(c);
        try {
            Dialect.execute(c, "CREATE TABLE IF NOT EXISTS " + HISTORY + " (version INTEGER PRIMARY KEY, "
                    + "description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            Map<Integer, String> applied = applied(c);
            int count = 0;
            for (Migration m : migrations) {
                String script = script(m, dialect);
                String checksum = sha256(script);
                String recorded = applied.remove(m.version());
                if (recorded == null) {
                    for (String statement : statements(script)) {
                        Dialect.execute(c, statement);
                    }
                    record(c, m, checksum, clock);
                    log.info("token store schema: applied V{} {}", m.version(), m.description());
                    count++;
                } else if (!recorded.equals(checksum)) {
                    throw new IllegalStateException("token store schema: migration V" + m.version() + " ("
                            + m.resource(dialect) + ") changed after it was applied (expected: checksum " + recorded
                            + ", got " + checksum + ")");
                }
            }
            if (!applied.isEmpty()) {
                log.warn("token store schema has versions {} that this build does not know (a newer build migrated "
                        + "it): using it as it is", applied.keySet());
            }
            dialect.commit(c);
            return count;
        } catch (SQLException | RuntimeException e) {
            try {
                dialect.rollback(c);
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@code script} without comment lines, split on {@code ;}, without empty statements. */
    static List<String> statements(String script) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : sql.toString().split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static Map<Integer, String> applied(Connection c) throws SQLException {
        Map<Integer, String> applied = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, checksum FROM " + HISTORY);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        return applied;
    }

    private static void record(Connection c, Migration m, String checksum, Clock clock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + HISTORY
                + " (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.setString(3, checksum);
            ps.setLong(4, clock.millis());
            ps.executeUpdate();
        }
    }

    private static String script(Migration m, Dialect dialect) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(SCRIPTS + m.resource(dialect))) {
            if (in == null) {
                throw new IllegalStateException("token store schema: " + SCRIPTS + m.resource(dialect)
                        + " is not on the class path");
            }
            // Line endings normalised, so a checkout with CRLF does not count as a changed script.
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
