package io.runagents.ingress.core.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The console's static files (SPEC section 12), read once from the jar's {@code console/} folder into memory,
 * so that serving one costs the event loop no file I/O. {@code /} is {@code index.html}; every other file is
 * served at {@code /console/<its path>}.
 */
final class ConsoleAssets {
    static final String FOLDER = "console";
    static final String PREFIX = "/" + FOLDER + "/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "json", "application/json",
            "png", "image/png",
            "svg", "image/svg+xml",
            "ico", "image/x-icon");

    /** One file: its bytes, its content type, and a strong validator for {@code If-None-Match}. */
    record Asset(byte[] bytes, String contentType, String etag) { }

    private final Map<String, Asset> byPath;

    private ConsoleAssets(Map<String, Asset> byPath) {
        this.byPath = Map.copyOf(byPath);
    }

    /** The files of the class path's {@code console/} folder; none when the folder is missing. */
    static ConsoleAssets load() {
        URL index = ConsoleAssets.class.getResource("/" + FOLDER + "/index.html");
        if (index == null) {
            return new ConsoleAssets(Map.of());
        }
        try {
            URI uri = index.toURI();
            if (uri.getScheme().equals("jar")) {
                return new ConsoleAssets(readJar(uri));
            }
            return new ConsoleAssets(read(Path.of(uri).getParent()));
        } catch (IOException e) {
            throw new UncheckedIOException("console files: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("console files: " + index, e);
        }
    }

    private static Map<String, Asset> readJar(URI uri) throws IOException {
        FileSystem jar;
        boolean opened;
        try {
            jar = FileSystems.newFileSystem(uri, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            jar = FileSystems.getFileSystem(uri); // another part of the process holds it open: not ours to close
            opened = false;
        }
        try {
            return read(jar.getPath("/" + FOLDER));
        } finally {
            if (opened) {
                jar.close();
            }
        }
    }

    private static Map<String, Asset> read(Path root) throws IOException {
        Map<String, Asset> assets = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            String type = TYPES.get(extension(relative));
            if (type == null) {
                continue; // only what a browser needs; a stray file is not served as something else
            }
            byte[] bytes = Files.readAllBytes(file);
            assets.put(relative, new Asset(bytes, type, etag(bytes)));
        }
        return assets;
    }

    private static String extension(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code path} is the console's: {@code /} or under {@code /console/}. */
    static boolean isConsolePath(String path) {
        return path.equals("/") || path.startsWith(PREFIX);
    }

    /** The file a console path names; empty when there is none (a 404). */
    Optional<Asset> find(String path) {
        String relative = path.equals("/") ? "index.html" : path.substring(PREFIX.length());
        return Optional.ofNullable(byPath.get(relative));
    }

    /** How many files were loaded; zero when the jar has no console. */
    int size() {
        return byPath.size();
    }
}
