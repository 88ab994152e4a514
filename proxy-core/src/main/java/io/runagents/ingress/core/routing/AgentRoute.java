package io.runagents.ingress.core.routing;

import io.runagents.ingress.config.model.Agent;

/** The route of an agent behind the ingress, as the agent's config says. */
public final class AgentRoute extends UpstreamRoute {
    private final Agent agent;

    private AgentRoute(Agent agent) {
        super(agent.name(), agent.pathPrefix(), agent.stripPrefix(), agent.timeoutSeconds(), agent.maxBodyBytes(),
                new UpstreamGroup(agent.upstreams().stream().map(UpstreamTarget::of).toList()));
        this.agent = agent;
    }

    /** Builds the route; each gets its own upstream group (round-robin state). */
    public static AgentRoute of(Agent agent) {
        return new AgentRoute(agent);
    }

    public Agent agent() {
        return agent;
    }

    /** The agent's path prefix (routing sorts by its length). */
    String pathPrefix() {
        return agent.pathPrefix();
    }
}
