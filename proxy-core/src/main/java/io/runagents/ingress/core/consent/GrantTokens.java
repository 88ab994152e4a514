package io.runagents.ingress.core.consent;

import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.audit.AuditRecord.Decision;
import io.runagents.ingress.tokenstore.Grant;
import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.RefreshOutcome;
import io.runagents.ingress.tokenstore.RefreshResult;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users' access tokens at the egress (SPEC section 7): kept in memory between calls, so a tool call with a
 * valid cached token touches neither the database nor the token endpoint, and each cached token's grant is
 * re-checked in the store at least every {@link #RECHECK_MILLIS} ms (a revoke on another replica is honoured within
 * that). A token that expires within min(60 s, half its lifetime) is refreshed first, once at a time per grant in
 * this process (callers share one future) and across replicas (the store's lock).
 *
 * <p>{@link #cached} is the event loop's path: a map read and a clock read. {@link #access} runs on the store's
 * executor.
 */
public final class GrantTokens {
    private static final Logger log = LoggerFactory.getLogger(GrantTokens.class);
    /** SPEC section 7: "re-checks that a cached token's grant still exists at least every 5 s". */
    static final long RECHECK_MILLIS = 5_000;
    /** From here on a hit also starts a background re-check, so steady traffic never waits for one. */
    static final long EARLY_RECHECK_MILLIS = 4_000;
    private static final Duration MAX_REFRESH_MARGIN = Duration.ofSeconds(60);

    private final StoreAccess store;
    private final TokenEndpoint endpoint;
    private final ConsentAudit audit;
    private final Clock clock;
    private ConsentFlow flow;
    private final ConcurrentHashMap<GrantKey, CachedToken> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<GrantKey, CompletableFuture<Access>> resolving = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<GrantKey, Boolean> rechecking = new ConcurrentHashMap<>();
    /** The version of a grant whose access token the tool answered 401 to: the next call refreshes it. */
    private final ConcurrentHashMap<GrantKey, Long> rejected = new ConcurrentHashMap<>();

    GrantTokens(StoreAccess store, TokenEndpoint endpoint, ConsentAudit audit, Clock clock) {
        this.store = store;
        this.endpoint = endpoint;
        this.audit = audit;
        this.clock = clock;
    }

    void flow(ConsentFlow flow) {
        this.flow = flow;
    }

    /**
     * An access token in memory: its header value, the grant version it belongs to, when it needs a refresh
     * (null: never, the token endpoint gave no expiry) and when its grant was last seen in the store.
     */
    private record CachedToken(String authorization, long version, Instant refreshAt, long checkedAtMillis) {
        CachedToken checkedAt(long millis) {
            return new CachedToken(authorization, version, refreshAt, millis);
        }
    }

    /** What a tool call gets for its user. */
    public sealed interface Access {
        /** Inject {@code authorization} ({@code Bearer ...}); {@code version} identifies it after a 401. */
        record Token(String authorization, long version) implements Access {
            @Override
            public String toString() {
                return "Token[version=" + version + "]";
            }
        }

        /** No usable grant: the user must consent at {@code consentUrl} (a consent started or reused for them). */
        record ConsentRequired(URI consentUrl, String reason) implements Access {
        }

        /** The refresh failed for another reason than {@code invalid_grant}: the grant is kept. */
        record RefreshFailed(String detail) implements Access {
        }

        /** The grant is encrypted with a key id this proxy does not have. */
        record KeyMissing(String keyId) implements Access {
        }
    }

    /**
     * The cached token for {@code key} when it can be used without asking the store, else null. Event loop safe:
     * no I/O; at most it starts a background re-check.
     */
    public Access.Token cached(GrantKey key) {
        CachedToken token = cache.get(key);
        if (token == null) {
            return null;
        }
        long now = clock.millis();
        long age = now - token.checkedAtMillis();
        if (age >= RECHECK_MILLIS || (token.refreshAt() != null && now >= token.refreshAt().toEpochMilli())) {
            return null;
        }
        if (age >= EARLY_RECHECK_MILLIS) {
            recheckSoon(key, token);
        }
        return new Access.Token(token.authorization(), token.version());
    }

    /**
     * Resolves the token for a call that {@link #cached} could not serve: loads the grant, refreshes it when
     * needed, or starts (reuses) a consent. Concurrent callers for one grant share one resolution.
     */
    public CompletableFuture<Access> access(GrantKey key, ToolAuth.OAuth2 auth, ConsentSettings settings,
                                            ConsentAudit.Cause cause) {
        CompletableFuture<Access> mine = new CompletableFuture<>();
        CompletableFuture<Access> running = resolving.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        CompletableFuture.supplyAsync(() -> resolve(key, auth, cause), store.executor())
                .thenCompose(access -> access instanceof NeedsConsent needs
                        ? flow.start(key, auth, settings, true, cause).thenApply(started ->
                        (Access) new Access.ConsentRequired(started.authorizationUrl(), needs.reason()))
                        : CompletableFuture.completedFuture(access))
                .whenComplete((access, failure) -> {
                    resolving.remove(key, mine);
                    if (failure != null) {
                        mine.completeExceptionally(failure);
                    } else {
                        mine.complete(access);
                    }
                });
        return mine;
    }

    /** Internal: the grant is unusable; {@link #access} turns it into a consent URL for each caller. */
    private record NeedsConsent(String reason) implements Access {
    }

    private Access resolve(GrantKey key, ToolAuth.OAuth2 auth, ConsentAudit.Cause cause) {
        Lookup<Grant> lookup = store.callHere("load_grant", s -> s.load(key));
        if (!(lookup instanceof Lookup.Found<Grant> found)) {
            cache.remove(key);
            return unusable(key, lookup);
        }
        Grant grant = found.value();
        Long badVersion = rejected.get(key);
        boolean afterRejection = badVersion != null && badVersion == grant.version();
        Instant now = clock.instant();
        if (!afterRejection && !needsRefresh(grant, now)) {
            return remember(grant);
        }
        if (grant.refreshToken() == null) {
            // Nothing to refresh with: the access token is over (expired, or refused by the tool).
            cache.remove(key);
            return new NeedsConsent(afterRejection ? "access_token_rejected" : "access_token_expired");
        }
        Predicate<Grant> stillNeeded = afterRejection ? current -> current.version() == badVersion
                : current -> needsRefresh(current, clock.instant());
        RefreshOutcome outcome = store.callHere("refresh", s -> s.refresh(key, stillNeeded,
                current -> refreshAt(auth, current)));
        return refreshed(key, outcome, cause);
    }

    private Access refreshed(GrantKey key, RefreshOutcome outcome, ConsentAudit.Cause cause) {
        if (outcome instanceof RefreshOutcome.Refreshed done) {
            rejected.remove(key);
            audit.event(Decision.REFRESHED, key, cause, 0, null);
            audit.metrics().refresh(key.tool(), "refreshed");
            return remember(done.grant());
        }
        if (outcome instanceof RefreshOutcome.AlreadyFresh fresh) {
            rejected.remove(key);
            audit.metrics().refresh(key.tool(), "already_fresh");
            return remember(fresh.grant());
        }
        cache.remove(key);
        if (outcome instanceof RefreshOutcome.Ended) {
            rejected.remove(key);
            audit.event(Decision.REFRESH_FAILED, key, cause, 401, "invalid_grant");
            audit.metrics().refresh(key.tool(), "invalid_grant");
            return new NeedsConsent("invalid_grant");
        }
        if (outcome instanceof RefreshOutcome.Failed failed) {
            audit.event(Decision.REFRESH_FAILED, key, cause, 502, failed.failure().reason());
            audit.metrics().refresh(key.tool(), "failed");
            return new Access.RefreshFailed(failed.failure().detail());
        }
        return unusable(key, ((RefreshOutcome.Unusable) outcome).lookup());
    }

    private Access unusable(GrantKey key, Lookup<Grant> lookup) {
        if (lookup instanceof Lookup.KeyMissing<Grant> missing) {
            return new Access.KeyMissing(missing.keyId());
        }
        if (lookup instanceof Lookup.Undecryptable) {
            log.warn("grant of {} ({}) for tool {} does not decrypt: treated as no grant", key.userId(),
                    key.provider(), key.tool());
            return new NeedsConsent("undecryptable");
        }
        return new NeedsConsent("no_grant");
    }

    /** The token-endpoint call of a refresh, under the grant's lock, bounded by {@code consent.tokenTimeoutMillis}. */
    private RefreshResult refreshAt(ToolAuth.OAuth2 auth, Grant current) {
        TokenEndpoint.Answer answer = endpoint.refresh(auth, current.refreshToken()).join();
        if (answer instanceof TokenEndpoint.Answer.Tokens tokens) {
            return new RefreshResult.Rotated(tokens.tokens());
        }
        if (answer instanceof TokenEndpoint.Answer.Refused refused) {
            if ("invalid_grant".equals(refused.error())) {
                return new RefreshResult.InvalidGrant();
            }
            if (refused.configurationError()) {
                // Not the user's doing: a new consent would fail the same way, so the grant is kept (SPEC section 8).
                log.error("tool {}: configuration error: its token endpoint answered {} to a refresh: check clientId "
                        + "and clientSecretEnv", current.key().tool(), ConsentAudit.errorCode(refused.error()));
            }
            String error = ConsentAudit.errorCode(refused.error());
            return new RefreshResult.Failed(error, error);
        }
        TokenEndpoint.Answer.Failed failed = (TokenEndpoint.Answer.Failed) answer;
        log.warn("tool {}: refreshing {}'s access token failed: {}", current.key().tool(), current.key().userId(),
                failed.detail());
        return new RefreshResult.Failed(failed.reason(), failed.detail());
    }

    private Access.Token remember(Grant grant) {
        String authorization = "Bearer " + grant.accessToken().reveal();
        cache.put(grant.key(), new CachedToken(authorization, grant.version(), refreshAt(grant), clock.millis()));
        return new Access.Token(authorization, grant.version());
    }

    /** When {@code grant}'s access token is due for a refresh: min(60 s, half its lifetime) before it expires. */
    static Instant refreshAt(Grant grant) {
        Instant expires = grant.accessExpiresAt();
        if (expires == null) {
            return null;
        }
        Instant issued = grant.refreshedAt() != null ? grant.refreshedAt() : grant.createdAt();
        Duration lifetime = Duration.between(issued, expires);
        Duration half = lifetime.isNegative() ? Duration.ZERO : lifetime.dividedBy(2);
        return expires.minus(half.compareTo(MAX_REFRESH_MARGIN) < 0 ? half : MAX_REFRESH_MARGIN);
    }

    static boolean needsRefresh(Grant grant, Instant now) {
        Instant due = refreshAt(grant);
        return due != null && !now.isBefore(due);
    }

    /** The tool answered 401 to the token of {@code version}: dropped, and the next call refreshes first. */
    public void rejectedByTool(GrantKey key, long version) {
        rejected.put(key, version);
        cache.computeIfPresent(key, (k, token) -> token.version() == version ? null : token);
    }

    /** Forgets the cached token of {@code key} (its grant was replaced or revoked in this process). */
    void forget(GrantKey key) {
        cache.remove(key);
        rejected.remove(key);
    }

    /** A cheap version read in the background: a revoked or rewritten grant stops being served from memory. */
    private void recheckSoon(GrantKey key, CachedToken seen) {
        if (rechecking.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        store.call("check_grant", s -> s.version(key)).whenComplete((version, failure) -> {
            rechecking.remove(key);
            if (failure != null) {
                return; // the store is unreachable: at 5 s the token stops being served from memory
            }
            long checked = clock.millis();
            cache.computeIfPresent(key, (k, token) -> token.version() != seen.version() ? token
                    : sameVersion(version, seen.version()) ? token.checkedAt(checked) : null);
        });
    }

    private static boolean sameVersion(OptionalLong stored, long cached) {
        return stored.isPresent() && stored.getAsLong() == cached;
    }
}
