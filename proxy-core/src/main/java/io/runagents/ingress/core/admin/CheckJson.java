package io.runagents.ingress.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runagents.ingress.core.identity.TokenCheck;
import io.runagents.ingress.core.policy.PolicyCheck;
import io.runagents.ingress.core.policy.PolicyDecision;
import io.runagents.ingress.jwt.TokenDiagnostics;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of {@code POST /admin/token-check} and {@code POST /admin/policy-test}, both ways: the admin
 * API writes it, and {@code token verify --server} and {@code policies test --server} read it back into the
 * results they print, so a check prints the same through a server as on a conf directory.
 */
public final class CheckJson {
    private CheckJson() { }

    /**
     * {@code {"accepted", "identityProvider", "issuer", "user", "error"?, "checks": [{"name", "passed",
     * "detail"}]}}; {@code user} is the token's user id claim, unverified unless accepted.
     */
    public static ObjectNode write(TokenCheck.Result result) {
        ObjectNode body = AdminReply.JSON.createObjectNode().put("accepted", result.accepted())
                .put("identityProvider", result.provider()).put("issuer", result.issuer())
                .put("user", result.user());
        if (result.refusal() != null) {
            body.put("error", result.refusal());
        }
        ArrayNode checks = body.putArray("checks");
        for (TokenDiagnostics.Check check : result.checks()) {
            checks.addObject().put("name", check.name()).put("passed", check.passed()).put("detail", check.detail());
        }
        return body;
    }

    /** The result {@link #write(TokenCheck.Result)} wrote. */
    public static TokenCheck.Result tokenCheck(JsonNode body) {
        List<TokenDiagnostics.Check> checks = new ArrayList<>();
        body.path("checks").forEach(c -> checks.add(new TokenDiagnostics.Check(c.path("name").asText(),
                c.path("passed").asBoolean(), c.path("detail").asText())));
        return new TokenCheck.Result(text(body, "identityProvider"), text(body, "issuer"), text(body, "error"),
                checks, text(body, "user"));
    }

    /**
     * {@code {"kind", "target", "user", "method", "path", "allowed", "policy", "rule", "ruleName", "verdict",
     * "rules": [{"policy", "index", "effect", "matches", "mismatch"}]}}; {@code path} is the path as judged.
     */
    public static ObjectNode write(PolicyCheck.Result result) {
        PolicyCheck.Request request = result.request();
        PolicyDecision decision = result.decision();
        ObjectNode body = AdminReply.JSON.createObjectNode().put("kind", request.kind())
                .put("target", request.target()).put("user", request.user()).put("method", request.method())
                .put("path", result.normalizedPath()).put("allowed", decision.allowed())
                .put("policy", decision.policy()).put("rule", decision.rule()).put("ruleName", decision.ruleName())
                .put("verdict", result.verdict());
        ArrayNode rules = body.putArray("rules");
        for (PolicyCheck.Rule rule : result.rules()) {
            rules.addObject().put("policy", rule.policy()).put("index", rule.index()).put("effect", rule.effect())
                    .put("matches", rule.matches()).put("mismatch", rule.mismatch());
        }
        return body;
    }

    /** The result {@link #write(PolicyCheck.Result)} wrote. */
    public static PolicyCheck.Result policyCheck(JsonNode body) {
        boolean tool = body.path("kind").asText().equals("tool");
        String target = body.path("target").asText();
        PolicyCheck.Request request = new PolicyCheck.Request(body.path("user").asText(), null, List.of(),
                tool ? target : null, tool ? null : target, text(body, "method"), text(body, "path"));
        List<PolicyCheck.Rule> rules = new ArrayList<>();
        body.path("rules").forEach(r -> rules.add(new PolicyCheck.Rule(r.path("policy").asText(),
                r.path("index").asInt(), r.path("effect").asText(), text(r, "mismatch"))));
        PolicyDecision decision = new PolicyDecision(body.path("allowed").asBoolean(), text(body, "policy"),
                body.path("rule").asInt(-1));
        return new PolicyCheck.Result(request, text(body, "path"), rules, decision);
    }

    /** The field's text; null when it is missing or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
