package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.PolicyRule.Effect;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Binds a {@code policies/*.yaml} document's {@code spec}. */
final class PolicyBinder {
    static final String[] SPEC_FIELDS = {"target", "rules"};
    static final String[] TARGET_FIELDS = {"tool", "agent"};
    static final String[] RULE_FIELDS = {"effect", "users", "groups", "domains", "methods", "paths", "scopes",
        "agents"};

    private PolicyBinder() {
    }

    /** The policy, or null when the document had errors (all of them reported). */
    static Policy bind(String name, FieldReader spec) {
        String tool = null;
        String agent = null;
        FieldReader target = spec.requiredMapping("target");
        if (target != null) {
            tool = target.convert("tool", target.string("tool"), Values::name);
            agent = target.convert("agent", target.string("agent"), Values::name);
            if (target.has("tool") == target.has("agent")) {
                spec.error("target", "expected exactly one of {tool: NAME} and {agent: NAME}");
            }
            target.checkUnknown(TARGET_FIELDS);
        }
        List<PolicyRule> rules = new ArrayList<>();
        List<YamlNode> items = spec.sequence("rules");
        if (items == null && spec.value("rules") == null) {
            spec.error("rules", FieldReader.MISSING);
        } else if (items != null && items.isEmpty()) {
            spec.error("rules", "[] (expected: at least one rule)");
        }
        for (int i = 0; items != null && i < items.size(); i++) {
            YamlNode item = items.get(i);
            FieldReader rule = spec.mapping(spec.field("rules") + "[" + i + "]", item, item.line(), item.column());
            if (rule != null) {
                rules.add(rule(i, rule));
            }
        }
        spec.checkUnknown(SPEC_FIELDS);
        if (spec.document().hasErrors()) {
            return null;
        }
        return new Policy(name, tool, agent, rules);
    }

    private static PolicyRule rule(int index, FieldReader rule) {
        Effect effect = rule.convert("effect", rule.requiredString("effect"), PolicyBinder::effect);
        // An empty matcher list would match everyone, so each is either absent or non-empty.
        List<String> users = orEmpty(rule.checkList("users", Function.identity(), "user"));
        List<String> groups = orEmpty(rule.checkList("groups", Function.identity(), "group"));
        List<String> domains = orEmpty(rule.checkList("domains", Values::domain, "domain"));
        List<String> methods = orEmpty(rule.checkList("methods", Values::method, "method"));
        List<String> paths = orEmpty(rule.checkList("paths", Values::policyPath, "path"));
        List<String> scopes = orEmpty(rule.checkList("scopes", Values::scope, "scope"));
        List<String> agents = orEmpty(rule.checkList("agents", Values::name, "agent"));
        rule.checkUnknown(RULE_FIELDS);
        // A placeholder effect keeps the record constructible; the document is invalid in that case anyway.
        return new PolicyRule(index, effect == null ? Effect.DENY : effect, users, groups, domains, methods, paths,
                scopes, agents);
    }

    private static Effect effect(String s) {
        return switch (s) {
            case "allow" -> Effect.ALLOW;
            case "deny" -> Effect.DENY;
            default -> throw new IllegalArgumentException(YamlNode.Scalar.quote(s) + " (expected one of: allow, deny)");
        };
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
