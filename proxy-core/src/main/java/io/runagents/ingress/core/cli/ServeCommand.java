package io.runagents.ingress.core.cli;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.server.ConfigReloader;
import io.runagents.ingress.core.server.ProxyServer;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code runagents serve}: runs the proxy on a conf directory until SIGTERM or SIGINT, then drains
 * in-flight requests for up to {@code shutdownGraceSeconds} and exits 0.
 */
@Command(name = "serve", description = "Run the proxy on a conf directory.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    private ConfigDirOption config;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ConfigStore store = new ConfigStore(config.dir(), Clock.systemUTC());
        ConfigSnapshot snapshot = ConfigDirOption.loadedOrReport(store.initialize(), err);
        if (snapshot == null) {
            err.printf("%s: invalid configuration, not starting%n", config.dir());
            store.close();
            return 1;
        }
        LeakDetectionDefault.apply();
        ProxyServer server = ProxyServer.start(snapshot, 0);
        // Hot reload and the /admin API; stopped before the drain so no reload races the shutdown.
        ConfigReloader reloader = ConfigReloader.start(server, store, ConfigReloader.Options.defaults());
        StopSignals.awaitTermination();
        reloader.close();
        server.shutdown(Duration.ofSeconds(server.config().snapshot().proxy().limits().shutdownGraceSeconds()));
        return 0;
    }
}
