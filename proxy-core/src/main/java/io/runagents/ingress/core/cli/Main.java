package io.runagents.ingress.core.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runagents} command line (SPEC section 2). */
@Command(name = "runagents", mixinStandardHelpOptions = true, version = "runagents 0.1.0",
        description = "Identity-aware reverse proxy for AI agents.",
        subcommands = {ServeCommand.class, DemoCommand.class, ValidateCommand.class, TokenCommand.class,
                CompletionCommand.class, GrantsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code: 0 done, 1 refused / invalid, 2 usage error. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree, for {@link #run} and for tests that capture its output with setOut/setErr. */
    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new Main());
        ResourceCommands.register(root);
        return root.setCaseInsensitiveEnumValuesAllowed(true);
    }
}
