package io.runagents.ingress.config.model;

import java.util.List;
import java.util.Objects;

/**
 * A {@code policies/*.yaml} resource. Exactly one of {@code tool} and {@code agent} is set.
 */
public record Policy(String name, String tool, String agent, List<PolicyRule> rules) {
    public Policy {
        Objects.requireNonNull(name, "name");
        if ((tool == null) == (agent == null)) {
            throw new IllegalArgumentException("target: expected exactly one of tool and agent");
        }
        rules = List.copyOf(rules);
    }
}
