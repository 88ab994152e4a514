package io.runagents.ingress.core.routing;

/**
 * Where routing sends a request: to an upstream (an {@link AgentRoute} at the ingress, a {@link ToolRoute} at
 * the egress), to an endpoint the proxy answers itself ({@link EndpointRoute}), or nowhere ({@link NoRoute}:
 * 404). Later stages switch on the kind instead of testing fields for null.
 */
public sealed interface Route permits UpstreamRoute, EndpointRoute, NoRoute {
}
