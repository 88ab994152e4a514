package io.runagents.ingress.core.consent;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.TokenStoreSettings;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.http.Json;
import io.runagents.ingress.core.metrics.OAuthMetrics;
import io.runagents.ingress.tokenstore.PendingGrant;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.StoreHealth;
import io.runagents.ingress.tokenstore.TokenStore;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import io.runagents.ingress.tokenstore.jdbc.JdbcTokenStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user OAuth consent for tools (SPEC sections 7 and 8), wired: the token store on its own threads, the proxy's
 * OAuth client, the consent flow, the egress's access tokens and grant management, and a periodic sweep that ends
 * expired pending consents and revokes the tokens of pending grants nobody completed.
 */
public final class Consents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Consents.class);
    /** How often expired pending consents and grants are swept, and the store probed for /readyz. */
    static final Duration SWEEP_PERIOD = Duration.ofSeconds(30);

    private final StoreAccess store;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService scheduler;
    private final UpstreamRevocation revocation;
    private final GrantTokens tokens;
    private final ConsentFlow flow;
    private final GrantManagement grants;
    private final Supplier<ConfigSnapshot> config;

    private Consents(StoreAccess store, ExecutorService httpThreads, TokenEndpoint endpoint,
                     ScheduledExecutorService scheduler, ConsentAudit audit, Supplier<ConfigSnapshot> config,
                     Clock clock) {
        this.store = store;
        this.httpThreads = httpThreads;
        this.scheduler = scheduler;
        this.config = config;
        this.revocation = new UpstreamRevocation(endpoint);
        this.tokens = new GrantTokens(store, endpoint, audit, clock);
        this.flow = new ConsentFlow(store, endpoint, revocation, audit, tokens, clock);
        tokens.flow(flow);
        this.grants = new GrantManagement(store, revocation, audit, tokens);
    }

    /**
     * Consent for a proxy started with {@code settings}: {@code tokenStore.*} and {@code consent.tokenTimeoutMillis}
     * are read now (a change needs a restart); the store opens at once in the background when {@code consent} is
     * configured, else on first use.
     *
     * @param environment reads the key ring, the database password and the tools' client secrets
     * @param audit where consent lines go; null for none
     * @param config the configuration now (tools and {@code consent.*} reload live)
     */
    public static Consents start(ProxySettings settings, UnaryOperator<String> environment, Clock clock, AuditLog audit,
                                 OAuthMetrics metrics, Supplier<ConfigSnapshot> config) {
        TokenStoreOptions options = storeOptions(settings, environment);
        int threads = options.poolSize() + 4;
        ExecutorService storeThreads = Executors.newFixedThreadPool(threads,
                new DefaultThreadFactory("runagents-token-store", true));
        ExecutorService httpThreads = Executors.newCachedThreadPool(
                new DefaultThreadFactory("runagents-token-endpoint", true));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("runagents-consent-sweep", true));
        StoreAccess store = new StoreAccess(() -> open(options, clock), storeThreads, metrics);
        TokenEndpoint endpoint = new TokenEndpoint(httpThreads,
                Duration.ofMillis(settings.consent().tokenTimeoutMillis()), environment, clock);
        Consents consents = new Consents(store, httpThreads, endpoint, scheduler,
                new ConsentAudit(audit, scheduler, metrics, clock), config, clock);
        if (settings.consent().callbackUrl() != null || settings.tokenStore().url() != null) {
            store.openSoon();
        }
        scheduler.scheduleWithFixedDelay(consents::sweep, SWEEP_PERIOD.toSeconds(), SWEEP_PERIOD.toSeconds(),
                TimeUnit.SECONDS);
        return consents;
    }

    private static TokenStore open(TokenStoreOptions options, Clock clock) {
        TokenStore store = JdbcTokenStore.open(options, clock);
        log.info("token store: {}", options.describeLocation().replaceAll("//[^/@]*@", "//"));
        return store;
    }

    /** The store options of {@code settings}, with the secrets read from the environment. */
    static TokenStoreOptions storeOptions(ProxySettings settings, UnaryOperator<String> environment) {
        TokenStoreSettings ts = settings.tokenStore();
        Secret password = secret(ts.passwordEnv() == null ? null : environment.apply(ts.passwordEnv()));
        Secret keys = secret(environment.apply(ts.encryptionKeyEnv()));
        // A refresh holds the grant's lock while it calls the token endpoint: the others' wait must outlast it.
        Duration lock = Duration.ofMillis(Math.max(TokenStoreOptions.DEFAULT_LOCK_TIMEOUT.toMillis(),
                2L * settings.consent().tokenTimeoutMillis() + 5_000));
        return new TokenStoreOptions(ts.url(), ts.username(), password, ts.poolSize(), Path.of(settings.dataDir()),
                keys, TokenStoreOptions.DEFAULT_CONNECT_TIMEOUT, lock);
    }

    private static Secret secret(String value) {
        return value == null || value.isEmpty() ? null : Secret.of(value);
    }

    public ConsentFlow flow() {
        return flow;
    }

    public GrantTokens tokens() {
        return tokens;
    }

    public GrantManagement grants() {
        return grants;
    }

    /** Ends what expired and revokes the tokens of pending grants nobody completed; probes the store. */
    void sweep() {
        if (!store.opened()) {
            return;
        }
        try {
            List<PendingGrant> expired = store.callHere("sweep", TokenStore::sweepExpired);
            ConfigSnapshot now = config.get();
            for (PendingGrant pending : expired) {
                revocation.revoke(ConsentFlow.oauth2(now, pending.key().tool()), pending.tokens());
            }
            if (!expired.isEmpty()) {
                log.info("{} pending grants expired uncompleted; their tokens are revoked upstream", expired.size());
            }
        } catch (RuntimeException e) {
            log.warn("token store sweep failed: {}", e.getMessage());
        }
        store.refreshHealth();
    }

    /**
     * What /readyz says of the token store (SPEC section 8): null before it was opened; else its backend,
     * whether it answered at the last probe, and the key ids its rows name that this proxy lacks. Never fails
     * readiness: other traffic needs no store.
     */
    public String readinessJson() {
        if (!store.opened()) {
            return null;
        }
        StringBuilder json = new StringBuilder("{");
        StoreHealth health = store.lastHealth();
        if (health == null) {
            json.append("\"reachable\":false,\"error\":");
            Json.appendString(json, store.openError() != null ? store.openError() : "not probed yet");
            return json.append('}').toString();
        }
        json.append("\"backend\":");
        Json.appendString(json, health.backend());
        json.append(",\"reachable\":").append(health.reachable());
        if (health.error() != null) {
            json.append(",\"error\":");
            Json.appendString(json, health.error());
        }
        json.append(",\"writeKeyId\":");
        Json.appendString(json, health.writeKeyId());
        json.append(",\"missingKeyIds\":[");
        boolean first = true;
        for (String id : health.missingKeyIds()) {
            json.append(first ? "" : ",");
            Json.appendString(json, id);
            first = false;
        }
        return json.append("]}").toString();
    }

    /** Probes the store now (blocking; tests and start-up). */
    public void checkHealth() {
        store.refreshHealth();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        store.close();
        httpThreads.shutdownNow();
    }
}
