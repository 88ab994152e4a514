package io.runagents.ingress.core.exchange;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.runagents.ingress.core.routing.UpstreamGroup;
import io.runagents.ingress.core.routing.UpstreamTarget;
import io.runagents.ingress.core.upstream.UpstreamEndpoint;
import io.runagents.ingress.core.upstream.ConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets an exchange its upstream connection: an idle pooled one to the target the route's group picks, else a
 * new one. A refused connection marks its target failed and the group's next target is tried, until each has
 * been; a pooled connection the agent had closed while idle is replaced once by a fresh one. Confined to the
 * client channel's event loop, like the relay it serves.
 */
final class UpstreamAttempts {
    private static final Logger log = LoggerFactory.getLogger(UpstreamAttempts.class);

    /** What the relay does with the outcome. */
    interface Relay {
        /** Whether {@code request} still waits for its connection (false: the client left, or it ended meanwhile). */
        boolean stillWaiting(Exchange exchange);

        /** The exchange has its upstream connection. */
        void attached(Channel upstream);

        /** Every target of the group refused the connection. */
        void refused();
    }

    private final ConnectionPool pool;
    private final Relay relay;
    private final Channel client;
    private Exchange exchange;
    private UpstreamTarget target;
    private int attempts;
    private boolean reused;
    private boolean retried;

    UpstreamAttempts(ConnectionPool pool, Relay relay, Channel client) {
        this.pool = pool;
        this.relay = relay;
        this.client = client;
    }

    /** Starts getting {@code exchange} a connection. */
    void begin(Exchange exchange) {
        this.exchange = exchange;
        attempts = 0;
        retried = false;
        next();
    }

    /** Whether the connection came from the pool and has not been replaced yet: one fresh attempt is allowed. */
    boolean mayRetryFresh() {
        return reused && !retried;
    }

    /** Replaces a pooled connection the agent closed before answering with a fresh one. */
    void retryFresh() {
        retried = true;
        next();
    }

    /** True on the fresh attempt after a pooled connection failed. */
    boolean retried() {
        return retried;
    }

    private void next() {
        target = exchange.upstreamRoute().upstreams().pick(System.nanoTime());
        attempts++;
        ForwardedHeaders.aimAt(exchange, target);
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(target);
        Channel pooled = retried ? null : pool.pollIdle(endpoint);
        if (pooled != null) {
            reused = true;
            relay.attached(pooled);
            return;
        }
        reused = false;
        Exchange forExchange = exchange;
        pool.connect(endpoint).addListener((ChannelFuture f) -> connected(forExchange, f));
    }

    private void connected(Exchange forExchange, ChannelFuture future) {
        if (!relay.stillWaiting(forExchange)) {
            future.channel().close();
            return;
        }
        UpstreamGroup group = forExchange.upstreamRoute().upstreams();
        if (!future.isSuccess()) {
            group.markFailed(target, System.nanoTime());
            log.debug("[{}] connect to {} failed: {}", client.id(), target, future.cause().toString());
            if (attempts < group.size()) {
                next();
            } else {
                relay.refused();
            }
            return;
        }
        group.markHealthy(target);
        relay.attached(future.channel());
    }
}
