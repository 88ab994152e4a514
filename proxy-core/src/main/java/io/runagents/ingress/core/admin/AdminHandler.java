package io.runagents.ingress.core.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.runagents.ingress.core.http.ErrorResponses;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.runtime.ReadinessReport.Readiness;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin listener's endpoints: {@code /healthz}, {@code /readyz}, {@code /metrics}, the public key
 * agents and tools use to verify {@code X-End-User-Context} ({@code /identity-context/jwks.json}), the
 * console's static files ({@code /} and {@code /console/*}); and {@code /admin/*} goes to the
 * {@link AdminApiHandler} when one is set. The console and {@code /admin/*} answer only the Hosts and Origins
 * {@link AdminHostGuard} lets through; the probes and metrics answer any (a kubelet probes by pod IP).
 * Stateless, so one instance serves every connection.
 */
@ChannelHandler.Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ProxyMetrics metrics;
    private final Supplier<Readiness> readiness;
    private final Supplier<String> contextJwks;
    private final AdminHostGuard guard;
    private final ConsoleAssets console = ConsoleAssets.load();
    private volatile AdminApiHandler api;

    /**
     * @param contextJwks  the public keys of {@code X-End-User-Context} as a JWKS document, read per request
     *                     (a key rotation adds the new key and keeps the old one for a while)
     * @param allowedHosts the names, besides the listener's own address and {@code localhost}, that the console
     *                     and {@code /admin/*} answer (proxy.yaml's {@code admin.allowedHosts}), read per request
     */
    public AdminHandler(ProxyMetrics metrics, Supplier<Readiness> readiness, Supplier<String> contextJwks,
                        Supplier<List<String>> allowedHosts) {
        this.metrics = metrics;
        this.readiness = readiness;
        this.contextJwks = contextJwks;
        this.guard = new AdminHostGuard(allowedHosts);
    }

    /** Serves {@code /admin/*} with {@code api} from now on (without one, those paths are 404). */
    public void api(AdminApiHandler api) {
        this.api = api;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            respond(ctx, request, error(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean guarded = path.startsWith("/admin") || ConsoleAssets.isConsolePath(path);
        if (guarded) {
            InetSocketAddress local = ctx.channel().localAddress() instanceof InetSocketAddress a ? a : null;
            Optional<AdminReply> refused = guard.check(request.method(), request.headers(), local);
            if (refused.isPresent()) {
                AdminReply r = refused.get();
                respond(ctx, request, text(r.status(), r.contentType(), r.body()));
                return;
            }
        }
        AdminApiHandler adminApi = api;
        if (adminApi != null && path.startsWith(AdminApiHandler.PREFIX)) {
            adminApi.handle(ctx, request);
            return;
        }
        boolean read = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
        if (!read) {
            respond(ctx, request, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "only GET and HEAD"));
            return;
        }
        if (ConsoleAssets.isConsolePath(path)) {
            respond(ctx, request, ConsoleResponses.answer(console, path, request));
            return;
        }
        switch (path) {
            case "/healthz" -> respond(ctx, request, text(HttpResponseStatus.OK, "application/json", "{\"status\":\"ok\"}"));
            case "/readyz" -> {
                Readiness r = readiness.get();
                respond(ctx, request, text(r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "application/json", "{\"ready\":" + r.ready() + ",\"problems\":" + r.problemsJson()
                                + (r.tokenStoreJson() == null ? "" : ",\"tokenStore\":" + r.tokenStoreJson()) + "}"));
            }
            case "/identity-context/jwks.json" -> respond(ctx, request,
                    text(HttpResponseStatus.OK, "application/jwk-set+json", contextJwks.get()));
            case "/metrics" -> respond(ctx, request,
                    text(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
            default -> respond(ctx, request, error(HttpResponseStatus.NOT_FOUND, "not_found", "no such admin endpoint"));
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }

    private static FullHttpResponse error(HttpResponseStatus status, String error, String description) {
        return text(status, "application/json", ErrorResponses.jsonBody(error, description, null));
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (request.method() == HttpMethod.HEAD) {
            response.content().clear();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !request.decoderResult().isFailure();
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
