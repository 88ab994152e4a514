package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.audit.AuditRecord;
import io.runagents.ingress.core.http.IdleConnectionHandler;
import io.runagents.ingress.core.http.ServerCodecs;
import io.runagents.ingress.core.identity.IdentityContextVerifier;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.server.ConnectionLimitHandler;
import io.runagents.ingress.core.server.ConnectionTracker;
import io.runagents.ingress.core.server.RuntimeConfig;
import io.runagents.ingress.core.upstream.UpstreamConnector;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The egress pipeline (agents calling tools), top to bottom: connection limit, HTTP codec, idle timeout,
 * one request at a time, request guard (framing, path, id), identity context (nothing about tools is
 * revealed without one), tool routing, the tool's policies, the tool's credentials, relay to the tool.
 */
public final class EgressInitializer extends ChannelInitializer<SocketChannel> {
    public static final String LIMIT = "limit";
    public static final String CODEC = "http";
    public static final String IDLE = "idle";
    public static final String SEQUENCER = "sequencer";
    public static final String GUARD = "guard";
    public static final String ROUTING = "tool-routing";
    public static final String CONTEXT = "identity-context";
    public static final String POLICY = "policy";
    public static final String TOOL_AUTH = "tool-auth";
    public static final String RELAY = "relay";

    private final Supplier<RuntimeConfig> config;
    private final ConnectionTracker tracker;
    private final RelayServices services;
    private final IdentityContextVerifier verifier;
    private final UnaryOperator<String> environment;
    private final ConnectionLimitHandler limit;

    public EgressInitializer(Supplier<RuntimeConfig> config, ConnectionTracker tracker, UpstreamConnector connector,
                             ProxyMetrics metrics, AuditLog audit, IdentityContextVerifier verifier,
                             UnaryOperator<String> environment) {
        this.config = config;
        this.tracker = tracker;
        ExchangeLog log = new ExchangeLog(metrics, audit, AuditRecord.Direction.EGRESS, Clock.systemUTC());
        this.services = new RelayServices(connector, log, tracker, false, RelayServices.Side.EGRESS);
        this.verifier = verifier;
        this.environment = environment;
        this.limit = new ConnectionLimitHandler(tracker, () -> config.get().snapshot().proxy().limits().maxConnections());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Limits limits = config.get().snapshot().proxy().limits();
        ExchangeLog log = services.log();
        ch.pipeline()
                .addLast(LIMIT, limit)
                .addLast(CODEC, ServerCodecs.of(limits))
                .addLast(IDLE, new IdleConnectionHandler(limits.idleTimeoutSeconds(), TimeUnit.SECONDS))
                .addLast(SEQUENCER, new RequestSequencer(tracker))
                .addLast(GUARD, new RequestGuardHandler(config, log, false))
                .addLast(CONTEXT, new ContextAuthHandler(log, verifier))
                .addLast(ROUTING, new ToolRoutingHandler(log))
                .addLast(POLICY, new PolicyHandler(log))
                .addLast(TOOL_AUTH, new ToolAuthHandler(log, environment))
                .addLast(RELAY, new RelayHandler(services));
    }
}
