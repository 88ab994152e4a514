package io.runagents.ingress.config.watch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a conf tree looks like without reading its files: every visible path with its size, modification time
 * and file identity (inode), symlinks followed. Comparing two tells whether anything may have changed; the
 * identity catches a Kubernetes {@code ..data} swap even when the new files keep the old times and sizes.
 * Names starting with {@code .} are skipped, as the loader skips them.
 */
final class DirectoryFingerprint {
    /** Deep enough for {@code conf/<kind>/<file>}, shallow enough to stop on symlink loops. */
    private static final int MAX_DEPTH = 3;

    private final Map<String, String> entries;

    private DirectoryFingerprint(Map<String, String> entries) {
        this.entries = entries;
    }

    static DirectoryFingerprint of(Path root) {
        Map<String, String> entries = new TreeMap<>();
        walk(root, root, 0, entries, null);
        return new DirectoryFingerprint(entries);
    }

    /** The root and every visible folder under it (following links), for registering watches. */
    static List<Path> directories(Path root) {
        List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(root)) {
            dirs.add(root);
            walk(root, root, 0, new TreeMap<>(), dirs);
        }
        return dirs;
    }

    private static void walk(Path root, Path dir, int depth, Map<String, String> entries, List<Path> dirs) {
        if (depth >= MAX_DEPTH) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (child.getFileName().toString().startsWith(".")) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(child, BasicFileAttributes.class);
                } catch (IOException e) {
                    // A dangling link or a file removed mid-walk: it is part of the picture as such.
                    entries.put(root.relativize(child).toString(), "unreadable");
                    continue;
                }
                // A folder's own time moves with hidden temp files; its listing is what matters.
                entries.put(root.relativize(child).toString(), a.isDirectory() ? "dir|" + a.fileKey()
                        : a.size() + "|" + a.lastModifiedTime() + "|" + a.fileKey());
                if (a.isDirectory()) {
                    if (dirs != null) {
                        dirs.add(child);
                    }
                    walk(root, child, depth + 1, entries, dirs);
                }
            }
        } catch (IOException e) {
            entries.put(root.relativize(dir) + "/", "unlistable");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirectoryFingerprint other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries);
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
