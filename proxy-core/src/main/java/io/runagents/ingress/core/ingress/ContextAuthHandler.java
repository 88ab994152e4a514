package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.identity.IdentityContextVerifier;
import java.util.List;

/**
 * Egress identity: an agent's tool call must carry the {@code X-End-User-Context} the ingress signed.
 * A bare {@code X-End-User-ID} is never trusted; when both are sent they must agree. The verified user
 * and the ingress request id carry on; the context itself never leaves the proxy.
 */
final class ContextAuthHandler extends RequestStage {
    private final IdentityContextVerifier verifier;

    ContextAuthHandler(ExchangeLog log, IdentityContextVerifier verifier) {
        super(log);
        this.verifier = verifier;
    }

    @Override
    void onHead(ChannelHandlerContext ctx, Object msg) {
        IngressRequest request = (IngressRequest) msg;
        HttpHeaders headers = request.head.headers();
        List<String> contexts = headers.getAll(ProxyHeaders.X_END_USER_CONTEXT);
        List<String> claimedIds = headers.getAll(ProxyHeaders.X_END_USER_ID);
        if (contexts.isEmpty()) {
            refuse(ctx, request, claimedIds.isEmpty() ? "X-End-User-Context is required"
                    : "X-End-User-ID is only accepted with a signed X-End-User-Context");
            return;
        }
        IdentityContextVerifier.VerifiedContext context = contexts.size() == 1 ? verifier.verify(contexts.get(0)) : null;
        if (context == null) {
            refuse(ctx, request, "invalid or expired X-End-User-Context");
            return;
        }
        if (claimedIds.size() > 1
                || (claimedIds.size() == 1 && !ProxyHeaders.carriesUtf8(claimedIds.get(0), context.user().userId()))) {
            refuse(ctx, request, "X-End-User-ID does not match X-End-User-Context");
            return;
        }
        request.user = context.user();
        request.requestId = context.requestId();
        request.config.identityHeaders().strip(headers);
        headers.set(ProxyHeaders.X_END_USER_ID, ProxyHeaders.utf8(context.user().userId()));
        ctx.fireChannelRead(request);
    }

    private void refuse(ChannelHandlerContext ctx, IngressRequest request, String description) {
        reject(ctx, request, HttpResponseStatus.UNAUTHORIZED, "invalid_context", description, null);
    }
}
