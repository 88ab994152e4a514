package io.runagents.ingress.core.ingress;

import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.server.ConnectionTracker;
import io.runagents.ingress.core.upstream.UpstreamConnector;

/**
 * What the relay shares with every connection of a listener.
 *
 * @param tls whether the listener terminates TLS ({@code X-Forwarded-Proto})
 */
record RelayServices(UpstreamConnector connector, ProxyMetrics metrics, ConnectionTracker tracker, boolean tls) { }
