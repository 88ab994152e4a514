package io.runagents.ingress.core.ingress;

import io.runagents.ingress.core.exchange.BodyLimit;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.routing.AgentRoute;
import io.runagents.ingress.core.routing.EndpointRoute;
import io.runagents.ingress.core.routing.Route;

/**
 * Picks the agent for a request by host and longest path prefix (404 when none) or the endpoint the proxy answers
 * itself (the paths it owns, SPEC section 11), and refuses a body
 * whose declared length is over the agent's {@code maxBodyBytes} (413) before any agent is contacted.
 */
final class AgentRoutingStage implements Stage {
    static final AgentRoutingStage INSTANCE = new AgentRoutingStage();

    private AgentRoutingStage() {
    }

    @Override
    public Verdict apply(Exchange exchange) {
        Route route = exchange.config().routes().match(exchange.host(), exchange.path());
        exchange.route(route);
        if (route instanceof EndpointRoute) {
            return Verdict.NEXT; // the proxy answers it itself (ProxyEndpointStage)
        }
        if (!(route instanceof AgentRoute agent)) {
            return Verdict.refuse(WireError.NOT_FOUND, "no agent matches this host and path");
        }
        return BodyLimit.checkDeclared(exchange, agent.maxBodyBytes());
    }
}
