package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.runagents.ingress.core.routing.Route;

/**
 * Picks the agent for a request by host and longest path prefix (404 when none), and refuses a body
 * whose declared length is over the agent's {@code maxBodyBytes} (413) before any agent is contacted.
 */
final class RoutingHandler extends RequestStage {

    RoutingHandler(ExchangeLog log) {
        super(log);
    }

    @Override
    void onHead(ChannelHandlerContext ctx, Object msg) {
        IngressRequest request = (IngressRequest) msg;
        Route route = request.config.routes().match(request.host, request.path);
        if (route == null) {
            reject(ctx, request, HttpResponseStatus.NOT_FOUND, "not_found", "no agent matches this host and path",
                    null);
            return;
        }
        request.route = route;
        Long maxBodyBytes = route.maxBodyBytes();
        if (maxBodyBytes != null && HttpUtil.getContentLength(request.head, -1L) > maxBodyBytes) {
            request.closeAfter = true;
            reject(ctx, request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request_entity_too_large",
                    "request body exceeds the agent's maxBodyBytes", null);
            return;
        }
        ctx.fireChannelRead(request);
    }
}
