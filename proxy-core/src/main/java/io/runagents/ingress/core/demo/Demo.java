package io.runagents.ingress.core.demo;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.AuditSettings;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.TokenStoreSettings;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.demo.authserver.OAuthClient;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.runtime.ConfigReloader;
import io.runagents.ingress.core.server.ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in demo: a local identity provider, an echo agent behind an authenticated route
 * ({@code /agent}) and behind an open one ({@code /open}), and the commands that show what the agent
 * receives; and an {@code oauth2} tool, {@code drive}, behind the demo's own authorization server
 * ({@link DemoAuthorizationServer}), for the per-user consent story (SPEC section 8). Everything binds to
 * 127.0.0.1; the ingress prefers port 8080, the egress 8081 and the admin
 * 9901, and each falls back to a free port when its own is taken ({@link DemoPorts}). The configuration is a
 * conf directory in the data directory, watched and served by the admin API like {@code serve}'s, so the
 * console on the admin listener can change it.
 */
public final class Demo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    static final String ALICE = "alice@example.com";
    static final String OUTSIDER = "mallory@other.org";
    /** The proxy's client id at the demo's authorization server: a public client (PKCE, no secret). */
    static final String DRIVE_CLIENT = "runagents-demo";
    /** The scope the {@code drive} tool asks for. */
    static final String DRIVE_SCOPE = "files.read";

    private final DemoIdentityProvider idp;
    private final EchoAgent echo;
    private final DemoAuthorizationServer drive;
    private final ProxyServer proxy;
    private final ConfigReloader reloader;
    private final String aliceToken;
    private final String outsiderToken;

    private Demo(DemoIdentityProvider idp, EchoAgent echo, DemoAuthorizationServer drive, ProxyServer proxy,
                 ConfigReloader reloader) {
        this.idp = idp;
        this.echo = echo;
        this.drive = drive;
        this.proxy = proxy;
        this.reloader = reloader;
        this.aliceToken = idp.mint(ALICE, List.of("engineering"), Duration.ofHours(1));
        this.outsiderToken = idp.mint(OUTSIDER, List.of(), Duration.ofHours(1));
    }

    /**
     * Starts the demo: the ingress on {@code preferredPort}, the egress on the port after it and the admin
     * on {@code preferredAdminPort}, each on a free port instead when its own is taken. Port 0 always takes
     * free ports.
     */
    public static Demo start(int preferredPort, int preferredAdminPort, Path dataDir)
            throws InterruptedException, IOException {
        DemoIdentityProvider idp = DemoIdentityProvider.start();
        EchoAgent echo = null;
        DemoAuthorizationServer drive = null;
        try {
            echo = EchoAgent.start(0);
            drive = DemoAuthorizationServer.start();
            DemoPorts ports = DemoPorts.preferred(preferredPort, preferredAdminPort).withIngressChosen();
            // A conf directory of its own, so the console and --server can edit the demo through the admin API.
            Path conf = dataDir.resolve("conf");
            ContextSigningKey contextKey = ContextSigningKey.loadOrCreate(null, dataDir);
            UnaryOperator<String> environment = demoEnvironment();
            ConfigStore store = DemoConf.write(conf, snapshot(idp, echo, drive, ports, dataDir));
            ProxyServer proxy;
            try {
                proxy = ProxyServer.start(store.current(), 0, contextKey, environment);
            } catch (Exception e) {
                store.close();
                // Only a taken port is worked around; when every port is still free, the failure was another.
                DemoPorts free = ports.withTakenOnesFree();
                if (free.equals(ports)) {
                    throw e;
                }
                free = free.withIngressChosen();
                log.info("a preferred port is taken: {} instead of {}", free, ports);
                ports = free;
                store = DemoConf.write(conf, snapshot(idp, echo, drive, free, dataDir));
                try {
                    proxy = ProxyServer.start(store.current(), 0, contextKey, environment);
                } catch (Exception again) {
                    store.close();
                    throw again;
                }
            }
            // Registered once the callback URL, which names the ingress's port, is final.
            drive.register(OAuthClient.publicClient(DRIVE_CLIENT, callbackUrl(ports).toString()));
            ConfigReloader reloader;
            try {
                reloader = proxy.watch(store, ConfigReloader.Options.defaults());
            } catch (IOException e) {
                store.close();
                proxy.close();
                throw e;
            }
            return new Demo(idp, echo, drive, proxy, reloader);
        } catch (Exception e) {
            // Exception, not RuntimeException: Netty's sync() rethrows a failed bind's IOException unchecked.
            if (drive != null) {
                drive.close();
            }
            if (echo != null) {
                echo.close();
            }
            idp.close();
            throw e;
        }
    }

    /**
     * The process environment, plus a token encryption key made for this run when none is set: the demo's grants
     * live in its temporary data directory and end with it, so there is no key to keep (nor a warning to give).
     */
    private static UnaryOperator<String> demoEnvironment() {
        String keyVariable = TokenStoreSettings.DEFAULTS.encryptionKeyEnv();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String runKey = "demo:" + Base64.getEncoder().encodeToString(key);
        return name -> {
            String value = System.getenv(name);
            return value == null && name.equals(keyVariable) ? runKey : value;
        };
    }

    private static URI callbackUrl(DemoPorts ports) {
        return URI.create("http://127.0.0.1:" + ports.ingress() + ConsentSettings.CALLBACK_PATH);
    }

    private static ConfigSnapshot snapshot(DemoIdentityProvider idp, EchoAgent echo, DemoAuthorizationServer drive,
                                           DemoPorts ports, Path dataDir) {
        URI upstream = URI.create("http://127.0.0.1:" + echo.address().getPort());
        Agent open = new Agent("open-echo", null, "/open", List.of(upstream), true, Access.OPEN, null, 30, null);
        Agent authenticated = new Agent("assistant", null, "/agent", List.of(upstream), true, Access.AUTHENTICATED,
                null, 30, null);
        ProxySettings d = ProxySettings.DEFAULTS;
        Listen listen = new Listen(new HostPort("127.0.0.1", ports.ingress()),
                new HostPort("127.0.0.1", ports.egress()), new HostPort("127.0.0.1", ports.admin()));
        ConsentSettings consent = new ConsentSettings(callbackUrl(ports), null, d.consent().stateTtlSeconds(),
                d.consent().tokenTimeoutMillis());
        ProxySettings settings = new ProxySettings(listen, dataDir.toString(), d.tls(), d.limits(), d.jwks(),
                d.tokenCache(), new AuditSettings(dataDir.resolve("audit.jsonl").toString()), d.identityContext(),
                d.tokenStore(), d.admin(), consent);
        Tool tool = new Tool("echo", upstream, ToolAuth.NONE);
        Tool driveTool = new Tool("drive", drive.driveUrl(), new ToolAuth.OAuth2(drive.authorizationUrl(),
                drive.tokenUrl(), DRIVE_CLIENT, null, List.of(DRIVE_SCOPE), ToolAuth.TokenEndpointAuth.NONE,
                drive.revocationUrl(), URI.create(drive.issuer()), null));
        return new ConfigSnapshot(1, Instant.now(), settings, List.of(idp.provider("127.0.0.1")),
                List.of(authenticated, open), List.of(tool, driveTool), List.of());
    }

    public String ingressUrl() {
        return "http://127.0.0.1:" + proxy.ingressAddress().getPort();
    }

    public String egressUrl() {
        return "http://127.0.0.1:" + proxy.egressAddress().getPort();
    }

    /**
     * A shell line that plays the agent: it takes the {@code X-End-User-Context} alice's request brought
     * to the echo agent and calls the echo tool through the egress with it.
     */
    public String toolCallLine() {
        return asAliceAgent("curl -s " + egressUrl() + "/tools/echo/lookup");
    }

    /** Like {@link #toolCallLine()} for the {@code drive} tool (its answer's status line and headers shown too). */
    public String driveCallLine() {
        return asAliceAgent("curl -s -i " + egressUrl() + "/tools/drive/files");
    }

    /** {@code egressCall} run with the {@code X-End-User-Context} a request of alice's brings to the agent. */
    private String asAliceAgent(String egressCall) {
        return "ctx=$(curl -s " + ingressUrl() + "/agent/hello -H 'Authorization: Bearer " + aliceToken
                + "' | sed -E 's/.*\"x-end-user-context\":\"([^\"]+)\".*/\\1/'); " + egressCall
                + " -H \"X-End-User-Context: $ctx\"";
    }

    /**
     * The consent story's shell lines after the first {@code consent_required} (SPEC section 8), in order, each
     * meant for the same shell: alice starts the consent ({@code $url}), her browser follows the authorization
     * URL to the callback's page (curl plays it, {@code login_hint} naming the Demo Drive account, and reads the
     * code off the page into {@code $code}), her application completes it, and later she revokes it.
     */
    public List<String> consentLines() {
        String alice = " -H 'Authorization: Bearer " + aliceToken + "'";
        return List.of(
                "url=$(curl -s -X POST " + ingressUrl() + "/oauth/consent/drive" + alice
                        + " | sed -E 's/.*\"authorization_url\":\"([^\"]+)\".*/\\1/'); echo \"$url\"",
                "code=$(curl -s -L \"$url&" + DemoAuthorizationServer.ACCOUNT_PARAMETER + "=" + ALICE
                        + "\" | sed -nE 's/.*id=\"consent-code\">([^<]+)<.*/\\1/p'); echo \"$code\"",
                "curl -s -X POST " + ingressUrl() + "/oauth/consent/drive/complete" + alice
                        + " -H 'Content-Type: application/json' -d \"{\\\"consent_code\\\":\\\"$code\\\"}\"",
                "curl -s -X DELETE " + ingressUrl() + "/oauth/grants/drive" + alice);
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + proxy.adminAddress().getPort();
    }

    /** The web console (SPEC section 12), on the admin listener. */
    public String consoleUrl() {
        return adminUrl() + "/";
    }

    public String aliceToken() {
        return aliceToken;
    }

    public String outsiderToken() {
        return outsiderToken;
    }

    /**
     * The curl lines the demo prints, complete as they stand (tokens inline), in order: alice is let in
     * (200, the echo shows {@code X-End-User-ID: alice@example.com}), no token is 401, another domain is
     * 403, and the open route needs no token.
     */
    public List<String> curlLines() {
        List<String> lines = new ArrayList<>();
        lines.add("curl -s " + ingressUrl() + "/agent/hello -H 'Authorization: Bearer " + aliceToken + "'");
        lines.add("curl -s -i " + ingressUrl() + "/agent/hello");
        lines.add("curl -s -i " + ingressUrl() + "/agent/hello -H 'Authorization: Bearer " + outsiderToken + "'");
        lines.add("curl -s " + ingressUrl() + "/open/hello -H 'X-End-User-ID: spoofed'");
        return lines;
    }

    /** What {@code bin/runagents demo} prints. */
    public String instructions() {
        List<String> lines = curlLines();
        return "RunAgents Ingress demo\n"
                + "  ingress            " + ingressUrl() + "\n"
                + "  console            " + consoleUrl() + "  (open it in a browser on this machine)\n"
                + "  admin              " + adminUrl() + "  (/healthz /readyz /metrics /identity-context/jwks.json /admin/...)\n"
                + "  identity provider  " + idp.issuer() + "  (demo-idp: users @" + DemoIdentityProvider.ALLOWED_DOMAIN
                + " only)\n"
                + "  echo agent         http://127.0.0.1:" + echo.address().getPort()
                + "  behind /agent (authenticated) and /open (open), and as the tool \"echo\"\n\n"
                + "A token for " + ALICE + ":\n\n" + aliceToken + "\n\n"
                + "A token for " + OUTSIDER + " (a domain the provider does not allow):\n\n" + outsiderToken + "\n\n"
                + "1. Alice reaches the agent; the echo shows \"X-End-User-ID\":\"" + ALICE + "\":\n\n  "
                + lines.get(0) + "\n\n"
                + "2. Without a token: 401 with a WWW-Authenticate challenge:\n\n  " + lines.get(1) + "\n\n"
                + "3. Another domain: 403:\n\n  " + lines.get(2) + "\n\n"
                + "4. The open route needs no token, and a spoofed X-End-User-ID never arrives:\n\n  "
                + lines.get(3) + "\n\n"
                + "5. The agent calls a tool through the egress (" + egressUrl() + ") with the X-End-User-Context\n"
                + "   it received; the tool gets X-End-User-ID and the request's id, never the context:\n\n  "
                + toolCallLine() + "\n\n"
                + "6. The drive tool needs alice's own consent (an oauth2 tool, Demo Drive at " + drive.issuer()
                + "):\n"
                + "   the egress answers 401 consent_required with a consent_url:\n\n  " + driveCallLine() + "\n\n"
                + consentStory()
                + "Every request above has a line in " + proxy.config().snapshot().proxy().audit().file() + "\n\n"
                + "Ctrl-C stops the demo.\n";
    }

    /** Steps 7 to 11: consent, the tool call with alice's own token, revoke, and consent_required again. */
    private String consentStory() {
        List<String> lines = consentLines();
        return "7. Alice starts the consent; the answer is the authorization URL (open it in a browser, Allow, and\n"
                + "   set code=<the code the page shows>, or run step 8, where curl does it as " + ALICE + "):\n\n  "
                + lines.get(0) + "\n\n"
                + "8. The authorization server redirects to the proxy's /oauth/callback, whose page shows a consent"
                + " code:\n\n  "
                + lines.get(1) + "\n\n"
                + "9. Alice's application completes the consent with her token (another user's would get 403):\n\n  "
                + lines.get(2) + "\n\n"
                + "10. The same tool call now reaches Demo Drive with alice's own access token (the proxy injects it;\n"
                + "    the agent never holds it): her files.\n\n  " + driveCallLine() + "\n\n"
                + "11. Alice revokes the grant (at Demo Drive too); the same call is consent_required again:\n\n  "
                + lines.get(3) + "\n\n  " + driveCallLine() + "\n\n"
                + "bin/runagents grants list --server " + adminUrl() + " shows the grants an operator sees.\n\n";
    }

    public ProxyServer proxy() {
        return proxy;
    }

    @Override
    public void close() {
        reloader.close();
        proxy.shutdown(Duration.ofSeconds(2));
        drive.close();
        echo.close();
        idp.close();
    }
}
