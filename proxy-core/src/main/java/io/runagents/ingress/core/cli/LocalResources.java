package io.runagents.ingress.core.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runagents.ingress.config.edit.ResourceChange;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.edit.ResourceTrees;
import io.runagents.ingress.config.load.ConfigError;
import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.ResourceYamlWriter;
import io.runagents.ingress.config.load.YamlConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The resource commands on a conf directory ({@code --config}); a running proxy picks edits up by hot reload. */
final class LocalResources implements ResourceBackend {
    private final ResourceFiles files;
    private final String displayPrefix;

    LocalResources(Path confDir) {
        this.files = new ResourceFiles(confDir, Clock.systemUTC());
        Path name = confDir.toAbsolutePath().normalize().getFileName();
        this.displayPrefix = (name == null ? "" : name.toString()) + "/";
    }

    /** The loader's errors for the whole directory, as {@code validate} prints them (a missing one included). */
    @Override
    public List<String> directoryErrors() {
        ConfigLoadResult result = YamlConfigLoader.loadDirectory(files.confDir(), 0, Clock.systemUTC());
        return result instanceof ConfigLoadResult.Invalid invalid
                ? invalid.errors().stream().map(ConfigError::toString).toList() : List.of();
    }

    @Override
    public List<ObjectNode> list(ResourceKind kind) throws Exception {
        return files.list(kind).stream().map(ResourceTrees::tree).toList();
    }

    @Override
    public String listYaml(ResourceKind kind) throws Exception {
        return ResourceYamlWriter.writeAll(files.list(kind));
    }

    @Override
    public Optional<ObjectNode> json(ResourceKind kind, String name) throws Exception {
        return files.get(kind, name).map(ResourceTrees::tree);
    }

    @Override
    public Optional<String> yaml(ResourceKind kind, String name) throws Exception {
        return files.get(kind, name).map(ResourceYamlWriter::write);
    }

    @Override
    public Result apply(ResourceKind kind, String sourceName, String yaml, boolean dryRun) throws Exception {
        return finish(files.planApply(kind, sourceName, yaml), dryRun);
    }

    @Override
    public Result delete(ResourceKind kind, String name, boolean dryRun) throws Exception {
        ResourceChange change = files.planDelete(kind, name);
        if (change.outcomes().get(0).action() == ResourceChange.Action.NOT_FOUND) {
            return Result.missing();
        }
        return finish(change, dryRun);
    }

    private Result finish(ResourceChange change, boolean dryRun) throws Exception {
        if (!change.valid()) {
            return Result.refused(change.errors().stream().map(ConfigError::toString).toList());
        }
        if (!dryRun) {
            files.commit(change);
        }
        String suffix = dryRun ? " (dry run)" : "";
        return new Result(List.of(), change.outcomes().stream().map(o -> o + suffix).toList(),
                dryRun ? change.diff(displayPrefix) : "", false);
    }
}
