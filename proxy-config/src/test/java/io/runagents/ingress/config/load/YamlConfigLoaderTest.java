package io.runagents.ingress.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.TokenStoreSettings;
import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.HostPort;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.ToolAuth;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole conf directories through {@link YamlConfigLoader#loadDirectory}. */
class YamlConfigLoaderTest {
    @TempDir
    Path tmp;

    static Path resource(String name) throws Exception {
        return Path.of(YamlConfigLoaderTest.class.getResource("/" + name).toURI());
    }

    @Test
    void goodDirectoryBindsEveryKind() throws Exception {
        ConfigSnapshot s = TestConf.snapshot(YamlConfigLoader.loadDirectory(resource("conf-good"), 7, TestConf.CLOCK));

        assertThat(s.version()).isEqualTo(7);
        assertThat(s.loadedAt()).isEqualTo(TestConf.NOW);
        assertThat(s.proxy().listen().admin()).isEqualTo(new HostPort("::1", 19901));
        assertThat(s.proxy().tokenStore()).isEqualTo(new TokenStoreSettings("jdbc:postgresql://db:5432/runagents",
                "runagents", "DB_PASSWORD", "TOKEN_KEY", 4));
        assertThat(s.proxy().consent()).isEqualTo(new ConsentSettings(
                URI.create("https://portal.yourcompany.com/oauth/callback"),
                URI.create("https://portal.yourcompany.com/tools/connected"), 300, 5000));
        assertThat(s.proxy().tokenCache().maxEntries()).isZero();
        assertThat(s.identityProviders()).extracting(IdentityProvider::name)
                .containsExactly("google-oidc", "local-dev", "loopback-v6");

        IdentityProvider google = s.identityProvider("google-oidc").orElseThrow();
        assertThat(google.host()).isEqualTo("portal.yourcompany.com");
        assertThat(google.allowedDomains()).containsExactly("yourcompany.com");
        assertThat(google.algorithms()).isEqualTo(IdentityProvider.DEFAULT_ALGORITHMS);
        assertThat(google.clockSkewSeconds()).isEqualTo(60);
        IdentityProvider local = s.identityProvider("local-dev").orElseThrow();
        assertThat(local.claimHeaders()).containsExactly(
                Map.entry("email", "X-User-Email"), Map.entry("https://example.com/tenant", "X-Tenant"));
        assertThat(local.maxTokenLifetimeSeconds()).isEqualTo(3600L);

        // Files sort by name: public.yaml (two documents) before support.yaml.
        assertThat(s.agents()).extracting(Agent::name).containsExactly("public-docs", "fallback", "support-agent");
        Agent support = s.agent("support-agent").orElseThrow();
        assertThat(support.pathPrefix()).isEqualTo("/support/v1");
        assertThat(support.upstreams()).containsExactly(URI.create("http://127.0.0.1:9000"));
        assertThat(s.agent("public-docs").orElseThrow().access()).isEqualTo(Access.OPEN);

        assertThat(((ToolAuth.ApiKey) s.tool("stripe").orElseThrow().auth()).header()).isEqualTo("Authorization");
        assertThat(s.tool("echo").orElseThrow().auth()).isEqualTo(ToolAuth.NONE);
        PolicyRule rule = s.policies().get(0).rules().get(1);
        assertThat(rule.index()).isEqualTo(1);
        assertThat(rule.methods()).containsExactly("GET", "HEAD", "OPTIONS");
        assertThat(rule.domains()).containsExactly("company.com");
    }

    @Test
    void badDirectoryReportsEveryErrorInFileOrder() throws Exception {
        List<String> expected = Files.readAllLines(resource("conf-bad.expected.txt"), StandardCharsets.UTF_8);
        assertThat(TestConf.errors(YamlConfigLoader.loadDirectory(resource("conf-bad"), 1, TestConf.CLOCK)))
                .containsExactlyElementsOf(expected);
    }

    @Test
    void emptyDirectoryLoadsWithAllDefaults() {
        ConfigSnapshot s = new TestConf(tmp).snapshot();
        assertThat(s.proxy()).isEqualTo(ProxySettings.DEFAULTS);
        assertThat(s.identityProviders()).isEmpty();
        assertThat(s.agents()).isEmpty();
    }

    @Test
    void resourceDefaultsAreApplied() {
        ConfigSnapshot s = new TestConf(tmp)
                .file("proxy.yaml", "# nothing set\n")
                .file("identity-providers/corp.yaml", TestConf.PROVIDER)
                .file("agents/a.yaml", "name: a\nspec:\n  upstream: http://agent:9000\n")
                .file("tools/t.yaml", "name: t\nspec:\n  baseUrl: https://t.example\n")
                .snapshot();
        assertThat(s.proxy()).isEqualTo(ProxySettings.DEFAULTS);
        assertThat(s.identityProviders().get(0)).isEqualTo(new IdentityProvider("corp", "portal.corp.com",
                "https://login.corp.com", URI.create("https://login.corp.com/jwks"), List.of(),
                IdentityProvider.DEFAULT_ALGORITHMS, 60, null, "email", List.of(), "groups", false, Map.of()));
        assertThat(s.agents().get(0)).isEqualTo(new Agent("a", null, "/", List.of(URI.create("http://agent:9000")),
                false, Access.AUTHENTICATED, null, 300, null));
        assertThat(s.tools().get(0).auth()).isEqualTo(ToolAuth.NONE);
    }

    @Test
    void configMapMountIgnoresDotEntriesAndFollowsSymlinks() throws Exception {
        TestConf conf = new TestConf(tmp);
        // The kubelet's layout: real files in a timestamped dot-dir, ..data -> it, and name -> ..data/name.
        conf.file("agents/..2025_01_01_00_00_00.1/a.yaml", "name: a\nspec:\n  upstream: http://agent:9000\n"
                + "  access: open\n");
        Path agents = conf.dir.resolve("agents");
        Files.createSymbolicLink(agents.resolve("..data"), Path.of("..2025_01_01_00_00_00.1"));
        Files.createSymbolicLink(agents.resolve("a.yaml"), Path.of("..data/a.yaml"));
        conf.file("agents/.swap.yaml", "not: [valid");
        conf.file("agents/notes.txt", "not: [valid");
        conf.file("agents/.sub/b.yaml", "not: [valid");

        assertThat(conf.snapshot().agents()).extracting(Agent::name).containsExactly("a");
    }

    @Test
    void multiDocumentFilesAndYmlExtension() {
        ConfigSnapshot s = new TestConf(tmp).file("tools/all.yml", """
                ---
                name: one
                spec: { baseUrl: "https://one.example" }
                ---
                # an empty document, skipped
                ---
                name: two
                spec: { baseUrl: "https://two.example" }
                ...
                """).snapshot();
        assertThat(s.tools()).extracting(t -> t.name()).containsExactly("one", "two");
    }

    @Test
    void duplicateNameAcrossFilesNamesBothPositions() {
        List<String> errors = new TestConf(tmp)
                .file("tools/a.yaml", "name: t\nspec:\n  baseUrl: https://a.example\n")
                .file("tools/b.yaml", "# second\nname: t\nspec:\n  baseUrl: https://b.example\n")
                .errors();
        assertThat(errors).containsExactly(
                "conf/tools/b.yaml:2:7: name: duplicate tool name \"t\" (first defined at conf/tools/a.yaml:1:7)");
    }

    @Test
    void syntaxErrorIsOneErrorWithTheParserPosition() {
        List<String> errors = new TestConf(tmp).file("tools/a.yaml", "name: t\nspec:\n  baseUrl: a: b\n").errors();
        assertThat(errors).containsExactly(
                "conf/tools/a.yaml:3:13: YAML syntax error: mapping values are not allowed here");
    }

    @Test
    void missingDirectoryIsAnError() {
        assertThat(TestConf.errors(YamlConfigLoader.loadDirectory(tmp.resolve("nope"), 1, TestConf.CLOCK)))
                .containsExactly("nope/:0:0: conf directory not found (expected: a directory)");
    }

    @Test
    void overridesReplaceAddAndRemoveFiles() {
        TestConf conf = new TestConf(tmp)
                .file("tools/a.yaml", "name: a\nspec:\n  baseUrl: https://a.example\n")
                .file("tools/b.yaml", "name: b\nspec:\n  baseUrl: https://b.example\n");
        Map<String, String> overrides = new HashMap<>();
        overrides.put("tools/b.yaml", null);
        overrides.put("tools/c.yaml", "name: c\nspec:\n  baseUrl: https://c.example\n");
        overrides.put("tools/a.yaml", "name: a\nspec:\n  baseUrl: https://a2.example\n");
        ConfigSnapshot s = TestConf.snapshot(YamlConfigLoader.loadDirectory(conf.dir, 1, TestConf.CLOCK, overrides));
        assertThat(s.tools()).extracting(t -> t.name() + " " + t.baseUrl())
                .containsExactly("a https://a2.example", "c https://c.example");
    }

    @Test
    void repositoryConfIsValidAndItsExamplesAreValidProviders() throws Exception {
        // Surefire runs in the module's folder; conf/ and examples/ sit at the repository's root.
        Path repo = Path.of("").toAbsolutePath().getParent();
        ConfigSnapshot s = TestConf.snapshot(YamlConfigLoader.loadDirectory(repo.resolve("conf"), 1, TestConf.CLOCK));
        assertThat(s.identityProviders()).isNotEmpty();
        try (Stream<Path> examples = Files.list(repo.resolve("examples"))) {
            // Folders (examples/kubernetes) hold deployment manifests, not identity providers.
            assertThat(examples.filter(Files::isRegularFile).sorted().toList()).hasSizeGreaterThanOrEqualTo(4).allSatisfy(example ->
                    assertThat(YamlConfigLoader.loadDocuments(ResourceKind.IDENTITY_PROVIDERS, example.toString(),
                            Files.readString(example))).as(example.toString())
                            .isInstanceOf(DocumentsLoadResult.Parsed.class));
        }
    }

    @Test
    void sameDirectoryGivesSameErrorsInSameOrder() throws Exception {
        Path bad = resource("conf-bad");
        assertThat(TestConf.errors(YamlConfigLoader.loadDirectory(bad, 1, TestConf.CLOCK)))
                .isEqualTo(TestConf.errors(YamlConfigLoader.loadDirectory(bad, 2, TestConf.CLOCK)));
    }
}
