package io.runagents.ingress.tokenstore.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import io.runagents.ingress.tokenstore.testing.SharedPostgres;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings each pool's connections really have, read back from the connections, not from the configuration. */
class ConnectionPoolsTest {

    @TempDir
    Path dataDir;

    @Test
    void postgresqlConnectionsHaveTheSocketTimeoutAndApplicationName() throws Exception {
        TokenStoreOptions options = TokenStoreOptions.of(SharedPostgres.newSchemaUrl(), "postgres",
                Secret.of("postgres"), 2, dataDir, TestKeys.ring(TestKeys.K1))
                .withTimeouts(Duration.ofMillis(1500), Duration.ofSeconds(7));
        try (HikariDataSource pool = ConnectionPools.postgresql(options); Connection c = pool.getConnection()) {
            // 7 s of lock wait + 2 s of connecting (rounded up) + 10 s
            assertThat(c.getNetworkTimeout()).isEqualTo(19_000);
            assertThat(query(c, "SHOW application_name")).isEqualTo("runagents-ingress");
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @Test
    void sqliteConnectionsUseWalFullSyncAndTheLockTimeoutOnOwnerOnlyFiles() throws Exception {
        TokenStoreOptions options = TokenStoreOptions.sqlite(dataDir, TestKeys.ring(TestKeys.K1))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(4321));
        try (HikariDataSource pool = ConnectionPools.sqlite(options); Connection c = pool.getConnection()) {
            assertThat(query(c, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(query(c, "PRAGMA synchronous")).isEqualTo("2"); // FULL
            assertThat(query(c, "PRAGMA busy_timeout")).isEqualTo("4321");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (x INTEGER)"); // a write, so that the WAL file exists
            }
            for (String file : new String[] {"tokens.db", "tokens.db-wal", "tokens.db-shm"}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(file))))
                        .as(file).isEqualTo("rw-------");
            }
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
