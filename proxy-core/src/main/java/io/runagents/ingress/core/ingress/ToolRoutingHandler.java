package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.core.routing.Route;

/** Egress routing: {@code /tools/<tool>/<path>} picks the tool; anything else, or an unknown tool, is 404. */
final class ToolRoutingHandler extends RequestStage {
    private static final String PREFIX = "/tools/";

    ToolRoutingHandler(ExchangeLog log) {
        super(log);
    }

    @Override
    void onHead(ChannelHandlerContext ctx, Object msg) {
        IngressRequest request = (IngressRequest) msg;
        Route route = null;
        if (request.path.startsWith(PREFIX)) {
            int end = request.path.indexOf('/', PREFIX.length());
            String tool = request.path.substring(PREFIX.length(), end < 0 ? request.path.length() : end);
            route = request.config.tools().get(tool);
        }
        if (route == null) {
            reject(ctx, request, HttpResponseStatus.NOT_FOUND, "not_found", "no such tool", null);
            return;
        }
        request.route = route;
        ctx.fireChannelRead(request);
    }
}
