package io.runagents.ingress.core.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config DIR}: default {@code $RUNAGENTS_CONFIG}, else {@code ./conf}. */
final class ConfigDirOption {
    @Option(names = "--config", paramLabel = "DIR",
            description = "conf directory (default: $RUNAGENTS_CONFIG or ./conf)")
    private Path dir;

    Path dir() {
        if (dir != null) {
            return dir;
        }
        String env = System.getenv("RUNAGENTS_CONFIG");
        return Path.of(env == null || env.isBlank() ? "conf" : env);
    }
}
