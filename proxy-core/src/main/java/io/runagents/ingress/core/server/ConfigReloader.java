package io.runagents.ingress.core.server;

import io.micrometer.core.instrument.Counter;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.watch.ConfigDirectoryWatcher;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.config.watch.ReloadStatus;
import io.runagents.ingress.core.admin.AdminApiHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live configuration for a running {@link ProxyServer} (SPEC sections 4 and 10): a watcher on the conf
 * directory asks the {@link ConfigStore} to reload; every successful reload is handed to
 * {@link ProxyServer#apply}; every reload is counted in {@code runagents_config_reloads_total{result}}; and the
 * admin listener gets the {@code /admin/*} API over the same store. Listener addresses are read at start only:
 * a change to them is logged and otherwise ignored.
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
    private final ExecutorService adminIo;
    private final Map<ReloadStatus.Result, Counter> reloads = new EnumMap<>(ReloadStatus.Result.class);
    private ConfigDirectoryWatcher watcher;

    private ConfigReloader(ProxyServer server, ConfigStore store, String adminToken) {
        this.store = store;
        this.bound = store.current().proxy().listen();
        for (ReloadStatus.Result r : ReloadStatus.Result.values()) {
            reloads.put(r, Counter.builder("runagents.config.reloads")
                    .description("Reloads of the conf directory by result")
                    .tag("result", r.label())
                    .register(server.metrics().registry()));
        }
        // New and changed identity providers fetch their keys before the swap, so no request meets a
        // provider without keys because of a reload.
        store.prepareWith(server::prepare);
        store.addListener(event -> {
            reloads.get(event.status().result()).increment();
            if (event.status().result() == ReloadStatus.Result.SUCCESS) {
                logListenerChange(event.previous().proxy().listen(), event.current().proxy().listen());
                server.apply(event.current());
            }
        });
        this.adminIo = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runagents-admin-io");
            t.setDaemon(true);
            return t;
        });
        server.adminApi(new AdminApiHandler(store, new ResourceFiles(store.confDir(), Clock.systemUTC()), adminIo,
                adminToken));
    }

    /**
     * Starts watching {@code store}'s directory for {@code server}. The store must be initialised with the
     * snapshot the server started with.
     */
    public static ConfigReloader start(ProxyServer server, ConfigStore store, Options options) throws IOException {
        if (store.current() == null) {
            throw new IllegalArgumentException("store: not initialised (expected: initialize() succeeded)");
        }
        ConfigReloader reloader = new ConfigReloader(server, store, options.adminToken());
        reloader.watcher = ConfigDirectoryWatcher.start(store.confDir(), options.debounce(), options.rescan(),
                store::reload);
        return reloader;
    }

    public ConfigStore store() {
        return store;
    }

    /** Compared with the addresses bound at start, not the previous file: changing back needs no restart. */
    private void logListenerChange(Listen previous, Listen current) {
        if (previous.equals(current)) {
            return;
        }
        if (current.equals(bound)) {
            log.info("proxy.yaml: listen is back to {}, the addresses in use", bound);
        } else {
            log.warn("proxy.yaml: listen changed to {}: restart needed; still listening on {}", current, bound);
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        adminIo.shutdownNow();
        store.close();
    }
}
