package io.runagents.ingress.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.PolicyRule.Effect;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    private static final Subject BOB = new Subject("bob@company.com", "bob@company.com", List.of("finance"));
    private static final Subject ALICE = new Subject("alice@company.com", null, List.of("engineering"));

    private static PolicyRule rule(int i, Effect effect, List<String> users, List<String> groups, List<String> domains,
                                   List<String> methods, List<String> paths) {
        return new PolicyRule(i, effect, users, groups, domains, methods, paths);
    }

    @Test
    void targetWithoutPoliciesIsAllowed() {
        PolicyDecision decision = PolicyEngine.of(List.of()).decideTool("github", BOB, "POST", "/x");
        assertThat(decision).isEqualTo(PolicyDecision.NO_POLICIES);
        assertThat(decision.ruleName()).isNull();
    }

    @Test
    void firstMatchingRuleWinsAcrossPoliciesAndNoMatchDenies() {
        PolicyEngine engine = PolicyEngine.of(List.of(
                new Policy("a", "finance", null, List.of(
                        rule(0, Effect.DENY, List.of("BOB@company.com"), List.of(), List.of(), List.of("POST"), List.of()))),
                new Policy("b", "finance", null, List.of(
                        rule(0, Effect.ALLOW, List.of(), List.of("finance"), List.of(), List.of(), List.of())))));
        assertThat(engine.decideTool("finance", BOB, "POST", "/x")).isEqualTo(new PolicyDecision(false, "a", 0));
        assertThat(engine.decideTool("finance", BOB, "GET", "/x")).isEqualTo(new PolicyDecision(true, "b", 0));
        PolicyDecision alice = engine.decideTool("finance", ALICE, "GET", "/x");
        assertThat(alice.allowed()).isFalse();
        assertThat(alice.ruleName()).isEqualTo("b#default");
        assertThat(engine.decideTool("finance", Subject.ANONYMOUS, "GET", "/x").allowed()).isFalse();
    }

    @Test
    void domainsMethodsAndSegmentWisePaths() {
        PolicyEngine engine = PolicyEngine.of(List.of(new Policy("p", null, "agent", List.of(
                rule(0, Effect.ALLOW, List.of(), List.of(), List.of("company.com"), List.of("GET"),
                        List.of("/repos"))))));
        assertThat(engine.governsAgent("agent")).isTrue();
        assertThat(engine.decideAgent("agent", ALICE, "GET", "/repos/x").allowed()).isTrue();
        assertThat(engine.decideAgent("agent", ALICE, "GET", "/repos").allowed()).isTrue();
        assertThat(engine.decideAgent("agent", ALICE, "GET", "/reposecret").allowed()).isFalse();
        assertThat(engine.decideAgent("agent", ALICE, "DELETE", "/repos/x").allowed()).isFalse();
        Subject outsider = new Subject("eve@company.com.evil.com", null, List.of());
        assertThat(engine.decideAgent("agent", outsider, "GET", "/repos").allowed()).isFalse();
        assertThat(new Subject("a@b@company.com", null, List.of()).domain()).isNull();
    }
}
