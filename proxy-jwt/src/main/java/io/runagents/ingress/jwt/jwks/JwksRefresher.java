package io.runagents.ingress.jwt.jwks;

import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.jwt.JwksFetchCounts;
import io.runagents.ingress.jwt.ProviderState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One provider's JWKS engine. It holds the current {@link JwksSnapshot} (read lock-free by requests), refreshes it
 * ahead of expiry when {@link #refreshIfDue()} is ticked, fetches on demand for an unknown {@code kid}, keeps the
 * last good keys for up to {@code maxStaleSeconds} when fetches fail, and persists each good document through
 * {@link JwksStore}. All fetches are single flight: concurrent callers share one.
 *
 * <p>Unknown kids have a budget of their own: at most one fetch they start per {@code minRefetchSeconds}, however
 * many tokens with random kids arrive. Fetches for other reasons (start-up, reload warm-up, the scheduled refresh)
 * do not spend it, so a key the provider published just after one of them is fetched for its first token rather
 * than refused until the next scheduled refresh.
 *
 * <p>Fetch results are applied on the executor, never on a caller's thread.
 */
public final class JwksRefresher {

    private static final Logger log = LoggerFactory.getLogger(JwksRefresher.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final String provider;
    private final URI jwksUri;
    private final Supplier<JwksFetcher> fetcher;
    private final JwksStore store;
    private final Clock clock;
    private final Executor executor;
    private final Consumer<Set<String>> onKeysRemoved;
    private final AtomicReference<CompletableFuture<JwksSnapshot>> inFlight = new AtomicReference<>();
    private final Set<String> loggedNotes = ConcurrentHashMap.newKeySet();

    private volatile JwksSettings settings;
    private volatile JwksSnapshot current = JwksSnapshot.EMPTY;
    private volatile long lastAttemptMillis = NEVER;
    /** When the last fetch an unknown kid started began: the unknown-kid budget. */
    private volatile long lastUnknownKidMillis = NEVER;
    private volatile long nextDueMillis = NEVER;
    private volatile String lastError;
    private final JwksFetchCounts counts;
    private volatile boolean closed;

    /**
     * Creates the engine and, when {@code store} holds a usable persisted key set, starts from it (a small file
     * read: construct off the event loop).
     *
     * @param onKeysRemoved called on the executor with the ids of keys that left the set
     */
    public JwksRefresher(String provider, URI jwksUri, JwksSettings settings, Supplier<JwksFetcher> fetcher,
                         JwksStore store, Clock clock, Executor executor, Consumer<Set<String>> onKeysRemoved,
                         JwksFetchCounts counts) {
        this.counts = counts;
        this.provider = provider;
        this.jwksUri = jwksUri;
        this.settings = settings;
        this.fetcher = fetcher;
        this.store = store;
        this.clock = clock;
        this.executor = executor;
        this.onKeysRemoved = onKeysRemoved;
        if (store != null) {
            store.load(provider, jwksUri).ifPresent(this::restore);
        }
    }

    private void restore(JwksStore.Persisted persisted) {
        Instant usableUntil = persisted.fetchedAt().plusSeconds(settings.maxStaleSeconds());
        if (!clock.instant().isBefore(usableUntil)) {
            log.info("provider {}: persisted JWKS is older than maxStaleSeconds, not used", provider);
            return;
        }
        try {
            JwksParser.Result parsed = JwksParser.parse(persisted.jwks());
            // Due at once: the persisted set bridges an outage, it is not a substitute for a fresh fetch.
            current = new JwksSnapshot(parsed.keys(), persisted.fetchedAt(), clock.instant(), usableUntil);
            log.info("provider {}: serving {} key(s) from the persisted JWKS fetched at {}", provider,
                    parsed.keys().size(), persisted.fetchedAt());
        } catch (JwksException e) {
            log.warn("provider {}: persisted JWKS is not usable: {}", provider, e.getMessage());
        }
    }

    /** The keys usable now: the current set, or {@link JwksSnapshot#EMPTY} when there is none or it is too stale. */
    public JwksSnapshot snapshot() {
        JwksSnapshot s = current;
        return clock.millis() < s.usableUntil().toEpochMilli() ? s : JwksSnapshot.EMPTY;
    }

    /**
     * A fetch because a token needs a key the set lacks: joins the fetch in flight, or starts one unless an unknown
     * kid started one less than {@code minRefetchSeconds} ago, in which case it returns null (the caller answers
     * with what it has, so random {@code kid}s cannot drive traffic to the provider).
     */
    public CompletableFuture<JwksSnapshot> fetchForMissingKey() {
        return start(true);
    }

    /** True while a fetch is under way (a caller asking now joins it). */
    public boolean fetching() {
        return inFlight.get() != null;
    }

    /** Milliseconds until an unknown kid may start a fetch again; 0 when it may now. */
    public long millisUntilUnknownKidFetch() {
        long last = lastUnknownKidMillis;
        return last == NEVER ? 0 : Math.max(0, last + settings.minRefetchSeconds() * 1000L - clock.millis());
    }

    /** Fetches now (joining a fetch in flight); for start-up and reload warm-up. Never fails: see {@link #state()}. */
    public CompletableFuture<JwksSnapshot> refresh() {
        return start(false);
    }

    /** Starts a refresh when the current set is due (its refresh time passed, or a failed fetch's retry time). */
    public void refreshIfDue() {
        if (!closed && clock.millis() >= nextDueMillis) {
            start(false);
        }
    }

    /**
     * Applies new settings to later fetches and staleness decisions. A shorter {@code refreshSeconds} also
     * brings the next refresh of the current set forward: a reload that lowers it from 300 to 30 s should not
     * wait out the old 300.
     */
    public void updateSettings(JwksSettings settings) {
        this.settings = settings;
        JwksSnapshot loaded = current;
        if (lastError == null && loaded != JwksSnapshot.EMPTY) {
            long due = loaded.fetchedAt().plusSeconds(settings.refreshSeconds()).toEpochMilli();
            if (due < nextDueMillis) {
                nextDueMillis = due;
            }
        }
    }

    /** Stops refreshing; keys already loaded stay readable for requests still in flight. */
    public void close() {
        closed = true;
    }

    /** The state for readiness and metrics. */
    public ProviderState state() {
        JwksSnapshot usable = snapshot();
        JwksSnapshot s = current;
        long attempt = lastAttemptMillis;
        return new ProviderState(provider, usable.keys().size(), attempt == NEVER ? null : Instant.ofEpochMilli(attempt),
                s == JwksSnapshot.EMPTY ? null : s.fetchedAt(), lastError, usable.hasKeys());
    }

    private CompletableFuture<JwksSnapshot> start(boolean forUnknownKid) {
        while (true) {
            CompletableFuture<JwksSnapshot> running = inFlight.get();
            if (running != null) {
                return running;
            }
            long now = clock.millis();
            if (forUnknownKid && millisUntilUnknownKidFetch() > 0) {
                return null;
            }
            CompletableFuture<JwksSnapshot> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                lastAttemptMillis = now;
                if (forUnknownKid) {
                    lastUnknownKidMillis = now;
                }
                launch(mine);
                return mine;
            }
        }
    }

    private void launch(CompletableFuture<JwksSnapshot> mine) {
        CompletableFuture<JwksFetcher.Response> fetch;
        try {
            fetch = fetcher.get().fetch(jwksUri);
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        fetch.whenCompleteAsync((response, error) -> {
            try {
                if (error != null) {
                    failed(error);
                } else {
                    succeeded(response);
                }
            } catch (RuntimeException e) {
                failed(e);
            } finally {
                finish(mine);
            }
        }, executor).exceptionally(e -> { // the executor refused the task: never leave waiters hanging
            finish(mine);
            return null;
        });
    }

    private void finish(CompletableFuture<JwksSnapshot> mine) {
        inFlight.compareAndSet(mine, null);
        mine.complete(snapshot());
    }

    private void succeeded(JwksFetcher.Response response) {
        JwksParser.Result parsed;
        try {
            parsed = JwksParser.parse(response.body());
        } catch (JwksException e) {
            failed(e);
            return;
        }
        for (String note : parsed.ignored()) {
            if (loggedNotes.add(note)) {
                log.warn("provider {}: JWKS {} ignored: {}", provider, jwksUri, note);
            }
        }
        JwksSettings s = settings;
        Instant now = clock.instant();
        long interval = s.refreshSeconds();
        if (response.maxAgeSeconds().isPresent()) {
            // Honour the provider's max-age, but never poll faster than minRefetch nor slower than refreshSeconds.
            interval = Math.max(s.minRefetchSeconds(), Math.min(interval, response.maxAgeSeconds().getAsLong()));
        }
        JwksSnapshot next = new JwksSnapshot(parsed.keys(), now, now.plus(Duration.ofSeconds(interval)),
                now.plusSeconds(s.maxStaleSeconds()));
        JwksSnapshot previous = current;
        current = next;
        nextDueMillis = next.refreshAt().toEpochMilli();
        lastError = null;
        counts.succeeded();
        Set<String> removed = next.removedSince(previous);
        if (!removed.isEmpty()) {
            log.info("provider {}: keys {} left the JWKS; tokens they signed are evicted", provider, removed);
            onKeysRemoved.accept(removed);
        }
        log.debug("provider {}: {} key(s) loaded from {}", provider, parsed.keys().size(), jwksUri);
        if (store != null) {
            store.save(provider, jwksUri, response.body(), now);
        }
    }

    private void failed(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        String message = cause instanceof JwksException ? cause.getMessage() : cause.toString();
        lastError = message;
        counts.failed();
        nextDueMillis = clock.millis() + settings.minRefetchSeconds() * 1000L;
        JwksSnapshot s = current;
        log.warn("provider {}: JWKS fetch from {} failed: {}{}", provider, jwksUri, message,
                s.hasKeys() ? " (keeping the last good keys until " + s.usableUntil() + ")" : "");
    }
}
