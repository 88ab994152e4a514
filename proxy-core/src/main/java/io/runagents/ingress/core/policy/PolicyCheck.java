package io.runagents.ingress.core.policy;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.core.routing.PathNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * {@code runagents policies test} and {@code POST /admin/policy-test} (SPEC sections 2 and 10): what the
 * policies of a configuration decide for a user, a target, a method and a path, rule by rule, judged as the
 * proxy judges a request (the query never takes part; a path the proxy refuses is refused). Nothing is sent.
 */
public final class PolicyCheck {
    private PolicyCheck() { }

    /**
     * The inputs, as the command's options.
     *
     * @param email  the user's email; null for the user id when it is one
     * @param tool   a tool name (egress policies); exactly one of {@code tool} and {@code agent}
     * @param agent  an agent name (ingress policies)
     * @param method the HTTP method, any case; null for GET
     * @param path   the path relative to the tool or agent, a query allowed; null for {@code /}
     * @param scopes the token's scopes
     * @param fromAgent for a tool: the calling agent (the identity context's {@code aud}); null when unknown
     */
    public record Request(String user, String email, List<String> groups, String tool, String agent,
                          String method, String path, List<String> scopes, String fromAgent) {
        public Request {
            if (user == null || user.isEmpty()) {
                throw new IllegalArgumentException("user: missing (expected: the user id)");
            }
            if ((tool == null) == (agent == null)) {
                throw new IllegalArgumentException("tool, agent: " + (tool == null ? "neither" : "both")
                        + " given (expected: exactly one)");
            }
            groups = groups == null ? List.of() : List.copyOf(groups);
            scopes = scopes == null ? List.of() : scopes.stream().filter(s -> !s.isEmpty()).toList();
            method = method == null || method.isEmpty() ? "GET" : method.toUpperCase(Locale.ROOT);
            path = path == null || path.isEmpty() ? "/" : path;
        }

        /** Without scopes or a calling agent. */
        public Request(String user, String email, List<String> groups, String tool, String agent, String method,
                       String path) {
            this(user, email, groups, tool, agent, method, path, List.of(), null);
        }

        /** {@code tool} or {@code agent}. */
        public String kind() {
            return tool != null ? "tool" : "agent";
        }

        /** The tool's or the agent's name. */
        public String target() {
            return tool != null ? tool : agent;
        }
    }

    /** One rule of the target's policies and whether it matched; {@code mismatch} says why not. */
    public record Rule(String policy, int index, String effect, String mismatch) {
        public boolean matches() {
            return mismatch == null;
        }
    }

    /** Every rule considered, in order, and the decision. */
    public record Result(Request request, String normalizedPath, List<Rule> rules, PolicyDecision decision) {
        public Result {
            rules = List.copyOf(rules);
        }

        /** The decision as one line: {@code allow: github#0}, {@code deny: no rule matched (github#default)}. */
        public String verdict() {
            if (decision.policy() == null) {
                return "allow: " + request.target() + " has no policies";
            }
            if (decision.rule() < 0) {
                return "deny: no rule matched (" + decision.ruleName() + ")";
            }
            return (decision.allowed() ? "allow: " : "deny: ") + decision.ruleName();
        }
    }

    /**
     * Explains {@code request} under {@code snapshot}'s policies.
     *
     * @throws NoSuchElementException   when the tool or agent is not configured ({@code tool "x" not found})
     * @throws IllegalArgumentException when the proxy would refuse the path itself (it answers 400)
     */
    public static Result run(ConfigSnapshot snapshot, Request request) {
        Objects.requireNonNull(snapshot, "snapshot");
        String name = request.target();
        boolean known = request.tool() != null ? snapshot.tool(name).isPresent() : snapshot.agent(name).isPresent();
        if (!known) {
            throw new NoSuchElementException(request.kind() + " \"" + name + "\" not found");
        }
        String path = request.path();
        int query = path.indexOf('?');
        String normalized;
        try {
            normalized = PathNormalizer.normalize(query < 0 ? path : path.substring(0, query));
        } catch (PathNormalizer.InvalidPathException e) {
            throw new IllegalArgumentException("path " + path + ": " + e.getMessage()
                    + " (the proxy answers such a request 400)", e);
        }
        String user = request.user();
        Subject subject = new Subject(user, request.email() != null ? request.email()
                : user.contains("@") ? user : null, request.groups(), request.scopes(),
                request.tool() != null ? request.fromAgent() : null);
        PolicyEngine engine = PolicyEngine.of(snapshot.policies());
        String method = request.method();
        boolean tool = request.tool() != null;
        List<PolicyEngine.RuleCheck> checks = tool ? engine.explainTool(name, subject, method, normalized)
                : engine.explainAgent(name, subject, method, normalized);
        PolicyDecision decision = tool ? engine.decideTool(name, subject, method, normalized)
                : engine.decideAgent(name, subject, method, normalized);
        List<Rule> rules = new ArrayList<>();
        for (PolicyEngine.RuleCheck check : checks) {
            PolicyRule rule = check.rule();
            rules.add(new Rule(check.policy(), rule.index(), rule.effect().name().toLowerCase(Locale.ROOT),
                    check.mismatch()));
        }
        return new Result(request, normalized, rules, decision);
    }
}
