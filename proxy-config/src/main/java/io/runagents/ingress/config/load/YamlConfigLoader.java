package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ProxySettings;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a conf directory (SPEC section 3) into a {@link ConfigSnapshot}, or into every error it holds, each
 * with {@code file:line:col}. Pure and synchronous: callers run it off the event loop.
 *
 * <p>Files are read in a fixed order ({@code proxy.yaml}, then each kind's folder by sorted file name) so that
 * the same directory always gives the same errors in the same order. Names starting with {@code .} are skipped,
 * which also skips the {@code ..data} links of a Kubernetes ConfigMap mount; symlinked files are followed. YAML
 * that would not be read (a misspelt folder, a subfolder, a link to nothing) is an error: {@link DirectoryLayout}.
 */
public final class YamlConfigLoader {
    /** The optional settings file at the top of the conf directory. */
    public static final String PROXY_FILE = "proxy.yaml";

    private YamlConfigLoader() {
    }

    /** Loads {@code confDir}; {@code version} and {@code clock.instant()} are stamped on the snapshot. */
    public static ConfigLoadResult loadDirectory(Path confDir, long version, Clock clock) {
        return loadDirectory(confDir, version, clock, Map.of());
    }

    /**
     * Loads {@code confDir} and also runs {@code fileCheck} on its proxy.yaml settings (when they are valid),
     * reporting what it finds like every other error, with proxy.yaml's {@code file:line:col}.
     */
    public static ConfigLoadResult loadDirectory(Path confDir, long version, Clock clock,
                                                 SettingFilesCheck fileCheck) {
        return load(confDir, version, clock, Map.of(), fileCheck);
    }

    /**
     * Loads {@code confDir} as if some files had other contents, for {@code apply}/{@code delete} dry runs: a
     * key is a path relative to {@code confDir} with {@code /} separators (such as {@code agents/x.yaml}); its
     * value replaces or adds that file, and a null value removes it.
     */
    public static ConfigLoadResult loadDirectory(Path confDir, long version, Clock clock,
                                                 Map<String, String> overrides) {
        return load(confDir, version, clock, overrides, SettingFilesCheck.NONE);
    }

    private static ConfigLoadResult load(Path confDir, long version, Clock clock, Map<String, String> overrides,
                                         SettingFilesCheck fileCheck) {
        String prefix = displayPrefix(confDir);
        if (!Files.isDirectory(confDir)) {
            return new ConfigLoadResult.Invalid(List.of(new ConfigError(prefix, 0, 0, "",
                    "conf directory not found (expected: a directory)")));
        }
        DocumentBinder binder = new DocumentBinder();
        ProxySettings proxy = ProxySettings.DEFAULTS;
        String proxyText = read(confDir, PROXY_FILE, overrides, prefix, binder);
        if (proxyText != null) {
            proxy = binder.proxySettings(prefix + PROXY_FILE, proxyText);
        }
        if (proxy != null) {
            binder.checkFiles(prefix + PROXY_FILE, proxy, fileCheck);
        }
        DirectoryLayout.checkTopLevel(confDir, prefix, binder);
        for (ResourceKind kind : ResourceKind.values()) {
            for (String fileName : DirectoryLayout.resourceFiles(confDir, kind, overrides, prefix, binder)) {
                String relative = kind.folder() + "/" + fileName;
                String text = read(confDir, relative, overrides, prefix, binder);
                if (text == null) {
                    binder.unreadable.add(kind);
                } else {
                    binder.addFile(kind, prefix + relative, text);
                }
            }
        }
        binder.crossValidate(proxy == null ? null : proxy.consent());
        if (!binder.errors.isEmpty() || proxy == null) {
            return new ConfigLoadResult.Invalid(binder.sortedErrors());
        }
        Resources r = binder.resources();
        return new ConfigLoadResult.Loaded(new ConfigSnapshot(version, clock.instant(), proxy,
                r.identityProviders(), r.agents(), r.tools(), r.policies()));
    }

    /**
     * Validates one file of one kind on its own (every per-resource rule and unique names within the file, but
     * no references to other resources). {@code fileName} is only used in error positions.
     */
    public static DocumentsLoadResult loadDocuments(ResourceKind kind, String fileName, String yamlText) {
        DocumentBinder binder = new DocumentBinder();
        binder.addFile(kind, fileName, yamlText);
        ConfigValidator.uniqueNames(kind, binder.located(kind), binder.errors);
        if (!binder.errors.isEmpty()) {
            return new DocumentsLoadResult.Invalid(binder.sortedErrors());
        }
        return new DocumentsLoadResult.Parsed(binder.resources());
    }

    /**
     * Like {@link #loadDocuments(ResourceKind, String, String)}, with the kind given by its folder name such as
     * {@code identity-providers}.
     *
     * @throws IllegalArgumentException when {@code kindFolder} names no kind
     */
    public static DocumentsLoadResult loadDocuments(String kindFolder, String fileName, String yamlText) {
        ResourceKind kind = ResourceKind.fromFolder(kindFolder).orElseThrow(() -> new IllegalArgumentException(
                "kindFolder: " + kindFolder + " (expected: identity-providers, agents, tools or policies)"));
        return loadDocuments(kind, fileName, yamlText);
    }

    /** File names in errors are relative to the conf directory's parent, e.g. {@code conf/agents/a.yaml}. */
    private static String displayPrefix(Path confDir) {
        Path name = confDir.toAbsolutePath().normalize().getFileName();
        return (name == null ? confDir.toAbsolutePath().normalize().toString() : name.toString()) + "/";
    }

    /** The text of a file (or its override); null when it does not exist or cannot be read (reported). */
    private static String read(Path confDir, String relative, Map<String, String> overrides, String prefix,
                               DocumentBinder binder) {
        if (overrides.containsKey(relative)) {
            return overrides.get(relative);
        }
        Path file = confDir.resolve(relative);
        if (!Files.isRegularFile(file)) {
            String dangling = DirectoryLayout.danglingLink(file);
            if (dangling != null) {
                binder.wholeFileError(prefix + relative, dangling);
            } else if (Files.exists(file)) {
                binder.wholeFileError(prefix + relative, "not a file (expected: a YAML file)");
            }
            return null;
        }
        try {
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            binder.wholeFileError(prefix + relative, "cannot read: not valid UTF-8");
        } catch (IOException e) {
            binder.wholeFileError(prefix + relative, "cannot read: " + e);
        }
        return null;
    }

    /** Orders errors by file (in reading order), then position, so cross-resource errors sit with their file. */
    static List<ConfigError> sortErrors(List<ConfigError> errors, List<String> fileOrder) {
        Map<String, Integer> order = new HashMap<>();
        for (String f : fileOrder) {
            order.putIfAbsent(f, order.size());
        }
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt((ConfigError e) -> order.getOrDefault(e.file(), Integer.MAX_VALUE))
                .thenComparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return sorted;
    }
}
