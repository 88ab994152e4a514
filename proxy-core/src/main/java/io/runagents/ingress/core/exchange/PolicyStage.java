package io.runagents.ingress.core.exchange;

import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.policy.PolicyDecision;
import io.runagents.ingress.core.policy.PolicyEngine;
import io.runagents.ingress.core.policy.Subject;
import io.runagents.ingress.core.routing.ToolRoute;
import io.runagents.ingress.core.routing.UpstreamRoute;
import io.runagents.ingress.jwt.AuthResult;

/**
 * Applies the policies of the route's target after identity is known: agent policies at the ingress,
 * tool policies at the egress. A denial is 403 naming the deciding policy and rule; the target never
 * sees the request.
 */
public final class PolicyStage implements Stage {
    /** Stateless: one serves both listeners. */
    public static final PolicyStage INSTANCE = new PolicyStage();

    private PolicyStage() {
    }

    @Override
    public Verdict apply(Exchange exchange) {
        UpstreamRoute route = exchange.upstreamRoute();
        PolicyEngine policies = exchange.config().policies();
        AuthResult.Authenticated user = exchange.user();
        Subject subject = user == null ? Subject.ANONYMOUS : new Subject(user.userId(), user.email(), user.groups(),
                user.scopes(), route instanceof ToolRoute ? exchange.agentName() : null);
        String method = exchange.head().method().name();
        String path = route.relativePath(exchange.path());
        PolicyDecision decision = route instanceof ToolRoute
                ? policies.decideTool(route.name(), subject, method, path)
                : policies.decideAgent(route.name(), subject, method, path);
        exchange.decided(decision);
        if (!decision.allowed()) {
            exchange.refuse("policy");
            return Verdict.refuse(WireError.FORBIDDEN, decision.description());
        }
        return Verdict.NEXT;
    }
}
