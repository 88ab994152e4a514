package io.runagents.ingress.config.model;

import java.util.List;
import java.util.Objects;

/**
 * One rule of a policy; it matches when every non-empty list matches. Empty lists match anything.
 *
 * @param index the rule's position in its policy, from 0, for naming the deciding rule
 * @param scopes all of them must be among the token's scopes (at the egress: the context's {@code scope})
 * @param agents for tool policies: the calling agent must be one of them
 */
public record PolicyRule(int index, Effect effect, List<String> users, List<String> groups, List<String> domains,
                         List<String> methods, List<String> paths, List<String> scopes, List<String> agents) {
    /** What a matching rule decides. */
    public enum Effect { ALLOW, DENY }

    public PolicyRule {
        Objects.requireNonNull(effect, "effect");
        users = List.copyOf(users);
        groups = List.copyOf(groups);
        domains = List.copyOf(domains);
        methods = List.copyOf(methods);
        paths = List.copyOf(paths);
        scopes = List.copyOf(scopes);
        agents = List.copyOf(agents);
    }

    /** A rule that does not look at scopes or the calling agent. */
    public PolicyRule(int index, Effect effect, List<String> users, List<String> groups, List<String> domains,
                      List<String> methods, List<String> paths) {
        this(index, effect, users, groups, domains, methods, paths, List.of(), List.of());
    }
}
