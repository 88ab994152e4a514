package io.runagents.ingress.core.routing;

import io.runagents.ingress.config.model.Agent;

/**
 * An agent as the data path sees it: its config plus the upstream group that picks a target.
 * Built once per configuration snapshot.
 */
public final class Route {
    private final Agent agent;
    private final UpstreamGroup upstreams;

    Route(Agent agent, UpstreamGroup upstreams) {
        this.agent = agent;
        this.upstreams = upstreams;
    }

    public Agent agent() {
        return agent;
    }

    public UpstreamGroup upstreams() {
        return upstreams;
    }

    /** True when {@code path} is this route's prefix or lies below it, segment by segment. */
    boolean matches(String path) {
        String prefix = agent.pathPrefix();
        if (prefix.length() == 1) {
            return true;
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    /** The path the agent receives: with the prefix removed when {@code stripPrefix} is set. */
    public String upstreamPath(String path) {
        if (!agent.stripPrefix() || agent.pathPrefix().length() == 1) {
            return path;
        }
        String rest = path.substring(agent.pathPrefix().length());
        return rest.isEmpty() ? "/" : rest;
    }
}
