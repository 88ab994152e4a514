package io.runagents.ingress.core.ingress;

import io.netty.handler.codec.http.HttpRequest;
import io.runagents.ingress.core.policy.PolicyDecision;
import io.runagents.ingress.core.routing.Route;
import io.runagents.ingress.core.server.RuntimeConfig;
import io.runagents.ingress.jwt.AuthResult;

/**
 * One client request as it travels down the ingress pipeline, in place of the decoder's
 * {@link HttpRequest}. Each stage fills in what it decides (the guard: host, path, id; routing: the
 * route); the relay reads it all. The body follows as ordinary {@code HttpContent} messages.
 * Confined to the channel's event loop.
 */
final class IngressRequest {
    final HttpRequest head;
    final RuntimeConfig config;
    final long startNanos;
    /** Lower case, no port, no trailing dot: what routing and provider selection use. */
    String host;
    /** The authority as the client gave it (with port): becomes {@code X-Forwarded-Host}. */
    String authority;
    /** Normalised path, and the query (without '?'; null when absent), forwarded as received. */
    String path;
    String query;
    String requestId;
    boolean webSocket;
    /** An HTTP/1.0 client: no chunked responses for it, and keep-alive only when asked for. */
    boolean http10;
    /** The client's keep-alive wish, read before hop-by-hop headers are removed. */
    boolean keepAlive;
    /** Set when the connection must close after this exchange whatever the client wants. */
    boolean closeAfter;
    /** Set by the identity stage when the provider forwards the client's {@code Authorization}. */
    boolean forwardAuthorization;
    Route route;
    /** The verified user on authenticated routes; null on open ones. */
    AuthResult.Authenticated user;
    /** The bearer token as the guard found it (size checked); null without an Authorization header. Ingress only. */
    String token;
    /** The identity provider chosen to check the token, set before the check: refusals are audited with it. */
    String provider;
    /** True once a stage refused the request (its audit decision is deny). */
    boolean refused;
    /** Why the request was refused, when more precise than the answer's error code (e.g. {@code expired}). */
    String refusal;
    /** What the target's policies decided; null before the policy stage. */
    PolicyDecision decision;

    IngressRequest(HttpRequest head, RuntimeConfig config, long startNanos) {
        this.head = head;
        this.config = config;
        this.startNanos = startNanos;
    }

    /** The agent's name for logs and metrics, or "-" before routing. */
    String agentName() {
        return route == null ? "-" : route.name();
    }
}
