package io.runagents.ingress.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.watch.ConfigStore;
import io.runagents.ingress.core.runtime.ConfigReloader;
import io.runagents.ingress.core.runtime.SettingFiles;
import io.runagents.ingress.core.testing.StubAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A proxy served from a real conf directory with hot reload and the admin API, on loopback ports, plus a stub
 * agent. Short debounce and rescan so tests stay fast.
 */
public final class LiveProxy implements AutoCloseable {
    public static final String PROXY_YAML = """
            listen: { ingress: "127.0.0.1:0", egress: "127.0.0.1:0", admin: "127.0.0.1:0" }
            """;
    public static final String AGENT = """
            name: %s
            spec:
              pathPrefix: /%s
              upstream: %s
              access: open
            """;
    public static final String PROVIDER = """
            name: %s
            spec:
              host: %s.example.com
              identityProvider:
                issuer: https://login.example.com/%s
                jwksUri: https://login.example.com/jwks
              userIDClaim: email
            """;

    public final Path conf;
    public final StubAgent agent;
    public final ConfigStore store;
    public final ProxyServer server;
    public final ConfigReloader reloader;
    private final HttpClient http = HttpClient.newHttpClient();

    private LiveProxy(Path conf, StubAgent agent, String adminToken) throws Exception {
        this.conf = conf;
        this.agent = agent;
        this.store = new ConfigStore(conf, Clock.systemUTC()).checkFilesWith(SettingFiles::check); // as serve
        assertThat(store.initialize()).isInstanceOf(ConfigLoadResult.Loaded.class);
        this.server = ProxyServer.start(store.current(), 2);
        this.reloader = server.watch(store,
                new ConfigReloader.Options(Duration.ofMillis(50), Duration.ofMillis(500), adminToken));
    }

    /** A conf directory with proxy.yaml and one open agent {@code main} at {@code /main}. */
    public static LiveProxy start(Path tmp, String adminToken) throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        StubAgent agent = StubAgent.start();
        Files.writeString(conf.resolve("proxy.yaml"), PROXY_YAML + "dataDir: " + tmp.resolve("data")
                + "\naudit: { file: " + tmp.resolve("audit.jsonl") + " }\n");
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/main.yaml"), AGENT.formatted("main", "main", agent.uri()));
        return new LiveProxy(conf, agent, adminToken);
    }

    public String agentYaml(String name) {
        return AGENT.formatted(name, name, agent.uri());
    }

    public LiveProxy write(String relative, String text) {
        try {
            Path p = conf.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + server.adminAddress().getPort();
    }

    /** A request to the admin listener; {@code body} null for none. */
    public HttpResponse<String> admin(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminUrl() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of {@code runagents_config_reloads_total{result}}. */
    public double reloads(String result) {
        return server.metrics().registry().get("runagents.config.reloads").tag("result", result).counter().count();
    }

    @Override
    public void close() {
        reloader.close();
        server.close();
        agent.close();
    }
}
