package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.exchange.ExchangeLog;
import io.runagents.ingress.core.exchange.ExchangeStages;
import io.runagents.ingress.core.exchange.ListenerProfile;
import io.runagents.ingress.core.exchange.ListenerServices;
import io.runagents.ingress.core.exchange.PipelineNames;
import io.runagents.ingress.core.exchange.PolicyStage;
import io.runagents.ingress.core.exchange.RelayHandler;
import io.runagents.ingress.core.exchange.RequestGuard;
import io.runagents.ingress.core.exchange.RequestSequencer;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.http.ServerCodecs;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.core.transport.ConnectionLimitHandler;
import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.transport.IdleConnectionHandler;
import io.runagents.ingress.core.upstream.UpstreamConnector;
import java.time.Clock;
import io.runagents.ingress.core.consent.Consents;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ingress pipeline, top to bottom: connection limit, TLS, idle timeout, HTTP codec, one request at a
 * time (each an {@code Exchange}), the stages (guard: framing, host, path, id, header hygiene; agent routing;
 * the endpoints the proxy answers itself (discovery, per-user consent); CORS preflights; identity and required scopes for
 * authenticated agents; the agent's policies), relay to the agent.
 */
public final class IngressInitializer extends ChannelInitializer<SocketChannel> {
    private final Supplier<RuntimeConfig> config;
    private final ConnectionTracker tracker;
    private final Supplier<SslContext> tls;
    private final ListenerServices plainServices;
    private final ListenerServices tlsServices;
    private final ChannelHandler limit;
    private final List<Stage> stages;

    /**
     * @param tls the TLS context for a connection accepted now, or null for plain HTTP (read per connection,
     *            so a reload changes new connections only)
     * @param audit null when no audit lines are written
     * @param consents per-user OAuth consent ({@code /oauth/*})
     */
    public IngressInitializer(Supplier<RuntimeConfig> config, ConnectionTracker tracker, Supplier<SslContext> tls,
                              UpstreamConnector connector, ProxyMetrics metrics, AuditLog audit,
                              ContextKeyring contextKeys, Consents consents) {
        this.config = config;
        this.tracker = tracker;
        this.tls = tls;
        ExchangeLog log = new ExchangeLog(metrics, audit, ListenerProfile.INGRESS, Clock.systemUTC());
        this.plainServices = new ListenerServices(ListenerProfile.INGRESS, connector::pool, log, tracker, false);
        this.tlsServices = new ListenerServices(ListenerProfile.INGRESS, connector::pool, log, tracker, true);
        this.limit = new ConnectionLimitHandler(tracker, () -> config.get().snapshot().proxy().limits().maxConnections());
        this.stages = List.of(RequestGuard.INSTANCE, AgentRoutingStage.INSTANCE, ProxyEndpointStage.INSTANCE,
                new OAuthEndpointStage(metrics, consents), CorsStage.INSTANCE, new IdentityStage(metrics, contextKeys), PolicyStage.INSTANCE);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Limits limits = config.get().snapshot().proxy().limits();
        ch.pipeline().addLast(PipelineNames.LIMIT, limit);
        SslContext context = tls.get();
        if (context != null) {
            ch.pipeline().addLast(PipelineNames.TLS, context.newHandler(ch.alloc()));
        }
        ListenerServices services = context != null ? tlsServices : plainServices;
        ch.pipeline()
                .addLast(PipelineNames.IDLE, new IdleConnectionHandler(limits.idleTimeoutSeconds(), TimeUnit.SECONDS))
                .addLast(PipelineNames.CODEC, ServerCodecs.of(limits))
                .addLast(PipelineNames.SEQUENCER, new RequestSequencer(ListenerProfile.INGRESS, config, tracker))
                .addLast(PipelineNames.STAGES, new ExchangeStages(services.log(), stages))
                .addLast(PipelineNames.RELAY, new RelayHandler(services));
    }
}
