package io.runagents.ingress.core.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.identity.ClaimHeaderValues;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.RejectReason;
import io.runagents.ingress.jwt.TokenFingerprint;
import io.runagents.ingress.jwt.TokenPeek;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticated agents only: verifies the bearer token with the provider the selector picks and either
 * forwards the request with {@code X-End-User-ID}, the claim headers and a signed
 * {@code X-End-User-Context}, or refuses it: 401 with a {@code WWW-Authenticate} challenge, 403 for a
 * domain or unverified email, 503 with {@code Retry-After} when no keys can be had. A refused request
 * never reaches the agent.
 *
 * <p>When the decision waits for a key fetch, the request (and any body that arrived with it) is held here
 * and reading stays paused; the decision resumes on this channel's event loop.
 */
final class IdentityHandler extends RequestStage {
    private static final Logger log = LoggerFactory.getLogger(IdentityHandler.class);
    /** Seconds a client should wait after a 503 before retrying. */
    static final int RETRY_AFTER_SECONDS = 30;

    private final ProxyMetrics metrics;
    private final ContextKeyring contextKeys;

    IdentityHandler(ExchangeLog log, ContextKeyring contextKeys) {
        super(log);
        this.metrics = log.metrics();
        this.contextKeys = contextKeys;
    }

    @Override
    void onHead(ChannelHandlerContext ctx, Object msg) {
        IngressRequest request = (IngressRequest) msg;
        if (request.route.agent().access() == Access.OPEN) {
            ctx.fireChannelRead(request);
            return;
        }
        String token = request.token;
        JwtAuthenticator authenticator = request.config.identity().select(request.route.agent(), request.host, token);
        if (authenticator == null) {
            // No provider serves this host: without a token that is a plain challenge, as for any missing token.
            boolean tokenSent = token != null && !token.isEmpty();
            refuse(ctx, request, AuthResult.Rejected.of(tokenSent ? RejectReason.ISSUER : RejectReason.MISSING), "-",
                    token);
            return;
        }
        request.provider = authenticator.provider().name();
        decide(ctx, request, authenticator, token, authenticator.authenticate(token));
    }

    private void decide(ChannelHandlerContext ctx, IngressRequest request, JwtAuthenticator authenticator,
                        String token, AuthResult result) {
        String provider = authenticator.provider().name();
        if (result instanceof AuthResult.Authenticated user) {
            metrics.authResult(provider, "authenticated");
            admit(request, authenticator.provider(), user);
            ctx.fireChannelRead(request);
        } else if (result instanceof AuthResult.Rejected rejected) {
            refuse(ctx, request, rejected, provider, token);
        } else if (result instanceof AuthResult.Unavailable unavailable) {
            metrics.authResult(provider, "unavailable");
            request.refusal = "keys_unavailable";
            reject(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "temporarily_unavailable",
                    unavailable.description(),
                    r -> r.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS));
        } else {
            pause();
            ((AuthResult.Pending) result).completion().whenComplete((next, error) -> ctx.executor().execute(() -> {
                if (!ctx.channel().isActive()) {
                    resume(ctx); // releases what was held
                    return;
                }
                AuthResult decided = next != null ? next
                        : new AuthResult.Unavailable("key fetch failed for identity provider " + provider);
                decide(ctx, request, authenticator, token, decided);
                resume(ctx);
            }));
        }
    }

    /** Sets what the agent receives about the user. */
    private void admit(IngressRequest request, IdentityProvider provider, AuthResult.Authenticated user) {
        HttpHeaders headers = request.head.headers();
        request.user = user;
        request.forwardAuthorization = provider.forwardToken();
        // The id's UTF-8 bytes, as oauth2-proxy and Envoy send it: distinct ids stay distinct on the wire.
        headers.set(ProxyHeaders.X_END_USER_ID, ProxyHeaders.utf8(user.userId()));
        for (Map.Entry<String, String> claimHeader : provider.claimHeaders().entrySet()) {
            String value = ClaimHeaderValues.render(user.claims().get(claimHeader.getKey()));
            if (value != null) {
                headers.set(claimHeader.getValue(), value);
            }
        }
        headers.set(ProxyHeaders.X_END_USER_CONTEXT, contextKeys.signer().headerValue(user, request.requestId,
                request.config.snapshot().proxy().identityContext().ttlSeconds()));
    }

    /** What a log may say about a token: a short hash and its (unverified, sanitised) issuer. */
    private static String describe(String token) {
        String issuer = TokenPeek.issuer(token).orElse("-").replaceAll("[^\\x20-\\x7e]", "?");
        return TokenFingerprint.of(token) + " iss=" + issuer;
    }

    private void refuse(ChannelHandlerContext ctx, IngressRequest request, AuthResult.Rejected rejected,
                        String provider, String token) {
        RejectReason reason = rejected.reason();
        request.refusal = reason.name().toLowerCase(java.util.Locale.ROOT);
        metrics.authResult(provider, reason.name().toLowerCase(java.util.Locale.ROOT));
        if (log.isDebugEnabled() && token != null && !token.isEmpty()) {
            log.debug("[{}] refused token {} for provider {}: {}", ctx.channel().id(),
                    describe(token), provider, reason);
        }
        if (rejected.forbidden()) {
            reject(ctx, request, HttpResponseStatus.FORBIDDEN, "forbidden", rejected.description(), null);
            return;
        }
        boolean tokenSent = reason != RejectReason.MISSING;
        String challenge = "Bearer realm=\"" + request.host + "\"" + (tokenSent
                ? ", error=\"invalid_token\", error_description=\"" + rejected.description() + "\"" : "");
        reject(ctx, request, HttpResponseStatus.UNAUTHORIZED, tokenSent ? "invalid_token" : "unauthorized",
                tokenSent ? rejected.description() : "a bearer token is required",
                (FullHttpResponse r) -> r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge));
    }
}
