package io.runagents.ingress.core.cli;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.admin.AdminExposure;
import io.runagents.ingress.core.runtime.ConfigReloader;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.core.runtime.SettingFiles;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code runagents serve}: runs the proxy on a conf directory until SIGTERM or SIGINT, then drains
 * in-flight requests for up to {@code shutdownGraceSeconds} and exits 0. An invalid directory, files that
 * proxy.yaml names included, exits 1 with its errors; so does a start that fails (a port in use).
 */
@Command(name = "serve", description = "Run the proxy on a conf directory.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    private ConfigDirOption config;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ConfigStore store = new ConfigStore(config.dir(), Clock.systemUTC()).checkFilesWith(SettingFiles::check);
        ConfigSnapshot snapshot = ConfigDirOption.loadedOrReport(store.initialize(), err);
        if (snapshot == null) {
            err.printf("%s: invalid configuration, not starting%n", config.dir());
            store.close();
            return 1;
        }
        ConfigReloader.Options options = ConfigReloader.Options.defaults();
        String exposed = AdminExposure.refusal(snapshot.proxy().listen().admin(), options.adminToken());
        if (exposed != null) {
            err.printf("%s: not starting: %s%n", config.dir(), exposed);
            store.close();
            return 1;
        }
        LeakDetectionDefault.apply();
        ProxyServer server;
        try {
            server = ProxyServer.start(snapshot, 0);
        } catch (IllegalStateException e) {
            // A listener address in use, or a file that changed since it was checked: one line, not a stack trace.
            log.debug("not starting", e);
            err.printf("%s: not starting: %s%n", config.dir(), e.getMessage());
            store.close();
            return 1;
        }
        // Hot reload and the /admin API; stopped before the drain so no reload races the shutdown.
        ConfigReloader reloader = server.watch(store, options);
        StopSignals.awaitTermination();
        reloader.close();
        server.shutdown(Duration.ofSeconds(server.config().snapshot().proxy().limits().shutdownGraceSeconds()));
        return 0;
    }
}
