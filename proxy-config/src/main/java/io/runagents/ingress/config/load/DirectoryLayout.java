package io.runagents.ingress.config.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which entries of a conf directory are resource files, and which are errors. YAML the loader would not read
 * is reported instead of skipped, because a misspelt folder or file name, a resource file one folder too deep
 * or a link to nothing would otherwise drop its resources silently (SPEC section 3: a typo must not silently
 * disable a check). Names starting with {@code .} stay invisible ({@code .git}, temp files, and a Kubernetes
 * ConfigMap mount's {@code ..data} and {@code ..2024_...} entries); folders without YAML files, such as
 * certificates, are none of the loader's business.
 */
final class DirectoryLayout {
    /** As deep as the watcher looks ({@code DirectoryFingerprint}): {@code conf/a/b/c.yaml}. */
    private static final int MAX_DEPTH = 3;
    private static final String KIND_FOLDERS = "identity-providers, agents, tools or policies";
    private static final String NOT_READ = ", which the loader does not read (expected: ";

    private DirectoryLayout() {
    }

    /** Reports YAML files at the top other than {@code proxy.yaml}, and folders with YAML that name no kind. */
    static void checkTopLevel(Path confDir, String prefix, DocumentBinder binder) {
        List<Path> entries = visibleEntries(confDir, prefix, binder);
        for (Path entry : entries == null ? List.<Path>of() : entries) {
            String name = entry.getFileName().toString();
            if (name.equals(YamlConfigLoader.PROXY_FILE) || ResourceKind.fromFolder(name).isPresent()) {
                continue;   // the loader reads these, and reports what is wrong with them
            }
            boolean folder = Files.isDirectory(entry);
            if (isYaml(name) && !folder) {
                reportTopLevelFile(prefix, name, binder);
            } else if (folder && holdsYaml(entry, MAX_DEPTH - 1)) {
                reportUnknownFolder(prefix, name, binder);
            }
        }
    }

    /**
     * The YAML file names in {@code kind}'s folder, sorted, with {@code overrides} applied (see
     * {@link YamlConfigLoader#loadDirectory(Path, long, java.time.Clock, Map)}). A link to nothing is listed so
     * that reading it reports it; a subfolder holding YAML is reported here.
     */
    static List<String> resourceFiles(Path confDir, ResourceKind kind, Map<String, String> overrides, String prefix,
                                      DocumentBinder binder) {
        TreeSet<String> names = new TreeSet<>();
        Path folder = confDir.resolve(kind.folder());
        if (Files.isDirectory(folder)) {
            List<Path> entries = visibleEntries(folder, prefix + kind.folder(), binder);
            if (entries == null) {
                binder.unreadable.add(kind);
            } else {
                names.addAll(yamlFiles(kind, entries, prefix, binder));
            }
        } else if (danglingLink(folder) != null) {
            binder.unreadable.add(kind);
            binder.wholeFileError(prefix + kind.folder(), danglingLink(folder));
        } else if (Files.exists(folder)) {
            binder.wholeFileError(prefix + kind.folder(), "not a directory (expected: a folder of "
                    + kind.folder() + " YAML files)");
        }
        String folderPrefix = kind.folder() + "/";
        overrides.forEach((path, text) -> {
            String name = path.startsWith(folderPrefix) ? path.substring(folderPrefix.length()) : null;
            if (name != null && !name.contains("/") && !name.startsWith(".") && isYaml(name)) {
                if (text == null) {
                    names.remove(name);
                } else {
                    names.add(name);
                }
            }
        });
        return List.copyOf(names);
    }

    /** The YAML files among a kind folder's entries; a subfolder holding YAML is reported. */
    private static List<String> yamlFiles(ResourceKind kind, List<Path> entries, String prefix,
                                          DocumentBinder binder) {
        List<String> names = new ArrayList<>();
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (isYaml(name) && (Files.isRegularFile(p) || danglingLink(p) != null)) {
                names.add(name);
            } else if (Files.isDirectory(p) && holdsYaml(p, MAX_DEPTH - 2)) {
                markUnseen(kind, binder);
                binder.wholeFileError(prefix + kind.folder() + "/" + name, "subfolder holding YAML files" + NOT_READ
                        + "files directly in " + kind.folder() + "/): move them up into " + kind.folder()
                        + "/, or out of the conf directory");
            }
        }
        return names;
    }

    /** The error for a symbolic link whose target does not exist; null when {@code path} is no such link. */
    static String danglingLink(Path path) {
        if (!Files.isSymbolicLink(path) || Files.exists(path)) {
            return null;
        }
        String target;
        try {
            target = " (" + Files.readSymbolicLink(path) + ")";
        } catch (IOException e) {
            target = "";
        }
        return "cannot read: the symbolic link's target does not exist" + target + ": fix or remove the link";
    }

    private static boolean isYaml(String name) {
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /**
     * The entries of {@code dir} not starting with {@code .}, sorted so that errors come in a fixed order; null
     * when it cannot be listed (reported).
     */
    private static List<Path> visibleEntries(Path dir, String shownAs, DocumentBinder binder) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (!p.getFileName().toString().startsWith(".")) {
                    entries.add(p);
                }
            }
        } catch (IOException e) {
            binder.wholeFileError(shownAs, "cannot list: " + e);
            return null;
        }
        entries.sort(null);
        return entries;
    }

    /** Whether a visible YAML file sits in {@code dir} or its folders, looking {@code depth} levels down. */
    private static boolean holdsYaml(Path dir, int depth) {
        if (depth <= 0) {
            return false;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                boolean folder = Files.isDirectory(p);
                if (!name.startsWith(".") && (isYaml(name) && !folder || folder && holdsYaml(p, depth - 1))) {
                    return true;
                }
            }
        } catch (IOException e) {
            // A folder that cannot be listed holds nothing the loader could have read either.
        }
        return false;
    }

    private static void reportTopLevelFile(String prefix, String name, DocumentBinder binder) {
        String fix;
        if (withinTypo(name.toLowerCase(Locale.ROOT), YamlConfigLoader.PROXY_FILE)) {
            fix = "rename it to proxy.yaml, or move it out of the conf directory";
        } else {
            ResourceKind kind = typoOf(name.substring(0, name.lastIndexOf('.')));
            fix = kind == null ? "move it into the folder of its resources' kind (identity-providers/, agents/,"
                    + " tools/ or policies/), or out of the conf directory"
                    : "move it into " + kind.folder() + "/, or out of the conf directory";
            markUnseen(kind, binder);
        }
        binder.wholeFileError(prefix + name, "YAML file at the top of the conf directory" + NOT_READ
                + "only proxy.yaml there): " + fix);
    }

    private static void reportUnknownFolder(String prefix, String name, DocumentBinder binder) {
        ResourceKind kind = typoOf(name);
        markUnseen(kind, binder);
        binder.wholeFileError(prefix + name, "unknown folder holding YAML files" + NOT_READ + KIND_FOLDERS + "): "
                + (kind == null ? "rename it after the kind of its resources" : "rename it to " + kind.folder())
                + ", or move the YAML files out of the conf directory");
    }

    /**
     * Resources of {@code kind} sit where the loader does not look, so its set of names is incomplete and
     * references to it are not judged (as for an unreadable file): "not found" would only repeat this error.
     */
    private static void markUnseen(ResourceKind kind, DocumentBinder binder) {
        if (kind != null) {
            binder.unreadable.add(kind);
        }
    }

    /**
     * The kind folder that {@code name} most likely stands for (its folder or singular name, case aside, within
     * a typo's distance: {@code polices}, {@code Agents}, {@code agent} of {@code agent.yaml}), or null.
     */
    private static ResourceKind typoOf(String name) {
        String typed = name.toLowerCase(Locale.ROOT);
        for (ResourceKind kind : ResourceKind.values()) {
            if (withinTypo(typed, kind.folder()) || withinTypo(typed, kind.singular())) {
                return kind;
            }
        }
        return null;
    }

    /** One edit in a short name, two in a longer one: close enough to be a slip, not another word. */
    private static boolean withinTypo(String typed, String intended) {
        int allowed = Math.min(2, typed.length() / 3);
        return editDistance(typed, intended) <= allowed;
    }

    /** Levenshtein distance. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
