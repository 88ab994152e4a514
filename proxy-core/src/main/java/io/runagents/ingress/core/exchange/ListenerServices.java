package io.runagents.ingress.core.exchange;

import io.netty.channel.EventLoop;
import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.upstream.ConnectionPool;
import java.util.function.Function;

/**
 * What the exchanges of one listener share.
 *
 * @param pools the upstream connection pool of each event loop ({@code UpstreamConnector::pool})
 * @param log where exchanges end: metrics and audit
 * @param tls whether the listener terminates TLS ({@code X-Forwarded-Proto})
 */
public record ListenerServices(ListenerProfile profile, Function<EventLoop, ? extends ConnectionPool> pools,
                               ExchangeLog log, ConnectionTracker tracker, boolean tls) {
}
