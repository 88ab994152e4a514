package io.runagents.ingress.config.edit;

import io.runagents.ingress.config.load.ConfigError;
import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.load.DocumentsLoadResult;
import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.load.ResourceYamlWriter;
import io.runagents.ingress.config.load.YamlConfigLoader;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.Tool;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The resources of a conf directory as files to read and edit, shared by the CLI ({@code --config}) and the
 * admin API. An edit is planned first ({@link #planApply}, {@link #planDelete}): the whole directory is
 * validated as it would be afterwards, so a change that would break it is refused with every error and
 * writes nothing. {@link #commit} then writes each file atomically (a hidden temp file renamed over it), so
 * the watcher of a running proxy never reads half a file.
 *
 * <p>Where a resource goes: the file that already defines it, else {@code <kind>/<name>.yaml}. Edits are made
 * on the text: the document that defines the resource is replaced by the document as given (its comments
 * included) and every other document of the file keeps its bytes ({@link DocumentTexts}). Only a file whose
 * document markers carry content ({@code --- name: a}) is re-rendered by {@link ResourceYamlWriter}, which
 * drops its comments. Not thread-safe; callers serialise edits.
 */
public final class ResourceFiles {
    private final Path confDir;
    private final Clock clock;

    /**
     * One kind file as it is on disk; {@code records} is null when the file is invalid on its own. Else
     * {@code documents} are its documents with the name each defines (null for one with only comments).
     */
    private record FileEntry(String relative, String text, List<Record> records, Documents documents) { }

    /** A file's documents and the resource name each defines, edited together. */
    private record Documents(List<DocumentTexts.Part> parts, List<String> names) {
        Documents copy() {
            return new Documents(new ArrayList<>(parts), new ArrayList<>(names));
        }

        static Documents empty() {
            return new Documents(new ArrayList<>(), new ArrayList<>());
        }

        void append(String name, String body) {
            parts.add(new DocumentTexts.Part(parts.isEmpty() ? "" : "---\n", body));
            names.add(name);
        }

        void replace(String name, String body) {
            int i = names.indexOf(name);
            parts.set(i, parts.get(i).withBody(body));
        }

        Documents without(String name) {
            int i = names.indexOf(name);
            List<String> rest = new ArrayList<>(names);
            rest.remove(i);
            return new Documents(DocumentTexts.without(parts, i), rest);
        }

        boolean definesNothing() {
            return names.stream().allMatch(Objects::isNull);
        }

        String text() {
            return DocumentTexts.join(parts);
        }
    }

    public ResourceFiles(Path confDir, Clock clock) {
        this.confDir = Objects.requireNonNull(confDir, "confDir");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path confDir() {
        return confDir;
    }

    /** Every resource of {@code kind} in valid files, in file and document order; broken files are skipped. */
    public List<Record> list(ResourceKind kind) throws IOException {
        List<Record> all = new ArrayList<>();
        for (FileEntry f : scan(kind)) {
            if (f.records() != null) {
                all.addAll(f.records());
            }
        }
        return all;
    }

    /** The resource of {@code kind} named {@code name}, if a valid file defines it. */
    public Optional<Record> get(ResourceKind kind, String name) throws IOException {
        return list(kind).stream().filter(r -> nameOf(r).equals(name)).findFirst();
    }

    /**
     * Plans writing every document of {@code yaml} (all of {@code kind}). {@code sourceName} names the input in
     * errors about the input itself, such as {@code agent.yaml} or {@code -}.
     */
    public ResourceChange planApply(ResourceKind kind, String sourceName, String yaml) throws IOException {
        DocumentsLoadResult parsed = YamlConfigLoader.loadDocuments(kind, sourceName, yaml);
        if (parsed instanceof DocumentsLoadResult.Invalid invalid) {
            return ResourceChange.refused(invalid.errors());
        }
        List<? extends Record> incoming = ((DocumentsLoadResult.Parsed) parsed).resources().of(kind);
        if (incoming.isEmpty()) {
            return ResourceChange.refused(List.of(new ConfigError(sourceName, 0, 0, "",
                    "no " + kind.folder() + " found (expected: at least one YAML document with name and spec)")));
        }
        List<FileEntry> files = scan(kind);
        Map<String, FileEntry> home = homes(files);
        Map<String, String> given = documentTexts(kind, sourceName, yaml, incoming);
        Map<String, Documents> edited = new LinkedHashMap<>();
        List<ResourceChange.Outcome> outcomes = new ArrayList<>();
        for (Record r : incoming) {
            String name = nameOf(r);
            FileEntry file = home.get(name);
            ResourceChange.Action action;
            if (file == null) {
                String target = kind.folder() + "/" + name + ".yaml";
                FileEntry there = files.stream().filter(f -> f.relative().equals(target)).findFirst().orElse(null);
                // An invalid file of that name is replaced: applying a good version is how one repairs it.
                edited.computeIfAbsent(target, t -> there == null || there.records() == null
                        ? Documents.empty() : there.documents().copy()).append(name, given.get(name));
                action = ResourceChange.Action.CREATED;
            } else if (file.records().stream().anyMatch(r::equals)) {
                action = ResourceChange.Action.UNCHANGED;
            } else {
                edited.computeIfAbsent(file.relative(), t -> file.documents().copy()).replace(name, given.get(name));
                action = ResourceChange.Action.CONFIGURED;
            }
            outcomes.add(new ResourceChange.Outcome(kind, name, action));
        }
        Map<String, String> after = new LinkedHashMap<>();
        edited.forEach((path, documents) -> after.put(path, documents.text()));
        return validated(files, outcomes, after);
    }

    /** Plans removing the resource; {@code NOT_FOUND} when no valid file defines it. */
    public ResourceChange planDelete(ResourceKind kind, String name) throws IOException {
        List<FileEntry> files = scan(kind);
        FileEntry file = homes(files).get(name);
        if (file == null) {
            return new ResourceChange(List.of(), List.of(new ResourceChange.Outcome(kind, name,
                    ResourceChange.Action.NOT_FOUND)), List.of());
        }
        Documents rest = file.documents().without(name);
        Map<String, String> after = new HashMap<>();
        after.put(file.relative(), rest.definesNothing() ? null : rest.text());
        return validated(files, List.of(new ResourceChange.Outcome(kind, name, ResourceChange.Action.DELETED)), after);
    }

    /** Writes a valid change; each file is replaced atomically, deleted files are removed. */
    public void commit(ResourceChange change) throws IOException {
        if (!change.valid()) {
            throw new IllegalArgumentException("change: invalid (expected: a change without errors)");
        }
        for (ResourceChange.FileWrite w : change.writes()) {
            Path target = confDir.resolve(w.relativePath());
            if (w.after() == null) {
                Files.deleteIfExists(target);
            } else {
                writeAtomically(target, w.after());
            }
        }
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path dir = Files.createDirectories(target.getParent());
        // Hidden, so neither the loader nor the watcher's fingerprint ever takes it for a resource file.
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(temp, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private ResourceChange validated(List<FileEntry> files, List<ResourceChange.Outcome> outcomes,
                                     Map<String, String> after) {
        if (after.isEmpty()) {
            // Nothing would change: an unrelated broken file is not this edit's business.
            return new ResourceChange(List.of(), outcomes, List.of());
        }
        ConfigLoadResult result = YamlConfigLoader.loadDirectory(confDir, 0, clock, after);
        if (result instanceof ConfigLoadResult.Invalid invalid) {
            return new ResourceChange(invalid.errors(), outcomes, List.of());
        }
        List<ResourceChange.FileWrite> writes = new ArrayList<>();
        after.forEach((path, text) -> writes.add(new ResourceChange.FileWrite(path,
                files.stream().filter(f -> f.relative().equals(path)).map(FileEntry::text).findFirst().orElse(null),
                text)));
        return new ResourceChange(List.of(), outcomes, writes);
    }

    /** Which file defines each name (the first one, should a broken directory define it twice). */
    private static Map<String, FileEntry> homes(List<FileEntry> files) {
        Map<String, FileEntry> home = new HashMap<>();
        for (FileEntry f : files) {
            if (f.records() != null) {
                f.records().forEach(r -> home.putIfAbsent(nameOf(r), f));
            }
        }
        return home;
    }

    private List<FileEntry> scan(ResourceKind kind) throws IOException {
        Path folder = confDir.resolve(kind.folder());
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        TreeSet<String> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml")) && Files.isRegularFile(p)) {
                    names.add(n);
                }
            }
        }
        List<FileEntry> files = new ArrayList<>();
        for (String n : names) {
            String relative = kind.folder() + "/" + n;
            String text = Files.readString(folder.resolve(n));
            DocumentsLoadResult r = YamlConfigLoader.loadDocuments(kind, relative, text);
            if (r instanceof DocumentsLoadResult.Parsed p) {
                List<Record> records = List.copyOf(p.resources().of(kind));
                files.add(new FileEntry(relative, text, records, documents(kind, relative, text, records)));
            } else {
                files.add(new FileEntry(relative, text, null, null));
            }
        }
        return files;
    }

    /**
     * The documents of a valid file's {@code text} with the name each defines; re-rendered from
     * {@code records} (comments lost) when the text cannot be cut into one resource per document.
     */
    private static Documents documents(ResourceKind kind, String file, String text, List<Record> records) {
        Optional<List<DocumentTexts.Part>> parts = DocumentTexts.split(text);
        if (parts.isPresent()) {
            List<String> names = new ArrayList<>();
            for (DocumentTexts.Part part : parts.get()) {
                if (!(YamlConfigLoader.loadDocuments(kind, file, part.body()) instanceof DocumentsLoadResult.Parsed p)
                        || p.resources().of(kind).size() > 1) {
                    names = null;
                    break;
                }
                List<? extends Record> defined = p.resources().of(kind);
                names.add(defined.isEmpty() ? null : nameOf(defined.get(0)));
            }
            if (names != null) {
                return new Documents(new ArrayList<>(parts.get()), names);
            }
        }
        Documents rendered = Documents.empty();
        records.forEach(r -> rendered.append(nameOf(r), ResourceYamlWriter.writeAll(List.of(r))));
        return rendered;
    }

    /** Each incoming resource's own document text, as given (comments kept) when it can be cut out. */
    private static Map<String, String> documentTexts(ResourceKind kind, String source, String yaml,
                                                     List<? extends Record> incoming) {
        Documents documents = documents(kind, source, yaml, List.copyOf(incoming));
        Map<String, String> texts = new HashMap<>();
        for (int i = 0; i < documents.names().size(); i++) {
            String name = documents.names().get(i);
            if (name != null) {
                texts.put(name, withFinalNewline(documents.parts().get(i).body()));
            }
        }
        return texts;
    }

    /** The {@code name} of any resource record. */
    public static String nameOf(Record resource) {
        if (resource instanceof IdentityProvider p) {
            return p.name();
        } else if (resource instanceof Agent a) {
            return a.name();
        } else if (resource instanceof Tool t) {
            return t.name();
        } else if (resource instanceof Policy p) {
            return p.name();
        }
        throw new IllegalArgumentException("resource: " + resource.getClass().getName()
                + " (expected: IdentityProvider, Agent, Tool or Policy)");
    }

    private static String withFinalNewline(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }
}
