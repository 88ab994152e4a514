package io.runagents.ingress.config.watch;

import io.runagents.ingress.config.load.ConfigError;
import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.load.SettingFilesCheck;
import io.runagents.ingress.config.load.YamlConfigLoader;
import io.runagents.ingress.config.model.ConfigSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving {@link ConfigSnapshot} of one conf directory and the history of its last reload.
 *
 * <p>{@link #reload()} is load -> validate -> prepare -> swap -> notify, on the store's own single thread, so
 * reloads never overlap and never run on an event loop. Validation includes the pluggable check of the files
 * proxy.yaml names ({@link #checkFilesWith}), so their problems carry positions like every other error.
 * "Prepare" is pluggable too: proxy-core uses it to fetch the keys of new or changed identity providers before
 * any request can see them, and to load those files for use; a prepare step that completes exceptionally (or
 * not within its timeout) refuses the reload like an invalid file would. An invalid directory changes nothing
 * but {@link #lastReload()}. Requests in a burst of reload calls are coalesced: a call made while another is
 * still queued shares its result.
 */
public final class ConfigStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);
    /** A prepare step that does nothing. */
    public static final Function<ConfigSnapshot, CompletionStage<Void>> NO_PREPARE =
            s -> CompletableFuture.completedFuture(null);

    /** One finished reload: {@code current} equals {@code previous} unless the result is SUCCESS. */
    public record ReloadEvent(ReloadStatus status, ConfigSnapshot previous, ConfigSnapshot current) { }

    /** Told about every reload, on the store's thread; must not block for long. */
    @FunctionalInterface
    public interface Listener {
        void reloaded(ReloadEvent event);
    }

    private final Path confDir;
    private final Clock clock;
    private final Duration prepareTimeout;
    private final ExecutorService executor;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Function<ConfigSnapshot, CompletionStage<Void>> prepare = NO_PREPARE;
    private volatile SettingFilesCheck fileCheck = SettingFilesCheck.NONE;
    private volatile ConfigSnapshot current;
    /** When {@link #current} started serving: a reload's swap comes after its key fetches, not at parse time. */
    private volatile Instant servingSince;
    private volatile ReloadStatus lastReload;
    private CompletableFuture<ReloadStatus> queued; // guarded by this

    /** A store for {@code confDir}; call {@link #initialize()} before anything else. */
    public ConfigStore(Path confDir, Clock clock, Duration prepareTimeout) {
        this.confDir = Objects.requireNonNull(confDir, "confDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (prepareTimeout.isNegative() || prepareTimeout.isZero()) {
            throw new IllegalArgumentException("prepareTimeout: " + prepareTimeout + " (expected: > 0)");
        }
        this.prepareTimeout = prepareTimeout;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runagents-config-reload");
            t.setDaemon(true);
            return t;
        });
    }

    /** A store with a 30 s prepare timeout. */
    public ConfigStore(Path confDir, Clock clock) {
        this(confDir, clock, Duration.ofSeconds(30));
    }

    /** Sets the step that runs between validation and swap (JWKS prefetch); returns this. */
    public ConfigStore prepareWith(Function<ConfigSnapshot, CompletionStage<Void>> step) {
        this.prepare = Objects.requireNonNull(step, "step");
        return this;
    }

    /**
     * Sets the check of the files proxy.yaml names, run by {@link #initialize()} and every reload as part of
     * validation, so an unusable file is an error with its {@code file:line:col}; call it before
     * {@link #initialize()}. Returns this.
     */
    public ConfigStore checkFilesWith(SettingFilesCheck check) {
        this.fileCheck = Objects.requireNonNull(check, "check");
        return this;
    }

    /** Adds a listener for every later reload. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Loads the directory for the first time, on the calling thread, as version 1. The prepare step does not
     * run: whoever starts serving the first snapshot readies it. On failure nothing is stored.
     */
    public synchronized ConfigLoadResult initialize() {
        ConfigLoadResult result = YamlConfigLoader.loadDirectory(confDir, 1, clock, fileCheck);
        if (result instanceof ConfigLoadResult.Loaded loaded) {
            current = loaded.snapshot();
            servingSince = clock.instant();
            lastReload = new ReloadStatus(ReloadStatus.Result.SUCCESS, clock.instant(), List.of(), "initial load");
        }
        return result;
    }

    /** Re-reads the directory on the store's thread; the future completes after listeners were told. */
    public CompletableFuture<ReloadStatus> reload() {
        CompletableFuture<ReloadStatus> result;
        synchronized (this) {
            if (current == null) {
                throw new IllegalStateException("initialize() first");
            }
            if (queued != null) {
                return queued;
            }
            queued = result = new CompletableFuture<>();
        }
        executor.execute(() -> {
            synchronized (this) {
                // From here on a new call must start a new reload: files may change after this one reads them.
                queued = null;
            }
            try {
                result.complete(reloadNow());
            } catch (RuntimeException | Error e) {
                log.error("config reload crashed", e);
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private ReloadStatus reloadNow() {
        ConfigSnapshot previous = current;
        ConfigLoadResult loaded = YamlConfigLoader.loadDirectory(confDir, previous.version() + 1, clock,
                fileCheck);
        if (loaded instanceof ConfigLoadResult.Invalid invalid) {
            log.warn("{}: configuration not reloaded, {} error(s); still serving version {}", confDir,
                    invalid.errors().size(), previous.version());
            for (ConfigError error : invalid.errors()) {
                log.warn("{}", error);
            }
            return finish(ReloadStatus.Result.FAILURE, invalid.errors(),
                    invalid.errors().size() + " error(s)", previous, previous);
        }
        ConfigSnapshot next = ((ConfigLoadResult.Loaded) loaded).snapshot();
        if (sameContent(previous, next)) {
            return finish(ReloadStatus.Result.UNCHANGED, List.of(), "no change", previous, previous);
        }
        String problem = runPrepare(next);
        if (problem != null) {
            log.warn("{}: configuration not reloaded: {}", confDir, problem);
            return finish(ReloadStatus.Result.FAILURE, List.of(), problem, previous, previous);
        }
        current = next;
        servingSince = clock.instant();
        log.info("{}: configuration version {} loaded ({} identity providers, {} agents, {} tools, {} policies)",
                confDir, next.version(), next.identityProviders().size(), next.agents().size(), next.tools().size(),
                next.policies().size());
        return finish(ReloadStatus.Result.SUCCESS, List.of(), "version " + next.version(), previous, next);
    }

    /** Null when the snapshot is ready, else why not. Blocking is fine: this is the store's own thread. */
    private String runPrepare(ConfigSnapshot next) {
        try {
            prepare.apply(next).toCompletableFuture().get(prepareTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return "prepare failed: " + e.getCause();
        } catch (TimeoutException e) {
            return "prepare did not finish within " + prepareTimeout.toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            return "prepare failed: " + e;
        }
    }

    private ReloadStatus finish(ReloadStatus.Result result, List<ConfigError> errors, String message,
                                ConfigSnapshot previous, ConfigSnapshot now) {
        ReloadStatus status = new ReloadStatus(result, clock.instant(), errors, message);
        lastReload = status;
        ReloadEvent event = new ReloadEvent(status, previous, now);
        for (Listener l : listeners) {
            try {
                l.reloaded(event);
            } catch (RuntimeException e) {
                log.error("config reload listener failed", e);
            }
        }
        return status;
    }

    /** Two snapshots mean the same configuration when they differ at most in version and load time. */
    static boolean sameContent(ConfigSnapshot a, ConfigSnapshot b) {
        return a.proxy().equals(b.proxy()) && a.identityProviders().equals(b.identityProviders())
                && a.agents().equals(b.agents()) && a.tools().equals(b.tools()) && a.policies().equals(b.policies());
    }

    /** The snapshot requests start with now; null before {@link #initialize()} succeeded. */
    public ConfigSnapshot current() {
        return current;
    }

    /** The serving version; 0 before the first load. */
    public long version() {
        ConfigSnapshot s = current;
        return s == null ? 0 : s.version();
    }

    /** The outcome of the last load or reload; null before the first load. */
    public ReloadStatus lastReload() {
        return lastReload;
    }

    public Path confDir() {
        return confDir;
    }

    /** When the serving snapshot started serving (after a reload's key fetches); null before the first load. */
    public Instant loadedAt() {
        return servingSince;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
