package io.runagents.ingress.tokenstore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Per-user OAuth grants, pending consents and pending grants (SPEC section 8), encrypted at rest.
 *
 * <p>Every method blocks on the database: call it from the store's own executor, never from an event loop. Every
 * method may throw {@link TokenStoreUnavailableException} (answer 503); none waits without bound. Tokens, verifiers,
 * states and codes cross this API only as {@link Secret}s; states and codes are stored only as SHA-256 hashes
 * (states also encrypted, for reuse), tokens and verifiers only encrypted.
 *
 * <p>Opened with {@code JdbcTokenStore.open(options, clock)}, which runs the schema migrations first.
 */
public interface TokenStore extends AutoCloseable {

    /** How many live pending consents one user of one provider may have (SPEC section 8, step 1). */
    int MAX_PENDING_CONSENTS = 10;

    // ---- grants

    /** The grant of {@code key}, decrypted. */
    Lookup<Grant> load(GrantKey key);

    /** The cheap re-check of a cached access token: the grant's current {@link Grant#version()}, or empty if gone. */
    OptionalLong version(GrantKey key);

    /** The grants of one user of one provider, by tool: metadata only, nothing decrypted. */
    List<GrantInfo> grantsOf(String provider, String userId);

    /** The admin view: grants matching {@code query}, metadata only, nothing decrypted. */
    List<GrantInfo> listGrants(GrantQuery query);

    /**
     * Makes {@code tokens} the grant of {@code key} (its scopes null means none), replacing any grant it had, and
     * returns what it replaced (a {@link Lookup.Found} holds the tokens to revoke upstream).
     */
    Lookup<Grant> replace(GrantKey key, TokenSet tokens);

    /** Deletes the grant of {@code key} and returns it (a {@link Lookup.Found} holds the tokens to revoke upstream). */
    Lookup<Grant> delete(GrantKey key);

    /**
     * Refreshes the grant of {@code key} at most once across every process sharing the store. Under the grant's
     * lock (PostgreSQL: {@code SELECT ... FOR UPDATE}; SQLite: {@code BEGIN IMMEDIATE}) it re-reads the grant; when
     * {@code stillNeedsRefresh} says no (another caller rotated it meanwhile) it returns it untouched, else it runs
     * {@code call} and stores the rotated tokens before the lock is released. Callers of one store instance queue
     * in memory, holding no connection, for at most the lock timeout.
     */
    RefreshOutcome refresh(GrantKey key, Predicate<Grant> stillNeedsRefresh, RefreshCall call);

    // ---- pending consents (SPEC section 8, steps 1 and 2)

    /**
     * Stores a consent started for {@code key}, live for {@code ttl}. A user of a provider has at most
     * {@value #MAX_PENDING_CONSENTS} live pending consents: starting another deletes the oldest.
     */
    PendingConsent createConsent(GrantKey key, Secret state, Secret verifier, Duration ttl);

    /**
     * Takes the live consent of {@code state} out of the store: of all callers, in every process, exactly one gets
     * it. An expired, used or unknown state is {@link Lookup.None}.
     */
    Lookup<PendingConsent> consumeConsent(Secret state);

    /** The newest live consent of {@code key}, for reuse instead of starting another; unreadable ones are skipped. */
    Optional<PendingConsent> findLiveConsent(GrantKey key);

    // ---- pending grants (SPEC section 8, steps 2 and 3)

    /** Holds {@code tokens} for {@code key} under {@code consentCode} (stored hashed) for {@code ttl}. */
    PendingGrant putPendingGrant(Secret consentCode, GrantKey key, TokenSet tokens, Duration ttl);

    /** Takes the live pending grant of {@code consentCode} out of the store; exactly one caller gets it. */
    Lookup<PendingGrant> consumePendingGrant(Secret consentCode);

    /**
     * Deletes every expired pending consent and pending grant and returns the pending grants (their tokens are to be
     * revoked upstream; each is returned to exactly one caller). Expired rows that cannot be decrypted are deleted
     * and logged.
     */
    List<PendingGrant> sweepExpired();

    // ---- operations

    /** Probes the store (blocking for at most the connect timeout) and reports it with the missing key ids seen. */
    StoreHealth health();

    /** Closes the pool. */
    @Override
    void close();
}
