package io.runagents.ingress.core.ingress;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.routing.EndpointRoute;

/**
 * Answers the paths the proxy owns (SPEC section 11) in place of any agent: an authenticated agent's
 * protected-resource metadata (RFC 9728), to anyone and from any origin, without a token. {@code /oauth/*} goes on
 * to {@link OAuthEndpointStage}; everything else to the agent's stages.
 */
final class ProxyEndpointStage implements Stage {
    static final ProxyEndpointStage INSTANCE = new ProxyEndpointStage();
    /** Metadata changes only with the configuration: clients may keep it a little while. */
    private static final String CACHE_CONTROL = "public, max-age=300";

    private ProxyEndpointStage() {
    }

    @Override
    public Verdict apply(Exchange exchange) {
        if (!(exchange.route() instanceof EndpointRoute endpoint)) {
            return Verdict.NEXT;
        }
        if (endpoint.endpoint() == EndpointRoute.ProxyEndpoint.OAUTH) {
            return Verdict.NEXT; // OAuthEndpointStage's
        }
        Agent agent = endpoint.agent() == null ? null : endpoint.agent().agent();
        if (agent == null || agent.access() != Access.AUTHENTICATED) {
            return Verdict.refuse(WireError.NOT_FOUND, "no authenticated agent is served at this resource path");
        }
        HttpMethod method = exchange.head().method();
        if (method.equals(HttpMethod.OPTIONS)) {
            return new Verdict.Reply(HttpResponseStatus.NO_CONTENT, null, new byte[0], h -> h
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "MCP-Protocol-Version")
                    .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600"));
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            return new Verdict.Refusal(WireError.METHOD_NOT_ALLOWED, "the metadata document is read with GET",
                    h -> h.set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS"));
        }
        byte[] document = ProtectedResource.document(agent, exchange,
                exchange.config().identity().issuersFor(agent, exchange.host()));
        return new Verdict.Reply(HttpResponseStatus.OK, "application/json", document, h -> h
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL));
    }
}
