package io.runagents.ingress.config.load;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Why a file could not be read or created, in the few words a config error ends with: {@code no such file},
 * {@code permission denied}, {@code /var/log/x: not a directory}. The JDK's own messages are the bare path
 * ({@link NoSuchFileException}) or a class name and a path, which say nothing to whoever edits proxy.yaml.
 */
public final class FileReasons {
    private FileReasons() {
    }

    /**
     * The reason of {@code e}; when it concerns another file than {@code about} (a parent directory, say),
     * that file is named first.
     */
    public static String of(IOException e, Object about) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "no such file";
        } else if (e instanceof FileAlreadyExistsException) {
            reason = "not a directory"; // how Files.createDirectories says a path on the way is a file
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof CharacterCodingException) {
            reason = "not valid UTF-8";
        } else if (e instanceof FileSystemException fs && fs.getReason() != null && !fs.getReason().isEmpty()) {
            String r = fs.getReason(); // "Not a directory", as the operating system says it
            reason = r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        String file = e instanceof FileSystemException fs ? fs.getFile() : null;
        return file == null || file.equals(String.valueOf(about)) ? reason : file + ": " + reason;
    }

    /** For a setting that is no path at all here (it holds a NUL, say); the input is not repeated, it may not print. */
    public static String of(InvalidPathException e) {
        return "not a valid path (" + e.getReason() + ")";
    }
}
