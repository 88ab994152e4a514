package io.runagents.ingress.core.ingress;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.routing.AgentRoute;
import java.util.List;

/**
 * Cross-origin calls to an authenticated agent that sets {@code spec.cors.allowedOrigins} (SPEC section 11): the
 * proxy answers a preflight itself, before identity (a browser sends it without the token) and without the agent
 * seeing it: 204 for an allowed origin, 403 for another. Other requests from an allowed origin are marked so
 * that every answer, the agent's and the proxy's own 401s included, carries the CORS headers; other origins get
 * none. Agents without CORS settings are left alone.
 */
final class CorsStage implements Stage {
    static final CorsStage INSTANCE = new CorsStage();
    /** What an MCP client (streamable HTTP) and other browser callers send besides the safelisted headers. */
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Mcp-Session-Id, "
            + "Mcp-Protocol-Version, Last-Event-ID, X-Request-ID, traceparent";
    private static final String ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS";
    private static final String MAX_AGE_SECONDS = "600";

    private CorsStage() {
    }

    @Override
    public Verdict apply(Exchange exchange) {
        if (!(exchange.route() instanceof AgentRoute route)) {
            return Verdict.NEXT;
        }
        Agent agent = route.agent();
        HttpHeaders headers = exchange.head().headers();
        List<String> origins = headers.getAll(HttpHeaderNames.ORIGIN);
        if (agent.access() != Access.AUTHENTICATED || agent.corsOrigins().isEmpty() || origins.size() != 1) {
            return Verdict.NEXT;
        }
        String origin = origins.get(0);
        boolean allowed = agent.allowsOrigin(origin);
        boolean preflight = exchange.head().method().equals(HttpMethod.OPTIONS)
                && headers.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (allowed) {
            exchange.allowOrigin(origin);
        }
        if (!preflight) {
            return Verdict.NEXT;
        }
        if (!allowed) {
            exchange.refuse("cors_origin");
            return Verdict.refuse(WireError.FORBIDDEN, "origin not allowed by the agent's cors.allowedOrigins");
        }
        return new Verdict.Reply(HttpResponseStatus.NO_CONTENT, null, new byte[0], h -> h
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS));
    }
}
