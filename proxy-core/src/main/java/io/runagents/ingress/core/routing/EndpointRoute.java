package io.runagents.ingress.core.routing;

/**
 * A request the proxy answers itself, for a path it owns (SPEC section 11): the protected-resource metadata of
 * an agent, or the OAuth consent endpoints.
 *
 * @param agent the agent the endpoint speaks for (the metadata's resource), or null when there is none
 */
public record EndpointRoute(ProxyEndpoint endpoint, AgentRoute agent) implements Route {
    /** The paths the proxy owns. */
    public enum ProxyEndpoint {
        /** {@code /.well-known/oauth-protected-resource[<pathPrefix>]}: RFC 9728 metadata. */
        PROTECTED_RESOURCE_METADATA,
        /** {@code /oauth/*}: per-user consent for tools. */
        OAUTH
    }
}
