package io.runagents.ingress.tokenstore.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.runagents.ingress.tokenstore.Grant;
import io.runagents.ingress.tokenstore.GrantInfo;
import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.GrantQuery;
import io.runagents.ingress.tokenstore.Lookup;
import io.runagents.ingress.tokenstore.PendingConsent;
import io.runagents.ingress.tokenstore.PendingGrant;
import io.runagents.ingress.tokenstore.RefreshCall;
import io.runagents.ingress.tokenstore.RefreshOutcome;
import io.runagents.ingress.tokenstore.RefreshResult;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.StoreHealth;
import io.runagents.ingress.tokenstore.TokenSet;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import io.runagents.ingress.tokenstore.TokenStoreUnavailableException;
import io.runagents.ingress.tokenstore.crypto.KeyFile;
import io.runagents.ingress.tokenstore.crypto.KeyRing;
import io.runagents.ingress.tokenstore.crypto.TokenCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The {@link TokenStore} over JDBC: SQLite ({@code <dataDir>/tokens.db}) or PostgreSQL, through a HikariCP pool.
 * Thread-safe; every method blocks.
 */
public final class JdbcTokenStore implements TokenStore {

    private static final Logger log = LoggerFactory.getLogger(JdbcTokenStore.class);

    private final Database db;
    private final Sealer sealer;
    private final GrantTable grants;
    private final ConsentTable consents;
    private final PendingGrantTable pendingGrants;
    private final KeyedLocks<GrantKey> refreshLocks = new KeyedLocks<>();
    private final Clock clock;

    private JdbcTokenStore(TokenStoreOptions options, KeyRing ring, Clock clock) {
        this.clock = clock;
        Dialect dialect = options.postgresql() ? Dialect.POSTGRESQL : Dialect.SQLITE;
        this.sealer = new Sealer(new TokenCipher(ring));
        this.grants = new GrantTable(dialect, sealer);
        this.consents = new ConsentTable(sealer);
        this.pendingGrants = new PendingGrantTable(sealer);
        HikariDataSource pool = options.postgresql()
                ? ConnectionPools.postgresql(options)
                : ConnectionPools.sqlite(options);
        this.db = new Database(pool, dialect, options.connectTimeout(), options.lockTimeout(), clock,
                this::scanKeyIds);
    }

    /**
     * Opens the store: reads the key ring ({@code options.encryptionKeys()}, or {@code <dataDir>/token-key},
     * generated on first use), creates the pool and migrates the schema. A database that cannot be reached does not
     * fail the opening (the calls that need it fail until it is back); a malformed key ring or a schema that does
     * not match its history does ({@link IllegalArgumentException}, {@link IllegalStateException}).
     */
    public static JdbcTokenStore open(TokenStoreOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        KeyRing ring = KeyRing.parse(options.encryptionKeys() != null
                ? options.encryptionKeys()
                : KeyFile.loadOrCreate(options.dataDir()));
        JdbcTokenStore store = new JdbcTokenStore(options, ring, clock);
        try {
            if (store.db.migrateAtStart()) {
                log.info("token store {} ready ({}, writing with key id '{}')", options.describeLocation(),
                        store.db.dialect().folder(), ring.writeKeyId());
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public Lookup<Grant> load(GrantKey key) {
        return db.read("load a grant", c -> grants.select(c, key, false));
    }

    @Override
    public OptionalLong version(GrantKey key) {
        return db.read("check a grant", c -> grants.version(c, key));
    }

    @Override
    public List<GrantInfo> grantsOf(String provider, String userId) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(userId, "userId");
        return listGrants(new GrantQuery(provider, userId, null, 1000));
    }

    @Override
    public List<GrantInfo> listGrants(GrantQuery query) {
        return db.read("list grants", c -> grants.list(c, query));
    }

    @Override
    public Lookup<Grant> replace(GrantKey key, TokenSet tokens) {
        Objects.requireNonNull(tokens, "tokens");
        Grant next = new Grant(key, tokens.scopes() == null ? List.of() : tokens.scopes(), tokens.accessToken(),
                tokens.accessExpiresAt(), tokens.refreshToken(), clock.instant(), null, newVersion(),
                sealer.writeKeyId());
        return db.write("store a grant", c -> {
            // Two writers of a new key both find no row to lock; the loser's insert does nothing and it retries,
            // now finding (and locking) the winner's row, whose tokens it then returns for revocation.
            for (int attempt = 0; ; attempt++) {
                Lookup<Grant> previous = grants.select(c, key, true);
                if (!(previous instanceof Lookup.None)) {
                    grants.update(c, next);
                    return previous;
                }
                if (grants.insertIfAbsent(c, next)) {
                    return previous;
                }
                if (attempt == 2) {
                    throw new SQLException("the grant kept changing under concurrent writers");
                }
            }
        });
    }

    @Override
    public Lookup<Grant> delete(GrantKey key) {
        return db.read("delete a grant", c -> grants.delete(c, key));
    }

    @Override
    public RefreshOutcome refresh(GrantKey key, Predicate<Grant> stillNeedsRefresh, RefreshCall call) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(stillNeedsRefresh, "stillNeedsRefresh");
        Objects.requireNonNull(call, "call");
        return refreshLocks.withLock(key, db.lockTimeout(), "the refresh of a grant", () ->
                db.write("refresh a grant", c -> {
                    Lookup<Grant> current = grants.select(c, key, true);
                    if (!(current instanceof Lookup.Found<Grant> found)) {
                        return new RefreshOutcome.Unusable(current);
                    }
                    Grant grant = found.value();
                    if (!stillNeedsRefresh.test(grant)) {
                        return new RefreshOutcome.AlreadyFresh(grant);
                    }
                    RefreshResult result = Objects.requireNonNull(call.refresh(grant), "refresh call result");
                    if (result instanceof RefreshResult.Rotated rotated) {
                        Grant next = rotate(grant, rotated.tokens());
                        grants.update(c, next);
                        return new RefreshOutcome.Refreshed(next);
                    }
                    if (result instanceof RefreshResult.InvalidGrant) {
                        grants.delete(c, key);
                        return new RefreshOutcome.Ended(grant);
                    }
                    return new RefreshOutcome.Failed(grant, (RefreshResult.Failed) result);
                }));
    }

    @Override
    public PendingConsent createConsent(GrantKey key, Secret state, Secret verifier, Duration ttl) {
        Instant now = clock.instant();
        PendingConsent consent = new PendingConsent(key, state, verifier, now, now.plus(positive(ttl)));
        db.write("start a consent", c -> {
            consents.insert(c, consent);
            return null;
        });
        return consent;
    }

    @Override
    public Lookup<PendingConsent> consumeConsent(Secret state) {
        Objects.requireNonNull(state, "state");
        return db.read("consume a consent", c -> consents.consume(c, state, clock.instant()));
    }

    @Override
    public Optional<PendingConsent> findLiveConsent(GrantKey key) {
        return db.read("find a consent", c -> consents.newestLive(c, key, clock.instant()));
    }

    @Override
    public PendingGrant putPendingGrant(Secret consentCode, GrantKey key, TokenSet tokens, Duration ttl) {
        Objects.requireNonNull(consentCode, "consentCode");
        Instant now = clock.instant();
        TokenSet withScopes = tokens.scopes() != null ? tokens
                : new TokenSet(tokens.accessToken(), tokens.refreshToken(), tokens.accessExpiresAt(), List.of());
        PendingGrant pending = new PendingGrant(key, withScopes, now, now.plus(positive(ttl)));
        db.read("hold a pending grant", c -> {
            pendingGrants.insert(c, consentCode, pending);
            return null;
        });
        return pending;
    }

    @Override
    public Lookup<PendingGrant> consumePendingGrant(Secret consentCode) {
        Objects.requireNonNull(consentCode, "consentCode");
        return db.read("consume a pending grant", c -> pendingGrants.consume(c, consentCode, clock.instant()));
    }

    @Override
    public List<PendingGrant> sweepExpired() {
        Instant now = clock.instant();
        List<Lookup<PendingGrant>> swept = db.read("sweep expired consents", c -> {
            consents.deleteExpired(c, now);
            return pendingGrants.deleteExpired(c, now);
        });
        List<PendingGrant> out = new ArrayList<>(swept.size());
        for (Lookup<PendingGrant> lookup : swept) {
            lookup.found().ifPresent(out::add); // the others were logged when they failed to decrypt
        }
        return out;
    }

    @Override
    public StoreHealth health() {
        String error = db.probe();
        return new StoreHealth(db.dialect().folder(), error == null, error, sealer.writeKeyId(),
                sealer.missingKeyIds());
    }

    @Override
    public void close() {
        db.close();
    }

    /** How many callers of this store are refreshing {@code key} or queued to (tests). */
    int refreshCallers(GrantKey key) {
        return refreshLocks.users(key);
    }

    /** How many grants have refreshes running or waiting in this store (tests: entries do not outlive them). */
    int refreshLocksInUse() {
        return refreshLocks.size();
    }

    /** The grant after a refresh: what the response left out is kept (RFC 6749 section 6). */
    private Grant rotate(Grant old, TokenSet t) {
        return new Grant(old.key(), t.scopes() != null ? t.scopes() : old.scopes(), t.accessToken(),
                t.accessExpiresAt(), t.refreshToken() != null ? t.refreshToken() : old.refreshToken(),
                old.createdAt(), clock.instant(), newVersion(), sealer.writeKeyId());
    }

    /** Finds rows encrypted with key ids the ring lacks, so health names them before anyone reads such a row. */
    private void scanKeyIds() {
        try {
            sealer.noteStoredKeyIds(db.read("scan key ids", JdbcTokenStore::storedKeyIds));
        } catch (TokenStoreUnavailableException e) {
            log.warn("{}: missing key ids show when their rows are read", e.getMessage());
        }
    }

    private static List<String> storedKeyIds(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM grants UNION "
                + "SELECT key_id FROM pending_consents UNION SELECT key_id FROM pending_grants");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Versions are random, not counted: a grant deleted and granted again must not repeat a cached version. */
    private static long newVersion() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static Duration positive(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        return ttl;
    }
}
