package io.runagents.ingress.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.admin.AdminHandler;
import io.runagents.ingress.core.admin.AdminInitializer;
import io.runagents.ingress.core.ingress.IngressInitializer;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.upstream.UpstreamConnector;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: its listeners, event loops and the configuration requests read. Start it with
 * {@link #start}; stop it with {@link #shutdown}, which stops accepting, lets in-flight requests finish
 * for up to the grace period, then closes what is left.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final AtomicReference<RuntimeConfig> config;
    private final Transports transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final UpstreamConnector connector;
    private final ProxyMetrics metrics;
    private final ConnectionTracker ingressTracker = new ConnectionTracker();
    private Channel ingress;
    private Channel admin;
    private AdminHandler adminHandler;
    private boolean stopped;

    private ProxyServer(ConfigSnapshot snapshot, int workerThreads) {
        this.config = new AtomicReference<>(RuntimeConfig.of(snapshot));
        this.transport = Transports.best();
        this.acceptors = transport.newGroup(1, "runagents-accept");
        this.workers = transport.newGroup(workerThreads, "runagents-io");
        Limits limits = snapshot.proxy().limits();
        this.connector = new UpstreamConnector(transport, limits.connectTimeoutMillis(), limits.idleTimeoutSeconds());
        this.metrics = new ProxyMetrics();
        metrics.connectionsGauge("ingress", ingressTracker::openConnections);
    }

    /**
     * Binds the listeners of {@code snapshot} and starts serving.
     *
     * @param workerThreads event loop threads; 0 for one per core
     */
    public static ProxyServer start(ConfigSnapshot snapshot, int workerThreads) throws InterruptedException {
        ProxyServer server = new ProxyServer(snapshot, workerThreads == 0
                ? Runtime.getRuntime().availableProcessors() : workerThreads);
        try {
            server.bind(snapshot.proxy());
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bind(ProxySettings settings) throws InterruptedException {
        SslContext tls = ingressTls(settings);
        ingress = serverBootstrap()
                .childHandler(new IngressInitializer(config::get, ingressTracker, tls, connector, metrics))
                .bind(address(settings.listen().ingress())).sync().channel();
        admin = serverBootstrap()
                .childHandler(new AdminInitializer(adminHandler = new AdminHandler(metrics, this::readiness)))
                .bind(address(settings.listen().admin())).sync().channel();
        log.info("ingress listening on {} ({}), admin on {}", ingress.localAddress(),
                tls == null ? "http" : "https", admin.localAddress());
    }

    private ServerBootstrap serverBootstrap() {
        return new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, UpstreamConnector.WATER_MARK);
    }

    private static SslContext ingressTls(ProxySettings settings) {
        if (!settings.tls().enabled()) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(new File(settings.tls().certFile()), new File(settings.tls().keyFile()))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("tls: cannot load certFile/keyFile: " + e.getMessage(), e);
        }
    }

    private static InetSocketAddress address(HostPort hostPort) {
        return new InetSocketAddress(hostPort.host(), hostPort.port());
    }

    private AdminHandler.Readiness readiness() {
        return new AdminHandler.Readiness(config.get() != null, "[]");
    }

    /** The address the ingress listener is bound to (its real port when configured as 0). */
    public InetSocketAddress ingressAddress() {
        return (InetSocketAddress) ingress.localAddress();
    }

    /** The address of the admin listener. */
    public InetSocketAddress adminAddress() {
        return (InetSocketAddress) admin.localAddress();
    }

    /** The configuration requests start with now. */
    public RuntimeConfig config() {
        return config.get();
    }

    /** Swaps in a new configuration: requests that already started keep the one they read. */
    public void apply(ConfigSnapshot snapshot) {
        config.set(RuntimeConfig.of(snapshot));
    }

    /** Serves the {@code /admin/*} API on the admin listener with {@code api}. */
    public void adminApi(io.runagents.ingress.core.admin.AdminApiHandler api) {
        adminHandler.api(api);
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
        ingressTracker.startDraining();
        closeQuietly(ingress);
        closeQuietly(admin);
        long deadline = System.nanoTime() + grace.toNanos();
        closeIdleConnections();
        while (ingressTracker.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (ingressTracker.inFlight() > 0) {
            log.warn("shutdown grace of {} s over with {} requests in flight; closing them",
                    grace.toSeconds(), ingressTracker.inFlight());
        }
        ingressTracker.closeAll();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        connector.close();
        metrics.close();
        log.info("stopped");
    }

    private void closeIdleConnections() {
        ingressTracker.closeIdle();
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
