package io.runagents.ingress.core.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.admin.AdminApiHandler;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.admin.AdminHandler;
import io.runagents.ingress.core.admin.AdminInitializer;
import io.runagents.ingress.core.identity.IdentityContextVerifier;
import io.runagents.ingress.core.ingress.EgressInitializer;
import io.runagents.ingress.core.ingress.IngressInitializer;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.upstream.UpstreamConnector;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.runagents.ingress.core.http.Json;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.jwt.ProviderState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: its listeners, event loops and the configuration requests read. Start it with
 * {@link #start}; stop it with {@link #shutdown}, which stops accepting, lets in-flight requests finish
 * for up to the grace period, then closes what is left.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
    /** How often the ingress certificate's files are checked for a renewal written in place. */
    private static final int TLS_CHECK_SECONDS = 30;

    private final AtomicReference<RuntimeConfig> config;
    private final ExecutorService identityExecutor;
    private final ContextKeyring contextKeys;
    private final AuditLog audit;
    private IdentityProviders providers;
    private Staged staged;
    private final Transports transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final UpstreamConnector connector;
    private final ProxyMetrics metrics;
    private final ConnectionTracker ingressTracker = new ConnectionTracker();
    private final ConnectionTracker egressTracker = new ConnectionTracker();
    private final UnaryOperator<String> environment;
    private Channel ingress;
    private Channel egress;
    private Channel admin;
    private IngressTls tls;
    private ReloadableFiles files;
    private final ScheduledExecutorService tlsWatch;
    private AdminHandler adminHandler;
    private boolean stopped;
    /** Set when {@link #shutdown} begins: /readyz answers 503 while in-flight requests drain. */
    private volatile boolean draining;

    private ProxyServer(ConfigSnapshot snapshot, int workerThreads, ContextSigningKey contextKey,
                        UnaryOperator<String> environment) {
        this.environment = environment;
        this.identityExecutor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("runagents-jwks", true));
        this.providers = IdentityProviders.create(snapshot.identityProviders(), snapshot.proxy(), Clock.systemUTC(),
                identityExecutor);
        this.config = new AtomicReference<>(RuntimeConfig.of(snapshot, providers));
        this.contextKeys = new ContextKeyring(contextKey, Clock.systemUTC());
        contextKeys.issuing(Duration.ofSeconds(snapshot.proxy().identityContext().ttlSeconds()));
        this.audit = openAudit(snapshot.proxy());
        this.transport = Transports.best();
        this.acceptors = transport.newGroup(1, "runagents-accept");
        this.workers = transport.newGroup(workerThreads, "runagents-io");
        this.connector = new UpstreamConnector(transport,
                () -> config.get().snapshot().proxy().limits().connectTimeoutMillis(),
                () -> config.get().snapshot().proxy().limits().idleTimeoutSeconds());
        this.metrics = new ProxyMetrics();
        metrics.connectionsGauge("ingress", ingressTracker::openConnections);
        metrics.connectionsGauge("egress", egressTracker::openConnections);
        metrics.bindIdentity(() -> providers);
        metrics.bindAudit(audit);
        this.tlsWatch = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("runagents-tls-watch", true));
    }

    /**
     * Binds the listeners of {@code snapshot} and starts serving.
     *
     * @param workerThreads event loop threads; 0 for one per core
     */
    public static ProxyServer start(ConfigSnapshot snapshot, int workerThreads) throws InterruptedException {
        ContextSigningKey contextKey;
        try {
            contextKey = ContextSigningKey.loadOrCreate(snapshot.proxy().identityContext().signingKeyFile(),
                    Path.of(snapshot.proxy().dataDir()));
        } catch (IOException e) {
            throw new IllegalStateException("identityContext: " + e.getMessage(), e);
        }
        return start(snapshot, workerThreads, contextKey);
    }

    /** Like {@link #start(ConfigSnapshot, int)} with a given identity context key (tests, the demo). */
    public static ProxyServer start(ConfigSnapshot snapshot, int workerThreads, ContextSigningKey contextKey)
            throws InterruptedException {
        return start(snapshot, workerThreads, contextKey, System::getenv);
    }

    /**
     * Like {@link #start(ConfigSnapshot, int, ContextSigningKey)}, reading the tools' secrets through
     * {@code environment} instead of the process environment (tests).
     */
    public static ProxyServer start(ConfigSnapshot snapshot, int workerThreads, ContextSigningKey contextKey,
                                    UnaryOperator<String> environment) throws InterruptedException {
        ProxyServer server = new ProxyServer(snapshot, workerThreads == 0
                ? Runtime.getRuntime().availableProcessors() : workerThreads, contextKey, environment);
        try {
            server.awaitKeys(snapshot.proxy().jwks().fetchTimeoutMillis() + 500L);
            server.bind(snapshot.proxy());
        } catch (Exception e) {
            // Exception, not RuntimeException: a failed bind's IOException comes unchecked out of Netty's
            // sync(), and must not leave the listeners bound so far, the event loops and the audit file open.
            server.close();
            throw e;
        }
        return server;
    }

    private static AuditLog openAudit(ProxySettings settings) {
        try {
            return AuditLog.open(Path.of(settings.audit().file()), AuditLog.DEFAULT_CAPACITY, Clock.systemUTC());
        } catch (IOException e) {
            throw new IllegalStateException("audit.file: cannot open " + settings.audit().file() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Prefetches every provider's keys, waiting at most {@code millis}: readiness reports what is missing. */
    private void awaitKeys(long millis) throws InterruptedException {
        try {
            providers.prefetchAll().toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("identity provider keys not all loaded at start: {}", providers.states().values());
        }
    }

    private void bind(ProxySettings settings) throws InterruptedException {
        tls = IngressTls.start(settings.tls());
        files = new ReloadableFiles(tls, contextKeys, audit);
        tlsWatch.scheduleWithFixedDelay(this::checkTlsFiles, TLS_CHECK_SECONDS, TLS_CHECK_SECONDS, TimeUnit.SECONDS);
        ListenerBinder listeners = new ListenerBinder(acceptors, workers, transport);
        ingress = listeners.bind("ingress", settings.listen().ingress(), new IngressInitializer(config::get,
                ingressTracker, tls::context, connector, metrics, audit, contextKeys));
        IdentityContextVerifier verifier = new IdentityContextVerifier(contextKeys, Clock.systemUTC());
        egress = listeners.bind("egress", settings.listen().egress(), new EgressInitializer(config::get,
                egressTracker, connector, metrics, audit, verifier, environment));
        admin = listeners.bind("admin", settings.listen().admin(), new AdminInitializer(adminHandler =
                new AdminHandler(metrics, this::readiness, contextKeys::publicJwksJson)));
        log.info("ingress listening on {} ({}), egress on {}, admin on {}; {} transport", ingress.localAddress(),
                tls.context() == null ? "http" : "https", egress.localAddress(), admin.localAddress(),
                transport.name().toLowerCase(Locale.ROOT));
    }

    /** Ready when a configuration is loaded and every identity provider has usable keys. */
    private AdminHandler.Readiness readiness() {
        if (draining) {
            // Load balancers must stop sending before the listeners are gone; /healthz still answers 200.
            return new AdminHandler.Readiness(false, "[{\"proxy\":\"draining\",\"problem\":\"shutting down\"}]");
        }
        StringBuilder problems = new StringBuilder("[");
        for (ProviderState state : config.get().identity().providers().states().values()) {
            if (!state.ready()) {
                if (problems.length() > 1) {
                    problems.append(',');
                }
                problems.append("{\"identityProvider\":");
                Json.appendString(problems, state.provider());
                problems.append(",\"problem\":");
                Json.appendString(problems, state.lastError() == null ? "no usable keys" : state.lastError());
                problems.append('}');
            }
        }
        String json = problems.append(']').toString();
        return new AdminHandler.Readiness(json.length() == 2, json);
    }

    /** The socket transport every channel of this server uses. */
    public Transports transport() {
        return transport;
    }

    /** The address the ingress listener is bound to (its real port when configured as 0). */
    public InetSocketAddress ingressAddress() {
        return (InetSocketAddress) ingress.localAddress();
    }

    /** The address of the egress listener (agents calling tools). */
    public InetSocketAddress egressAddress() {
        return (InetSocketAddress) egress.localAddress();
    }

    /** The address of the admin listener. */
    public InetSocketAddress adminAddress() {
        return (InetSocketAddress) admin.localAddress();
    }

    /** The configuration requests start with now. */
    public RuntimeConfig config() {
        return config.get();
    }

    /**
     * Swaps in a new configuration at once: requests that already started keep the one they read.
     * Providers whose record is unchanged keep their keys and verified tokens; changed or removed ones
     * lose theirs. When {@link #prepare} ran for this snapshot, its providers (keys fetched) are used.
     */
    public synchronized void apply(ConfigSnapshot snapshot) {
        Staged ready = staged;
        staged = null;
        IdentityProviders next;
        ReloadableFiles.Prepared nextFiles;
        ProxySettings now = config.get().snapshot().proxy();
        if (ready != null && ready.snapshot() == snapshot) {
            next = ready.providers();
            nextFiles = ready.files();
        } else {
            if (ready != null) {
                ready.providers().discard(providers);
            }
            next = providers.stage(snapshot.identityProviders(), snapshot.proxy());
            nextFiles = files.prepareOrKeep(now, snapshot.proxy());
        }
        files.apply(now, snapshot.proxy(), nextFiles);
        config.set(RuntimeConfig.of(snapshot, next));
        // Retire what the new configuration replaced only now: until the swap, the old one served unchanged.
        next.commit(providers);
        providers = next;
        providers.persistTo(Path.of(snapshot.proxy().dataDir()));
    }

    /**
     * Readies {@code snapshot} for {@link #apply}: new and changed identity providers get their own
     * authenticators, beside the serving ones, and fetch their keys (each fetch bounded by
     * {@code jwks.fetchTimeoutMillis}). The stage never fails: a provider that could not fetch reports it
     * in {@code /readyz}. The serving configuration is untouched until the swap.
     */
    public synchronized CompletionStage<Void> prepare(ConfigSnapshot snapshot) {
        if (staged != null) {
            staged.providers().discard(providers);
            staged = null;
        }
        ReloadableFiles.Prepared nextFiles;
        try {
            nextFiles = files.prepare(config.get().snapshot().proxy(), snapshot.proxy());
        } catch (IllegalStateException e) {
            // Refuses the reload: the old certificate, context key and audit file keep serving.
            return CompletableFuture.failedFuture(e);
        }
        IdentityProviders next = providers.stage(snapshot.identityProviders(), snapshot.proxy());
        staged = new Staged(snapshot, next, nextFiles);
        return next.prefetchAll();
    }

    /** Reloads the ingress certificate when its files changed on disk; runs every {@value #TLS_CHECK_SECONDS} s. */
    public void checkTlsFiles() {
        tls.refreshIfFilesChanged();
    }

    /** {@link #prepare} then {@link #apply}: the swap happens once new providers have their keys. */
    public CompletionStage<Void> applyWhenReady(ConfigSnapshot snapshot) {
        return prepare(snapshot).thenRun(() -> apply(snapshot));
    }

    /** Providers built (and warmed) for a snapshot that is about to be applied. */
    private record Staged(ConfigSnapshot snapshot, IdentityProviders providers, ReloadableFiles.Prepared files) { }

    /** Serves the {@code /admin/*} API on the admin listener with {@code api}. */
    public void adminApi(AdminApiHandler api) {
        api.providerStatus(this::providerStatus);
        adminHandler.api(api);
    }

    /** {@code keys loaded (N)} or the provider's last error, for {@code identity-providers list}. */
    private String providerStatus(String name) {
        ProviderState state = config.get().identity().providers().states().get(name);
        if (state == null) {
            return "unknown";
        }
        if (state.ready()) {
            return "keys loaded (" + state.keys() + ")";
        }
        return "error: " + (state.lastError() == null ? "no usable keys" : state.lastError());
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public UpstreamConnector upstreams() {
        return connector;
    }

    public ConnectionTracker ingressConnections() {
        return ingressTracker;
    }

    /**
     * Graceful stop: no new connections, in-flight requests get up to {@code grace} to finish (idle
     * keep-alive connections close at once), then everything closes. Blocks until done.
     */
    public synchronized void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        draining = true;
        ingressTracker.startDraining();
        egressTracker.startDraining();
        closeQuietly(ingress);
        closeQuietly(egress);
        // The admin listener stays up through the drain: /healthz is 200 while the process runs (SPEC section
        // 10), /readyz says it is draining, and /metrics shows the requests still in flight.
        long deadline = System.nanoTime() + grace.toNanos();
        ingressTracker.closeIdle();
        egressTracker.closeIdle();
        while (ingressTracker.inFlight() + egressTracker.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = ingressTracker.inFlight() + egressTracker.inFlight();
        if (left > 0) {
            log.warn("shutdown grace of {} s over with {} requests in flight; closing them", grace.toSeconds(), left);
        }
        ingressTracker.closeAll();
        egressTracker.closeAll();
        closeQuietly(admin);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        connector.close();
        tlsWatch.shutdownNow();
        audit.close(); // every line of every answered request is on disk before the process exits
        providers.close();
        identityExecutor.shutdownNow();
        metrics.close();
        log.info("stopped");
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
