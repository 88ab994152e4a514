package io.runagents.ingress.core.testing;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.IdentityContextSettings;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.JwksSettings;
import io.runagents.ingress.config.model.Limits;
import io.runagents.ingress.config.model.Listen;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** An authenticated agent with defaults; {@code host} and {@code provider} may be null (any host / selected). */
    public static Agent authenticatedAgent(String name, String host, String pathPrefix, URI upstream, String provider) {
        return new Agent(name, host, pathPrefix, List.of(upstream), false, Access.AUTHENTICATED, provider, 300, null);
    }

    /**
     * A provider like {@link TestTokens#provider}: issuer {@link TestTokens#ISSUER}, audience
     * {@link TestTokens#AUDIENCE}, user id from {@code email}; change what a test needs with the builder.
     */
    public static ProviderBuilder provider(String name, URI jwksUri) {
        return new ProviderBuilder(name, jwksUri);
    }

    /** Settings with a JWKS policy and a data directory of the test's own (persisted keys, context key). */
    public static ProxySettings settings(Limits limits, JwksSettings jwks, String dataDir) {
        return settings(limits, jwks, ProxySettings.DEFAULTS.identityContext(), dataDir);
    }

    public static ProxySettings settings(Limits limits, JwksSettings jwks, IdentityContextSettings context,
                                         String dataDir) {
        ProxySettings d = ProxySettings.DEFAULTS;
        return new ProxySettings(LOOPBACK, dataDir, d.tls(), limits, jwks, d.tokenCache(), newAuditFile(), context,
                d.tokenStore());
    }

    public static ConfigSnapshot snapshot(ProxySettings settings, List<Agent> agents, List<IdentityProvider> providers) {
        return new ConfigSnapshot(1, Instant.now(), settings, providers, agents, List.of(), List.of());
    }

    /** A fresh temporary directory, for a proxy whose persisted state must not leak into other tests. */
    public static String newDataDir() {
        return tempDataDir();
    }

    /** Default settings with the audit trail where {@code audit} says. */
    public static ProxySettings settings(io.runagents.ingress.config.model.AuditSettings audit) {
        ProxySettings d = ProxySettings.DEFAULTS;
        return new ProxySettings(LOOPBACK, DATA_DIR, d.tls(), Limits.DEFAULTS, d.jwks(), d.tokenCache(), audit,
                d.identityContext(), d.tokenStore());
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
    public static io.runagents.ingress.core.runtime.RuntimeConfig runtime(ConfigSnapshot snapshot) {
        io.runagents.ingress.jwt.IdentityProviders providers = io.runagents.ingress.jwt.IdentityProviders.builder()
                .settings(snapshot.proxy())
                .dataDir(null)
                .clock(java.time.Clock.systemUTC())
                .executor(Runnable::run)
                .refreshTick(null)
                .build(snapshot.identityProviders());
        return io.runagents.ingress.core.runtime.RuntimeConfig.of(snapshot, providers);
    }

    /** Builds an {@link IdentityProvider} record field by field. */
    public static final class ProviderBuilder {
        private final String name;
        private final URI jwksUri;
        private String host = "portal.example.test";
        private String issuer = TestTokens.ISSUER;
        private List<String> audiences = List.of(TestTokens.AUDIENCE);
        private List<String> algorithms = IdentityProvider.DEFAULT_ALGORITHMS;
        private Long maxTokenLifetimeSeconds;
        private String userIdClaim = "email";
        private List<String> allowedDomains = List.of();
        private boolean forwardToken;
        private final Map<String, String> claimHeaders = new LinkedHashMap<>();

        private ProviderBuilder(String name, URI jwksUri) {
            this.name = name;
            this.jwksUri = jwksUri;
        }

        public ProviderBuilder host(String host) {
            this.host = host;
            return this;
        }

        public ProviderBuilder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        public ProviderBuilder audiences(String... audiences) {
            this.audiences = List.of(audiences);
            return this;
        }

        public ProviderBuilder algorithms(String... algorithms) {
            this.algorithms = List.of(algorithms);
            return this;
        }

        public ProviderBuilder maxTokenLifetimeSeconds(long seconds) {
            this.maxTokenLifetimeSeconds = seconds;
            return this;
        }

        public ProviderBuilder userIdClaim(String claim) {
            this.userIdClaim = claim;
            return this;
        }

        public ProviderBuilder allowedDomains(String... domains) {
            this.allowedDomains = List.of(domains);
            return this;
        }

        public ProviderBuilder forwardToken(boolean forward) {
            this.forwardToken = forward;
            return this;
        }

        public ProviderBuilder claimHeader(String claim, String header) {
            claimHeaders.put(claim, header);
            return this;
        }

        public IdentityProvider build() {
            return new IdentityProvider(name, host, issuer, jwksUri, audiences, algorithms,
                    IdentityProvider.DEFAULT_CLOCK_SKEW_SECONDS, maxTokenLifetimeSeconds, userIdClaim, allowedDomains,
                    IdentityProvider.DEFAULT_GROUPS_CLAIM, forwardToken, claimHeaders);
        }
    }
}
