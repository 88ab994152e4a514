package io.runagents.ingress.core.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.runagents.ingress.config.load.FileReasons;
import io.runagents.ingress.config.load.SettingFilesCheck;
import io.runagents.ingress.config.model.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress listener's TLS, reloadable: each new connection takes the context current when it is
 * accepted; connections already open keep theirs. The context is rebuilt when proxy.yaml names other
 * files and when the files themselves change (a renewed certificate written over the old one, or a
 * Kubernetes secret's symlink swap), which {@link #refreshIfFilesChanged()} notices. Files are read only
 * on the caller's thread (the reload thread, the TLS watch), never on an event loop.
 */
public final class IngressTls {
    private static final Logger log = LoggerFactory.getLogger(IngressTls.class);
    private static final String CERT_FIELD = "tls.certFile";
    private static final String KEY_FIELD = "tls.keyFile";

    /** What was loaded, and from which files as they were then; {@code context} is null for plain HTTP. */
    public record Loaded(TlsSettings settings, FilesState files, SslContext context) { }

    /** The files' identity and version: a changed modification time or size means a new certificate. */
    record FilesState(FileVersion cert, FileVersion key) {
        static FilesState of(TlsSettings settings) {
            return settings.enabled()
                    ? new FilesState(FileVersion.of(settings.certFile()), FileVersion.of(settings.keyFile()))
                    : null;
        }
    }

    /** A file by its real path (symlinks followed), modification time and size; null fields when unreadable. */
    record FileVersion(Path realPath, long modifiedMillis, long size) {
        static FileVersion of(String file) {
            try {
                Path real = Path.of(file).toRealPath();
                BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
                return new FileVersion(real, attributes.lastModifiedTime().toMillis(), attributes.size());
            } catch (IOException e) {
                return new FileVersion(null, -1, -1);
            }
        }
    }

    private volatile Loaded current;

    private IngressTls(Loaded initial) {
        this.current = initial;
    }

    /** The ingress TLS of {@code settings}; throws {@link IllegalStateException} when the files do not load. */
    public static IngressTls start(TlsSettings settings) {
        return new IngressTls(load(settings));
    }

    /** What new connections use now. */
    public Loaded current() {
        return current;
    }

    /** The context for a connection being accepted now, or null for plain HTTP. */
    public SslContext context() {
        return current.context();
    }

    /**
     * The TLS for {@code settings}: the current one when the same files, unchanged, are named; otherwise
     * freshly loaded. Does not switch; see {@link #use}.
     *
     * @throws IllegalStateException when the certificate or key cannot be loaded
     */
    public Loaded prepare(TlsSettings settings) {
        Loaded now = current;
        if (now.settings().equals(settings) && Objects.equals(now.files(), FilesState.of(settings))) {
            return now;
        }
        return load(settings);
    }

    /** Makes {@code loaded} the context of every connection accepted from now on. */
    public void use(Loaded loaded) {
        Loaded previous = current;
        current = loaded;
        if (previous != loaded) {
            log.info("ingress TLS {}", loaded.context() == null ? "off: plain HTTP"
                    : "now from " + loaded.settings().certFile() + " and " + loaded.settings().keyFile());
        }
    }

    /**
     * Reloads when the configured files changed on disk since they were loaded. Files that do not load (half
     * written, say, or a renewed certificate whose key is not written yet, so that the pair does not match)
     * leave the current ones in place; the next check tries again.
     */
    public void refreshIfFilesChanged() {
        Loaded now = current;
        if (now.context() == null || Objects.equals(now.files(), FilesState.of(now.settings()))) {
            return;
        }
        try {
            use(load(now.settings()));
        } catch (IllegalStateException e) {
            log.warn("ingress TLS files changed but do not load; still using the previous ones until they do: {}",
                    e.getMessage());
        }
    }

    /**
     * What is wrong with the certificate and key {@code settings} name, each problem naming {@code tls.certFile}
     * or {@code tls.keyFile}; empty when they load (or TLS is off). Reads the files as serving them would and
     * changes nothing.
     */
    public static List<SettingFilesCheck.Problem> check(TlsSettings settings) {
        return settings.enabled() ? build(settings).problems() : List.of();
    }

    private static Loaded load(TlsSettings settings) {
        if (!settings.enabled()) {
            return new Loaded(settings, null, null);
        }
        // Taken before reading, so a write that lands during the read is seen as a change next time.
        FilesState files = FilesState.of(settings);
        Built built = build(settings);
        if (built.context() == null) {
            throw new IllegalStateException(built.problems().stream().map(SettingFilesCheck.Problem::toString)
                    .collect(Collectors.joining("; ")));
        }
        return new Loaded(settings, files, built.context());
    }

    /** A server context, or the problems that kept it from being built. */
    private record Built(SslContext context, List<SettingFilesCheck.Problem> problems) { }

    /**
     * Reads and parses each file on its own, so every problem is reported, each at the field at fault, then checks
     * that the key is the certificate's: Netty with the JDK provider would build a context from any pair.
     */
    private static Built build(TlsSettings settings) {
        List<SettingFilesCheck.Problem> problems = new ArrayList<>();
        X509Certificate[] chain = parse(CERT_FIELD, settings.certFile(), TlsPem::certificateChain, problems);
        PrivateKey key = parse(KEY_FIELD, settings.keyFile(), TlsPem::privateKey, problems);
        if (chain != null && key != null && !KeyPairMatch.matches(key, chain[0].getPublicKey())) {
            problems.add(new SettingFilesCheck.Problem(KEY_FIELD, settings.keyFile()
                    + " does not match the certificate in " + settings.certFile() + " (" + CERT_FIELD + ")"));
        }
        if (!problems.isEmpty()) {
            return new Built(null, problems);
        }
        try {
            return new Built(SslContextBuilder.forServer(key, chain).build(), List.of());
        } catch (SSLException e) {
            problems.add(new SettingFilesCheck.Problem(KEY_FIELD, "cannot build TLS from " + settings.certFile()
                    + " and " + settings.keyFile() + " (" + e.getMessage() + ")"));
            return new Built(null, problems);
        }
    }

    /** How one file's content becomes what it holds. */
    private interface Parser<T> {
        T parse(String file, byte[] content) throws TlsPem.Unusable;
    }

    /** What {@code file} holds, or null with the reason added to {@code problems} at {@code field}. */
    private static <T> T parse(String field, String file, Parser<T> parser, List<SettingFilesCheck.Problem> problems) {
        byte[] content = read(field, file, problems);
        if (content == null) {
            return null;
        }
        try {
            return parser.parse(file, content);
        } catch (TlsPem.Unusable e) {
            problems.add(new SettingFilesCheck.Problem(field, e.getMessage()));
            return null;
        }
    }

    private static byte[] read(String field, String file, List<SettingFilesCheck.Problem> problems) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            problems.add(new SettingFilesCheck.Problem(field, "cannot read " + file + " (" + FileReasons.of(e, file)
                    + ")"));
        } catch (InvalidPathException e) {
            problems.add(new SettingFilesCheck.Problem(field, FileReasons.of(e)));
        }
        return null;
    }
}
