package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runagents validate} through the real entry point. */
class ValidateCommandTest {
    @TempDir
    Path conf;

    @Test
    void validDirectoryIsSummarisedAndInvalidOneListsEveryError() throws Exception {
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/a.yaml"),
                "name: a\nspec:\n  upstream: http://127.0.0.1:9000\n  access: open\n");
        ResourceCommandsTest.Run valid = ResourceCommandsTest.run("validate", "--config", conf.toString());
        assertThat(valid.exit()).isZero();
        assertThat(valid.out()).contains("valid (0 identity providers, 1 agents, 0 tools, 0 policies)");

        Files.writeString(conf.resolve("agents/b.yaml"),
                "name: b\nspec:\n  upstreem: http://127.0.0.1:9000\n  access: sometimes\n");
        ResourceCommandsTest.Run invalid = ResourceCommandsTest.run("validate", "--config", conf.toString());
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("agents/b.yaml:3:3: spec.upstreem").contains("agents/b.yaml:4:")
                .contains("error(s)");
    }
}
