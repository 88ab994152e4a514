package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema's versioned migrations: one process at a time, recorded, and checked against their scripts. */
abstract class MigrationContract extends StoreTestBase {

    @Test
    void storesOpeningOneNewDatabaseTogetherMigrateItOnce() throws Exception {
        List<JdbcTokenStore> stores = RefreshContract.concurrently(4, i -> open(TestKeys.K1));
        stores.get(0).replace(ALICE, tokens("access", null, null));
        for (JdbcTokenStore store : stores) {
            assertThat(store.load(ALICE)).isInstanceOf(Lookup.Found.class);
        }
        try (Connection c = backend.raw(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description FROM token_store_schema")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("grants_and_consents");
            assertThat(rs.next()).isFalse();
        }
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
    }

    @Test
    void scriptsSplitIntoStatementsWithoutTheirComments() {
        assertThat(SchemaMigrator.statements("-- a; comment\nCREATE TABLE a (x INT);\n\n  -- b\nCREATE INDEX i ON a (x);\n"))
                .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)");
    }
}
