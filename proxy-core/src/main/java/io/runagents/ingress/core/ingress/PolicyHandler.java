package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.core.policy.PolicyDecision;
import io.runagents.ingress.core.policy.PolicyEngine;
import io.runagents.ingress.core.policy.Subject;
import io.runagents.ingress.core.routing.Route;

/**
 * Applies the policies of the route's target after identity is known: agent policies at the ingress,
 * tool policies at the egress. A denial is 403 naming the deciding policy and rule; the target never
 * sees the request.
 */
final class PolicyHandler extends RequestStage {

    PolicyHandler(ExchangeLog log) {
        super(log);
    }

    @Override
    void onHead(ChannelHandlerContext ctx, Object msg) {
        IngressRequest request = (IngressRequest) msg;
        Route route = request.route;
        PolicyEngine policies = request.config.policies();
        Subject subject = request.user == null ? Subject.ANONYMOUS
                : new Subject(request.user.userId(), request.user.email(), request.user.groups());
        String method = request.head.method().name();
        String path = route.relativePath(request.path);
        PolicyDecision decision = route.tool() != null
                ? policies.decideTool(route.name(), subject, method, path)
                : policies.decideAgent(route.name(), subject, method, path);
        request.decision = decision;
        if (!decision.allowed()) {
            request.refusal = "policy";
            reject(ctx, request, HttpResponseStatus.FORBIDDEN, "forbidden", decision.description(), null);
            return;
        }
        ctx.fireChannelRead(request);
    }
}
