package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runagents.ingress.config.load.ResourceKind;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code identity-providers} (alias {@code idp}), {@code agents}, {@code tools} and {@code policies}, each
 * with {@code apply}, {@code list}, {@code get} and {@code delete} (SPEC section 2). One implementation,
 * parameterised by {@link ResourceKind}; where it reads and writes is the {@link ResourceTarget}'s business.
 * Exit codes: 0 done, 1 refused / invalid / not found / unreachable, 2 usage (picocli's own). {@code list}
 * shows the valid resources of an invalid conf directory but prints its errors and exits 1, since the listing
 * leaves out what failed; {@code get} and {@code delete} print them before "not found", for the same reason.
 */
final class ResourceCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Output formats; {@code list} prints a table when none is given. */
    enum Format { yaml, json }

    private ResourceCommands() { }

    /** Adds the four resource commands to the root command line. */
    static void register(CommandLine root) {
        for (ResourceKind kind : ResourceKind.values()) {
            CommandLine group = new CommandLine(new Group());
            group.getCommandSpec().usageMessage().description("Manage " + kind.folder()
                    + ": apply, list, get, delete.");
            group.addSubcommand("apply", new Apply(kind));
            group.addSubcommand("list", new ListVerb(kind));
            group.addSubcommand("get", new Get(kind));
            group.addSubcommand("delete", new Delete(kind));
            if (kind == ResourceKind.POLICIES) {
                group.addSubcommand("test", new PolicyTestCommand());
            }
            root.addSubcommand(kind.folder(), group,
                    kind == ResourceKind.IDENTITY_PROVIDERS ? new String[] {"idp"} : new String[0]);
        }
    }

    /** The kind command itself: it needs a verb. */
    @Command(mixinStandardHelpOptions = true)
    static final class Group implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "Missing command: apply, list, get or delete");
        }
    }

    /** What every verb shares: the kind, the target, and turning failures into exit 1. */
    abstract static class Verb implements Callable<Integer> {
        final ResourceKind kind;
        @Mixin
        ResourceTarget target;
        @Spec
        CommandSpec spec;

        Verb(ResourceKind kind) {
            this.kind = kind;
        }

        abstract int run(ResourceBackend backend, PrintWriter out, PrintWriter err) throws Exception;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ResourceBackend backend = target.backend();
            try {
                return run(backend, out, err);
            } catch (java.io.IOException e) {
                err.println("error: " + e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }

        /** Not found, after the source's errors: the document asked for may be one that fails them. */
        int notFound(ResourceBackend backend, PrintWriter err, String name) throws Exception {
            backend.directoryErrors().forEach(err::println);
            err.printf("%s \"%s\" not found%n", kind.singular(), name);
            return 1;
        }

        static String json(Object tree) throws Exception {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        }
    }

    @Command(description = "Validate FILE and write each resource into the conf directory.",
            mixinStandardHelpOptions = true)
    static final class Apply extends Verb {
        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
                description = "YAML file with one or more documents; - for stdin")
        private String file;
        @Option(names = "--dry-run", description = "show the diff and write nothing")
        private boolean dryRun;

        Apply(ResourceKind kind) {
            super(kind);
        }

        @Override
        int run(ResourceBackend backend, PrintWriter out, PrintWriter err) throws Exception {
            String text;
            if (file.equals("-")) {
                text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } else if (Files.isRegularFile(Path.of(file))) {
                text = Files.readString(Path.of(file));
            } else {
                err.printf("%s: no such file%n", file);
                return 1;
            }
            ResourceBackend.Result result = backend.apply(kind, file, text, dryRun);
            return report(result, out, err);
        }
    }

    @Command(name = "list", description = "List the resources (a table, or -o json|yaml).",
            mixinStandardHelpOptions = true)
    static final class ListVerb extends Verb {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table)")
        private Format output;

        ListVerb(ResourceKind kind) {
            super(kind);
        }

        @Override
        int run(ResourceBackend backend, PrintWriter out, PrintWriter err) throws Exception {
            List<String> errors = backend.directoryErrors();
            if (output == Format.yaml) {
                out.print(backend.listYaml(kind));
            } else {
                List<ObjectNode> items = backend.list(kind);
                if (output == Format.json) {
                    out.println(json(items));
                } else if (!items.isEmpty()) {
                    out.print(ResourceTable.render(kind, items));
                } else if (errors.isEmpty()) {
                    // With errors, "none found" would hide the invalid ones; the errors say what is there.
                    err.printf("No %s found.%n", kind.folder());
                }
            }
            errors.forEach(err::println);
            return errors.isEmpty() ? 0 : 1;
        }
    }

    @Command(description = "Print one resource (YAML, or -o json).", mixinStandardHelpOptions = true)
    static final class Get extends Verb {
        @Parameters(paramLabel = "NAME")
        private String name;
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
                description = "yaml or json (default: ${DEFAULT-VALUE})")
        private Format output;

        Get(ResourceKind kind) {
            super(kind);
        }

        @Override
        int run(ResourceBackend backend, PrintWriter out, PrintWriter err) throws Exception {
            Optional<String> text = output == Format.json
                    ? backend.json(kind, name).map(tree -> uncheckedJson(tree)) : backend.yaml(kind, name);
            if (text.isEmpty()) {
                return notFound(backend, err, name);
            }
            out.print(text.get().endsWith("\n") ? text.get() : text.get() + "\n");
            return 0;
        }

        private static String uncheckedJson(Object tree) {
            try {
                return json(tree);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Command(description = "Remove one resource (refused when others still refer to it).",
            mixinStandardHelpOptions = true)
    static final class Delete extends Verb {
        @Parameters(paramLabel = "NAME")
        private String name;
        @Option(names = "--dry-run", description = "show the diff and write nothing")
        private boolean dryRun;

        Delete(ResourceKind kind) {
            super(kind);
        }

        @Override
        int run(ResourceBackend backend, PrintWriter out, PrintWriter err) throws Exception {
            ResourceBackend.Result result = backend.delete(kind, name, dryRun);
            return result.notFound() ? notFound(backend, err, name) : report(result, out, err);
        }
    }

    private static int report(ResourceBackend.Result result, PrintWriter out, PrintWriter err) {
        if (!result.errors().isEmpty()) {
            result.errors().forEach(err::println);
            err.printf("refused: %d error(s); nothing was written%n", result.errors().size());
            return 1;
        }
        out.print(result.diff());
        result.lines().forEach(out::println);
        return 0;
    }
}
