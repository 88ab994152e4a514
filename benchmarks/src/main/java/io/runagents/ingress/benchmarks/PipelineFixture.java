package io.runagents.ingress.benchmarks;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.server.ProxyServer;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;

/**
 * A whole proxy in this JVM, on loopback: a stub JWKS endpoint with the RSA test key, a stub agent, and
 * the proxy with two routes to it, {@code /open} (access open) and {@code /auth} (authenticated by the
 * {@code bench} provider, RS256). {@link #token()} is a valid token for {@code /auth}, good for an hour.
 */
public final class PipelineFixture implements AutoCloseable {
    /** The host the provider is registered for; requests send it. */
    public static final String HOST = "portal.example.test";
    public static final String OPEN_PATH = "/open/hello";
    public static final String AUTH_PATH = "/auth/hello";

    private final StubJwksServer jwks;
    private final StubAgentServer agent;
    private final ProxyServer proxy;
    private final String token;

    private PipelineFixture(StubJwksServer jwks, StubAgentServer agent, ProxyServer proxy, String token) {
        this.jwks = jwks;
        this.agent = agent;
        this.proxy = proxy;
        this.token = token;
    }

    /**
     * Starts everything.
     *
     * @param workerThreads the proxy's event loops (0: one per core)
     * @param maxConnections the proxy's connection limit
     */
    public static PipelineFixture start(int workerThreads, int maxConnections) throws IOException, InterruptedException {
        StubJwksServer jwks = new StubJwksServer().jwks(TestKeys.jwks(TestKeys.rsa()));
        StubAgentServer agent = null;
        try {
            agent = new StubAgentServer();
            IdentityProvider provider = TestTokens.provider("bench", jwks.uri());
            List<Agent> agents = List.of(
                    new Agent("open-agent", null, "/open", List.of(agent.uri()), true, Access.OPEN, null, 60, null),
                    new Agent("auth-agent", null, "/auth", List.of(agent.uri()), true, Access.AUTHENTICATED,
                            "bench", 60, null));
            ProxySettings d = ProxySettings.DEFAULTS;
            HostPort loopback = new HostPort("127.0.0.1", 0);
            Limits limits = new Limits(16384, 8192, 600, 2000, 1, maxConnections);
            String dataDir = Files.createTempDirectory("runagents-bench").toString();
            ProxySettings settings = new ProxySettings(new Listen(loopback, loopback, loopback), dataDir, d.tls(),
                    limits, d.jwks(), d.tokenCache(), d.audit(), d.identityContext(), d.tokenStore());
            ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.now(), settings, List.of(provider), agents,
                    List.of(), List.of());
            ProxyServer proxy = ProxyServer.start(snapshot, workerThreads, ContextSigningKey.generate());
            String token = TestTokens.signedBy(TestKeys.rsa()).sign();
            return new PipelineFixture(jwks, agent, proxy, token);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (agent != null) {
                agent.close();
            }
            jwks.close();
            throw e;
        }
    }

    public InetSocketAddress ingress() {
        return proxy.ingressAddress();
    }

    /** The stub agent's own address, for a baseline without the proxy. */
    public InetSocketAddress agent() {
        return new InetSocketAddress("127.0.0.1", agent.uri().getPort());
    }

    /** A valid RS256 token of the {@code bench} provider. */
    public String token() {
        return token;
    }

    public ProxyServer proxy() {
        return proxy;
    }

    @Override
    public void close() {
        proxy.close();
        agent.close();
        jwks.close();
    }
}
