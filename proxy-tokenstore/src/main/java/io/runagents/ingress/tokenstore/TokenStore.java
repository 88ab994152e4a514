package io.runagents.ingress.tokenstore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Per-user OAuth grants, pending consents and pending grants (SPEC section 8), encrypted at rest.
 *
 * <p><b>Blocking.</b> Every method blocks on the database: call it from the store's own executor, never from an
 * event loop. Every method may throw {@link TokenStoreUnavailableException} (answer 503). No wait is unbounded: a
 * pooled connection is waited for at most the connect timeout, a lock at most the lock timeout
 * ({@link TokenStoreOptions}). While the database is unreachable, each call costs up to the connect timeout before it
 * throws.
 *
 * <p><b>Secrets.</b> Tokens, verifiers, states and codes cross this API only as {@link Secret}s. States and codes
 * are stored only as SHA-256 hashes (states also encrypted, for {@link #findLiveConsent}), tokens and verifiers only
 * encrypted; no log line or exception message of the store holds one.
 *
 * <p><b>Unreadable rows.</b> A method that returns a {@link Lookup} returns {@link Lookup.KeyMissing} or
 * {@link Lookup.Undecryptable} instead of throwing when a row does not decrypt. The methods that take a row out
 * ({@link #delete}, {@link #replace}, the two {@code consume} methods) take it out whatever it decrypts to; only a
 * {@link Lookup.Found} carries tokens that can be revoked upstream.
 *
 * <p>Opened with {@code JdbcTokenStore.open(options, clock)}, which runs the schema migrations first (or, when the
 * database cannot be reached then, on the first call that reaches it).
 */
public interface TokenStore extends AutoCloseable {

    /** How many live pending consents one user of one provider may have (SPEC section 8, step 1). */
    int MAX_PENDING_CONSENTS = 10;

    // ---- grants

    /** The grant of {@code key}, decrypted; nothing is changed whatever the row holds. */
    Lookup<Grant> load(GrantKey key);

    /**
     * The cheap re-check of a cached access token: the grant's current {@link Grant#version()}, or empty if there is
     * no grant. Decrypts nothing, so a grant that does not decrypt still has a version.
     */
    OptionalLong version(GrantKey key);

    /** The grants of one user of one provider, by tool, at most 1000: metadata only, nothing decrypted. */
    List<GrantInfo> grantsOf(String provider, String userId);

    /** The admin view: grants matching {@code query}, by provider, user and tool: metadata only, nothing decrypted. */
    List<GrantInfo> listGrants(GrantQuery query);

    /**
     * Makes {@code tokens} the grant of {@code key}, created now with a new version, replacing any grant it had
     * (whatever that row decrypts to), and returns what it replaced: a {@link Lookup.Found} holds the old tokens to
     * revoke upstream. {@code tokens.scopes()} null is stored as no scopes: for a new grant the caller passes the
     * scopes it asked for when the token endpoint did not say (RFC 6749 section 5.1).
     */
    Lookup<Grant> replace(GrantKey key, TokenSet tokens);

    /**
     * Deletes the grant of {@code key} (whatever its row decrypts to) and returns it: a {@link Lookup.Found} holds the
     * tokens to revoke upstream; after {@link Lookup.KeyMissing} or {@link Lookup.Undecryptable} the grant is gone
     * but cannot be revoked upstream.
     */
    Lookup<Grant> delete(GrantKey key);

    /**
     * Refreshes the grant of {@code key} at most once across every process sharing the store. Under the grant's
     * lock it re-reads the grant; when {@code stillNeedsRefresh} says no (another caller or replica rotated it
     * meanwhile) it returns {@link RefreshOutcome.AlreadyFresh} without running {@code call}, else it runs
     * {@code call} and, before the lock is released, stores the rotated tokens ({@link RefreshOutcome.Refreshed}),
     * deletes the grant on {@code invalid_grant} ({@link RefreshOutcome.Ended}) or keeps it
     * ({@link RefreshOutcome.Failed}). No grant, or one that does not decrypt, is {@link RefreshOutcome.Unusable}
     * and {@code call} does not run.
     *
     * <p>{@code stillNeedsRefresh} sees the freshly read grant: for an expiring token, "expires within a minute";
     * after the tool answered 401, "its version is still the one that got the 401".
     *
     * <p>Locking and waiting: callers of one store instance for one grant queue in memory, holding no connection,
     * for at most the lock timeout; the one at the head then takes a pooled connection and the database lock
     * (PostgreSQL: the grant's row, {@code SELECT ... FOR UPDATE} with {@code lock_timeout}; SQLite:
     * {@code BEGIN IMMEDIATE}, the database's single write lock, waiting at most the lock timeout) and holds both
     * while {@code call} runs. So on PostgreSQL the pool size bounds how many grants refresh at once in one process
     * (further callers wait for a connection, at most the connect timeout), and on SQLite every write of the store
     * waits while any refresh is calling its token endpoint. A wait that times out throws
     * {@link TokenStoreUnavailableException} and changes nothing.
     */
    RefreshOutcome refresh(GrantKey key, Predicate<Grant> stillNeedsRefresh, RefreshCall call);

    // ---- pending consents (SPEC section 8, steps 1 and 2)

    /**
     * Stores a consent started for {@code key}, live for {@code ttl}. A user of a provider has at most
     * {@value #MAX_PENDING_CONSENTS} live pending consents (all tools together): starting another deletes the oldest;
     * expired ones do not count. {@code state} must be new ({@link Secret#random}): a state already stored throws
     * {@link TokenStoreUnavailableException}.
     */
    PendingConsent createConsent(GrantKey key, Secret state, Secret verifier, Duration ttl);

    /**
     * Takes the live consent of {@code state} out of the store: of all callers, in every process, exactly one gets
     * it. An expired, used or unknown state is {@link Lookup.None}. A row that does not decrypt is taken out all the
     * same (the state is used up) and returned as {@link Lookup.KeyMissing} or {@link Lookup.Undecryptable}.
     */
    Lookup<PendingConsent> consumeConsent(Secret state);

    /**
     * The newest live consent of {@code key} that decrypts, for reuse instead of starting another; ones that do not
     * decrypt are passed over (and logged). Changes nothing.
     */
    Optional<PendingConsent> findLiveConsent(GrantKey key);

    // ---- pending grants (SPEC section 8, steps 2 and 3)

    /**
     * Holds {@code tokens} for {@code key} under {@code consentCode} (stored hashed) for {@code ttl}; null scopes are
     * stored as none. {@code consentCode} must be new ({@link Secret#random}, 16 bytes or more).
     */
    PendingGrant putPendingGrant(Secret consentCode, GrantKey key, TokenSet tokens, Duration ttl);

    /**
     * Takes the live pending grant of {@code consentCode} out of the store; of all callers, in every process, exactly
     * one gets it, and then owns its tokens. The store does not check who asks: the caller compares
     * {@link PendingGrant#key()} with the completing user's provider, user id and tool, and either makes the tokens a
     * grant ({@link #replace}) or revokes them upstream. Expired, used or unknown: {@link Lookup.None}; a row that does
     * not decrypt is taken out all the same.
     */
    Lookup<PendingGrant> consumePendingGrant(Secret consentCode);

    /**
     * Deletes every expired pending consent and pending grant and returns the pending grants that decrypt: their
     * tokens are to be revoked upstream, and each is returned to exactly one caller across every process. Expired
     * rows that cannot be decrypted are deleted and logged. The store schedules nothing: the caller runs this
     * periodically.
     */
    List<PendingGrant> sweepExpired();

    // ---- operations

    /**
     * Probes the store and reports it, with the missing key ids seen (by the start-up scan and by reads since). When
     * the schema is not migrated yet (the database was unreachable at start), migrates it first. Blocks for a few
     * connect timeouts at most (two once the schema is migrated), longer only while another process holds the
     * migration lock.
     */
    StoreHealth health();

    /** Closes the pool. */
    @Override
    void close();
}
