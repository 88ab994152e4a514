package io.runagents.ingress.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.TokenCacheSettings;
import io.runagents.ingress.jwt.cache.VerifiedTokenCache;
import io.runagents.ingress.jwt.jwks.JwksFetcher;
import io.runagents.ingress.jwt.jwks.JwksStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The authenticators of all configured identity providers, plus what they share: the verified-token cache, the
 * JWKS fetcher, the persisted-JWKS store and the refresh timer.
 *
 * <p>Hot reload: {@link #reconfigure} returns a new instance that keeps the authenticators (keys and cached
 * tokens) of providers whose record is unchanged and makes fresh ones for changed or added providers; those of
 * changed or removed providers are retired at once (their cached tokens are dropped). Call {@link #prefetchAll()}
 * on the new instance before swapping it in. {@link #close()} on the newest instance stops the refresh timer.
 */
public final class IdentityProviders implements AutoCloseable {

    private final ProviderEngine engine;
    private final Map<String, JwtAuthenticator> byName;

    private IdentityProviders(ProviderEngine engine, Map<String, JwtAuthenticator> byName) {
        this.engine = engine;
        this.byName = Map.copyOf(byName);
    }

    /**
     * Authenticators for {@code providers} with default limits ({@code maxTokenBytes} from {@link Limits#DEFAULTS})
     * and a one-second refresh tick.
     *
     * @param dataDir where the last good JWKS of each provider is persisted; null to persist nothing
     * @param executor runs JWKS fetches and their completions (and so every {@link AuthResult.Pending} resumption)
     */
    public static IdentityProviders create(List<IdentityProvider> providers, JwksSettings jwks,
                                           TokenCacheSettings tokenCache, Path dataDir, Clock clock,
                                           Executor executor) {
        return builder().jwks(jwks).tokenCache(tokenCache).dataDir(dataDir).clock(clock).executor(executor)
                .build(providers);
    }

    /** Like {@link #create}, taking {@code jwks}, {@code tokenCache}, {@code dataDir} and limits from proxy.yaml. */
    public static IdentityProviders create(List<IdentityProvider> providers, ProxySettings settings, Clock clock,
                                           Executor executor) {
        return builder().settings(settings).clock(clock).executor(executor).build(providers);
    }

    /** A builder for the less common knobs (tests use it to stop the timer and shorten limits). */
    public static Builder builder() {
        return new Builder();
    }

    /** The authenticator of the provider named {@code name}, or null when there is none. */
    public JwtAuthenticator forProvider(String name) {
        return byName.get(name);
    }

    /** Every authenticator, by provider name. */
    public Map<String, JwtAuthenticator> all() {
        return byName;
    }

    /** Each provider's key state, by name. */
    public Map<String, ProviderState> states() {
        Map<String, ProviderState> out = new LinkedHashMap<>();
        byName.forEach((name, a) -> out.put(name, a.state()));
        return out;
    }

    /**
     * Fetches keys for every provider that has no usable keys yet (kept providers that are ready are skipped).
     * Completes, never exceptionally, when every attempt has ended; see {@link #states()} for the outcome.
     */
    public CompletionStage<Void> prefetchAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (JwtAuthenticator a : byName.values()) {
            if (!a.state().ready()) {
                all.add(a.prefetch().toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * The configuration after a reload. Settings changes apply to kept authenticators too ({@code jwks} timings,
     * {@code tokenCache.maxEntries}, {@code maxTokenBytes}); they do not reset keys or cached tokens.
     * Equivalent to {@link #stage} followed by {@link #commit}.
     */
    public IdentityProviders reconfigure(List<IdentityProvider> providers, JwksSettings jwks,
                                         TokenCacheSettings tokenCache, int maxTokenBytes) {
        IdentityProviders updated = stage(providers, jwks, tokenCache, maxTokenBytes);
        updated.commit(this);
        return updated;
    }

    /**
     * The configuration a reload is about to apply, built beside this one without disturbing it: kept
     * providers are shared, changed and added ones get new authenticators (prefetch them with
     * {@link #prefetchAll()}), and this instance keeps serving untouched until {@link #commit} (or, when the
     * reload is abandoned, {@link #discard}).
     */
    public IdentityProviders stage(List<IdentityProvider> providers, JwksSettings jwks,
                                   TokenCacheSettings tokenCache, int maxTokenBytes) {
        engine.update(jwks, tokenCache, maxTokenBytes);
        Map<String, JwtAuthenticator> next = new LinkedHashMap<>();
        for (IdentityProvider p : providers) {
            JwtAuthenticator old = byName.get(p.name());
            if (old != null && old.provider().equals(p)) {
                old.keys().updateSettings(jwks);
                next.put(p.name(), old);
            } else {
                next.put(p.name(), engine.newAuthenticator(p));
            }
        }
        return new IdentityProviders(engine, next);
    }

    /** Makes this staged instance the live one: the authenticators of {@code previous} it replaced are retired. */
    public void commit(IdentityProviders previous) {
        for (JwtAuthenticator old : previous.byName.values()) {
            if (byName.get(old.provider().name()) != old) {
                old.retire();
            }
        }
        engine.live = this;
    }

    /** Abandons this staged instance: the authenticators it added (not shared with {@code live}) are retired. */
    public void discard(IdentityProviders live) {
        for (JwtAuthenticator added : byName.values()) {
            if (live.byName.get(added.provider().name()) != added) {
                added.retire();
            }
        }
    }

    /** {@link #stage(List, JwksSettings, TokenCacheSettings, int)} with the values of {@code settings}. */
    public IdentityProviders stage(List<IdentityProvider> providers, ProxySettings settings) {
        return stage(providers, settings.jwks(), settings.tokenCache(), settings.limits().maxTokenBytes());
    }

    /** {@link #reconfigure(List, JwksSettings, TokenCacheSettings, int)} with the values of {@code settings}. */
    public IdentityProviders reconfigure(List<IdentityProvider> providers, ProxySettings settings) {
        return reconfigure(providers, settings.jwks(), settings.tokenCache(), settings.limits().maxTokenBytes());
    }

    /** Persists fetched key sets under {@code dataDir} from now on (no-op when built without a data directory). */
    public void persistTo(Path dataDir) {
        if (engine.store != null) {
            engine.store.moveTo(dataDir);
        }
    }

    /** JWKS fetch outcomes per provider name since the process started (kept across reloads). */
    public Map<String, JwksFetchCounts> fetchCounts() {
        return java.util.Collections.unmodifiableMap(engine.fetchCounts);
    }

    /** The verified-token cache (shared by all providers and kept across reloads). */
    public VerifiedTokenCache tokenCache() {
        return engine.cache;
    }

    /** The Caffeine cache behind {@link #tokenCache()}, stats on, for {@code CaffeineCacheMetrics}. */
    public Cache<?, ?> tokenCacheMetricsView() {
        return engine.cache.caffeine();
    }

    /** Starts the refresh of every provider whose keys are due; the timer calls this, tests may too. */
    public void refreshDue() {
        for (JwtAuthenticator a : byName.values()) {
            a.keys().refreshIfDue();
        }
    }

    /**
     * Stops the refresh timer and every refresher. On an instance that a later {@link #reconfigure} replaced, this
     * does nothing: the newest instance owns the shared parts.
     */
    @Override
    public void close() {
        if (engine.live != this) {
            return;
        }
        engine.close();
        for (JwtAuthenticator a : byName.values()) {
            a.keys().close();
        }
    }

    /** Options; every setter checks its argument at once. */
    public static final class Builder {
        private JwksSettings jwks = JwksSettings.DEFAULTS;
        private TokenCacheSettings tokenCache = TokenCacheSettings.DEFAULTS;
        private int maxTokenBytes = Limits.DEFAULTS.maxTokenBytes();
        private Path dataDir;
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private Duration refreshTick = Duration.ofSeconds(1);
        private Duration maxCacheEntryLifetime = VerifiedTokenCache.DEFAULT_MAX_ENTRY_LIFETIME;
        private int maxJwksBytes = JwksFetcher.DEFAULT_MAX_BODY_BYTES;

        private Builder() {
        }

        /** {@code jwks}, {@code tokenCache}, {@code limits.maxTokenBytes} and {@code dataDir} of proxy.yaml. */
        public Builder settings(ProxySettings settings) {
            jwks(settings.jwks());
            tokenCache(settings.tokenCache());
            maxTokenBytes(settings.limits().maxTokenBytes());
            return dataDir(Path.of(settings.dataDir()));
        }

        public Builder jwks(JwksSettings jwks) {
            this.jwks = Objects.requireNonNull(jwks, "jwks");
            return this;
        }

        public Builder tokenCache(TokenCacheSettings tokenCache) {
            this.tokenCache = Objects.requireNonNull(tokenCache, "tokenCache");
            return this;
        }

        public Builder maxTokenBytes(int maxTokenBytes) {
            if (maxTokenBytes <= 0) {
                throw new IllegalArgumentException("maxTokenBytes: " + maxTokenBytes + " (expected: > 0)");
            }
            this.maxTokenBytes = maxTokenBytes;
            return this;
        }

        /** Where the last good JWKS documents are kept; null to keep none. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Runs JWKS fetches and their completions; required. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** How often due refreshes are checked; null for no timer (call {@link #refreshDue()} yourself). */
        public Builder refreshTick(Duration refreshTick) {
            if (refreshTick != null && (refreshTick.isNegative() || refreshTick.isZero())) {
                throw new IllegalArgumentException("refreshTick: " + refreshTick + " (expected: > 0 or null)");
            }
            this.refreshTick = refreshTick;
            return this;
        }

        /** The cap on a verified-token cache entry's life (the token's exp bounds it too). */
        public Builder maxCacheEntryLifetime(Duration lifetime) {
            if (lifetime.isNegative()) {
                throw new IllegalArgumentException("maxCacheEntryLifetime: " + lifetime + " (expected: >= 0)");
            }
            this.maxCacheEntryLifetime = lifetime;
            return this;
        }

        /** The largest JWKS body accepted. */
        public Builder maxJwksBytes(int maxJwksBytes) {
            if (maxJwksBytes <= 0) {
                throw new IllegalArgumentException("maxJwksBytes: " + maxJwksBytes + " (expected: > 0)");
            }
            this.maxJwksBytes = maxJwksBytes;
            return this;
        }

        /** Builds the authenticators; reads persisted JWKS files, so call it off the event loop. */
        public IdentityProviders build(List<IdentityProvider> providers) {
            Objects.requireNonNull(executor, "executor");
            ProviderEngine engine = new ProviderEngine(jwks, tokenCache, maxTokenBytes, dataDir == null ? null : new JwksStore(dataDir),
                    clock, executor, maxCacheEntryLifetime, maxJwksBytes);
            Map<String, JwtAuthenticator> byName = new LinkedHashMap<>();
            for (IdentityProvider p : providers) {
                if (byName.put(p.name(), engine.newAuthenticator(p)) != null) {
                    throw new IllegalArgumentException("providers: duplicate name " + p.name());
                }
            }
            IdentityProviders built = new IdentityProviders(engine, byName);
            engine.live = built;
            engine.startTimer(refreshTick);
            return built;
        }
    }
}
