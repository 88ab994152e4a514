package io.runagents.ingress.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.runagents.ingress.core.demo.authserver.AccessGrant;
import io.runagents.ingress.core.demo.authserver.AuthorizationCheck;
import io.runagents.ingress.core.demo.authserver.AuthorizationRequest;
import io.runagents.ingress.core.demo.authserver.AuthorizationServerUrls;
import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.ClientCredentials;
import io.runagents.ingress.core.demo.authserver.IssuedTokens;
import io.runagents.ingress.core.demo.authserver.OAuthAuthority;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.demo.authserver.OAuthError;
import io.runagents.ingress.core.demo.authserver.OAuthHttp;
import io.runagents.ingress.core.demo.authserver.RevokedToken;
import io.runagents.ingress.core.demo.authserver.ServedAuthorizationServer;
import io.runagents.ingress.core.demo.authserver.TokenSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real OAuth 2.0 authorization server on {@code 127.0.0.1:0} for end-to-end tests of consent and token
 * injection: {@code /authorize}, {@code /token}, {@code /revoke}, and the tool it guards, {@code /api/*}
 * ({@code /api/whoami} answers whose token it is). The protocol is {@link OAuthAuthority}'s, the demo's own;
 * around it are the test's levers: who consents (or that the user denies), how tokens are answered, failure
 * switches, a gate that holds requests, and records of everything that arrived. Thread-safe; time comes from
 * the injected clock.
 */
public final class StubAuthorizationServer implements ServedAuthorizationServer {
    /** The account that consents until a test names another. */
    public static final String DEFAULT_ACCOUNT = "stub-user";

    /** A token request as it arrived; {@code authMethod} null when its credentials could not be read. */
    public record TokenRequest(Map<String, String> form, Map<String, List<String>> headers,
                               ClientAuthMethod authMethod) {
        public String grantType() {
            return form.get("grant_type");
        }

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    /** A revocation this server performed (unknown tokens too: RFC 7009 answers them 200). */
    public record Revocation(String token, String tokenTypeHint, RevokedToken.Kind kind, String account,
                             String clientId, ClientAuthMethod authMethod) { }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-authorization-server");
        t.setDaemon(true);
        return t;
    });
    private final OAuthAuthority authority;
    private final StubToolEndpoint tool;
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private volatile String consentingAccount = DEFAULT_ACCOUNT;
    private volatile boolean denying;
    private volatile String issuerInRedirect;
    private volatile TokenEndpointFailure tokenFailure = TokenEndpointFailure.NONE;
    private volatile TokenEndpointFailure revocationFailure = TokenEndpointFailure.NONE;
    private final RequestGate gate = new RequestGate();

    private final List<Map<String, String>> authorizationRequests = new CopyOnWriteArrayList<>();
    private final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<IssuedTokens> issued = new CopyOnWriteArrayList<>();
    private final List<Revocation> revocations = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> grantsPerformed = new ConcurrentHashMap<>();
    private final AtomicInteger codesIssued = new AtomicInteger();
    private final AtomicInteger revocationRequests = new AtomicInteger();
    private volatile ClientAuthMethod lastAuthMethod;

    /** Starts on a free loopback port with {@link TokenSettings#DEFAULTS}; register a client before use. */
    public StubAuthorizationServer(Clock clock) throws IOException {
        authority = new OAuthAuthority(clock, TokenSettings.DEFAULTS);
        tool = new StubToolEndpoint(authority);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public StubAuthorizationServer() throws IOException {
        this(Clock.systemUTC());
    }

    // ---- where it is

    @Override
    public int port() {
        return server.getAddress().getPort();
    }

    /** The tool's {@code baseUrl}: an egress call {@code /tools/<tool>/whoami} reaches {@code /api/whoami}. */
    public URI toolBaseUrl() {
        return urls().below("/api");
    }

    // ---- levers

    /** Registers a client (the proxy), replacing one with the same id. */
    public StubAuthorizationServer register(OAuthClient client) {
        authority.register(client);
        return this;
    }

    /** Every consent from now on is given by {@code account}, so tokens can be traced to it. */
    public StubAuthorizationServer consentBy(String account) {
        this.consentingAccount = account;
        return this;
    }

    /** While true, the user says no: the redirect carries {@code error=access_denied}. */
    public StubAuthorizationServer denyConsent(boolean deny) {
        this.denying = deny;
        return this;
    }

    /** The RFC 9207 {@code iss} of every authorization answer; null (the default) sends none. */
    public StubAuthorizationServer issuerInRedirect(String iss) {
        this.issuerInRedirect = iss;
        return this;
    }

    /** Changes how tokens are answered from the next request on (lifetime, expires_in, refresh tokens, scope). */
    public StubAuthorizationServer tokenSettings(UnaryOperator<TokenSettings> change) {
        authority.settings(change);
        return this;
    }

    /** How the token endpoint fails from now on; {@link TokenEndpointFailure#NONE} answers for real again. */
    public StubAuthorizationServer tokenFailure(TokenEndpointFailure failure) {
        this.tokenFailure = failure;
        return this;
    }

    /** How the revocation endpoint fails from now on. */
    public StubAuthorizationServer revocationFailure(TokenEndpointFailure failure) {
        this.revocationFailure = failure;
        return this;
    }

    /** Token and revocation requests wait, unanswered, until {@link #release()}; then they are answered. */
    public void hold() {
        gate.close();
    }

    /** Lets every held or hanging request go on. */
    public void release() {
        gate.open();
    }

    /** Ends every grant of {@code account} at the provider: its refresh then gets {@code invalid_grant}. */
    public int revokeAccount(String account) {
        return authority.revokeAccount(account);
    }

    // ---- the browser's part

    /**
     * Plays the user's browser: GETs {@code authorizationUrl} without following the redirect and returns where
     * it points. Fails when the answer is not a redirect (a refused request).
     */
    public ConsentRedirect consent(URI authorizationUrl) throws IOException, InterruptedException {
        HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(authorizationUrl).build(),
                HttpResponse.BodyHandlers.ofString());
        Optional<String> location = answer.headers().firstValue("Location");
        if (answer.statusCode() != 302 || location.isEmpty()) {
            throw new AssertionError("authorization answered " + answer.statusCode() + ": " + answer.body());
        }
        return ConsentRedirect.of(URI.create(location.get()));
    }

    // ---- records

    /** The query of every authorization request, in order. */
    public List<Map<String, String>> authorizationRequests() {
        return List.copyOf(authorizationRequests);
    }

    public int codesIssued() {
        return codesIssued.get();
    }

    /** Every token request whose form could be read, answered or not, in order. */
    public List<TokenRequest> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    /** Token requests that arrived with this {@code grant_type}, answered or not. */
    public int tokenRequests(String grantType) {
        return (int) tokenRequests.stream().filter(r -> grantType.equals(r.grantType())).count();
    }

    public TokenRequest lastTokenRequest() {
        return tokenRequests.isEmpty() ? null : tokenRequests.get(tokenRequests.size() - 1);
    }

    /** Refreshes performed: refresh-token requests answered with tokens. */
    public int refreshes() {
        return performed("refresh_token");
    }

    /** Codes exchanged for tokens. */
    public int codeExchanges() {
        return performed("authorization_code");
    }

    /** Every token answer given, in order. */
    public List<IssuedTokens> issuedTokens() {
        return List.copyOf(issued);
    }

    /** The revocations performed, in order. */
    public List<Revocation> revocations() {
        return List.copyOf(revocations);
    }

    /** Revocation requests that arrived, answered or not. */
    public int revocationRequests() {
        return revocationRequests.get();
    }

    /** The client authentication method of the last token or revocation request whose credentials were read. */
    public ClientAuthMethod lastAuthMethod() {
        return lastAuthMethod;
    }

    /** Every call the tool ({@code /api/*}) received, with the status it answered. */
    public List<StubToolEndpoint.Call> toolCalls() {
        return tool.calls();
    }

    /** Requests now waiting at {@link #hold()} or {@link TokenEndpointFailure#HANG}. */
    public int waiting() {
        return gate.waiting();
    }

    /** The account {@code accessToken} is valid for now, if it is. */
    public Optional<String> accountOf(String accessToken) {
        return authority.accessGrant(accessToken).map(AccessGrant::account);
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }

    // ---- the endpoints

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            try {
                if (path.equals(AuthorizationServerUrls.AUTHORIZE_PATH)) {
                    authorize(exchange);
                } else if (path.equals(AuthorizationServerUrls.TOKEN_PATH)) {
                    token(exchange);
                } else if (path.equals(AuthorizationServerUrls.REVOKE_PATH)) {
                    revoke(exchange);
                } else if (path.startsWith("/api/")) {
                    tool.handle(exchange, path);
                } else {
                    OAuthHttp.send(exchange, 404, "text/plain", "not found\n");
                }
            } catch (OAuthError e) {
                OAuthHttp.error(exchange, e);
            }
        } catch (IOException e) {
            // the client gave up (a timeout, a size cap): expected in some tests
        }
    }

    private void authorize(HttpExchange exchange) throws OAuthError, IOException {
        Map<String, String> query = OAuthHttp.query(exchange);
        authorizationRequests.add(query);
        AuthorizationCheck check = authority.check(query);
        if (check instanceof AuthorizationCheck.Refused refused) {
            OAuthHttp.send(exchange, 400, "text/plain", "refused: " + refused.reason() + "\n");
        } else if (check instanceof AuthorizationCheck.Rejected rejected) {
            OAuthHttp.redirect(exchange, rejected.location(issuerInRedirect));
        } else {
            AuthorizationRequest request = (AuthorizationRequest) check;
            if (denying) {
                OAuthHttp.redirect(exchange, request.denied(issuerInRedirect));
                return;
            }
            String code = authority.issueCode(request, consentingAccount);
            codesIssued.incrementAndGet();
            OAuthHttp.redirect(exchange, request.approved(code, issuerInRedirect));
        }
    }

    private void token(HttpExchange exchange) throws OAuthError, IOException {
        Map<String, String> form = OAuthHttp.form(exchange);
        ClientCredentials credentials = readCredentials(exchange, form);
        tokenRequests.add(new TokenRequest(form, StubToolEndpoint.headers(exchange.getRequestHeaders()),
                credentials == null ? null : credentials.method()));
        if (answeredByFailure(exchange, tokenFailure)) {
            return;
        }
        IssuedTokens tokens = authority.token(form, OAuthHttp.credentials(exchange, form));
        issued.add(tokens);
        grantsPerformed.computeIfAbsent(tokens.grantType(), g -> new AtomicInteger()).incrementAndGet();
        OAuthHttp.json(exchange, 200, tokens.body());
    }

    private void revoke(HttpExchange exchange) throws OAuthError, IOException {
        revocationRequests.incrementAndGet();
        Map<String, String> form = OAuthHttp.form(exchange);
        ClientCredentials credentials = readCredentials(exchange, form);
        if (answeredByFailure(exchange, revocationFailure)) {
            return;
        }
        RevokedToken revoked = authority.revoke(form, OAuthHttp.credentials(exchange, form));
        revocations.add(new Revocation(form.get("token"), form.get("token_type_hint"), revoked.kind(),
                revoked.account(), credentials.clientId(), credentials.method()));
        OAuthHttp.send(exchange, 200, "application/json", "");
    }

    /** The credentials as presented, recorded as the last method; null when unreadable (answered later). */
    private ClientCredentials readCredentials(HttpExchange exchange, Map<String, String> form) {
        try {
            ClientCredentials credentials = OAuthHttp.credentials(exchange, form);
            lastAuthMethod = credentials.method();
            return credentials;
        } catch (OAuthError e) {
            return null;
        }
    }

    /** Waits at the gate, then answers with the failure in force, if any; true when it answered. */
    private boolean answeredByFailure(HttpExchange exchange, TokenEndpointFailure failure) throws IOException {
        gate.pass(failure == TokenEndpointFailure.HANG);
        if (failure == TokenEndpointFailure.NONE) {
            return false;
        }
        failure.answer(exchange);
        return true;
    }

    private int performed(String grantType) {
        AtomicInteger count = grantsPerformed.get(grantType);
        return count == null ? 0 : count.get();
    }
}
