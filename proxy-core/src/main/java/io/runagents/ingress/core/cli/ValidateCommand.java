package io.runagents.ingress.core.cli;

import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.load.YamlConfigLoader;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.core.runtime.SettingFiles;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code runagents validate}: checks a conf directory, the files proxy.yaml names included (read, never created
 * or changed), and prints every error as {@code file:line:col}.
 */
@Command(name = "validate", description = "Check a conf directory; print every error as file:line:col.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    private ConfigDirOption config;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigLoadResult result = YamlConfigLoader.loadDirectory(config.dir(), 1, Clock.systemUTC(),
                SettingFiles::check);
        ConfigSnapshot snapshot = ConfigDirOption.loadedOrReport(result, err);
        if (snapshot == null) {
            err.printf("%s: %d error(s)%n", config.dir(), ((ConfigLoadResult.Invalid) result).errors().size());
            return 1;
        }
        out.printf("%s: valid (%d identity providers, %d agents, %d tools, %d policies)%n", config.dir(),
                snapshot.identityProviders().size(), snapshot.agents().size(), snapshot.tools().size(),
                snapshot.policies().size());
        return 0;
    }
}
