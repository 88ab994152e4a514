package io.runagents.ingress.core.cli;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.core.policy.PolicyDecision;
import io.runagents.ingress.core.policy.PolicyEngine;
import io.runagents.ingress.core.policy.Subject;
import io.runagents.ingress.core.routing.PathNormalizer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code runagents policies test}: explains what the policies of a conf directory decide for a user, a
 * target, a method and a path, rule by rule, without sending anything. Exit 0 allowed, 1 denied or
 * invalid configuration, 2 usage.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Explain the policy decision for a user, target, method and path (nothing is sent).")
final class PolicyTestCommand implements Callable<Integer> {
    @Mixin
    private ConfigDirOption config;
    @Option(names = "--user", required = true, description = "the user id (X-End-User-ID)")
    private String user;
    @Option(names = "--email", description = "the user's email (default: the user id when it is one)")
    private String email;
    @Option(names = "--groups", split = ",", description = "the user's groups, comma-separated")
    private List<String> groups = List.of();
    @Option(names = "--scopes", split = "[ ,]", description = "the token's scopes, comma- or space-separated")
    private List<String> scopes = List.of();
    @Option(names = "--from-agent", description = "for --tool: the calling agent (the identity context's aud)")
    private String fromAgent;
    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;
    @Option(names = "--method", defaultValue = "GET", description = "HTTP method (default: ${DEFAULT-VALUE})")
    private String method;
    @Option(names = "--path", defaultValue = "/", description = "path relative to the tool or agent (default: /)")
    private String path;
    @Spec
    private CommandSpec spec;

    static final class Target {
        @Option(names = "--tool", required = true, description = "a tool name (egress policies)")
        String tool;
        @Option(names = "--agent", required = true, description = "an agent name (ingress policies)")
        String agent;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigSnapshot snapshot = config.load(err);
        if (snapshot == null) {
            return 1;
        }
        String name = target.tool != null ? target.tool : target.agent;
        boolean known = target.tool != null ? snapshot.tool(name).isPresent() : snapshot.agent(name).isPresent();
        if (!known) {
            err.printf("%s \"%s\" not found%n", target.tool != null ? "tool" : "agent", name);
            return 1;
        }
        // As the proxy sees it: the query never takes part in a policy decision, and a path it refuses is refused.
        int query = path.indexOf('?');
        String normalized;
        try {
            normalized = PathNormalizer.normalize(query < 0 ? path : path.substring(0, query));
        } catch (PathNormalizer.InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), "--path " + path + ": " + e.getMessage()
                    + " (the proxy answers such a request 400)");
        }
        String verb = method.toUpperCase(Locale.ROOT);
        Subject subject = new Subject(user, email != null ? email : user.contains("@") ? user : null, groups,
                scopes.stream().filter(s -> !s.isEmpty()).toList(), target.tool != null ? fromAgent : null);
        PolicyEngine engine = PolicyEngine.of(snapshot.policies());
        List<PolicyEngine.RuleCheck> checks = target.tool != null
                ? engine.explainTool(name, subject, verb, normalized)
                : engine.explainAgent(name, subject, verb, normalized);
        PolicyDecision decision = target.tool != null
                ? engine.decideTool(name, subject, verb, normalized)
                : engine.decideAgent(name, subject, verb, normalized);
        for (PolicyEngine.RuleCheck check : checks) {
            PolicyRule rule = check.rule();
            out.printf("  %s#%d %s: %s%n", check.policy(), rule.index(),
                    rule.effect().name().toLowerCase(Locale.ROOT),
                    check.mismatch() == null ? "matches" : "no match (" + check.mismatch() + ")");
        }
        if (decision.policy() == null) {
            out.printf("allow: %s has no policies%n", name);
        } else if (decision.rule() < 0) {
            out.printf("deny: no rule matched (%s)%n", decision.ruleName());
        } else {
            out.printf("%s: %s%n", decision.allowed() ? "allow" : "deny", decision.ruleName());
        }
        return decision.allowed() ? 0 : 1;
    }
}
