package io.runagents.ingress.core.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runagents completion bash}: prints a completion script; {@code source <(runagents completion bash)}. */
@Command(name = "completion", description = "Print a shell completion script (bash; zsh via bashcompinit).")
final class CompletionCommand implements Callable<Integer> {
    /** The shells picocli generates a script for. */
    enum Shell { bash }

    @Parameters(paramLabel = "SHELL", description = "bash")
    private Shell shell;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("runagents", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
