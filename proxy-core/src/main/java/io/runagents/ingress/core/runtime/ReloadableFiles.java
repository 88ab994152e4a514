package io.runagents.ingress.core.runtime;

import io.runagents.ingress.config.model.IdentityContextSettings;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.transport.IngressTls;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy.yaml settings that name files the proxy holds open or loaded: the ingress certificate
 * ({@code tls}), the context signing key ({@code identityContext.signingKeyFile}, or the one kept in
 * {@code dataDir}) and the audit trail ({@code audit.file}). SPEC section 3 has them reload live like the
 * rest. A reload reads them in its prepare step, on the reload thread, so a file that cannot be read or
 * written refuses the reload before anything switches. {@link SettingFiles} already checked them, with
 * proxy.yaml positions, when the reload validated the directory; what fails here is what only opening a file
 * shows, or what changed since.
 */
public final class ReloadableFiles {
    private static final Logger log = LoggerFactory.getLogger(ReloadableFiles.class);
    /** The egress's tolerance for a context's clock, added to how long a retired context key stays accepted. */
    private static final int CONTEXT_CLOCK_SKEW_SECONDS = 5;

    /** What a snapshot's settings resolved to, ready to switch to. */
    public record Prepared(IngressTls.Loaded tls, ContextSigningKey contextKey, Path auditFile) { }

    private final IngressTls tls;
    private final ContextKeyring contextKeys;
    private final AuditLog audit;

    public ReloadableFiles(IngressTls tls, ContextKeyring contextKeys, AuditLog audit) {
        this.tls = tls;
        this.contextKeys = contextKeys;
        this.audit = audit;
    }

    /**
     * Loads what {@code next} names where it differs from {@code now}.
     *
     * @throws IllegalStateException naming the setting, when a file cannot be read or written
     */
    Prepared prepare(ProxySettings now, ProxySettings next) {
        IngressTls.Loaded nextTls = tls.prepare(next.tls());
        ContextSigningKey nextKey = contextKeyFor(now, next);
        Path auditFile = checkedAuditFile(next);
        return new Prepared(nextTls, nextKey, auditFile);
    }

    /**
     * Like {@link #prepare}, for a swap that skipped it (tests apply snapshots directly): when a file fails,
     * the current certificate, key and audit file all stay, as a refused reload would keep them.
     */
    Prepared prepareOrKeep(ProxySettings now, ProxySettings next) {
        try {
            return prepare(now, next);
        } catch (IllegalStateException e) {
            log.error("{}; keeping the current TLS, context key and audit file", e.getMessage());
            return new Prepared(tls.current(), contextKeys.current(), audit.path());
        }
    }

    /** Switches to {@code prepared}: new connections, contexts and audit lines use it from now on. */
    void apply(ProxySettings now, ProxySettings next, Prepared prepared) {
        tls.use(prepared.tls());
        // The old key stays accepted as long as a context it signed can live: under any ttl it issued with,
        // the new one included (a request that began just before the swap may still be signing with it).
        IdentityContextSettings issuing = next.identityContext();
        contextKeys.issuing(issuing.ttlSeconds(), issuing.issuer());
        contextKeys.rotate(prepared.contextKey(), Duration.ofSeconds(CONTEXT_CLOCK_SKEW_SECONDS));
        contextKeys.issuing(issuing.ttlSeconds(), issuing.issuer());
        // Lines of requests that began before the swap may land in the new file, still in order. A file that
        // cannot be opened (checked in prepare, but disks change) is logged and the lines stay where they were.
        audit.switchTo(prepared.auditFile());
        audit.maxWait(Duration.ofMillis(next.audit().maxWaitMillis()));
    }

    /**
     * The context key {@code next} names: its {@code signingKeyFile} (read again on every reload, so a key
     * written over the old file is picked up), else the key kept in its {@code dataDir} when that changed;
     * otherwise the current key.
     */
    private ContextSigningKey contextKeyFor(ProxySettings now, ProxySettings next) {
        String keyFile = next.identityContext().signingKeyFile();
        if (keyFile == null && now.identityContext().signingKeyFile() == null && now.dataDir().equals(next.dataDir())) {
            return contextKeys.current();
        }
        try {
            return ContextSigningKey.loadOrCreate(keyFile, Path.of(next.dataDir()));
        } catch (IOException e) {
            throw new IllegalStateException((keyFile != null ? "identityContext.signingKeyFile: " : "dataDir: ")
                    + e.getMessage(), e);
        }
    }

    /** {@code next}'s audit file, checked writable unless it is the current one. */
    private Path checkedAuditFile(ProxySettings next) {
        Path file = Path.of(next.audit().file());
        if (!file.toAbsolutePath().normalize().equals(audit.path())) {
            try {
                AuditLog.checkWritable(file);
            } catch (IOException e) {
                throw new IllegalStateException("audit.file: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IllegalStateException("audit.file: cannot open " + file + ": " + e, e);
            }
        }
        return file;
    }
}
