package io.runagents.ingress.core.runtime;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.jwt.IdentityProviders;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The configuration in force and the staged swap that replaces it on a reload (SPEC section 4): a reload
 * is {@link #prepare}d beside the serving configuration (new and changed identity providers fetch their
 * keys, the files proxy.yaml names are opened), then {@link #apply}d in one step. Requests read
 * {@link #get} once, at their start, and keep what they read.
 */
public final class LiveConfig implements Supplier<RuntimeConfig>, AutoCloseable {
    private final AtomicReference<RuntimeConfig> config;
    private IdentityProviders providers;
    private Staged staged;
    private ReloadableFiles files;

    /** Providers built (and warmed) for a snapshot that is about to be applied. */
    private record Staged(ConfigSnapshot snapshot, IdentityProviders providers, ReloadableFiles.Prepared files) { }

    /** @param keyFetches where the providers fetch their keys (never an event loop) */
    public LiveConfig(ConfigSnapshot snapshot, Clock clock, Executor keyFetches) {
        this.providers = IdentityProviders.create(snapshot.identityProviders(), snapshot.proxy(), clock, keyFetches);
        this.config = new AtomicReference<>(RuntimeConfig.of(snapshot, providers));
    }

    /** Gives reloads the files to switch (TLS, context key, audit trail), once they are open. */
    public synchronized void reloads(ReloadableFiles files) {
        this.files = files;
    }

    /** The configuration requests start with now. */
    @Override
    public RuntimeConfig get() {
        return config.get();
    }

    /** The identity providers serving now (metrics read them). */
    public synchronized IdentityProviders providers() {
        return providers;
    }

    /** Fetches every serving provider's keys; completes when every attempt ended. */
    public CompletionStage<Void> prefetchAll() {
        return providers().prefetchAll();
    }

    /**
     * Swaps in a new configuration at once: requests that already started keep the one they read.
     * Providers whose record is unchanged keep their keys and verified tokens; changed or removed ones
     * lose theirs. When {@link #prepare} ran for this snapshot, its providers (keys fetched) are used.
     */
    public synchronized void apply(ConfigSnapshot snapshot) {
        Staged ready = staged;
        staged = null;
        IdentityProviders next;
        ReloadableFiles.Prepared nextFiles;
        ProxySettings now = config.get().snapshot().proxy();
        if (ready != null && ready.snapshot() == snapshot) {
            next = ready.providers();
            nextFiles = ready.files();
        } else {
            if (ready != null) {
                ready.providers().discard(providers);
            }
            next = providers.stage(snapshot.identityProviders(), snapshot.proxy());
            nextFiles = files.prepareOrKeep(now, snapshot.proxy());
        }
        files.apply(now, snapshot.proxy(), nextFiles);
        config.set(RuntimeConfig.of(snapshot, next));
        // Retire what the new configuration replaced only now: until the swap, the old one served unchanged.
        next.commit(providers);
        providers = next;
        providers.persistTo(Path.of(snapshot.proxy().dataDir()));
    }

    /**
     * Readies {@code snapshot} for {@link #apply}: new and changed identity providers get their own
     * authenticators, beside the serving ones, and fetch their keys (each fetch bounded by
     * {@code jwks.fetchTimeoutMillis}). The stage never fails for keys: a provider that could not fetch reports
     * it in {@code /readyz}. It fails when a file proxy.yaml names cannot be used; the reload is then refused.
     * The serving configuration is untouched until the swap.
     */
    public synchronized CompletionStage<Void> prepare(ConfigSnapshot snapshot) {
        if (staged != null) {
            staged.providers().discard(providers);
            staged = null;
        }
        ReloadableFiles.Prepared nextFiles;
        try {
            nextFiles = files.prepare(config.get().snapshot().proxy(), snapshot.proxy());
        } catch (IllegalStateException e) {
            // Refuses the reload: the old certificate, context key and audit file keep serving.
            return CompletableFuture.failedFuture(e);
        }
        IdentityProviders next = providers.stage(snapshot.identityProviders(), snapshot.proxy());
        staged = new Staged(snapshot, next, nextFiles);
        return next.prefetchAll();
    }

    /** {@link #prepare} then {@link #apply}: the swap happens once new providers have their keys. */
    public CompletionStage<Void> applyWhenReady(ConfigSnapshot snapshot) {
        return prepare(snapshot).thenRun(() -> apply(snapshot));
    }

    /** Stops the providers' refreshes. */
    @Override
    public synchronized void close() {
        providers.close();
    }
}
