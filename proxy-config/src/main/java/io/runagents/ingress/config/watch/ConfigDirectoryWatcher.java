package io.runagents.ingress.config.watch;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code onChange} once the conf directory has changed and writes have settled. Two sources feed it:
 * a {@link WatchService} over the whole tree (sub-folders are registered as they appear, symlinked ones
 * followed), and a periodic rescan that compares a {@link DirectoryFingerprint}, for filesystems that deliver
 * no events (NFS, some container mounts). A Kubernetes ConfigMap swap renames {@code ..data} in the root, which
 * the root watch sees; files reached through the swapped link get a new identity, which the rescan sees.
 *
 * <p>Debounce is trailing-edge: every event pushes the call {@code debounce} further out, so an editor's
 * write-rename-chmod burst or {@code kubectl cp} of many files gives one reload. {@code onChange} runs on the
 * watcher's scheduler thread, never concurrently with itself.
 */
public final class ConfigDirectoryWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigDirectoryWatcher.class);
    /** How long writes must be quiet before a reload. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);
    /** How often the tree is fingerprinted, in case no events arrive. */
    public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(5);

    private final Path root;
    private final Duration debounce;
    private final Runnable onChange;
    private final ScheduledExecutorService scheduler;
    private final WatchService watchService;
    private final Thread eventThread;
    private ScheduledFuture<?> pending;           // guarded by this
    private DirectoryFingerprint lastSeen;         // scheduler thread only
    private volatile boolean closed;

    private ConfigDirectoryWatcher(Path root, Duration debounce, Duration rescan, Runnable onChange)
            throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.debounce = requirePositive(debounce, "debounce");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "runagents-config-watch"));
        this.watchService = FileSystems.getDefault().newWatchService();
        this.lastSeen = DirectoryFingerprint.of(this.root);
        registerTree();
        this.eventThread = daemon(this::eventLoop, "runagents-config-events");
        eventThread.start();
        long rescanMillis = requirePositive(rescan, "rescan").toMillis();
        scheduler.scheduleWithFixedDelay(this::rescan, rescanMillis, rescanMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts watching {@code root} with the default debounce and rescan interval. */
    public static ConfigDirectoryWatcher start(Path root, Runnable onChange) throws IOException {
        return start(root, DEFAULT_DEBOUNCE, DEFAULT_RESCAN, onChange);
    }

    /** Starts watching {@code root}; the first call of {@code onChange} is for the first change after now. */
    public static ConfigDirectoryWatcher start(Path root, Duration debounce, Duration rescan, Runnable onChange)
            throws IOException {
        return new ConfigDirectoryWatcher(root, debounce, rescan, onChange);
    }

    private void eventLoop() {
        while (!closed) {
            WatchKey key;
            try {
                key = watchService.take();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            // The events themselves do not matter (overflow included): any change means "re-read everything".
            key.pollEvents();
            key.reset();
            changed();
        }
    }

    /** Restarts the quiet period; the reload runs once nothing happened for {@code debounce}. */
    private synchronized void changed() {
        if (closed) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(this::fire, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fire() {
        // New folders (or a folder link now pointing elsewhere) need their own watch before the next edit.
        registerTree();
        lastSeen = DirectoryFingerprint.of(root);
        try {
            onChange.run();
        } catch (RuntimeException e) {
            log.error("config change handler failed", e);
        }
    }

    private void rescan() {
        try {
            DirectoryFingerprint now = DirectoryFingerprint.of(root);
            if (!now.equals(lastSeen)) {
                log.debug("{}: change found by rescan", root);
                lastSeen = now;
                changed();
            }
        } catch (RuntimeException e) {
            log.warn("{}: rescan failed: {}", root, e.toString());
        }
    }

    private void registerTree() {
        for (Path dir : DirectoryFingerprint.directories(root)) {
            try {
                // Registering an already watched folder returns its existing key: cheap and idempotent.
                dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (IOException e) {
                log.debug("{}: cannot watch ({}); the rescan covers it", dir, e.toString());
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }
        scheduler.shutdownNow();
        try {
            watchService.close();
        } catch (IOException e) {
            log.debug("closing the watch service: {}", e.toString());
        }
        eventThread.interrupt();
    }

    private static Duration requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
        return d;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
