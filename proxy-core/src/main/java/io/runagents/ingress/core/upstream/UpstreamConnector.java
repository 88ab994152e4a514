package io.runagents.ingress.core.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.runagents.ingress.core.transport.Transports;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLException;

/**
 * Makes and keeps connections to agents: one {@link UpstreamPool} per event loop, connections with
 * {@code AUTO_READ} off (the relay reads for backpressure), names resolved by Netty's non-blocking DNS
 * resolver so a connect never blocks the loop. The resolver has a thread of its own: names are looked
 * up only when a pool opens a connection, and its UDP socket stays off io_uring, whose datagram channel
 * leaks a read buffer when closed with a read outstanding (Netty 4.2.18).
 */
public final class UpstreamConnector implements AutoCloseable {

    private final Bootstrap template;
    private final SslContext tls;
    private final IntSupplier connectTimeoutMillis;
    private final IntSupplier idleSeconds;
    private final EventLoopGroup dnsLoop;
    private final DnsAddressResolverGroup resolver;
    private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();

    /**
     * @param connectTimeoutMillis read at each connect, so a reload of {@code limits} applies to new connections
     * @param idleSeconds how long a pooled connection may sit unused; read as each connection opens
     */
    public UpstreamConnector(Transports transport, IntSupplier connectTimeoutMillis, IntSupplier idleSeconds) {
        Transports dnsTransport = transport.forDatagrams();
        this.dnsLoop = dnsTransport.newGroup(1, "runagents-dns");
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .eventLoop(dnsLoop.next())
                .datagramChannelType(dnsTransport.datagramChannel()));
        this.template = new Bootstrap()
                .channel(transport.socketChannel())
                .resolver(resolver)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Transports.WATER_MARK);
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.idleSeconds = idleSeconds;
        try {
            this.tls = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for upstreams", e);
        }
    }

    /** The pool of {@code loop}; call on that loop and keep it per client connection. */
    public UpstreamPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new UpstreamPool(l, template, tls, connectTimeoutMillis, idleSeconds));
    }

    /** Total connections opened to agents across all loops (for tests and metrics). */
    public long connectionsOpened() {
        return pools.values().stream().mapToLong(UpstreamPool::connectionsOpened).sum();
    }

    @Override
    public void close() {
        resolver.close();
        dnsLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
