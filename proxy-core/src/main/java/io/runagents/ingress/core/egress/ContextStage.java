package io.runagents.ingress.core.egress;

import io.netty.handler.codec.http.HttpHeaders;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.identity.IdentityContextVerifier;
import java.util.List;

/**
 * Egress identity: an agent's tool call must carry the {@code X-End-User-Context} the ingress signed, for an agent
 * that is configured ({@code aud}). A bare {@code X-End-User-ID} is never trusted; when both are sent they must
 * agree. The verified user, the calling agent and the context's id carry on to policies and the audit line; the
 * request id is the one the agent sent ({@code X-Request-ID}, taken by the guard); the context itself never
 * leaves the proxy.
 */
final class ContextStage implements Stage {
    private final IdentityContextVerifier verifier;

    ContextStage(IdentityContextVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Verdict apply(Exchange exchange) {
        HttpHeaders headers = exchange.head().headers();
        List<String> contexts = headers.getAll(ProxyHeaders.X_END_USER_CONTEXT);
        List<String> claimedIds = headers.getAll(ProxyHeaders.X_END_USER_ID);
        if (contexts.isEmpty()) {
            return refuse(claimedIds.isEmpty() ? "X-End-User-Context is required"
                    : "X-End-User-ID is only accepted with a signed X-End-User-Context");
        }
        IdentityContextVerifier.VerifiedContext context = contexts.size() == 1 ? verifier.verify(contexts.get(0)) : null;
        if (context == null) {
            return refuse(WireError.INVALID_CONTEXT.description());
        }
        if (exchange.config().agent(context.agent()) == null) {
            return refuse("X-End-User-Context was issued for an agent that is not configured");
        }
        if (claimedIds.size() > 1
                || (claimedIds.size() == 1 && !ProxyHeaders.carriesUtf8(claimedIds.get(0), context.user().userId()))) {
            return refuse("X-End-User-ID does not match X-End-User-Context");
        }
        exchange.authenticated(context.user(), false);
        exchange.callingAgent(context.agent());
        exchange.contextId(context.id());
        exchange.config().identityHeaders().strip(headers);
        headers.set(ProxyHeaders.X_END_USER_ID, ProxyHeaders.utf8(context.user().userId()));
        return Verdict.NEXT;
    }

    private static Verdict refuse(String description) {
        return Verdict.refuse(WireError.INVALID_CONTEXT, description);
    }
}
