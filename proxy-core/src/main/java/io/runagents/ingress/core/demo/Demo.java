package io.runagents.ingress.core.demo;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.server.ProxyServer;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in demo: an echo agent on loopback behind the proxy, and the commands that show what the
 * agent receives. Everything binds to 127.0.0.1; the ingress prefers port 8080 and the admin 9901, and
 * falls back to free ports when those are taken.
 */
public final class Demo implements AutoCloseable {
    private final EchoAgent echo;
    private final ProxyServer proxy;

    private Demo(EchoAgent echo, ProxyServer proxy) {
        this.echo = echo;
        this.proxy = proxy;
    }

    /** Starts the demo; {@code preferredPort} 0 always takes free ports. */
    public static Demo start(int preferredPort, int preferredAdminPort, Path dataDir) throws InterruptedException {
        EchoAgent echo = EchoAgent.start(0);
        try {
            ProxyServer proxy;
            try {
                proxy = ProxyServer.start(snapshot(echo, preferredPort, preferredAdminPort, dataDir), 0);
            } catch (Exception e) {
                if (!(e instanceof BindException) && !(e.getCause() instanceof BindException)) {
                    throw e;
                }
                proxy = ProxyServer.start(snapshot(echo, 0, 0, dataDir), 0);
            }
            return new Demo(echo, proxy);
        } catch (RuntimeException | InterruptedException e) {
            echo.close();
            throw e;
        }
    }

    private static ConfigSnapshot snapshot(EchoAgent echo, int port, int adminPort, Path dataDir) {
        URI upstream = URI.create("http://127.0.0.1:" + echo.address().getPort());
        Agent open = new Agent("echo", null, "/echo", List.of(upstream), true, Access.OPEN, null, 30, null);
        ProxySettings d = ProxySettings.DEFAULTS;
        Listen listen = new Listen(new HostPort("127.0.0.1", port), new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", adminPort));
        ProxySettings settings = new ProxySettings(listen, dataDir.toString(), d.tls(), d.limits(), d.jwks(),
                d.tokenCache(), d.audit(), d.identityContext(), d.tokenStore());
        return new ConfigSnapshot(1, Instant.now(), settings, List.of(), List.of(open), List.of(), List.of());
    }

    public String ingressUrl() {
        return "http://127.0.0.1:" + proxy.ingressAddress().getPort();
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + proxy.adminAddress().getPort();
    }

    /** The curl lines the demo prints, complete as they stand, in the order a person should run them. */
    public List<String> curlLines() {
        List<String> lines = new ArrayList<>();
        lines.add("curl -s " + ingressUrl() + "/echo/hello -H 'X-End-User-ID: spoofed'");
        lines.add("curl -s " + adminUrl() + "/readyz");
        return lines;
    }

    /** What {@code bin/runagents demo} prints. */
    public String instructions() {
        StringBuilder sb = new StringBuilder();
        sb.append("RunAgents Ingress demo\n");
        sb.append("  ingress     ").append(ingressUrl()).append('\n');
        sb.append("  admin       ").append(adminUrl()).append("  (/healthz /readyz /metrics)\n");
        sb.append("  echo agent  http://127.0.0.1:").append(echo.address().getPort())
                .append("  behind the open route /echo (prefix stripped)\n\n");
        sb.append("The echo agent answers with the request it received. Note the X-Forwarded-* and X-Request-ID\n");
        sb.append("headers the proxy added, and that the spoofed X-End-User-ID never arrives:\n\n");
        List<String> lines = curlLines();
        sb.append("  ").append(lines.get(0)).append("\n\nReadiness:\n\n  ").append(lines.get(1)).append("\n\n");
        sb.append("Ctrl-C stops the demo.\n");
        return sb.toString();
    }

    public ProxyServer proxy() {
        return proxy;
    }

    @Override
    public void close() {
        proxy.shutdown(Duration.ofSeconds(2));
        echo.close();
    }
}
