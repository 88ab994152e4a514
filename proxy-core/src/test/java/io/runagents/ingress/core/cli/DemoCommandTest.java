package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The demo command's arguments: help, and ports that cannot exist (the demo itself is tested in DemoTest). */
class DemoCommandTest {
    @Test
    void helpPrintsTheOptions() {
        ResourceCommandsTest.Run help = ResourceCommandsTest.run("demo", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--port", "--admin-port");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        ResourceCommandsTest.Run run = ResourceCommandsTest.run("demo", "--port", "70000");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("port out of range: 70000");
    }
}
