package io.runagents.ingress.core.runtime;

import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.TokenStoreSettings;
import io.runagents.ingress.config.watch.ConfigDirectoryWatcher;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.config.watch.ReloadStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live configuration (SPEC section 4): a watcher on the conf directory asks the {@link ConfigStore} to reload;
 * each reload is {@linkplain LiveConfig#prepare prepared} (new providers fetch their keys) and, when it
 * validated, {@linkplain LiveConfig#apply applied}; every reload's result is counted. Listener addresses, the
 * token store ({@code tokenStore.*}, SPEC section 8) and {@code consent.tokenTimeoutMillis} are read at start
 * only: a change to them is logged ("restart needed") and otherwise ignored.
 */
public final class ConfigReloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    /**
     * How the reloader runs.
     *
     * @param adminToken the bearer token {@code /admin/*} requires; null for loopback clients only
     */
    public record Options(Duration debounce, Duration rescan, String adminToken) {
        /** The defaults: 200 ms debounce, 5 s rescan, the token from {@code $RUNAGENTS_ADMIN_TOKEN}. */
        public static Options defaults() {
            String token = System.getenv("RUNAGENTS_ADMIN_TOKEN");
            return new Options(ConfigDirectoryWatcher.DEFAULT_DEBOUNCE, ConfigDirectoryWatcher.DEFAULT_RESCAN,
                    token == null || token.isEmpty() ? null : token);
        }
    }

    private final ConfigStore store;
    /** The listener addresses of the snapshot the server started with: what it is bound to until a restart. */
    private final Listen bound;
    /** The token store the server opened at start: the one in use until a restart. */
    private final TokenStoreSettings storeInUse;
    /** The token endpoint timeout the server's HTTP client was built with. */
    private final int tokenTimeoutInUse;
    private ConfigDirectoryWatcher watcher;

    private ConfigReloader(LiveConfig live, ConfigStore store, Consumer<ReloadStatus.Result> counted) {
        this.store = store;
        this.bound = store.current().proxy().listen();
        this.storeInUse = store.current().proxy().tokenStore();
        this.tokenTimeoutInUse = store.current().proxy().consent().tokenTimeoutMillis();
        // New and changed identity providers fetch their keys before the swap, so no request meets a
        // provider without keys because of a reload.
        store.prepareWith(live::prepare);
        store.addListener(event -> {
            counted.accept(event.status().result());
            if (event.status().result() == ReloadStatus.Result.SUCCESS) {
                logStartOnlyChanges(event.previous().proxy(), event.current().proxy());
                live.apply(event.current());
            }
        });
    }

    /**
     * Starts watching {@code store}'s directory for {@code live}. The store must be initialised with the
     * snapshot the server started with.
     *
     * @param counted told the result of every reload (the metrics)
     */
    public static ConfigReloader start(LiveConfig live, ConfigStore store, Options options,
                                       Consumer<ReloadStatus.Result> counted) throws IOException {
        if (store.current() == null) {
            throw new IllegalArgumentException("store: not initialised (expected: initialize() succeeded)");
        }
        ConfigReloader reloader = new ConfigReloader(live, store, counted);
        reloader.watcher = ConfigDirectoryWatcher.start(store.confDir(), options.debounce(), options.rescan(),
                store::reload);
        return reloader;
    }

    public ConfigStore store() {
        return store;
    }

    /** Compared with the addresses bound at start, not the previous file: changing back needs no restart. */
    /** Says, once per change, that a setting read at start only changed and needs a restart, or is back. */
    private void logStartOnlyChanges(ProxySettings previous, ProxySettings current) {
        if (!previous.listen().equals(current.listen())) {
            if (current.listen().equals(bound)) {
                log.info("proxy.yaml: listen is back to {}, the addresses in use", bound);
            } else {
                log.warn("proxy.yaml: listen changed to {}: restart needed; still listening on {}", current.listen(),
                        bound);
            }
        }
        // Not the values: tokenStore.url may carry credentials.
        logChange("tokenStore", storeInUse, previous.tokenStore(), current.tokenStore());
        logChange("consent.tokenTimeoutMillis", tokenTimeoutInUse, previous.consent().tokenTimeoutMillis(),
                current.consent().tokenTimeoutMillis());
    }

    private static void logChange(String setting, Object inUse, Object previous, Object current) {
        if (previous.equals(current)) {
            return;
        }
        if (current.equals(inUse)) {
            log.info("proxy.yaml: {} is back to the one read at start, the one in use", setting);
        } else {
            log.warn("proxy.yaml: {} changed: restart needed; the one read at start stays in use", setting);
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        store.close();
    }
}
