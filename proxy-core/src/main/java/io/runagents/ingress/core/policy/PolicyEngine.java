package io.runagents.ingress.core.policy;

import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.core.routing.PathPrefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies of one configuration snapshot (SPEC section 3, Policy). A target's policies are read in
 * load order and their rules in file order; the first rule that matches decides; a target with policies
 * and no matching rule is denied; a target without policies is allowed.
 *
 * <p>A rule matches when every list it sets matches: {@code users} (the user id, case-insensitive),
 * {@code groups} (any of the user's groups), {@code domains} (the email's domain), {@code methods},
 * {@code paths} (segment-wise prefixes of the target-relative path, so {@code /repos} never covers
 * {@code /reposecret}), {@code scopes} (all of them among the token's) and {@code agents} (the calling agent, for
 * tool policies).
 */
public final class PolicyEngine {
    private final Map<String, List<Policy>> byTool;
    private final Map<String, List<Policy>> byAgent;

    private PolicyEngine(Map<String, List<Policy>> byTool, Map<String, List<Policy>> byAgent) {
        this.byTool = byTool;
        this.byAgent = byAgent;
    }

    public static PolicyEngine of(List<Policy> policies) {
        Map<String, List<Policy>> byTool = new HashMap<>();
        Map<String, List<Policy>> byAgent = new HashMap<>();
        for (Policy policy : policies) {
            if (policy.tool() != null) {
                byTool.computeIfAbsent(policy.tool(), t -> new ArrayList<>()).add(policy);
            } else {
                byAgent.computeIfAbsent(policy.agent(), a -> new ArrayList<>()).add(policy);
            }
        }
        byTool.replaceAll((k, v) -> List.copyOf(v));
        byAgent.replaceAll((k, v) -> List.copyOf(v));
        return new PolicyEngine(Map.copyOf(byTool), Map.copyOf(byAgent));
    }

    /** True when the agent has policies (the ingress checks them after authentication). */
    public boolean governsAgent(String agent) {
        return byAgent.containsKey(agent);
    }

    public PolicyDecision decideTool(String tool, Subject subject, String method, String relativePath) {
        return decide(byTool.get(tool), subject, method, relativePath);
    }

    public PolicyDecision decideAgent(String agent, Subject subject, String method, String relativePath) {
        return decide(byAgent.get(agent), subject, method, relativePath);
    }

    /**
     * Every rule the decision looked at, in order, each with why it did or did not match; the last one
     * considered decides (or the implicit deny, when none matched).
     */
    public List<RuleCheck> explainTool(String tool, Subject subject, String method, String relativePath) {
        return explain(byTool.get(tool), subject, method, relativePath);
    }

    public List<RuleCheck> explainAgent(String agent, Subject subject, String method, String relativePath) {
        return explain(byAgent.get(agent), subject, method, relativePath);
    }

    /** One rule as the decision saw it; {@code mismatch} is null when the rule matched. */
    public record RuleCheck(String policy, PolicyRule rule, String mismatch) { }

    private static List<RuleCheck> explain(List<Policy> policies, Subject subject, String method, String path) {
        List<RuleCheck> checks = new ArrayList<>();
        if (policies == null) {
            return checks;
        }
        for (Policy policy : policies) {
            for (PolicyRule rule : policy.rules()) {
                String mismatch = mismatch(rule, subject, method, path);
                checks.add(new RuleCheck(policy.name(), rule, mismatch));
                if (mismatch == null) {
                    return checks;
                }
            }
        }
        return checks;
    }

    private static PolicyDecision decide(List<Policy> policies, Subject subject, String method, String path) {
        if (policies == null) {
            return PolicyDecision.NO_POLICIES;
        }
        for (Policy policy : policies) {
            for (PolicyRule rule : policy.rules()) {
                if (mismatch(rule, subject, method, path) == null) {
                    return new PolicyDecision(rule.effect() == PolicyRule.Effect.ALLOW, policy.name(), rule.index());
                }
            }
        }
        return new PolicyDecision(false, policies.get(policies.size() - 1).name(), -1);
    }

    /** Why {@code rule} does not match the request, or null when it does. */
    static String mismatch(PolicyRule rule, Subject subject, String method, String path) {
        if (!rule.users().isEmpty() && (subject.userId() == null
                || rule.users().stream().noneMatch(u -> u.equalsIgnoreCase(subject.userId())))) {
            return "user " + subject.userId() + " not in " + rule.users();
        }
        if (!rule.groups().isEmpty() && rule.groups().stream().noneMatch(subject.groups()::contains)) {
            return "groups " + subject.groups() + " share none of " + rule.groups();
        }
        if (!rule.domains().isEmpty()) {
            String domain = subject.domain();
            if (domain == null || rule.domains().stream().noneMatch(d -> d.equalsIgnoreCase(domain))) {
                return "domain " + domain + " not in " + rule.domains();
            }
        }
        if (!rule.methods().isEmpty() && !rule.methods().contains(method)) {
            return "method " + method + " not in " + rule.methods();
        }
        if (!rule.paths().isEmpty() && rule.paths().stream().noneMatch(p -> PathPrefix.matches(p, path))) {
            return "path " + path + " under none of " + rule.paths();
        }
        if (!subject.scopes().containsAll(rule.scopes())) {
            return "scopes " + subject.scopes() + " lack some of " + rule.scopes();
        }
        if (!rule.agents().isEmpty() && (subject.agent() == null || !rule.agents().contains(subject.agent()))) {
            return "agent " + subject.agent() + " not in " + rule.agents();
        }
        return null;
    }
}
