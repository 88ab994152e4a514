package io.runagents.ingress.checks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The files of a checkout, as paths relative to its root with {@code /} separators, sorted.
 *
 * <p>With git: what {@code git ls-files} lists, tracked or new but not ignored, so that a file about to be added
 * is checked too, and build output is not. Without git (a source archive, or git refusing the folder): every file
 * except those in the folders the build and the proxy write.
 */
final class RepositoryFiles {
    /** Folders that hold output, never sources: skipped at any depth when there is no git to ask. */
    static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "data", "logs", ".idea", ".vscode");

    private RepositoryFiles() {
    }

    /** The files under {@code root}: git's list when {@code root} is a git checkout and git answers, else a walk. */
    static List<String> list(Path root) throws IOException {
        if (Files.exists(root.resolve(".git"))) {
            List<String> listed = gitListed(root);
            if (listed != null) {
                return listed;
            }
        }
        return walk(root);
    }

    /** Every file under {@code root} outside {@link #SKIPPED_FOLDERS}. */
    static List<String> walk(Path root) throws IOException {
        List<String> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                files.add(relative(root, file));
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }

    /** git's list, or null when git is missing or fails (then the caller walks). */
    private static List<String> gitListed(Path root) {
        ProcessBuilder git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z",
                "--cached", "--others", "--exclude-standard")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process process = git.start();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                return null;
            }
            List<String> files = new ArrayList<>();
            for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
                // --cached still lists a file deleted from the working tree but not yet from the index.
                if (!name.isEmpty() && Files.exists(root.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    files.add(name);
                }
            }
            files.sort(null);
            return files;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
