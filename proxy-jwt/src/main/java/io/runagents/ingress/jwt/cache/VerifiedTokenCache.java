package io.runagents.ingress.jwt.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import java.util.concurrent.atomic.LongAdder;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.AuthResult.Authenticated;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * Verified tokens, shared by all providers and bounded by {@code tokenCache.maxEntries}.
 *
 * <p>Keyed by the whole token string (never a prefix or the signature: a hit must prove these are the bytes that
 * were verified; the strict compact form gives each token one spelling) plus the provider's config generation, so a
 * changed provider never answers from its predecessor's entries. An entry lives until {@code min(exp, now + cap)}
 * on a ticker driven by the injected {@link Clock}, so it never answers past {@code exp}. Only
 * {@link Authenticated} results are stored: refusals are cheap to recompute and must not fill the cache.
 *
 * <p>In front of the Caffeine cache sits {@link RecentTokens}, a small direct-mapped array of the latest tokens
 * with the same deadlines, so that the common hit (the same few tokens again and again) skips Caffeine's access
 * bookkeeping. Its hits are counted as the cache's hits.
 */
public final class VerifiedTokenCache {

    /** How long an entry may live when its token lives longer. */
    public static final Duration DEFAULT_MAX_ENTRY_LIFETIME = Duration.ofMinutes(10);

    private record Key(long generation, String token) {
        private static final int HASHED_TAIL = 16;

        /**
         * Hashes the token's last 16 characters (96 bits of its signature) instead of all of it: each request
         * brings a new {@code String}, whose {@code hashCode} would walk its ~800 characters on every lookup.
         * Only verified tokens are stored, and their signatures cannot be chosen, so the tail spreads entries as
         * well as a full hash would; {@code equals} still compares the whole token.
         */
        @Override
        public int hashCode() {
            int h = Long.hashCode(generation);
            for (int i = Math.max(0, token.length() - HASHED_TAIL); i < token.length(); i++) {
                h = 31 * h + token.charAt(i);
            }
            return h;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.generation == generation && key.token.equals(token);
        }
    }

    /** A cached result and when its entry ends ({@code min(exp, cached + cap)}, epoch millis). */
    private record Cached(Authenticated value, long deadlineMillis) { }

    private final Cache<Key, Cached> cache;
    private final RecentTokens recent = new RecentTokens();
    /** Whether the front is used: not when the cache is off or smaller than the front. */
    private volatile boolean recentOn;
    private final Clock clock;
    private final long capMillis;
    /** The statistics Caffeine keeps, less the second miss of each {@link #getOrVerify}. */
    private final OneMissPerToken stats = new OneMissPerToken();

    /**
     * @param maxEntries 0 disables caching
     * @param maxEntryLifetime the cap on an entry's life
     */
    public VerifiedTokenCache(long maxEntries, Duration maxEntryLifetime, Clock clock) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 0)");
        }
        if (maxEntryLifetime.isNegative()) {
            throw new IllegalArgumentException("maxEntryLifetime: " + maxEntryLifetime + " (expected: >= 0)");
        }
        this.clock = clock;
        this.capMillis = maxEntryLifetime.toMillis();
        this.recentOn = maxEntries >= RecentTokens.SLOTS;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> clock.millis() * 1_000_000L) // same time source as the claims checks
                .expireAfter(new Expiry<Key, Cached>() {
                    @Override
                    public long expireAfterCreate(Key key, Cached value, long currentTime) {
                        // In millis: the deadline in nanos since the epoch would overflow a long past year 2262.
                        long millis = Math.max(0, value.deadlineMillis() - currentTime / 1_000_000L);
                        return Math.min(millis, Long.MAX_VALUE / 1_000_000L) * 1_000_000L;
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Cached value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(Key key, Cached value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .executor(Runnable::run) // maintenance is tiny; running it inline keeps eviction deterministic
                .recordStats(() -> stats)
                .build();
    }

    /**
     * The cached result for {@code token} under {@code generation}, or null. A hit on the front allocates nothing;
     * one in Caffeine allocates the lookup key.
     */
    public Authenticated getIfPresent(long generation, String token) {
        boolean front = recentOn;
        if (front) {
            Authenticated hit = recent.get(generation, token, clock.millis());
            if (hit != null) {
                stats.recordHits(1);
                return hit;
            }
        }
        long epoch = recent.epoch(); // before the lookup: a drop after it ends what is remembered now
        Cached cached = cache.getIfPresent(new Key(generation, token));
        if (cached == null) {
            return null;
        }
        if (front) {
            recent.remember(generation, token, cached.value(), cached.deadlineMillis(), epoch);
        }
        return cached.value();
    }

    /**
     * The cached result, or {@code verify}'s, after a {@link #getIfPresent} that missed. Concurrent misses for the
     * same token run {@code verify} once: the others wait for it (a verification takes microseconds) and then read
     * its entry. Only authenticated results are stored; any other result is returned to the caller that computed
     * it. The miss was counted by {@code getIfPresent}: the one this lookup adds is taken back, so that a new token
     * is one miss in the statistics, not two.
     */
    public AuthResult getOrVerify(long generation, String token, Function<String, AuthResult> verify) {
        AuthResult[] computed = new AuthResult[1];
        long epoch = recent.epoch();
        Cached cached = cache.get(new Key(generation, token), k -> {
            AuthResult r = verify.apply(k.token());
            computed[0] = r;
            return r instanceof Authenticated a ? new Cached(a, deadline(a)) : null;
        });
        if (computed[0] != null) {
            stats.forgetMiss();
        }
        if (cached == null) {
            return computed[0];
        }
        if (recentOn) {
            recent.remember(generation, token, cached.value(), cached.deadlineMillis(), epoch);
        }
        return cached.value();
    }

    /** When an entry cached now ends: at {@code exp}, or after the cap when that comes first. */
    private long deadline(Authenticated value) {
        long now = clock.millis();
        long untilExp = value.expiresAt().toEpochMilli() - now;
        long lifetime = Math.max(0, Math.min(untilExp, capMillis));
        return lifetime > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + lifetime;
    }

    /** Drops one entry. */
    public void invalidate(long generation, String token) {
        cache.invalidate(new Key(generation, token));
        recent.invalidateAll(); // after the drop (see RecentTokens)
    }

    /** Drops every entry of a provider generation (the provider changed or was removed). */
    public void invalidateGeneration(long generation) {
        cache.asMap().keySet().removeIf(k -> k.generation() == generation);
        recent.invalidateAll();
    }

    /** Drops the entries of {@code generation} verified by any of {@code keyIds} (those keys left the JWKS). */
    public void invalidateKeys(long generation, Set<String> keyIds) {
        cache.asMap().entrySet().removeIf(e -> e.getKey().generation() == generation
                && keyIds.contains(e.getValue().value().keyId()));
        recent.invalidateAll();
    }

    /** Changes the bound ({@code tokenCache.maxEntries} reloads live). */
    public void setMaximumSize(long maxEntries) {
        recentOn = maxEntries >= RecentTokens.SLOTS;
        cache.policy().eviction().ifPresent(e -> e.setMaximum(maxEntries));
        recent.invalidateAll();
    }

    /** Approximate number of entries. */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /** Runs pending maintenance (evictions), for tests and before reading sizes. */
    public void cleanUp() {
        cache.cleanUp();
    }

    /** The Caffeine cache, stats recording on, for {@code CaffeineCacheMetrics}. Read-only use, please. */
    public Cache<?, ?> caffeine() {
        return cache;
    }

    /** Caffeine's counters, with a way to take back a miss that the same request already counted. */
    private static final class OneMissPerToken implements StatsCounter {
        private final ConcurrentStatsCounter counts = new ConcurrentStatsCounter();
        private final LongAdder forgotten = new LongAdder();

        void forgetMiss() {
            forgotten.increment();
        }

        @Override
        public void recordHits(int count) {
            counts.recordHits(count);
        }

        @Override
        public void recordMisses(int count) {
            counts.recordMisses(count);
        }

        @Override
        public void recordLoadSuccess(long loadTime) {
            counts.recordLoadSuccess(loadTime);
        }

        @Override
        public void recordLoadFailure(long loadTime) {
            counts.recordLoadFailure(loadTime);
        }

        @Override
        public void recordEviction(int weight, RemovalCause cause) {
            counts.recordEviction(weight, cause);
        }

        @Override
        public CacheStats snapshot() {
            CacheStats all = counts.snapshot();
            return CacheStats.of(all.hitCount(), Math.max(0, all.missCount() - forgotten.sum()),
                    all.loadSuccessCount(), all.loadFailureCount(), all.totalLoadTime(), all.evictionCount(),
                    all.evictionWeight());
        }
    }
}
