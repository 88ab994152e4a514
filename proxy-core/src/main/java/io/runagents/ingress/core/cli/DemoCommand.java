package io.runagents.ingress.core.cli;

import io.runagents.ingress.core.demo.Demo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code runagents demo}: the proxy with a built-in echo agent on loopback, and curl lines to try. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a self-contained demo on loopback and print curl lines to try.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080",
            description = "ingress port to try first, the egress tries the next one (default: ${DEFAULT-VALUE})")
    private int port;
    @Option(names = "--admin-port", defaultValue = "9901", description = "admin port to try first (default: ${DEFAULT-VALUE})")
    private int adminPort;
    @Spec
    private CommandSpec spec;
    private static final int MAX_PORT = 65535;

    @Override
    public Integer call() throws Exception {
        for (int p : new int[] {port, adminPort}) {
            if (p < 0 || p > MAX_PORT) {
                throw new ParameterException(spec.commandLine(), "port out of range: " + p + " (expected 0-65535)");
            }
        }
        LeakDetectionDefault.apply();
        Path dataDir = Files.createTempDirectory("runagents-demo");
        try (Demo demo = Demo.start(port, adminPort, dataDir)) {
            spec.commandLine().getOut().println(demo.instructions());
            spec.commandLine().getOut().flush();
            StopSignals.awaitTermination();
        } finally {
            deleteTree(dataDir); // its keys, JWKS copy and audit lines belong to this run only
        }
        return 0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
