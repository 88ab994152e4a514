package io.runagents.ingress.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.Access;
import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.PolicyRule;
import io.runagents.ingress.config.model.Tool;
import io.runagents.ingress.config.model.ToolAuth;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rendering resources back to YAML: SPEC layout, defaults omitted, and load -> write -> load is the identity. */
class ResourceYamlWriterTest {
    @Test
    void roundTripsEveryResourceOfTheGoodDirectory() throws Exception {
        ConfigSnapshot s = TestConf.snapshot(YamlConfigLoader.loadDirectory(
                Path.of(getClass().getResource("/conf-good").toURI()), 1, TestConf.CLOCK));
        assertThat(reload(ResourceKind.IDENTITY_PROVIDERS, s.identityProviders()).identityProviders())
                .isEqualTo(s.identityProviders());
        assertThat(reload(ResourceKind.AGENTS, s.agents()).agents()).isEqualTo(s.agents());
        assertThat(reload(ResourceKind.TOOLS, s.tools()).tools()).isEqualTo(s.tools());
        assertThat(reload(ResourceKind.POLICIES, s.policies()).policies()).isEqualTo(s.policies());
    }

    @Test
    void providerInSpecLayoutWithoutDefaults() {
        IdentityProvider p = TestConf.documents(ResourceKind.IDENTITY_PROVIDERS, TestConf.PROVIDER)
                .identityProviders().get(0);
        assertThat(ResourceYamlWriter.write(p)).isEqualTo(TestConf.PROVIDER);
    }

    @Test
    void awkwardStringsAreQuotedAndSurvive() {
        List<String> awkward = List.of("yes", "No", "null", "~", "123", "1.5", "0x1F", "-dash", "a: b", "#hash",
                "[x]", "{y}", "quote\"d", "back\\slash", "tab\there", "line\nbreak", "ünïcode", "*star", "&amp",
                "!bang", "%pct", "@at", "`tick", "trailing:", "a,b", " lead", "trail ");
        IdentityProvider p = new IdentityProvider("p", "h.example", "https://h.example/?a=b&c", URI.create(
                "https://h.example/jwks"), awkward, List.of("ES256"), 0, 1L,
                "https://claims.example/user id", List.of("h.example"), "grp:s", true,
                Map.of("https://claims.example/t:x", "X-T"));
        assertThat(reload(ResourceKind.IDENTITY_PROVIDERS, List.of(p)).identityProviders()).containsExactly(p);
        Policy policy = new Policy("q", null, "a", List.of(new PolicyRule(0, PolicyRule.Effect.DENY, awkward,
                List.of("on"), List.of(), List.of("GET"), List.of("/x y", "/"))));
        assertThat(reload(ResourceKind.POLICIES, List.of(policy)).policies()).containsExactly(policy);
    }

    @Test
    void agentAndToolShapes() {
        Agent a = new Agent("a", null, "/", List.of(URI.create("http://a:1"), URI.create("http://b:2/p")), false,
                Access.OPEN, null, 300, null);
        assertThat(ResourceYamlWriter.write(a)).isEqualTo("""
                name: a
                spec:
                  upstreams: ["http://a:1", "http://b:2/p"]
                  access: open
                """);
        Tool t = new Tool("t", URI.create("https://t.example"), new ToolAuth.ApiKey("X-Key", "T_KEY"));
        assertThat(ResourceYamlWriter.writeAll(List.of(t, new Tool("u", URI.create("http://u:1"), ToolAuth.NONE))))
                .isEqualTo("""
                        name: t
                        spec:
                          baseUrl: https://t.example
                          auth:
                            type: apiKey
                            apiKey:
                              header: X-Key
                              valueEnv: T_KEY
                        ---
                        name: u
                        spec:
                          baseUrl: http://u:1
                        """);
    }

    @Test
    void newFieldsRoundTrip() {
        Agent mcp = new Agent("mcp", "mcp.corp.com", "/mcp", List.of(URI.create("http://127.0.0.1:9000")), false,
                Access.AUTHENTICATED, null, 300, null,
                URI.create("https://mcp.corp.com/mcp"), List.of("mcp:tools"), List.of("https://app.example.com"));
        assertThat(reload(ResourceKind.AGENTS, List.of(mcp)).agents()).containsExactly(mcp);
        Tool drive = new Tool("drive", URI.create("https://drive.example/api"), new ToolAuth.OAuth2(
                URI.create("https://auth.example/authorize"), URI.create("https://auth.example/token"), "client",
                null, List.of("files.read"), ToolAuth.TokenEndpointAuth.NONE, URI.create("https://auth.example/revoke"),
                URI.create("https://auth.example"), URI.create("https://drive.example/api")));
        assertThat(reload(ResourceKind.TOOLS, List.of(drive)).tools()).containsExactly(drive);
        Policy policy = new Policy("p", "drive",
                null, List.of(new PolicyRule(0,
                        PolicyRule.Effect.ALLOW, List.of(), List.of(), List.of(),
                        List.of(), List.of(), List.of("files.read"), List.of("mcp"))));
        assertThat(reload(ResourceKind.POLICIES, List.of(policy)).policies()).containsExactly(policy);
    }

    private static Resources reload(ResourceKind kind, List<? extends Record> resources) {
        return TestConf.documents(kind, ResourceYamlWriter.writeAll(resources));
    }
}
