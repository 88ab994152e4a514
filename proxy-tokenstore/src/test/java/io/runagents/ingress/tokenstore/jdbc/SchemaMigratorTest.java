package io.runagents.ingress.tokenstore.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaMigratorTest {

    @Test
    void scriptsSplitIntoStatementsWithoutTheirComments() {
        assertThat(SchemaMigrator.statements("-- a; comment\nCREATE TABLE a (x INT);\n\n  -- b\nCREATE INDEX i ON a (x);\n"))
                .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)");
    }

    @Test
    void theMigrationsAreNumberedFromOneWithoutGaps() {
        for (int i = 0; i < SchemaMigrator.MIGRATIONS.size(); i++) {
            assertThat(SchemaMigrator.MIGRATIONS.get(i).version()).isEqualTo(i + 1);
        }
    }
}
