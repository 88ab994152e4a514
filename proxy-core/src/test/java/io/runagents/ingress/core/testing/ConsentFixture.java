package io.runagents.ingress.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.AuditSettings;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.TokenStoreSettings;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.demo.authserver.ClientAuthMethod;
import io.runagents.ingress.core.demo.authserver.IssuedTokens;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Per-user consent end to end, set up once for every test of it: an identity provider's JWKS, an authenticated
 * agent {@code assistant} (it hands the tests the identity context), one {@code oauth2} tool {@code drive} behind
 * a {@link StubAuthorizationServer}, and a proxy with the SQLite token store in a data directory of its own. The
 * proxy can be restarted on the same data directory, audit file and context key with another token key. The
 * consent dance is played here as the user's application and browser play it, and every code, state and consent
 * code it handles is remembered, so that {@link #assertNoSecretWritten} can check the audit trail and the logs.
 */
public final class ConsentFixture implements AutoCloseable {
    public static final String CALLBACK = "http://127.0.0.1:1/oauth/callback";
    public static final String TOOL = "drive";
    /** A second tool with the same authorization server and client: a consent for one is not one for the other. */
    public static final String OTHER_TOOL = "drive-archive";
    private static final String CLIENT_SECRET = "drive-secret";
    private static final String HOST = "portal.example.test";
    private static final RSAKey IDP_KEY = TestKeys.rsa();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PAGE_CODE = Pattern.compile("id=\"consent-code\">([^<]+)<");

    private final ContextSigningKey contextKey = ContextSigningKey.generate();
    private final StubJwksServer jwks;
    private final StubAgent agent;
    private final StubAuthorizationServer drive;
    private final String dataDir = TestConfigs.newDataDir();
    private final AuditSettings audit = TestConfigs.newAuditFile();
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private ConsentSettings consent = new ConsentSettings(URI.create(CALLBACK), null, 600, 3000);
    private URI toolIssuer;
    private String tokenKey = newTokenKey("k1");
    private TokenStoreSettings tokenStore = TokenStoreSettings.DEFAULTS;
    private String databasePassword;
    private ProxyServer proxy;
    private final List<ProxyServer> replicas = new ArrayList<>();

    /** Starts the servers around the proxy; configure, then {@link #start()}. */
    public ConsentFixture() throws Exception {
        logs.setContext(root.getLoggerContext());
        logs.start();
        root.addAppender(logs);
        jwks = new StubJwksServer().jwks(TestKeys.jwks(IDP_KEY));
        agent = StubAgent.start();
        drive = new StubAuthorizationServer().register(OAuthClient.confidential("proxy", CLIENT_SECRET,
                ClientAuthMethod.CLIENT_SECRET_BASIC, CALLBACK));
    }

    /** {@code consent.*} for the next start. */
    public ConsentFixture consent(URI returnUrl, int stateTtlSeconds, int tokenTimeoutMillis) {
        consent = new ConsentSettings(URI.create(CALLBACK), returnUrl, stateTtlSeconds, tokenTimeoutMillis);
        return this;
    }

    /** The tool's {@code auth.issuer} (RFC 9207) for the next start; null (the default) sets none. */
    public ConsentFixture toolIssuer(URI issuer) {
        toolIssuer = issuer;
        return this;
    }

    /** A PostgreSQL token store ({@code tokenStore.url}) for the next start, shared with {@link #startReplica()}. */
    public ConsentFixture tokenStore(String url, String username, String password) {
        tokenStore = new TokenStoreSettings(url, username, "DATABASE_PASSWORD", "RUNAGENTS_TOKEN_KEY", 8);
        databasePassword = password;
        return this;
    }

    /** A key ring entry {@code id:base64key} with 32 fresh random bytes. */
    public static String newTokenKey(String id) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return id + ":" + Base64.getEncoder().encodeToString(key);
    }

    public String tokenKey() {
        return tokenKey;
    }

    public ConsentFixture start() throws Exception {
        proxy = startProxy(dataDir, audit);
        return this;
    }

    /**
     * Another replica beside the started proxy: the same configuration, token store, token key and identity-context
     * signing key (so a context one signs is accepted by the other's egress), its own dataDir and audit file.
     * Closed with the fixture.
     */
    public ProxyServer startReplica() throws Exception {
        ProxyServer replica = startProxy(TestConfigs.newDataDir(), TestConfigs.newAuditFile());
        replicas.add(replica);
        return replica;
    }

    private ProxyServer startProxy(String dataDir, AuditSettings audit) throws Exception {
        Agent assistant = new Agent("assistant", null, "/", List.of(agent.uri()), false, Access.AUTHENTICATED,
                null, 30, null);
        Tool tool = new Tool(TOOL, drive.toolBaseUrl(), new ToolAuth.OAuth2(drive.authorizationUrl(),
                drive.tokenUrl(), "proxy", "DRIVE_SECRET", List.of("files.read"),
                ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC, drive.revocationUrl(), toolIssuer, null));
        Tool other = new Tool(OTHER_TOOL, drive.toolBaseUrl(), tool.auth());
        ProxySettings d = ProxySettings.DEFAULTS;
        ProxySettings settings = new ProxySettings(TestConfigs.LOOPBACK, dataDir, d.tls(), Limits.DEFAULTS, d.jwks(),
                d.tokenCache(), audit, d.identityContext(), tokenStore, d.admin(), consent);
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), settings,
                List.of(TestTokens.provider("corp", jwks.uri(), List.of("company.com"))), List.of(assistant),
                List.of(tool, other), List.of());
        String key = tokenKey;
        String password = databasePassword;
        return ProxyServer.start(snapshot, 2, contextKey, name -> switch (name) {
            case "DRIVE_SECRET" -> CLIENT_SECRET;
            case "RUNAGENTS_TOKEN_KEY" -> key;
            case "DATABASE_PASSWORD" -> password;
            default -> null;
        });
    }

    /** Stops the proxy and starts it again on the same data directory and audit file, with {@code tokenKey}. */
    public void restart(String tokenKey) throws Exception {
        stopProxy();
        this.tokenKey = tokenKey;
        start();
    }

    /** Stops the proxy (every audit line is written by then); idempotent. */
    public void stopProxy() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    public ProxyServer proxy() {
        return proxy;
    }

    public StubAuthorizationServer drive() {
        return drive;
    }

    public StubAgent agent() {
        return agent;
    }

    public Path tokenDatabase() {
        return Path.of(dataDir, "tokens.db");
    }

    // ---- the user, the agent and the browser

    /** A JWT of the corp provider for {@code email}. */
    public static String token(String email) throws Exception {
        return TestTokens.signedBy(IDP_KEY).claim("email", email).sign();
    }

    /** The identity context the ingress forwards to the agent for {@code token}'s user. */
    public String contextFor(String token) throws Exception {
        RawHttp.Response response = RawHttp.get(proxy.ingressAddress(), HOST, "/ask", "Authorization: Bearer " + token);
        assertThat(response.status()).isEqualTo(200);
        return agent.received().get(agent.received().size() - 1).header("X-End-User-Context");
    }

    /** The agent's call of the tool at {@code path} ({@code /tools/drive/...}) with {@code context}. */
    public RawHttp.Response callTool(String context, String path, String... headers) throws Exception {
        return callTool(proxy, context, path, headers);
    }

    /** The agent's call of the tool through {@code replica}'s egress. */
    public static RawHttp.Response callTool(ProxyServer replica, String context, String path, String... headers)
            throws Exception {
        String[] all = new String[headers.length + 1];
        all[0] = "X-End-User-Context: " + context;
        System.arraycopy(headers, 0, all, 1, headers.length);
        return RawHttp.get(replica.egressAddress(), "egress", path, all);
    }

    public RawHttp.Response post(String path, String token, String body) throws Exception {
        return RawHttp.exchange(proxy.ingressAddress(), "POST " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body);
    }

    public RawHttp.Response get(String path, String token) throws Exception {
        return RawHttp.get(proxy.ingressAddress(), HOST, path, "Authorization: Bearer " + token);
    }

    public RawHttp.Response delete(String path, String token) throws Exception {
        return RawHttp.exchange(proxy.ingressAddress(), "DELETE " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

    /** {@code GET /readyz} on the admin listener. */
    public RawHttp.Response readiness() throws Exception {
        return RawHttp.get(proxy.adminAddress(), "admin", "/readyz");
    }

    /** Starts a consent for the tool as the user's application does; its authorization URL. */
    public URI startConsent(String token) throws Exception {
        RawHttp.Response started = post("/oauth/consent/" + TOOL, token, "");
        assertThat(started.status()).isEqualTo(200);
        return URI.create(JSON.readTree(started.body()).get("authorization_url").asText());
    }

    /** The browser at {@code authorizationUrl}, the user there being {@code account}: where it is sent back. */
    public ConsentRedirect consentAt(URI authorizationUrl, String account) throws Exception {
        return remember(drive.consentBy(account).consent(authorizationUrl));
    }

    /** Remembers the code and state of {@code redirect} as secrets. */
    public ConsentRedirect remember(ConsentRedirect redirect) {
        rememberSecret(redirect.code());
        rememberSecret(redirect.state());
        return redirect;
    }

    /** The browser brings {@code redirect} to the proxy's callback. */
    public RawHttp.Response callback(ConsentRedirect redirect) throws Exception {
        return RawHttp.get(proxy.ingressAddress(), HOST, "/oauth/callback?" + redirect.location().getRawQuery());
    }

    /** The callback's page (no {@code returnUrl}) and the consent code it shows. */
    public String consentCodeFromCallback(ConsentRedirect redirect) throws Exception {
        RawHttp.Response page = callback(redirect);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        Matcher code = PAGE_CODE.matcher(page.body());
        assertThat(code.find()).isTrue();
        return rememberSecret(code.group(1));
    }

    public RawHttp.Response complete(String token, String consentCode) throws Exception {
        return post("/oauth/consent/" + TOOL + "/complete", token, "{\"consent_code\":\"" + consentCode + "\"}");
    }

    /** The whole dance (no {@code returnUrl}): {@code token}'s user grants the tool, as {@code account} there. */
    public void grant(String token, String account) throws Exception {
        String code = consentCodeFromCallback(consentAt(startConsent(token), account));
        assertThat(complete(token, code).status()).isEqualTo(200);
    }

    public String rememberSecret(String secret) {
        if (secret != null) {
            secrets.add(secret);
        }
        return secret;
    }

    // ---- what was written

    public String auditText() throws IOException {
        Path file = Path.of(audit.file());
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /** The audit lines as JSON, each as written so far. */
    public List<JsonNode> auditLines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : auditText().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The consent lines ({@code direction: consent}) with {@code decision}. */
    public List<JsonNode> consentLines(String decision) throws IOException {
        return auditLines().stream().filter(l -> l.path("direction").asText().equals("consent")
                && l.path("decision").asText().equals(decision)).toList();
    }

    public String logText() {
        StringBuilder text = new StringBuilder();
        synchronized (logs) {
            for (ILoggingEvent event : logs.list) {
                text.append(event.getFormattedMessage()).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Stops the proxy, so every audit line is written, and checks that neither the audit file nor any log line
     * holds a token the authorization server issued, a code, state or consent code the dance handled, the fake
     * token of a failing token endpoint, or the client secret.
     */
    public void assertNoSecretWritten() throws IOException {
        stopProxy();
        List<String> all = new ArrayList<>(secrets);
        for (IssuedTokens issued : drive.issuedTokens()) {
            all.add(issued.accessToken());
            if (issued.refreshToken() != null) {
                all.add(issued.refreshToken());
            }
        }
        for (Map<String, String> query : drive.authorizationRequests()) {
            if (query.get("state") != null) {
                all.add(query.get("state"));
            }
        }
        all.add("at_not_issued");
        all.add(CLIENT_SECRET);
        String auditText = auditText();
        String logText = logText();
        for (String secret : all) {
            assertThat(auditText).as("the audit file").doesNotContain(secret);
            assertThat(logText).as("the logs").doesNotContain(secret);
        }
    }

    @Override
    public void close() {
        stopProxy();
        replicas.forEach(ProxyServer::close);
        agent.close();
        drive.close();
        jwks.close();
        root.detachAppender(logs);
        logs.stop();
    }
}
