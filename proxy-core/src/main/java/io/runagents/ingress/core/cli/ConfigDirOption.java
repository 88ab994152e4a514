package io.runagents.ingress.core.cli;

import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.load.YamlConfigLoader;
import io.runagents.ingress.config.model.ConfigSnapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
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

    /**
     * The snapshot of a load, or null after printing each error as {@code file:line:col: field: message}:
     * how every command that reads a whole conf directory reports it.
     */
    static ConfigSnapshot loadedOrReport(ConfigLoadResult result, PrintWriter err) {
        if (result instanceof ConfigLoadResult.Invalid invalid) {
            invalid.errors().forEach(err::println);
            return null;
        }
        return ((ConfigLoadResult.Loaded) result).snapshot();
    }

    /** Loads the directory; null after printing its errors. */
    ConfigSnapshot load(PrintWriter err) {
        return loadedOrReport(YamlConfigLoader.loadDirectory(dir(), 1, Clock.systemUTC()), err);
    }
}
