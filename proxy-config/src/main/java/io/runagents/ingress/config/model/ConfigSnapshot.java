package io.runagents.ingress.config.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One whole, validated conf directory. Immutable: a reload builds a new snapshot and swaps it in one step,
 * and a request reads the snapshot once, at its start.
 *
 * @param version increases by one with every successful load in a process
 */
public record ConfigSnapshot(long version, Instant loadedAt, ProxySettings proxy,
                             List<IdentityProvider> identityProviders, List<Agent> agents,
                             List<Tool> tools, List<Policy> policies) {
    public ConfigSnapshot {
        Objects.requireNonNull(loadedAt, "loadedAt");
        Objects.requireNonNull(proxy, "proxy");
        identityProviders = List.copyOf(identityProviders);
        agents = List.copyOf(agents);
        tools = List.copyOf(tools);
        policies = List.copyOf(policies);
    }

    /** The provider with this name, if any. */
    public Optional<IdentityProvider> identityProvider(String name) {
        return identityProviders.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The agent with this name, if any. */
    public Optional<Agent> agent(String name) {
        return agents.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The tool with this name, if any. */
    public Optional<Tool> tool(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
