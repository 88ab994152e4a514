package io.runagents.ingress.core.ingress;

import io.runagents.ingress.core.server.ConnectionTracker;
import io.runagents.ingress.core.upstream.UpstreamConnector;

/**
 * What the relay shares with every connection of a listener.
 *
 * @param log where exchanges end: metrics and audit
 * @param tls whether the listener terminates TLS ({@code X-Forwarded-Proto})
 * @param side the ingress forwards the client's {@code Host} and adds {@code X-Forwarded-*}; the egress
 *             addresses the tool by its own host and adds nothing about the agent
 */
record RelayServices(UpstreamConnector connector, ExchangeLog log, ConnectionTracker tracker, boolean tls,
                     Side side) {
    /** Which listener the relay serves. */
    enum Side { INGRESS, EGRESS }

    /** What this listener's upstream is called in error descriptions: an agent behind the ingress, a tool behind the egress. */
    String upstreamName() {
        return side == Side.EGRESS ? "the tool" : "the agent";
    }
}
