package io.runagents.ingress.core.testing;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** Configuration snapshots for tests: every listener on {@code 127.0.0.1:0}. */
public final class TestConfigs {
    private TestConfigs() { }

    /** A data directory of this test JVM, so tests never write into the source tree. */
    public static final String DATA_DIR = tempDataDir();

    public static final Listen LOOPBACK = new Listen(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0),
            new HostPort("127.0.0.1", 0));

    /** An open agent with defaults: any host, 300 s timeout, no body limit. */
    public static Agent openAgent(String name, String pathPrefix, URI upstream) {
        return new Agent(name, null, pathPrefix, List.of(upstream), false, Access.OPEN, null, 300, null);
    }

    public static ProxySettings settings(Limits limits) {
        ProxySettings d = ProxySettings.DEFAULTS;
        return new ProxySettings(LOOPBACK, DATA_DIR, d.tls(), limits, d.jwks(), d.tokenCache(), newAuditFile(),
                d.identityContext(), d.tokenStore());
    }

    public static ConfigSnapshot snapshot(List<Agent> agents) {
        return snapshot(Limits.DEFAULTS, agents, List.of());
    }

    public static ConfigSnapshot snapshot(Limits limits, List<Agent> agents, List<IdentityProvider> providers) {
        return new ConfigSnapshot(1, Instant.now(), settings(limits), providers, agents, List.of(), List.of());
    }

    private static final java.util.concurrent.atomic.AtomicInteger AUDIT_FILES =
            new java.util.concurrent.atomic.AtomicInteger();

    /** A fresh audit file per proxy, in the test data directory. */
    public static io.runagents.ingress.config.model.AuditSettings newAuditFile() {
        return new io.runagents.ingress.config.model.AuditSettings(
                java.nio.file.Path.of(DATA_DIR, "audit-" + AUDIT_FILES.incrementAndGet() + ".jsonl").toString());
    }

    private static String tempDataDir() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("runagents-test-data");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The runtime view of {@code snapshot} for handler tests: its providers get authenticators with no
     * refresh timer and no key fetch unless a test asks for one.
     */
    public static io.runagents.ingress.core.server.RuntimeConfig runtime(ConfigSnapshot snapshot) {
        io.runagents.ingress.jwt.IdentityProviders providers = io.runagents.ingress.jwt.IdentityProviders.builder()
                .settings(snapshot.proxy())
                .dataDir(null)
                .clock(java.time.Clock.systemUTC())
                .executor(Runnable::run)
                .refreshTick(null)
                .build(snapshot.identityProviders());
        return io.runagents.ingress.core.server.RuntimeConfig.of(snapshot, providers);
    }
}
