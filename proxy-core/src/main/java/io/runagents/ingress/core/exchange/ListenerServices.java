package io.runagents.ingress.core.exchange;

import io.runagents.ingress.core.transport.ConnectionTracker;
import io.runagents.ingress.core.upstream.UpstreamConnector;

/**
 * What the exchanges of one listener share.
 *
 * @param log where exchanges end: metrics and audit
 * @param tls whether the listener terminates TLS ({@code X-Forwarded-Proto})
 */
public record ListenerServices(ListenerProfile profile, UpstreamConnector connector, ExchangeLog log,
                               ConnectionTracker tracker, boolean tls) {
}
