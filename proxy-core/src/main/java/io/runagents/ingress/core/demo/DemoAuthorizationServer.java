package io.runagents.ingress.core.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.runagents.ingress.core.demo.authserver.AccessGrant;
import io.runagents.ingress.core.demo.authserver.AuthorizationCheck;
import io.runagents.ingress.core.demo.authserver.AuthorizationRequest;
import io.runagents.ingress.core.demo.authserver.AuthorizationServerUrls;
import io.runagents.ingress.core.demo.authserver.OAuthAuthority;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.demo.authserver.OAuthError;
import io.runagents.ingress.core.demo.authserver.OAuthHttp;
import io.runagents.ingress.core.demo.authserver.ServedAuthorizationServer;
import io.runagents.ingress.core.demo.authserver.TokenSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's own OAuth authorization server and the tool behind it, "Demo Drive", on 127.0.0.1 only: the
 * {@code drive} tool of {@code bin/runagents demo} needs a per-user consent somewhere, and the demo needs no
 * account anywhere. Authorization with PKCE S256 (auto-approved for the account named by {@code login_hint},
 * else a page with an Allow button), tokens with refresh rotation, RFC 7009 revocation, RFC 9207 {@code iss} on
 * every answer, and {@code GET /drive/files}, the account's files for a valid bearer token. Demo-only: any
 * account name is taken on its word.
 */
public final class DemoAuthorizationServer implements ServedAuthorizationServer {
    private static final Logger log = LoggerFactory.getLogger(DemoAuthorizationServer.class);
    /** The query parameter (OpenID Connect's) that names the account and skips the consent page. */
    public static final String ACCOUNT_PARAMETER = "login_hint";
    /** What a demo account may be called: an email-like name, nothing a page or a log line could misread. */
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    private final HttpServer server;
    private final ExecutorService threads;
    private final OAuthAuthority authority;

    private DemoAuthorizationServer(HttpServer server, ExecutorService threads, OAuthAuthority authority) {
        this.server = server;
        this.threads = threads;
        this.authority = authority;
    }

    /** Starts on a free loopback port with the system clock and {@link TokenSettings#DEFAULTS}. */
    public static DemoAuthorizationServer start() throws IOException {
        return start(Clock.systemUTC(), TokenSettings.DEFAULTS);
    }

    /** Starts on a free loopback port; no client is registered until {@link #register}. */
    public static DemoAuthorizationServer start(Clock clock, TokenSettings settings) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-authorization-server");
            t.setDaemon(true);
            return t;
        });
        DemoAuthorizationServer demo = new DemoAuthorizationServer(server, threads, new OAuthAuthority(clock, settings));
        server.createContext("/", demo::handle);
        server.setExecutor(threads);
        server.start();
        return demo;
    }

    /**
     * Registers the proxy as a client; called once its callback URL ({@code consent.callbackUrl}) is known,
     * which is after this server's URLs went into the proxy's configuration.
     */
    public void register(OAuthClient client) {
        authority.register(client);
    }

    @Override
    public int port() {
        return server.getAddress().getPort();
    }

    /** The {@code drive} tool's {@code baseUrl}: its calls {@code /tools/drive/files} reach {@code /drive/files}. */
    public URI driveUrl() {
        return urls().below("/drive");
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                route(exchange);
            } catch (OAuthError e) {
                OAuthHttp.error(exchange, e);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("demo authorization server: {} {} failed", exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), e);
        }
    }

    private void route(HttpExchange exchange) throws OAuthError, IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case AuthorizationServerUrls.AUTHORIZE_PATH -> {
                if (method.equals("POST")) {
                    authorize(exchange, OAuthHttp.form(exchange));
                } else {
                    authorize(exchange, OAuthHttp.query(exchange));
                }
            }
            case AuthorizationServerUrls.TOKEN_PATH -> {
                Map<String, String> form = OAuthHttp.form(exchange);
                OAuthHttp.json(exchange, 200, authority.token(form, OAuthHttp.credentials(exchange, form)).body());
            }
            case AuthorizationServerUrls.REVOKE_PATH -> {
                Map<String, String> form = OAuthHttp.form(exchange);
                authority.revoke(form, OAuthHttp.credentials(exchange, form));
                OAuthHttp.send(exchange, 200, "application/json", "");
            }
            case "/drive/files" -> files(exchange);
            default -> OAuthHttp.send(exchange, 404, "text/plain", "not found\n");
        }
    }

    /**
     * GET with {@code login_hint}, or the page's POST with {@code decision=allow}: a code for that account.
     * GET without one: the consent page. The page's POST with another decision: {@code access_denied}.
     */
    private void authorize(HttpExchange exchange, Map<String, String> params) throws IOException {
        AuthorizationCheck check = authority.check(params);
        if (check instanceof AuthorizationCheck.Refused refused) {
            OAuthHttp.page(exchange, 400, DemoConsentPage.refused(refused.reason()));
            return;
        }
        if (check instanceof AuthorizationCheck.Rejected rejected) {
            OAuthHttp.redirect(exchange, rejected.location(issuer()));
            return;
        }
        AuthorizationRequest request = (AuthorizationRequest) check;
        boolean fromPage = exchange.getRequestMethod().equals("POST");
        if (fromPage && !"allow".equals(params.get("decision"))) {
            OAuthHttp.redirect(exchange, request.denied(issuer()));
            return;
        }
        String account = params.get(ACCOUNT_PARAMETER);
        if (account == null && !fromPage) {
            OAuthHttp.page(exchange, 200, DemoConsentPage.consent(params, Demo.ALICE));
            return;
        }
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            OAuthHttp.page(exchange, 400, DemoConsentPage.refused(ACCOUNT_PARAMETER
                    + " must be a demo account name: letters, digits and . _ @ + -, at most 64"));
            return;
        }
        OAuthHttp.redirect(exchange, request.approved(authority.issueCode(request, account), issuer()));
    }

    private void files(HttpExchange exchange) throws IOException {
        String token = OAuthHttp.bearerToken(exchange);
        Optional<AccessGrant> grant = token == null ? Optional.empty() : authority.accessGrant(token);
        if (grant.isEmpty()) {
            // RFC 6750 section 3.1: no token gets the bare challenge, a bad one says so.
            exchange.getResponseHeaders().set("WWW-Authenticate",
                    token == null ? "Bearer realm=\"drive\"" : "Bearer realm=\"drive\", error=\"invalid_token\"");
            OAuthHttp.json(exchange, 401, Map.of("error", token == null ? "unauthorized" : "invalid_token"));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account", grant.get().account());
        body.put("files", filesOf(grant.get().account()));
        OAuthHttp.json(exchange, 200, body);
    }

    /** Every account has a welcome file; the demo's own user has a little more, so accounts look apart. */
    static List<Map<String, Object>> filesOf(String account) {
        Map<String, Object> welcome = file("Welcome to Demo Drive.txt", 1024);
        if (!account.equals(Demo.ALICE)) {
            return List.of(welcome);
        }
        return List.of(welcome, file("Q3 roadmap.md", 18_432), file("Team offsite.pdf", 240_118));
    }

    private static Map<String, Object> file(String name, int size) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("name", name);
        file.put("size", size);
        return file;
    }
}
