package io.runagents.ingress.core.egress;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
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
import io.runagents.ingress.core.identity.IdentityContextVerifier;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.core.transport.ConnectionLimitHandler;
import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.transport.IdleConnectionHandler;
import io.runagents.ingress.core.upstream.UpstreamConnector;
import java.time.Clock;
import io.runagents.ingress.core.consent.GrantTokens;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The egress pipeline (agents calling tools), top to bottom: connection limit, idle timeout, HTTP codec,
 * one request at a time, the stages (guard: framing, path, id; identity context, so nothing about tools is
 * revealed without one; tool routing; the tool's policies; the tool's credentials), relay to the tool.
 */
public final class EgressInitializer extends ChannelInitializer<SocketChannel> {
    private final Supplier<RuntimeConfig> config;
    private final ConnectionTracker tracker;
    private final ListenerServices services;
    private final ConnectionLimitHandler limit;
    private final List<Stage> stages;

    /**
     * @param environment reads the tools' secrets ({@code System::getenv} outside tests)
     * @param tokens the users' access tokens for {@code oauth2} tools
     */
    public EgressInitializer(Supplier<RuntimeConfig> config, ConnectionTracker tracker, UpstreamConnector connector,
                             ProxyMetrics metrics, AuditLog audit, IdentityContextVerifier verifier,
                             UnaryOperator<String> environment, GrantTokens tokens) {
        this.config = config;
        this.tracker = tracker;
        ExchangeLog log = new ExchangeLog(metrics, audit, ListenerProfile.EGRESS, Clock.systemUTC());
        this.services = new ListenerServices(ListenerProfile.EGRESS, connector::pool, log, tracker, false);
        this.limit = new ConnectionLimitHandler(tracker, () -> config.get().snapshot().proxy().limits().maxConnections());
        this.stages = List.of(RequestGuard.INSTANCE, new ContextStage(verifier), ToolRoutingStage.INSTANCE,
                PolicyStage.INSTANCE, new ToolAuthStage(environment, tokens));
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Limits limits = config.get().snapshot().proxy().limits();
        ch.pipeline()
                .addLast(PipelineNames.LIMIT, limit)
                .addLast(PipelineNames.IDLE, new IdleConnectionHandler(limits.idleTimeoutSeconds(), TimeUnit.SECONDS))
                .addLast(PipelineNames.CODEC, ServerCodecs.of(limits))
                .addLast(PipelineNames.SEQUENCER, new RequestSequencer(ListenerProfile.EGRESS, config, tracker))
                .addLast(PipelineNames.STAGES, new ExchangeStages(services.log(), stages))
                .addLast(PipelineNames.RELAY, new RelayHandler(services));
    }
}
