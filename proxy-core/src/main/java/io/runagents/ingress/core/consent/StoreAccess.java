package io.runagents.ingress.core.consent;

import io.runagents.ingress.core.metrics.OAuthMetrics;
import io.runagents.ingress.tokenstore.StoreHealth;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token store behind its own threads: every call runs on {@code executor} (the store blocks on JDBC, never
 * on an event loop) and is timed. The store is opened on first use there, so a proxy whose configuration never
 * needs one creates no database file, and a start-up never waits for PostgreSQL. A store that cannot be opened
 * (a malformed key ring) fails each call, which the callers answer 503, and is tried again on the next one.
 */
public final class StoreAccess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreAccess.class);
    /** How long close() waits for an open or a call in flight (JDBC calls have their own, shorter timeouts). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

    private final Supplier<TokenStore> opener;
    private final ExecutorService executor;
    private final OAuthMetrics metrics;
    private final Object openLock = new Object();
    private volatile TokenStore store;
    private volatile StoreHealth health;
    private volatile String openError;
    private volatile boolean closed;

    /** @param opener opens the store (blocking; runs on {@code executor}) */
    public StoreAccess(Supplier<TokenStore> opener, ExecutorService executor, OAuthMetrics metrics) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Runs {@code work} on the store's executor, timed as {@code operation}. */
    public <T> CompletableFuture<T> call(String operation, Function<TokenStore, T> work) {
        return CompletableFuture.supplyAsync(() -> callHere(operation, work), executor);
    }

    /** Runs {@code work} on the calling thread, which must be one of the store's (or a test's). */
    <T> T callHere(String operation, Function<TokenStore, T> work) {
        TokenStore opened = store();
        long start = System.nanoTime();
        try {
            return work.apply(opened);
        } finally {
            metrics.storeLatency(operation, System.nanoTime() - start);
        }
    }

    /** The executor the store's calls run on (blocking allowed). */
    public ExecutorService executor() {
        return executor;
    }

    private TokenStore store() {
        TokenStore opened = store;
        if (opened != null) {
            return opened;
        }
        synchronized (openLock) {
            if (store == null) {
                if (closed) {
                    throw new TokenStoreUnavailableException("the token store is closed", null);
                }
                try {
                    store = opener.get();
                    openError = null;
                } catch (RuntimeException e) {
                    openError = e.getMessage();
                    log.error("the token store cannot be opened: {}", e.getMessage());
                    throw new TokenStoreUnavailableException("the token store cannot be opened: " + e.getMessage(), e);
                }
                if (closed) {
                    // close() gave up waiting for this open: the store it missed is closed here instead.
                    closeOpened();
                    throw new TokenStoreUnavailableException("the token store is closed", null);
                }
            }
            return store;
        }
    }

    /** Opens the store now, off the caller's thread (at start, when the configuration uses consent). */
    public CompletableFuture<Void> openSoon() {
        return CompletableFuture.runAsync(this::refreshHealth, executor);
    }

    /** Probes the store (blocking; its executor or a scheduler's thread) and keeps the result for /readyz. */
    public void refreshHealth() {
        try {
            health = callHere("health", TokenStore::health);
        } catch (RuntimeException e) {
            health = null;
        }
    }

    /** Whether the store was opened: before that, /readyz has nothing to say about it. */
    public boolean opened() {
        return store != null || openError != null;
    }

    /** The last probe's result, or null before the first (or while the store cannot be opened). */
    public StoreHealth lastHealth() {
        return health;
    }

    /** Why the store could not be opened, or null. */
    public String openError() {
        return openError;
    }

    /**
     * Stops the store's threads and closes the store. An open or a call still running is waited for (up to
     * {@link #CLOSE_WAIT}): a store opened after close() returned would write to a data directory its owner may
     * already be deleting (the demo deletes its own at exit).
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the token store's calls did not stop within {} s; closing it under them",
                        CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeOpened();
    }

    /** Closes the store once, whichever of close() and a late open gets here first. */
    private void closeOpened() {
        TokenStore opened;
        synchronized (this) {
            opened = store;
            store = null;
        }
        if (opened != null) {
            opened.close();
        }
    }
}
