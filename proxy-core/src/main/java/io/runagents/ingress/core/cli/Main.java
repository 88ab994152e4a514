package io.runagents.ingress.core.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runagents} command line (SPEC section 2). */
@Command(name = "runagents", mixinStandardHelpOptions = true, version = "runagents 0.1.0",
        description = "Identity-aware reverse proxy for AI agents.",
        subcommands = {ServeCommand.class, DemoCommand.class, ValidateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code: 0 done, 1 refused / invalid, 2 usage error. */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}
