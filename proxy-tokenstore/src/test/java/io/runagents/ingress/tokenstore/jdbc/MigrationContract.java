package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.jdbc.SchemaMigrator.Migration;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schema's versioned migrations: one process at a time, recorded, checked against their scripts, applied in
 * order on upgrade, and all or nothing. The upgrade scripts V2 and V3 exist only on the test class path.
 */
abstract class MigrationContract extends StoreTestBase {

    private static final Migration ADDS_A_TABLE = new Migration(2, "test_adds_a_table");
    private static final Migration FAILS_HALFWAY = new Migration(3, "test_fails_halfway");

    @Test
    void storesOpeningOneNewDatabaseTogetherMigrateItOnce() throws Exception {
        List<JdbcTokenStore> stores = RefreshContract.concurrently(4, i -> open(TestKeys.K1));
        stores.get(0).replace(ALICE, tokens("access", null, null));
        for (JdbcTokenStore store : stores) {
            assertThat(store.load(ALICE)).isInstanceOf(Lookup.Found.class);
        }
        assertThat(history()).containsExactly("1 grants_and_consents");
    }

    @Test
    void anUpgradeAppliesOnlyTheNewVersionsAndKeepsTheData() throws Exception {
        open(TestKeys.K1).replace(ALICE, tokens("access", "refresh", null));
        try (Connection c = backend.raw()) {
            assertThat(SchemaMigrator.migrate(c, dialect(), clock, List.of(SchemaMigrator.MIGRATIONS.get(0),
                    ADDS_A_TABLE))).isEqualTo(1);
            assertThat(SchemaMigrator.migrate(c, dialect(), clock, List.of(SchemaMigrator.MIGRATIONS.get(0),
                    ADDS_A_TABLE))).isZero();
        }
        assertThat(history()).containsExactly("1 grants_and_consents", "2 test_adds_a_table");
        assertThat(tableExists("test_added")).isTrue();
        // This build knows only V1: it uses the newer schema as it is.
        assertThat(open(TestKeys.K1).load(ALICE).found().orElseThrow().refreshToken()).isEqualTo(Secret.of("refresh"));
    }

    @Test
    void aMigrationThatFailsLeavesTheSchemaAsItWas() throws Exception {
        open(TestKeys.K1).replace(ALICE, tokens("access", "refresh", null));
        try (Connection c = backend.raw()) {
            assertThatThrownBy(() -> SchemaMigrator.migrate(c, dialect(), clock,
                    List.of(SchemaMigrator.MIGRATIONS.get(0), ADDS_A_TABLE, FAILS_HALFWAY)))
                    .isInstanceOf(SQLException.class);
        }
        // One transaction for the whole run: V2, applied before V3 failed, is gone too.
        assertThat(history()).containsExactly("1 grants_and_consents");
        assertThat(tableExists("test_added")).isFalse();
        assertThat(tableExists("test_half")).isFalse();
        assertThat(tableExists("grants")).isTrue();
        assertThat(open(TestKeys.K1).load(ALICE)).isInstanceOf(Lookup.Found.class);
    }

    @Test
    void aMigrationChangedAfterItWasAppliedStopsTheStart() throws Exception {
        open(TestKeys.K1).close();
        sql("UPDATE token_store_schema SET checksum = 'edited' WHERE version = 1");
        assertThatThrownBy(() -> open(TestKeys.K1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("token store schema: migration V1 (db/")
                .hasMessageContaining("changed after it was applied (expected: checksum edited, got ");
    }

    @Test
    void versionsFromANewerBuildAreAccepted() throws Exception {
        open(TestKeys.K1).close();
        sql("INSERT INTO token_store_schema (version, description, checksum, applied_at) VALUES (2, 'x', 'y', 0)");
        assertThat(open(TestKeys.K1).consumeConsent(Secret.random(32))).isEqualTo(Lookup.none());
        assertThat(history()).containsExactly("1 grants_and_consents", "2 x");
    }

    /** The recorded history, {@code "<version> <description>"} by version. */
    private List<String> history() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = backend.raw(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description FROM token_store_schema ORDER BY version")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + " " + rs.getString(2));
            }
        }
        return out;
    }

    /** Whether the schema under test has {@code table}, from the catalog (so a failed connection is no "no"). */
    private boolean tableExists(String table) throws SQLException {
        String sql = dialect() == Dialect.POSTGRESQL
                ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
        try (Connection c = backend.raw(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }
}
