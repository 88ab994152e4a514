package io.runagents.ingress.core.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.admin.AdminApiHandler;
import io.runagents.ingress.core.admin.AdminHandler;
import io.runagents.ingress.core.admin.AdminInitializer;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.consent.Consents;
import io.runagents.ingress.core.egress.EgressInitializer;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.identity.IdentityContextVerifier;
import io.runagents.ingress.core.ingress.IngressInitializer;
import io.runagents.ingress.core.metrics.OAuthMetrics;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.metrics.RequestRates;
import io.runagents.ingress.core.runtime.ConfigReloader;
import io.runagents.ingress.core.runtime.LiveConfig;
import io.runagents.ingress.core.runtime.ReadinessReport;
import io.runagents.ingress.core.runtime.ReloadableFiles;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.transport.IngressTls;
import io.runagents.ingress.core.transport.ListenerBinder;
import io.runagents.ingress.core.transport.Transports;
import io.runagents.ingress.core.upstream.UpstreamConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: wires its parts (configuration, listeners, event loops, audit trail, metrics) and runs
 * them. Start it with {@link #start}; stop it with {@link #shutdown}, which stops accepting, lets in-flight
 * requests finish for up to the grace period, then closes what is left.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
    /** How often the ingress certificate's files are checked for a renewal written in place. */
    private static final int TLS_CHECK_SECONDS = 30;

    private final ExecutorService identityExecutor;
    private final LiveConfig config;
    private final ContextKeyring contextKeys;
    private final AuditLog audit;
    private final Transports transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final UpstreamConnector connector;
    private final ProxyMetrics metrics;
    private final ConnectionTracker ingressTracker = new ConnectionTracker();
    private final ConnectionTracker egressTracker = new ConnectionTracker();
    private final UnaryOperator<String> environment;
    private final ReadinessReport readiness;
    private final ScheduledExecutorService tlsWatch;
    private final ScheduledExecutorService adminIo;
    private final Consents consents;
    private Channel ingress;
    private Channel egress;
    private Channel admin;
    private IngressTls tls;
    private AdminHandler adminHandler;
    private boolean stopped;
    /** Set when {@link #shutdown} begins: /readyz answers 503 while in-flight requests drain. */
    private volatile boolean draining;

    private ProxyServer(ConfigSnapshot snapshot, int workerThreads, ContextSigningKey contextKey,
                        UnaryOperator<String> environment) {
        this.environment = environment;
        this.identityExecutor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("runagents-jwks", true));
        this.config = new LiveConfig(snapshot, Clock.systemUTC(), identityExecutor);
        this.contextKeys = new ContextKeyring(contextKey, Clock.systemUTC());
        contextKeys.issuing(snapshot.proxy().identityContext().ttlSeconds(), snapshot.proxy().identityContext().issuer());
        this.audit = AuditLog.open(snapshot.proxy().audit(), Clock.systemUTC());
        this.transport = Transports.best();
        this.acceptors = transport.newGroup(1, "runagents-accept");
        this.workers = transport.newGroup(workerThreads, "runagents-io");
        this.connector = new UpstreamConnector(transport,
                () -> config.get().snapshot().proxy().limits().connectTimeoutMillis(),
                () -> config.get().snapshot().proxy().limits().idleTimeoutSeconds());
        this.metrics = new ProxyMetrics();
        metrics.connectionsGauge("ingress", ingressTracker::openConnections);
        metrics.connectionsGauge("egress", egressTracker::openConnections);
        metrics.bindIdentity(config::providers);
        metrics.bindAudit(audit);
        this.consents = Consents.start(snapshot.proxy(), environment, Clock.systemUTC(), audit,
                new OAuthMetrics(metrics.registry()), () -> config.get().snapshot());
        this.readiness = new ReadinessReport(config, () -> draining, audit::health, consents::readinessJson);
        this.tlsWatch = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("runagents-tls-watch", true));
        this.adminIo = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("runagents-admin-io", true));
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


    /** Prefetches every provider's keys, waiting at most {@code millis}: readiness reports what is missing. */
    private void awaitKeys(long millis) throws InterruptedException {
        try {
            config.prefetchAll().toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("identity provider keys not all loaded at start: {}", config.providers().states().values());
        }
    }

    private void bind(ProxySettings settings) throws InterruptedException {
        tls = IngressTls.start(settings.tls());
        config.reloads(new ReloadableFiles(tls, contextKeys, audit));
        tlsWatch.scheduleWithFixedDelay(this::checkTlsFiles, TLS_CHECK_SECONDS, TLS_CHECK_SECONDS, TimeUnit.SECONDS);
        ListenerBinder listeners = new ListenerBinder(acceptors, workers, transport);
        ingress = listeners.bind("ingress", settings.listen().ingress(), new IngressInitializer(config,
                ingressTracker, tls::context, connector, metrics, audit, contextKeys, consents));
        IdentityContextVerifier verifier = new IdentityContextVerifier(contextKeys, Clock.systemUTC(),
                settings.tokenCache().maxEntries(), Ticker.systemTicker());
        egress = listeners.bind("egress", settings.listen().egress(), new EgressInitializer(config,
                egressTracker, connector, metrics, audit, verifier, environment, consents.tokens()));
        // admin.allowedHosts is read per request, so it reloads live.
        admin = listeners.bind("admin", settings.listen().admin(), new AdminInitializer(adminHandler =
                new AdminHandler(metrics, readiness::readiness, contextKeys::publicJwksJson,
                () -> config.get().snapshot().proxy().admin().allowedHosts())));
        log.info("ingress listening on {} ({}), egress on {}, admin on {}; {} transport", ingress.localAddress(),
                tls.context() == null ? "http" : "https", egress.localAddress(), admin.localAddress(),
                transport.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Keeps the running proxy on {@code store}'s directory (SPEC section 4) and serves the {@code /admin/*} API
     * over the same store on the admin listener. The store must be initialised with the snapshot the server
     * started with.
     */
    public ConfigReloader watch(ConfigStore store, ConfigReloader.Options options) throws IOException {
        ConfigReloader reloader = ConfigReloader.start(config, store, options, metrics.configReloads());
        AdminApiHandler api = new AdminApiHandler(store, new ResourceFiles(store.confDir(), Clock.systemUTC()),
                adminIo, options.adminToken());
        api.providerStatus(readiness::providerStatus);
        api.requestRates(RequestRates.sampled(metrics, adminIo, Duration.ofSeconds(10), 30));
        api.grants(consents.grants(), () -> config.get().snapshot());
        adminHandler.api(api);
        return reloader;
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

    /** See {@link LiveConfig#apply}. */
    public void apply(ConfigSnapshot snapshot) {
        config.apply(snapshot);
    }

    /** See {@link LiveConfig#applyWhenReady}. */
    public CompletionStage<Void> applyWhenReady(ConfigSnapshot snapshot) {
        return config.applyWhenReady(snapshot);
    }

    /** Reloads the ingress certificate when its files changed on disk; runs every {@value #TLS_CHECK_SECONDS} s. */
    public void checkTlsFiles() {
        tls.refreshIfFilesChanged();
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public UpstreamConnector upstreams() {
        return connector;
    }

    /** The consent parts: their flow, tokens, grants and sweep. */
    public Consents consents() {
        return consents;
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
        // A quiet period, not 0: closing an io_uring channel cancels its pending read, and the read buffer is released
        // only when the loop reaps that cancellation. A loop that stops at once leaked such buffers (paranoid leak
        // detection reported one in every few runs of the consent tests; none in 6 runs with this period).
        workers.shutdownGracefully(50, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        connector.close();
        tlsWatch.shutdownNow();
        adminIo.shutdownNow();
        consents.close();
        audit.close(); // every line of every answered request is on disk before the process exits
        config.close();
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
