package io.runagents.ingress.core.runtime;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.core.http.IdentityHeaders;
import io.runagents.ingress.core.identity.ProviderSelector;
import io.runagents.ingress.core.routing.AgentRoute;
import io.runagents.ingress.core.routing.RouteTable;
import io.runagents.ingress.jwt.IdentityProviders;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.core.policy.PolicyEngine;
import io.runagents.ingress.core.routing.ToolRoute;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Everything a request needs from the configuration, derived once per snapshot. A request reads the
 * current one at its start and keeps it to its end, so a reload never changes a request half way.
 *
 * @param identity picks the provider (and so the key set and token cache) that checks a token
 * @param tools the egress routes, by tool name
 */
public record RuntimeConfig(ConfigSnapshot snapshot, RouteTable routes, IdentityHeaders identityHeaders,
                            ProviderSelector identity, PolicyEngine policies, Map<String, ToolRoute> tools) {
    public RuntimeConfig {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(identityHeaders, "identityHeaders");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(policies, "policies");
        tools = Map.copyOf(tools);
    }

    /** The agent called {@code name}, or null when this configuration has none. */
    public AgentRoute agent(String name) {
        return routes.named(name);
    }

    /** Derives the runtime view of a validated snapshot whose providers are {@code providers}. */
    public static RuntimeConfig of(ConfigSnapshot snapshot, IdentityProviders providers) {
        return new RuntimeConfig(snapshot, RouteTable.of(snapshot.agents()),
                IdentityHeaders.of(snapshot.identityProviders().stream().map(p -> p.claimHeaders()).toList()),
                ProviderSelector.of(snapshot.identityProviders(), providers), PolicyEngine.of(snapshot.policies()),
                snapshot.tools().stream().collect(Collectors.toMap(Tool::name, ToolRoute::of)));
    }
}
