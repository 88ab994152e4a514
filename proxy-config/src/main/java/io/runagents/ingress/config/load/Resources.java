package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.Tool;
import java.util.List;

/** Resources parsed from one or more files, by kind, in file and document order. */
public record Resources(List<IdentityProvider> identityProviders, List<Agent> agents, List<Tool> tools,
                        List<Policy> policies) {
    public static final Resources EMPTY = new Resources(List.of(), List.of(), List.of(), List.of());

    public Resources {
        identityProviders = List.copyOf(identityProviders);
        agents = List.copyOf(agents);
        tools = List.copyOf(tools);
        policies = List.copyOf(policies);
    }

    /** The resources of one kind, as records of that kind's type. */
    public List<? extends Record> of(ResourceKind kind) {
        return switch (kind) {
            case IDENTITY_PROVIDERS -> identityProviders;
            case AGENTS -> agents;
            case TOOLS -> tools;
            case POLICIES -> policies;
        };
    }
}
