package io.runagents.ingress.tokenstore.testing;

import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenStoreOptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** One database for one test, reachable through the store and, for tampering and inspection, through plain SQL. */
public interface Backend {

    /** Options for a store on this test's database; {@code keys} null means a generated key in the data dir. */
    TokenStoreOptions options(Secret keys);

    /** A plain JDBC connection to the same database. */
    Connection raw() throws SQLException;

    /** Every byte the database holds for this test, as a string to search for secrets in clear. */
    String dump();

    /** A SQLite file {@code tokens.db} in {@code dataDir}. */
    static Backend sqlite(Path dataDir) {
        return new Backend() {
            @Override
            public TokenStoreOptions options(Secret keys) {
                return TokenStoreOptions.of(null, null, null, 4, dataDir, keys)
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));
            }

            @Override
            public Connection raw() throws SQLException {
                return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tokens.db"));
            }

            @Override
            public String dump() {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (var files = Files.list(dataDir)) {
                    for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith("tokens.db"))::iterator) {
                        out.writeBytes(Files.readAllBytes(f)); // the database and its WAL
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return out.toString(StandardCharsets.ISO_8859_1);
            }
        };
    }

    /** A schema of its own on the shared PostgreSQL server; {@code dataDir} only holds a generated key. */
    static Backend postgresql(Path dataDir) {
        String url = SharedPostgres.newSchemaUrl();
        return new Backend() {
            @Override
            public TokenStoreOptions options(Secret keys) {
                return TokenStoreOptions.of(url, "postgres", Secret.of("postgres"), 8, dataDir, keys)
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));
            }

            @Override
            public Connection raw() throws SQLException {
                return DriverManager.getConnection(url, "postgres", "postgres");
            }

            @Override
            public String dump() {
                StringBuilder sb = new StringBuilder();
                try (Connection c = raw(); Statement s = c.createStatement()) {
                    for (String table : new String[] {"grants", "pending_consents", "pending_grants"}) {
                        try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
                            while (rs.next()) {
                                sb.append(rs.getString(1)).append('\n'); // bytea shows as \x hex
                            }
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return sb.toString();
            }
        };
    }
}
