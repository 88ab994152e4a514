package io.runagents.ingress.tokenstore.crypto;

import io.runagents.ingress.tokenstore.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The key ring of a proxy given none: one key generated into {@code <dataDir>/token-key} (mode 0600) on first start
 * and reused on every later one. The file holds the key in the environment variable's format ({@code local:base64}),
 * so it can be moved there as it is. A warning says that replicas sharing a store must share a key through the
 * environment: each would otherwise generate its own and read none of the others' rows.
 */
public final class KeyFile {

    /** The id of a generated key. */
    public static final String GENERATED_KEY_ID = "local";

    private static final Logger log = LoggerFactory.getLogger(KeyFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFile() {
    }

    /** Where the key of {@code dataDir} is kept. */
    public static Path of(Path dataDir) {
        return dataDir.resolve("token-key");
    }

    /**
     * The key ring spec in {@code <dataDir>/token-key}, generated first when the file does not exist. Two processes
     * starting at once on one {@code dataDir} end up with the same key: the file appears whole or not at all.
     */
    public static Secret loadOrCreate(Path dataDir) {
        Path file = of(dataDir);
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            warnIfReadableByOthers(file);
            Secret spec = Secret.of(Files.readString(file, StandardCharsets.US_ASCII).strip());
            log.warn("the token encryption key is {} because no key was configured (tokenStore.encryptionKeyEnv): "
                    + "every replica sharing a token store must be given one key through that environment variable "
                    + "(this file holds it in that format)", file);
            return spec;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token encryption key " + file + ": " + e, e);
        }
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        // Written whole under a temporary name, then linked in: a link fails if the name exists, so a concurrent
        // starter's key is never overwritten, and nobody reads a half-written file.
        Path tmp = Files.createTempFile(file.getParent(), ".token-key", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.US_ASCII.encode(KeyRing.generateSpec(GENERATED_KEY_ID).reveal() + "\n"));
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp);
                log.info("generated a token encryption key into {}", file);
            } catch (FileAlreadyExistsException e) {
                log.info("another process generated the token encryption key {} first; using it", file);
            } catch (UnsupportedOperationException | FileSystemException e) {
                moveUnlessExists(tmp, file); // a file system without hard links
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void moveUnlessExists(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file);
        } catch (FileAlreadyExistsException e) {
            log.info("another process generated the token encryption key {} first; using it", file);
        }
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                log.warn("the token encryption key {} is {} (expected: rw-------)", file,
                        PosixFilePermissions.toString(perms));
            }
        }
    }
}
