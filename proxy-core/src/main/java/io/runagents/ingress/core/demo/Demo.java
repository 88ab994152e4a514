package io.runagents.ingress.core.demo;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.AuditSettings;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.runtime.ConfigReloader;
import io.runagents.ingress.core.server.ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in demo: a local identity provider, an echo agent behind an authenticated route
 * ({@code /agent}) and behind an open one ({@code /open}), and the commands that show what the agent
 * receives. Everything binds to 127.0.0.1; the ingress prefers port 8080, the egress 8081 and the admin
 * 9901, and each falls back to a free port when its own is taken ({@link DemoPorts}). The configuration is a
 * conf directory in the data directory, watched and served by the admin API like {@code serve}'s, so the
 * console on the admin listener can change it.
 */
public final class Demo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    static final String ALICE = "alice@example.com";
    static final String OUTSIDER = "mallory@other.org";

    private final DemoIdentityProvider idp;
    private final EchoAgent echo;
    private final ProxyServer proxy;
    private final ConfigReloader reloader;
    private final String aliceToken;
    private final String outsiderToken;

    private Demo(DemoIdentityProvider idp, EchoAgent echo, ProxyServer proxy, ConfigReloader reloader) {
        this.idp = idp;
        this.echo = echo;
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
        try {
            echo = EchoAgent.start(0);
            DemoPorts ports = DemoPorts.preferred(preferredPort, preferredAdminPort);
            // A conf directory of its own, so the console and --server can edit the demo through the admin API.
            Path conf = dataDir.resolve("conf");
            ConfigStore store = DemoConf.write(conf, snapshot(idp, echo, ports, dataDir));
            ProxyServer proxy;
            try {
                proxy = ProxyServer.start(store.current(), 0);
            } catch (Exception e) {
                store.close();
                // Only a taken port is worked around; when every port is still free, the failure was another.
                DemoPorts free = ports.withTakenOnesFree();
                if (free.equals(ports)) {
                    throw e;
                }
                log.info("a preferred port is taken: {} instead of {}", free, ports);
                store = DemoConf.write(conf, snapshot(idp, echo, free, dataDir));
                try {
                    proxy = ProxyServer.start(store.current(), 0);
                } catch (Exception again) {
                    store.close();
                    throw again;
                }
            }
            ConfigReloader reloader;
            try {
                reloader = proxy.watch(store, ConfigReloader.Options.defaults());
            } catch (IOException e) {
                store.close();
                proxy.close();
                throw e;
            }
            return new Demo(idp, echo, proxy, reloader);
        } catch (Exception e) {
            // Exception, not RuntimeException: Netty's sync() rethrows a failed bind's IOException unchecked.
            if (echo != null) {
                echo.close();
            }
            idp.close();
            throw e;
        }
    }

    private static ConfigSnapshot snapshot(DemoIdentityProvider idp, EchoAgent echo, DemoPorts ports, Path dataDir) {
        URI upstream = URI.create("http://127.0.0.1:" + echo.address().getPort());
        Agent open = new Agent("open-echo", null, "/open", List.of(upstream), true, Access.OPEN, null, 30, null);
        Agent authenticated = new Agent("assistant", null, "/agent", List.of(upstream), true, Access.AUTHENTICATED,
                null, 30, null);
        ProxySettings d = ProxySettings.DEFAULTS;
        Listen listen = new Listen(new HostPort("127.0.0.1", ports.ingress()),
                new HostPort("127.0.0.1", ports.egress()), new HostPort("127.0.0.1", ports.admin()));
        ProxySettings settings = new ProxySettings(listen, dataDir.toString(), d.tls(), d.limits(), d.jwks(),
                d.tokenCache(), new AuditSettings(dataDir.resolve("audit.jsonl").toString()), d.identityContext(),
                d.tokenStore());
        Tool tool = new Tool("echo", upstream, ToolAuth.NONE);
        return new ConfigSnapshot(1, Instant.now(), settings, List.of(idp.provider("127.0.0.1")),
                List.of(authenticated, open), List.of(tool), List.of());
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
        return "ctx=$(curl -s " + ingressUrl() + "/agent/hello -H 'Authorization: Bearer " + aliceToken
                + "' | sed -E 's/.*\"x-end-user-context\":\"([^\"]+)\".*/\\1/'); curl -s " + egressUrl()
                + "/tools/echo/lookup -H \"X-End-User-Context: $ctx\"";
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
                + "Every request above has a line in " + proxy.config().snapshot().proxy().audit().file() + "\n\n"
                + "Ctrl-C stops the demo.\n";
    }

    public ProxyServer proxy() {
        return proxy;
    }

    @Override
    public void close() {
        reloader.close();
        proxy.shutdown(Duration.ofSeconds(2));
        echo.close();
        idp.close();
    }
}
