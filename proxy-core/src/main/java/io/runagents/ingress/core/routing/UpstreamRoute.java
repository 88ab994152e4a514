package io.runagents.ingress.core.routing;

/**
 * A route the relay forwards to: an agent or a tool, with the upstream group that picks a target. Built once
 * per configuration snapshot.
 */
public abstract sealed class UpstreamRoute implements Route permits AgentRoute, ToolRoute {
    private final String name;
    private final String pathPrefix;
    private final boolean stripPrefix;
    private final int timeoutSeconds;
    private final Long maxBodyBytes;
    private final UpstreamGroup upstreams;

    UpstreamRoute(String name, String pathPrefix, boolean stripPrefix, int timeoutSeconds, Long maxBodyBytes,
                  UpstreamGroup upstreams) {
        this.name = name;
        this.pathPrefix = pathPrefix;
        this.stripPrefix = stripPrefix;
        this.timeoutSeconds = timeoutSeconds;
        this.maxBodyBytes = maxBodyBytes;
        this.upstreams = upstreams;
    }

    /** The agent's or tool's name, for logs, metrics and audit. */
    public final String name() {
        return name;
    }

    public final UpstreamGroup upstreams() {
        return upstreams;
    }

    /** No byte from the upstream for this long ends the exchange (504, or a closed connection). */
    public final int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** The request body limit, or null. */
    public final Long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** True when {@code path} is this route's prefix or lies below it, segment by segment. */
    final boolean matches(String path) {
        return PathPrefix.matches(pathPrefix, path);
    }

    /** The path the upstream receives: with the prefix removed when {@code stripPrefix} is set. */
    public final String upstreamPath(String path) {
        return stripPrefix ? PathPrefix.relative(pathPrefix, path) : path;
    }

    /** The path below the prefix (what policies match), whatever {@code stripPrefix} says. */
    public final String relativePath(String path) {
        return PathPrefix.relative(pathPrefix, path);
    }
}
