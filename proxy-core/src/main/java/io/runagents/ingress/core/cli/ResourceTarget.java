package io.runagents.ingress.core.cli;

import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --config DIR} (local files, the default) or {@code --server URL} (a running proxy's admin API). */
final class ResourceTarget {
    @Mixin
    private ConfigDirOption config;
    @Option(names = "--server", paramLabel = "URL",
            description = "admin API of a running proxy, such as http://127.0.0.1:9901 "
                    + "(bearer token: $RUNAGENTS_ADMIN_TOKEN)")
    private String server;
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    ResourceBackend backend() {
        return server().<ResourceBackend>map(remote -> remote).orElseGet(() -> new LocalResources(config.dir()));
    }

    /** The running proxy named by {@code --server}; empty when the target is the conf directory. */
    Optional<RemoteResources> server() {
        if (server == null) {
            return Optional.empty();
        }
        if (mixee.commandLine().getParseResult().hasMatchedOption("--config")) {
            throw new ParameterException(mixee.commandLine(), "--config and --server are mutually exclusive");
        }
        if (!server.startsWith("http://") && !server.startsWith("https://")) {
            throw new ParameterException(mixee.commandLine(), "--server: " + server + " (expected: http(s)://host:port)");
        }
        return Optional.of(new RemoteResources(server, System.getenv("RUNAGENTS_ADMIN_TOKEN")));
    }

    /** The {@code --config} directory, for commands that load it whole when no {@code --server} is given. */
    ConfigDirOption config() {
        return config;
    }
}
