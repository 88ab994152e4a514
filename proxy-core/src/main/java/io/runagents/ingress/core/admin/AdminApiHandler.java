package io.runagents.ingress.core.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.runagents.ingress.config.edit.ResourceFiles;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.consent.GrantManagement;
import io.runagents.ingress.core.metrics.RequestRates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/*} (SPEC section 10), delegated to by {@link AdminHandler}: {@code GET /admin/config},
 * {@code GET /admin/<kind>}, {@code GET|PUT|DELETE /admin/<kind>/<name>}, and the endpoints for the console and
 * {@code --server} clients: {@code POST /admin/token-check}, {@code POST /admin/policy-test},
 * {@code GET /admin/audit} and {@code GET /admin/rates}.
 *
 * <p>Access: without a token only loopback clients are served (403 otherwise); with a token every client must
 * send {@code Authorization: Bearer <token>} (401 otherwise), compared in constant time.
 *
 * <p>Threading: {@link #handle} runs on the event loop and only copies what it needs out of the request (which
 * its caller releases on return). The work, file I/O included, runs on {@code io}; the reply is written back on
 * the channel's event loop. {@code io} should be a single thread, which also keeps edits from interleaving.
 */
public final class AdminApiHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminApiHandler.class);
    static final String PREFIX = "/admin/";

    private final AdminResources resources;
    private final Map<String, AdminEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Executor io;
    private final byte[] token;

    /** What {@link #handle} copied out of a request before it was released. */
    record Call(HttpMethod method, List<String> segments, Map<String, List<String>> query, String body,
                boolean wantsYaml, boolean dryRun) {
        /** The first value of query parameter {@code name}; null when absent. */
        String parameter(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** @param token the bearer token {@code /admin/*} requires; null to serve loopback clients only */
    public AdminApiHandler(ConfigStore store, ResourceFiles files, Executor io, String token) {
        this.resources = new AdminResources(store, files);
        this.io = io;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        endpoint("token-check", new TokenCheckEndpoint(store, Clock.systemUTC()));
        endpoint("policy-test", new PolicyTestEndpoint(store));
        endpoint("audit", new AuditEndpoint(store));
    }

    /** Serves {@code /admin/<name>} with {@code endpoint} (before the resource kinds). */
    void endpoint(String name, AdminEndpoint endpoint) {
        endpoints.put(name, endpoint);
    }

    /** Serves {@code GET /admin/rates}, the request and refusal rates of the last minutes, from {@code rates}. */
    public void requestRates(RequestRates rates) {
        endpoint("rates", new RatesEndpoint(rates));
    }

    /** Serves {@code GET /admin/grants} and {@code DELETE /admin/grants/<tool>?user=U} (SPEC section 10). */
    public void grants(GrantManagement grants, Supplier<ConfigSnapshot> config) {
        endpoint("grants", new GrantsEndpoint(grants, config));
    }

    /** Answers one {@code /admin/...} request, now (refusals) or later (everything else). */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Optional<AdminReply> refused = checkAccess(ctx, request);
        if (refused.isPresent()) {
            write(ctx, refused.get(), keepAlive);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> segments = List.of(uri.path().substring(PREFIX.length()).split("/", -1));
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
        List<String> dry = uri.parameters().getOrDefault("dryRun", List.of("false"));
        Call call = new Call(request.method(), segments, uri.parameters(),
                request.content().toString(StandardCharsets.UTF_8), accept.contains("yaml"),
                !dry.isEmpty() && !dry.get(0).equals("false"));
        try {
            io.execute(() -> reply(call).whenComplete((reply, failure) -> {
                AdminReply r = reply;
                if (failure != null) {
                    log.error("admin {} {} failed", call.method(), call.segments(), failure);
                    r = AdminReply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                            failure.toString());
                }
                AdminReply done = r;
                ctx.executor().execute(() -> write(ctx, done, keepAlive));
            }));
        } catch (RejectedExecutionException e) {
            write(ctx, AdminReply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", "stopping"), false);
        }
    }

    private CompletionStage<AdminReply> reply(Call call) {
        try {
            AdminEndpoint endpoint = endpoints.get(call.segments().get(0));
            if (endpoint != null && (call.segments().size() == 1 || endpoint.takesSubPaths())) {
                return endpoint.answer(call);
            }
            return resources.answer(call);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Optional<AdminReply> checkAccess(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (token == null) {
            boolean loopback = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                    && a.getAddress() != null && a.getAddress().isLoopbackAddress();
            return loopback ? Optional.empty() : Optional.of(AdminReply.error(HttpResponseStatus.FORBIDDEN,
                    "forbidden", "the admin API serves loopback clients only (set RUNAGENTS_ADMIN_TOKEN to allow others)"));
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        byte[] sent = header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        // MessageDigest.isEqual takes the same time wherever the first difference is.
        if (MessageDigest.isEqual(sent, token)) {
            return Optional.empty();
        }
        return Optional.of(AdminReply.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "the admin API needs Authorization: Bearer <RUNAGENTS_ADMIN_TOKEN>"));
    }

    private static void write(ChannelHandlerContext ctx, AdminReply reply, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            return;
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        ByteBuf content = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(), content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff");
        if (reply.status() == HttpResponseStatus.UNAUTHORIZED) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"runagents-admin\"");
        }
        HttpUtil.setContentLength(response, bytes.length);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Sets what {@code GET /admin/identity-providers} shows as each provider's status (such as "keys loaded"
     * or the last JWKS error); by default "serving".
     */
    public void providerStatus(java.util.function.Function<String, String> status) {
        resources.providerStatus(status);
    }
}
