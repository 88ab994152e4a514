package io.runagents.ingress.core.routing;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.Tool;
import java.util.List;

/**
 * Where the relay sends a request: an agent (ingress) or a tool (egress), with the upstream group that
 * picks a target. Built once per configuration snapshot.
 */
public final class Route {
    /** Response timeout for tool calls; tools have no per-tool setting. */
    static final int TOOL_TIMEOUT_SECONDS = 300;

    private final String name;
    private final String pathPrefix;
    private final boolean stripPrefix;
    private final int timeoutSeconds;
    private final Long maxBodyBytes;
    private final Agent agent;
    private final Tool tool;
    private final UpstreamGroup upstreams;

    private Route(String name, String pathPrefix, boolean stripPrefix, int timeoutSeconds, Long maxBodyBytes,
                  Agent agent, Tool tool, UpstreamGroup upstreams) {
        this.name = name;
        this.pathPrefix = pathPrefix;
        this.stripPrefix = stripPrefix;
        this.timeoutSeconds = timeoutSeconds;
        this.maxBodyBytes = maxBodyBytes;
        this.agent = agent;
        this.tool = tool;
        this.upstreams = upstreams;
    }

    /** The route of an agent, as the agent's config says. */
    public static Route forAgent(Agent agent) {
        List<UpstreamTarget> targets = agent.upstreams().stream().map(UpstreamTarget::of).toList();
        return new Route(agent.name(), agent.pathPrefix(), agent.stripPrefix(), agent.timeoutSeconds(),
                agent.maxBodyBytes(), agent, null, new UpstreamGroup(targets));
    }

    /** The route of a tool: {@code /tools/<name>/<path>} reaches {@code baseUrl + /<path>}. */
    public static Route forTool(Tool tool) {
        return new Route(tool.name(), "/tools/" + tool.name(), true, TOOL_TIMEOUT_SECONDS, null, null, tool,
                new UpstreamGroup(List.of(UpstreamTarget.of(tool.baseUrl()))));
    }

    /** The agent's or tool's name, for logs, metrics and audit. */
    public String name() {
        return name;
    }

    /** The agent behind this route; null for a tool. */
    public Agent agent() {
        return agent;
    }

    /** The tool behind this route; null for an agent. */
    public Tool tool() {
        return tool;
    }

    public UpstreamGroup upstreams() {
        return upstreams;
    }

    /** No byte from the upstream for this long ends the exchange (504, or a closed connection). */
    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** The request body limit, or null. */
    public Long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** True when {@code path} is this route's prefix or lies below it, segment by segment. */
    boolean matches(String path) {
        return PathPrefix.matches(pathPrefix, path);
    }

    /** The path the upstream receives: with the prefix removed when {@code stripPrefix} is set. */
    public String upstreamPath(String path) {
        return stripPrefix ? PathPrefix.relative(pathPrefix, path) : path;
    }

    /** The path below the prefix (what policies match), whatever {@code stripPrefix} says. */
    public String relativePath(String path) {
        return PathPrefix.relative(pathPrefix, path);
    }
}
