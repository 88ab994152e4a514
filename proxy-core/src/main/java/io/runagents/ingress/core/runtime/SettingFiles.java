package io.runagents.ingress.core.runtime;

import io.runagents.ingress.core.transport.IngressTls;
import io.runagents.ingress.config.load.FileReasons;
import io.runagents.ingress.config.load.SettingFilesCheck;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.identity.ContextSigningKey;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The check of the files proxy.yaml names, which the loader runs for {@code validate}, for {@code serve}'s first
 * load and for every reload, so that a missing certificate is reported like any other config error, with
 * proxy.yaml's {@code file:line:col} (SPEC sections 2 to 4). It reads the files with the code that serves them:
 * {@link IngressTls} for {@code tls} and {@link ContextSigningKey} for {@code identityContext.signingKeyFile} (or
 * the key kept in {@code dataDir}).
 *
 * <p>It creates and changes nothing, even for {@code serve}: a directory refused for another error must not
 * leave an audit file or a data directory behind. So whether the audit file and the generated key could be
 * created is judged from the directories they would go in; opening them when serving
 * ({@link AuditLog#checkWritable} on reload) stays the final word.
 */
public final class SettingFiles {
    private SettingFiles() {
    }

    /** Every problem with the files {@code settings} name, each naming its field; a {@link SettingFilesCheck}. */
    public static List<SettingFilesCheck.Problem> check(ProxySettings settings) {
        List<SettingFilesCheck.Problem> problems = new ArrayList<>(IngressTls.check(settings.tls()));
        String keyFile = settings.identityContext().signingKeyFile();
        if (keyFile != null) {
            report(problems, "identityContext.signingKeyFile", () -> ContextSigningKey.load(Path.of(keyFile)));
        } else {
            report(problems, "dataDir", () -> generatedKey(Path.of(settings.dataDir())));
        }
        report(problems, "audit.file", () -> checkCreatable(Path.of(settings.audit().file())));
        return problems;
    }

    /** Without a configured key, serving reads the one kept in dataDir, or generates it there on first start. */
    private static void generatedKey(Path dataDir) throws IOException {
        Path file = ContextSigningKey.generatedFile(dataDir);
        if (Files.exists(file)) {
            ContextSigningKey.load(file);
        } else {
            checkCreatable(file);
        }
    }

    /**
     * Whether {@code file} could be appended to, or created with the directories it needs, judged from the file
     * or its closest existing ancestor without creating anything.
     */
    static void checkCreatable(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (Files.isDirectory(absolute)) {
                throw new IOException("cannot append to " + file + " (is a directory)");
            }
            if (!Files.isWritable(absolute)) {
                throw new IOException("cannot append to " + file + " (permission denied)");
            }
            return;
        }
        Path existing = absolute.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return; // nothing to judge by; opening it will tell
        }
        String problem = !Files.isDirectory(existing) ? "not a directory"
                : !Files.isWritable(existing) ? "permission denied"
                : whyNoFilesOn(Files.getFileStore(existing));
        if (problem != null) {
            throw new IOException("cannot create " + file + " (" + existing + ": " + problem + ")");
        }
    }

    /**
     * Null when files can be written on {@code store}. A store without any size is a kernel's view such as
     * {@code /proc}, where even root, whom permissions do not stop, cannot create a file.
     */
    private static String whyNoFilesOn(FileStore store) throws IOException {
        if (store.isReadOnly()) {
            return "read-only file system";
        }
        return store.getTotalSpace() == 0 ? "a " + store.type() + " file system, which holds no files" : null;
    }

    private interface FileCheck {
        void run() throws IOException;
    }

    private static void report(List<SettingFilesCheck.Problem> problems, String field, FileCheck check) {
        try {
            check.run();
        } catch (IOException e) {
            problems.add(new SettingFilesCheck.Problem(field, e.getMessage()));
        } catch (InvalidPathException e) {
            problems.add(new SettingFilesCheck.Problem(field, FileReasons.of(e)));
        }
    }
}
