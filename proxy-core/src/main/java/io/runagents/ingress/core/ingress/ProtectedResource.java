package io.runagents.ingress.core.ingress;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.http.Json;
import io.runagents.ingress.core.routing.RouteTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * An authenticated agent as an OAuth protected resource (RFC 9728, SPEC section 11): its resource URL, the URL
 * of its metadata document, and the document, which MCP and other OAuth clients read to find out where to log
 * in. The resource is {@code spec.resource} when set, else {@code https://<host><pathPrefix>} ({@code http} for
 * a loopback host; a non-default port of the request kept; the request's host for an agent without one).
 */
final class ProtectedResource {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private ProtectedResource() {
    }

    /** The agent's resource URL, without a trailing slash. */
    static String resource(Agent agent, Exchange exchange) {
        if (agent.resource() != null) {
            String configured = agent.resource().toString();
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        return origin(agent, exchange) + (agent.pathPrefix().equals("/") ? "" : agent.pathPrefix());
    }

    /** Where the agent's metadata is: the well-known path with the resource's path after it (RFC 9728 3.1). */
    static String metadataUrl(Agent agent, Exchange exchange) {
        String resource = resource(agent, exchange);
        int pathStart = resource.indexOf('/', resource.indexOf("//") + 2);
        String origin = pathStart < 0 ? resource : resource.substring(0, pathStart);
        String path = pathStart < 0 ? "" : resource.substring(pathStart);
        return origin + RouteTable.METADATA + path;
    }

    /** The metadata document. */
    static byte[] document(Agent agent, Exchange exchange, List<String> issuers) {
        StringBuilder json = new StringBuilder(256).append("{\"resource\":");
        Json.appendString(json, resource(agent, exchange));
        json.append(",\"authorization_servers\":");
        strings(json, issuers);
        json.append(",\"bearer_methods_supported\":[\"header\"],\"scopes_supported\":");
        strings(json, agent.requiredScopes());
        json.append(",\"resource_name\":");
        Json.appendString(json, agent.name());
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void strings(StringBuilder json, List<String> values) {
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            Json.appendString(json, values.get(i));
        }
        json.append(']');
    }

    /** {@code scheme://host[:port]} as a client of this agent reaches it. */
    private static String origin(Agent agent, Exchange exchange) {
        String host = agent.host() != null ? agent.host() : exchange.host();
        boolean loopback = LOOPBACK.contains(host);
        String scheme = loopback ? "http" : "https";
        String port = port(exchange.authority());
        boolean defaultPort = port == null || port.equals(loopback ? "80" : "443");
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    /** The port of a request authority, or null when it names none. */
    private static String port(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon < 0 || authority.lastIndexOf(']') > colon ? null : authority.substring(colon + 1);
    }
}
