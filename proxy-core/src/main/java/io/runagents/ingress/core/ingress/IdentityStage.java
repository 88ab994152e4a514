package io.runagents.ingress.core.ingress;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.core.exchange.Exchange;
import io.runagents.ingress.core.exchange.Stage;
import io.runagents.ingress.core.exchange.Verdict;
import io.runagents.ingress.core.http.HeaderList;
import io.runagents.ingress.core.http.ProxyHeaders;
import io.runagents.ingress.core.http.WireError;
import io.runagents.ingress.core.identity.ClaimHeaderValues;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.identity.SignedContext;
import io.runagents.ingress.core.metrics.ProxyMetrics;
import io.runagents.ingress.core.routing.AgentRoute;
import io.runagents.ingress.jwt.AuthResult;
import io.runagents.ingress.jwt.JwtAuthenticator;
import io.runagents.ingress.jwt.RejectReason;
import io.runagents.ingress.jwt.TokenFingerprint;
import io.runagents.ingress.jwt.TokenPeek;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticated agents only: verifies the bearer token with the provider the selector picks and either
 * passes the request on with {@code X-End-User-ID}, the claim headers and a signed
 * {@code X-End-User-Context}, or refuses it: 401 with a {@code WWW-Authenticate} challenge, 403 for a
 * domain or unverified email, 503 with {@code Retry-After} when no keys can be had. A refused request
 * never reaches the agent. When the decision waits for a key fetch, the verdict comes later.
 */
final class IdentityStage implements Stage {
    private static final Logger log = LoggerFactory.getLogger(IdentityStage.class);
    /** Seconds a client should wait after a 503 before retrying. */
    static final int RETRY_AFTER_SECONDS = 30;

    private final ProxyMetrics metrics;
    private final ContextKeyring contextKeys;

    IdentityStage(ProxyMetrics metrics, ContextKeyring contextKeys) {
        this.metrics = metrics;
        this.contextKeys = contextKeys;
    }

    @Override
    public Verdict apply(Exchange exchange) {
        AgentRoute route = (AgentRoute) exchange.route();
        if (route.agent().access() == Access.OPEN) {
            return Verdict.NEXT;
        }
        String token = exchange.token();
        JwtAuthenticator authenticator = exchange.config().identity().select(route.agent(), exchange.host(), token);
        if (authenticator == null) {
            // No provider serves this host: without a token that is a plain challenge, as for any missing token.
            boolean tokenSent = token != null && !token.isEmpty();
            return refuse(exchange, AuthResult.Rejected.of(tokenSent ? RejectReason.ISSUER : RejectReason.MISSING),
                    "-", token);
        }
        exchange.checkedBy(authenticator.provider().name());
        return decide(exchange, authenticator, token, authenticator.authenticate(token));
    }

    private Verdict decide(Exchange exchange, JwtAuthenticator authenticator, String token, AuthResult result) {
        String provider = authenticator.provider().name();
        if (result instanceof AuthResult.Authenticated user) {
            Agent agent = ((AgentRoute) exchange.route()).agent();
            if (!user.scopes().containsAll(agent.requiredScopes())) {
                return insufficientScope(exchange, agent, user, provider);
            }
            metrics.authResult(provider, "authenticated");
            admit(exchange, authenticator.provider(), user);
            return Verdict.NEXT;
        }
        if (result instanceof AuthResult.Rejected rejected) {
            return refuse(exchange, rejected, provider, token);
        }
        if (result instanceof AuthResult.Unavailable unavailable) {
            metrics.authResult(provider, "unavailable");
            exchange.refuse("keys_unavailable");
            return new Verdict.Refusal(WireError.TEMPORARILY_UNAVAILABLE, unavailable.description(),
                    h -> h.setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS));
        }
        return new Verdict.Later<AuthResult>(((AuthResult.Pending) result).completion(), decided ->
                decide(exchange, authenticator, token, decided != null ? decided
                        : new AuthResult.Unavailable("key fetch failed for identity provider " + provider)));
    }

    /** Sets what the agent receives about the user. */
    private void admit(Exchange exchange, IdentityProvider provider, AuthResult.Authenticated user) {
        HttpHeaders headers = exchange.head().headers();
        exchange.authenticated(user, provider.forwardToken());
        // The id's UTF-8 bytes, as oauth2-proxy and Envoy send it: distinct ids stay distinct on the wire.
        headers.set(ProxyHeaders.X_END_USER_ID, ProxyHeaders.utf8(user.userId()));
        for (Map.Entry<String, String> claimHeader : provider.claimHeaders().entrySet()) {
            String value = ClaimHeaderValues.render(user.claims().get(claimHeader.getKey()));
            if (value != null) {
                headers.set(claimHeader.getValue(), value);
            }
        }
        SignedContext context = contextKeys.contextFor(user, exchange.agentName(), provider.clockSkewSeconds());
        // A compact JWS the proxy signed: base64url and dots only, nothing to check again (a user id or a claim is).
        HeaderList.setProduced(headers, ProxyHeaders.X_END_USER_CONTEXT, context.headerValue());
        exchange.contextId(context.id());
    }

    /**
     * A valid token without every scope the agent requires (SPEC section 11, RFC 6750 section 3.1): 403 with a
     * challenge naming the scopes, so the client can ask the user for them.
     */
    private Verdict insufficientScope(Exchange exchange, Agent agent, AuthResult.Authenticated user, String provider) {
        exchange.authenticated(user, false); // the audit line names the user who lacked the scope
        exchange.refuse("insufficient_scope");
        metrics.authResult(provider, "insufficient_scope");
        String required = String.join(" ", agent.requiredScopes());
        String challenge = "Bearer realm=\"" + exchange.host() + "\", error=\"insufficient_scope\", scope=\""
                + required + "\", resource_metadata=\"" + ProtectedResource.metadataUrl(agent, exchange) + "\"";
        return new Verdict.Refusal(WireError.INSUFFICIENT_SCOPE, "the token lacks scopes this agent requires: "
                + required, h -> h.set(HttpHeaderNames.WWW_AUTHENTICATE, challenge));
    }

    /** What a log may say about a token: a short hash and its (unverified, sanitised) issuer. */
    private static String describe(String token) {
        String issuer = TokenPeek.issuer(token).orElse("-").replaceAll("[^\\x20-\\x7e]", "?");
        return TokenFingerprint.of(token) + " iss=" + issuer;
    }

    private Verdict refuse(Exchange exchange, AuthResult.Rejected rejected, String provider, String token) {
        RejectReason reason = rejected.reason();
        String name = reason.name().toLowerCase(Locale.ROOT);
        exchange.refuse(name);
        metrics.authResult(provider, name);
        if (log.isDebugEnabled() && token != null && !token.isEmpty()) {
            log.debug("[{}] refused token {} for provider {}: {}", exchange.requestId(), describe(token), provider,
                    reason);
        }
        if (rejected.forbidden()) {
            return Verdict.refuse(WireError.FORBIDDEN, rejected.description());
        }
        boolean tokenSent = reason != RejectReason.MISSING;
        Agent agent = ((AgentRoute) exchange.route()).agent();
        // RFC 9728 section 5.1: the challenge says where the metadata is, so an MCP client can find how to log in.
        String challenge = "Bearer realm=\"" + exchange.host() + "\", resource_metadata=\""
                + ProtectedResource.metadataUrl(agent, exchange) + "\"" + (tokenSent
                ? ", error=\"invalid_token\", error_description=\"" + rejected.description() + "\"" : "");
        return new Verdict.Refusal(tokenSent ? WireError.INVALID_TOKEN : WireError.UNAUTHORIZED,
                tokenSent ? rejected.description() : WireError.UNAUTHORIZED.description(),
                h -> h.set(HttpHeaderNames.WWW_AUTHENTICATE, challenge));
    }
}
