package io.runagents.ingress.core.exchange;

import io.netty.handler.codec.http.HttpRequest;
import io.runagents.ingress.core.policy.PolicyDecision;
import io.runagents.ingress.core.routing.AgentRoute;
import io.runagents.ingress.core.routing.NoRoute;
import io.runagents.ingress.core.routing.Route;
import io.runagents.ingress.core.routing.UpstreamRoute;
import io.runagents.ingress.core.runtime.RuntimeConfig;
import io.runagents.ingress.jwt.AuthResult;
import java.util.function.IntConsumer;

/**
 * One request and its answer, from the first byte of its head to the last byte of the response. The
 * {@link RequestSequencer} makes one per request head and hands it down the pipeline in the head's place;
 * each stage records what it learns through the named methods below (the guard: target, id; routing: the
 * route; identity: the user; policies: the decision) and the relay and the exchange log read it all. The
 * body follows as ordinary {@code HttpContent} messages.
 *
 * <p>It is the one place that decides whether the connection closes after this exchange
 * ({@link #closeAfter}, {@link #closesConnection}) and through which the stages ask for more input
 * ({@link #readMore}). Confined to the channel's event loop.
 */
public final class Exchange {
    /** What the sequencer does for an exchange: reading is its decision, asked for here. */
    interface Input {
        /** Asks the connection for its next read, unless reading is over for this connection. */
        void readMore();
    }

    private final HttpRequest head;
    private final RuntimeConfig config;
    private final ListenerProfile profile;
    private final long startNanos;
    private final Input input;

    private String requestId;
    private boolean parsed;
    private String host;
    private String authority;
    private String path;
    private String query;
    private boolean webSocket;
    private boolean http10;
    private boolean clientKeepAlive;
    private boolean closeAfter;
    private String token;

    private Route route = NoRoute.INSTANCE;
    private AuthResult.Authenticated user;
    private String provider;
    private boolean forwardAuthorization;
    private PolicyDecision decision;
    private boolean refused;
    private String refusal;
    private String contextId;
    private String callingAgent;
    private String allowedOrigin;
    private long upstreamSentNanos;
    private IntConsumer upstreamStatus;

    Exchange(HttpRequest head, RuntimeConfig config, ListenerProfile profile, long startNanos, Input input) {
        this.head = head;
        this.config = config;
        this.profile = profile;
        this.startNanos = startNanos;
        this.input = input;
    }

    /** The decoder's request head; stages edit its headers and the relay its target. */
    public HttpRequest head() {
        return head;
    }

    /** The configuration the exchange started with and keeps to its end, whatever reloads meanwhile. */
    public RuntimeConfig config() {
        return config;
    }

    /** Which listener serves the exchange. */
    public ListenerProfile profile() {
        return profile;
    }

    /** When the request head arrived ({@link System#nanoTime()}). */
    public long startNanos() {
        return startNanos;
    }

    /** The request id (kept from the client when sane, else generated); set first by the guard. */
    public String requestId() {
        return requestId;
    }

    /** Replaces the request id (the egress carries on the one the agent sent). */
    public void requestId(String id) {
        this.requestId = id;
    }

    /** Records what the guard resolved from a well-formed head. */
    void target(String host, String authority, String path, String query) {
        this.parsed = true;
        this.host = host;
        this.authority = authority;
        this.path = path;
        this.query = query;
    }

    /** Records how the client wants the connection used, read before hop-by-hop headers are removed. */
    void connection(boolean keepAlive, boolean http10, boolean webSocket) {
        this.clientKeepAlive = keepAlive;
        this.http10 = http10;
        this.webSocket = webSocket;
    }

    /** True once the guard accepted the head; before that only the head and the id are known. */
    public boolean parsed() {
        return parsed;
    }

    /** Lower case, no port, no trailing dot: what routing and provider selection use. */
    public String host() {
        return host;
    }

    /** The authority as the client gave it (with port): becomes {@code X-Forwarded-Host}. */
    public String authority() {
        return authority;
    }

    /** The normalised path: what routing and policies see and what is forwarded. */
    public String path() {
        return path;
    }

    /** The query without '?', as received; null when absent. */
    public String query() {
        return query;
    }

    /** A WebSocket upgrade request that is proxied after its checks. */
    public boolean webSocket() {
        return webSocket;
    }

    /** An HTTP/1.0 client: no chunked responses for it, and keep-alive only when asked for. */
    public boolean http10() {
        return http10;
    }

    /** The bearer token as the guard found it (size checked); null without one or at the egress. */
    public String token() {
        return token;
    }

    void token(String token) {
        this.token = token;
    }

    /** Where the exchange goes; {@link NoRoute} until routing found one. */
    public Route route() {
        return route;
    }

    public void route(Route route) {
        this.route = route;
    }

    /** The route when it leads to an agent or a tool; null otherwise. */
    public UpstreamRoute upstreamRoute() {
        return route instanceof UpstreamRoute upstream ? upstream : null;
    }

    /** The agent's or tool's name for logs and metrics, or "-" before routing. */
    public String targetName() {
        return route instanceof UpstreamRoute upstream ? upstream.name() : "-";
    }

    /** The agent: the route's at the ingress, the one calling the tool at the egress; null while unknown. */
    public String agentName() {
        return route instanceof AgentRoute agent ? agent.name() : callingAgent;
    }

    /** Records the agent that calls a tool (the identity context's {@code aud}). */
    public void callingAgent(String agent) {
        this.callingAgent = agent;
    }

    /** The identity provider chosen to check the token, recorded before the check: refusals are audited with it. */
    public void checkedBy(String provider) {
        this.provider = provider;
    }

    /** The verified user, and whether the provider forwards the client's {@code Authorization}. */
    public void authenticated(AuthResult.Authenticated user, boolean forwardAuthorization) {
        this.user = user;
        this.forwardAuthorization = forwardAuthorization;
    }

    /** The verified user; null on open routes and before identity. */
    public AuthResult.Authenticated user() {
        return user;
    }

    /** The provider that vouched for the user, or the one that was asked when the token was refused. */
    public String provider() {
        return user != null ? user.provider() : provider;
    }

    public boolean forwardAuthorization() {
        return forwardAuthorization;
    }

    /** The id ({@code jti}) of the identity context forwarded (ingress) or received (egress); may be null. */
    public String contextId() {
        return contextId;
    }

    public void contextId(String contextId) {
        this.contextId = contextId;
    }

    /** The caller is a browser page of {@code origin}, which the agent's CORS settings allow. */
    public void allowOrigin(String origin) {
        this.allowedOrigin = origin;
    }

    /** The allowed cross-origin caller, whose answers carry CORS headers; null when there is none. */
    public String allowedOrigin() {
        return allowedOrigin;
    }

    /** What the target's policies decided. */
    public void decided(PolicyDecision decision) {
        this.decision = decision;
    }

    /** Null before the policy stage. */
    public PolicyDecision decision() {
        return decision;
    }

    /**
     * Marks the exchange refused by the proxy (its audit decision is deny).
     *
     * @param reason why, when more precise than the answer's error code (e.g. {@code expired}); may be null
     */
    public void refuse(String reason) {
        this.refused = true;
        if (reason != null) {
            this.refusal = reason;
        }
    }

    public boolean refused() {
        return refused;
    }

    /** The precise reason given to {@link #refuse}, or null. */
    public String refusal() {
        return refusal;
    }

    /** The connection closes once this exchange is over, whatever the client asked for. */
    public void closeAfter() {
        this.closeAfter = true;
    }

    /** Whether the connection closes after this exchange: the client's wish or a stage's decision. */
    public boolean closesConnection() {
        return closeAfter || !clientKeepAlive;
    }

    /** Asks for the next read of the client connection (body, backpressure resume). */
    public void readMore() {
        input.readMore();
    }

    /**
     * Has {@code listener} told the status of the upstream's answer (final, not interim) when it arrives: the
     * egress drops a user's access token the tool answered 401 to.
     */
    public void onUpstreamStatus(IntConsumer listener) {
        this.upstreamStatus = listener;
    }

    /** The upstream's final answer began with {@code status}. */
    void upstreamAnswered(int status) {
        if (upstreamStatus != null) {
            upstreamStatus.accept(status);
        }
    }

    /** Records when the head went to the upstream, for the upstream latency metric. */
    void sentUpstream(long nanos) {
        this.upstreamSentNanos = nanos;
    }

    long upstreamSentNanos() {
        return upstreamSentNanos;
    }
}
