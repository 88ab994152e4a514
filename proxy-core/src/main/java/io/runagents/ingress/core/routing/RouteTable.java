package io.runagents.ingress.core.routing;

import io.runagents.ingress.config.model.Agent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host and path routing for one configuration snapshot. Agents with a {@code host} are matched first,
 * by exact (lower-case) host; agents without one are the fallback. Within a host, the longest
 * segment-wise path prefix wins.
 */
public final class RouteTable {
    /** RFC 9728's well-known path; the resource's own path follows it. */
    public static final String METADATA = "/.well-known/oauth-protected-resource";
    /** The consent endpoints' paths. */
    public static final String OAUTH = "/oauth";
    private static final Comparator<AgentRoute> LONGEST_PREFIX_FIRST =
            Comparator.comparingInt((AgentRoute r) -> r.pathPrefix().length()).reversed();

    private final Map<String, List<AgentRoute>> byHost;
    private final List<AgentRoute> fallback;
    private final Map<String, AgentRoute> byName;

    private RouteTable(Map<String, List<AgentRoute>> byHost, List<AgentRoute> fallback, Map<String, AgentRoute> byName) {
        this.byHost = byHost;
        this.fallback = fallback;
        this.byName = byName;
    }

    /** Builds the table; each agent gets its own upstream group (round-robin state). */
    public static RouteTable of(List<Agent> agents) {
        Map<String, List<AgentRoute>> byHost = new HashMap<>();
        List<AgentRoute> fallback = new ArrayList<>();
        Map<String, AgentRoute> byName = new HashMap<>();
        for (Agent agent : agents) {
            AgentRoute route = AgentRoute.of(agent);
            byName.put(agent.name(), route);
            if (agent.host() == null) {
                fallback.add(route);
            } else {
                byHost.computeIfAbsent(agent.host(), h -> new ArrayList<>()).add(route);
            }
        }
        byHost.replaceAll((host, routes) -> sorted(routes));
        return new RouteTable(Map.copyOf(byHost), sorted(fallback), Map.copyOf(byName));
    }

    private static List<AgentRoute> sorted(List<AgentRoute> routes) {
        List<AgentRoute> copy = new ArrayList<>(routes);
        copy.sort(LONGEST_PREFIX_FIRST);
        return List.copyOf(copy);
    }

    /**
     * The route for a request, or {@link NoRoute} (404).
     *
     * @param host lower case, without port
     * @param path normalised
     */
    public Route match(String host, String path) {
        if (under(path, METADATA)) {
            String resourcePath = path.length() == METADATA.length() ? "/" : path.substring(METADATA.length());
            return new EndpointRoute(EndpointRoute.ProxyEndpoint.PROTECTED_RESOURCE_METADATA,
                    withPrefix(host, resourcePath));
        }
        if (under(path, OAUTH)) {
            return new EndpointRoute(EndpointRoute.ProxyEndpoint.OAUTH, null);
        }
        List<AgentRoute> routes = byHost.get(host);
        if (routes != null) {
            AgentRoute route = firstMatch(routes, path);
            if (route != null) {
                return route;
            }
        }
        AgentRoute fallbackRoute = firstMatch(fallback, path);
        return fallbackRoute != null ? fallbackRoute : NoRoute.INSTANCE;
    }

    /** The agent whose route on {@code host} has exactly {@code prefix}: what a metadata path names. */
    private AgentRoute withPrefix(String host, String prefix) {
        Route route = match(host, prefix);
        return route instanceof AgentRoute agent && agent.pathPrefix().equals(prefix) ? agent : null;
    }

    private static boolean under(String path, String prefix) {
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    /** The route of the agent called {@code name}, or null when no such agent is configured. */
    public AgentRoute named(String name) {
        return byName.get(name);
    }

    private static AgentRoute firstMatch(List<AgentRoute> routes, String path) {
        for (int i = 0; i < routes.size(); i++) {
            AgentRoute route = routes.get(i);
            if (route.matches(path)) {
                return route;
            }
        }
        return null;
    }
}
