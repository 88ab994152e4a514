package io.runagents.ingress.core.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.core.audit.AuditLog;
import io.runagents.ingress.core.audit.AuditRecord;
import io.runagents.ingress.core.http.IdleConnectionHandler;
import io.runagents.ingress.core.http.ServerCodecs;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.server.ConnectionLimitHandler;
import io.runagents.ingress.core.server.ConnectionTracker;
import io.runagents.ingress.core.server.RuntimeConfig;
import io.runagents.ingress.core.upstream.UpstreamConnector;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ingress pipeline, top to bottom: connection limit, TLS, HTTP codec, idle timeout, one request at a
 * time, request guard (framing, host, path, id, header hygiene), routing, identity (authenticated agents),
 * the agent's policies, relay to the agent.
 */
public final class IngressInitializer extends ChannelInitializer<SocketChannel> {
    public static final String LIMIT = "limit";
    public static final String TLS = "tls";
    public static final String CODEC = "http";
    public static final String IDLE = "idle";
    public static final String SEQUENCER = "sequencer";
    public static final String GUARD = "guard";
    public static final String ROUTING = "routing";
    public static final String IDENTITY = "identity";
    public static final String POLICY = "policy";
    public static final String RELAY = "relay";

    private final Supplier<RuntimeConfig> config;
    private final ConnectionTracker tracker;
    private final Supplier<SslContext> tls;
    private final RelayServices plainServices;
    private final RelayServices tlsServices;
    private final ChannelHandler limit;
    private final ContextKeyring contextKeys;

    /**
     * @param tls the TLS context for a connection accepted now, or null for plain HTTP (read per connection,
     *            so a reload changes new connections only)
     * @param audit null when no audit lines are written
     */
    public IngressInitializer(Supplier<RuntimeConfig> config, ConnectionTracker tracker, Supplier<SslContext> tls,
                              UpstreamConnector connector, ProxyMetrics metrics, AuditLog audit,
                              ContextKeyring contextKeys) {
        this.contextKeys = contextKeys;
        this.config = config;
        this.tracker = tracker;
        this.tls = tls;
        ExchangeLog log = new ExchangeLog(metrics, audit, AuditRecord.Direction.INGRESS, Clock.systemUTC());
        this.plainServices = new RelayServices(connector, log, tracker, false, RelayServices.Side.INGRESS);
        this.tlsServices = new RelayServices(connector, log, tracker, true, RelayServices.Side.INGRESS);
        this.limit = new ConnectionLimitHandler(tracker, () -> config.get().snapshot().proxy().limits().maxConnections());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Limits limits = config.get().snapshot().proxy().limits();
        ch.pipeline().addLast(LIMIT, limit);
        SslContext context = tls.get();
        if (context != null) {
            ch.pipeline().addLast(TLS, context.newHandler(ch.alloc()));
        }
        RelayServices services = context != null ? tlsServices : plainServices;
        ch.pipeline()
                .addLast(CODEC, ServerCodecs.of(limits))
                .addLast(IDLE, new IdleConnectionHandler(limits.idleTimeoutSeconds(), TimeUnit.SECONDS))
                .addLast(SEQUENCER, new RequestSequencer(tracker))
                .addLast(GUARD, new RequestGuardHandler(config, services.log(), true))
                .addLast(ROUTING, new RoutingHandler(services.log()))
                .addLast(IDENTITY, new IdentityHandler(services.log(), contextKeys))
                .addLast(POLICY, new PolicyHandler(services.log()))
                .addLast(RELAY, new RelayHandler(services));
    }

    /** After a WebSocket upgrade the client connection carries raw bytes: the HTTP codec goes. */
    static void switchToRawBytes(Channel channel) {
        channel.pipeline().remove(CODEC);
    }
}
