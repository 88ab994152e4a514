package io.runagents.ingress.jwt;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.TokenCacheSettings;
import io.runagents.ingress.jwt.cache.VerifiedTokenCache;
import io.runagents.ingress.jwt.jwks.JwksFetcher;
import io.runagents.ingress.jwt.jwks.JwksRefresher;
import io.runagents.ingress.jwt.jwks.JwksStore;
import io.runagents.ingress.jwt.verify.ClaimsPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The parts every generation of the configuration shares. */
final class ProviderEngine {

    private static final Logger log = LoggerFactory.getLogger(ProviderEngine.class);

    final VerifiedTokenCache cache;
    final JwksStore store;
    final Clock clock;
    final Executor executor;
    final int maxJwksBytes;
    private final AtomicLong generations = new AtomicLong();
    /** Per provider name, across reloads: fetch counts only ever grow. */
    final java.util.concurrent.ConcurrentHashMap<String, JwksFetchCounts> fetchCounts =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile JwksSettings jwks;
    private volatile JwksFetcher fetcher;
    private volatile int maxTokenBytes;
    private ScheduledExecutorService timer;
    volatile IdentityProviders live;

    ProviderEngine(JwksSettings jwks, TokenCacheSettings tokenCache, int maxTokenBytes, JwksStore store, Clock clock,
                   Executor executor, Duration maxCacheEntryLifetime, int maxJwksBytes) {
        this.jwks = jwks;
        this.maxTokenBytes = maxTokenBytes;
        this.store = store;
        this.clock = clock;
        this.executor = executor;
        this.maxJwksBytes = maxJwksBytes;
        this.cache = new VerifiedTokenCache(tokenCache.maxEntries(), maxCacheEntryLifetime, clock);
        this.fetcher = new JwksFetcher(Duration.ofMillis(jwks.fetchTimeoutMillis()), maxJwksBytes, executor);
    }

    JwtAuthenticator newAuthenticator(IdentityProvider p) {
        long generation = generations.incrementAndGet();
        JwksRefresher refresher = new JwksRefresher(p.name(), p.jwksUri(), jwks, () -> fetcher, store, clock,
                executor, removed -> cache.invalidateKeys(generation, removed),
                fetchCounts.computeIfAbsent(p.name(), name -> new JwksFetchCounts()));
        return new JwtAuthenticator(p, generation, refresher, new ClaimsPolicy(p, clock), cache,
                () -> maxTokenBytes, executor);
    }

    void update(JwksSettings jwks, TokenCacheSettings tokenCache, int maxTokenBytes) {
        if (jwks.fetchTimeoutMillis() != this.jwks.fetchTimeoutMillis()) {
            fetcher = new JwksFetcher(Duration.ofMillis(jwks.fetchTimeoutMillis()), maxJwksBytes, executor);
        }
        this.jwks = jwks;
        this.maxTokenBytes = maxTokenBytes;
        cache.setMaximumSize(tokenCache.maxEntries());
    }

    synchronized void startTimer(Duration tick) {
        if (tick == null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jwks-refresh");
            t.setDaemon(true);
            return t;
        });
        // The tick only compares times and starts async fetches, so one thread serves every provider.
        timer.scheduleWithFixedDelay(() -> {
            try {
                live.refreshDue();
            } catch (RuntimeException e) {
                log.warn("JWKS refresh tick failed", e);
            }
        }, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
