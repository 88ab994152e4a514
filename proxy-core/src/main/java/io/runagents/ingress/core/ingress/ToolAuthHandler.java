package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.model.ToolAuth;
import java.util.function.UnaryOperator;

/**
 * The tool's own credentials, after policies allowed the call: an {@code apiKey} tool gets its header,
 * with the value read from the environment variable the config names (never from YAML, never logged).
 * Per-user OAuth ({@code oauth2}) is not available yet: 501.
 */
final class ToolAuthHandler extends RequestStage {

    private final UnaryOperator<String> environment;

    /** @param environment reads environment variables ({@code System::getenv} outside tests) */
    ToolAuthHandler(ExchangeLog log, UnaryOperator<String> environment) {
        super(log);
        this.environment = environment;
    }

    @Override
    void onHead(ChannelHandlerContext ctx, Object msg) {
        IngressRequest request = (IngressRequest) msg;
        ToolAuth auth = request.route.tool().auth();
        if (auth.type() == ToolAuth.Type.OAUTH2) {
            reject(ctx, request, HttpResponseStatus.NOT_IMPLEMENTED, "not_implemented",
                    "per-user OAuth consent for tools is not available yet", null);
            return;
        }
        if (auth.type() == ToolAuth.Type.API_KEY) {
            String value = environment.apply(auth.apiKeyValueEnv());
            if (value == null || value.isEmpty()) {
                reject(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "tool_unavailable",
                        "the tool's API key is not configured (environment variable " + auth.apiKeyValueEnv() + ")",
                        null);
                return;
            }
            request.head.headers().set(auth.apiKeyHeader(), value);
        }
        ctx.fireChannelRead(request);
    }
}
