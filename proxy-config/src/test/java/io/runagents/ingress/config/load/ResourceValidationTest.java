package io.runagents.ingress.config.load;

import static io.runagents.ingress.config.load.TestConf.documentErrors;
import static io.runagents.ingress.config.load.TestConf.documents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.ToolAuth;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The rules of each kind, one file at a time through {@link YamlConfigLoader#loadDocuments}. */
class ResourceValidationTest {
    private static final ResourceKind IDP = ResourceKind.IDENTITY_PROVIDERS;

    @Test
    void typoInFieldNameIsUnknownAndRequiredFieldIsMissing() {
        assertThat(documentErrors(IDP, TestConf.PROVIDER.replace("userIDClaim", "userIdClaim"))).containsExactly(
                "in.yaml:2:1: spec.userIDClaim: required field missing",
                "in.yaml:7:3: spec.userIdClaim: unknown field (expected one of: host, identityProvider, userIDClaim,"
                        + " allowedDomains, groupsClaim, forwardToken, claimHeaders)");
    }

    @Test
    void missingNameAndSpec() {
        assertThat(documentErrors(IDP, "nmae: corp\n")).containsExactly(
                "in.yaml:1:1: name: required field missing",
                "in.yaml:1:1: spec: required field missing",
                "in.yaml:1:1: nmae: unknown field (expected one of: name, spec)");
    }

    @Test
    void httpIssuerOnlyForLoopback() {
        String yaml = TestConf.PROVIDER.replace("https://login.corp.com/jwks", "http://login.corp.com/jwks");
        assertThat(documentErrors(IDP, yaml)).containsExactly("in.yaml:6:14: spec.identityProvider.jwksUri: "
                + "must be an https:// URL (http:// only for loopback hosts)");
        for (String host : new String[] {"127.0.0.1:8080", "[::1]", "localhost", "LOCALHOST:1"}) {
            IdentityProvider p = documents(IDP, TestConf.PROVIDER.replace("https://login.corp.com",
                    "http://" + host)).identityProviders().get(0);
            assertThat(p.issuer()).isEqualTo("http://" + host);
        }
        assertThat(documentErrors(IDP, TestConf.PROVIDER.replace("issuer: https://login.corp.com",
                "issuer: http://127.0.0.2"))).hasSize(1);
    }

    @Test
    void badName() {
        assertThat(documentErrors(IDP, TestConf.PROVIDER.replace("name: corp", "name: -corp"))).containsExactly(
                "in.yaml:1:7: name: \"-corp\" (expected: a DNS label: lowercase letters, digits and '-',"
                        + " at most 63 characters)");
        assertThat(documentErrors(IDP, TestConf.PROVIDER.replace("name: corp", "name: " + "a".repeat(64))))
                .hasSize(1);
        documents(IDP, TestConf.PROVIDER.replace("name: corp", "name: " + "a".repeat(63)));
    }

    @Test
    void duplicateKeyAndDuplicateNameInOneFile() {
        assertThat(documentErrors(IDP, TestConf.PROVIDER + "  userIDClaim: sub\n---\n" + TestConf.PROVIDER))
                .containsExactly(
                        "in.yaml:8:3: spec.userIDClaim: duplicate key (first at line 7, column 3)",
                        "in.yaml:10:7: name: duplicate identity-provider name \"corp\" (first defined at in.yaml:1:7)");
    }

    @Test
    void wrongTypes() {
        String yaml = """
                name: corp
                spec:
                  host: [portal.corp.com]
                  identityProvider: https://login.corp.com
                  userIDClaim: 42
                  allowedDomains: corp.com
                  groupsClaim: null
                  forwardToken: 1
                """;
        assertThat(documentErrors(IDP, yaml)).containsExactly(
                "in.yaml:3:9: spec.host: a list (expected: a string)",
                "in.yaml:4:21: spec.identityProvider: \"https://login.corp.com\" (expected: a mapping)",
                "in.yaml:5:16: spec.userIDClaim: 42 (expected: a string; quote it)",
                "in.yaml:6:19: spec.allowedDomains: \"corp.com\" (expected: a list)",
                "in.yaml:8:17: spec.forwardToken: 1 (expected: true or false)");
    }

    @Test
    void providerExtensionsAndTheirLimits() {
        String yaml = TestConf.PROVIDER.replace("  userIDClaim", "    algorithms: []\n"
                + "    clockSkewSeconds: \"60\"\n"
                + "    maxTokenLifetimeSeconds: 0\n"
                + "    audiences: [ok, 7]\n"
                + "  userIDClaim");
        assertThat(documentErrors(IDP, yaml)).containsExactly(
                "in.yaml:7:17: spec.identityProvider.algorithms: [] (expected: at least one of RS256, RS384, RS512,"
                        + " PS256, PS384, PS512, ES256, ES384, ES512)",
                "in.yaml:8:23: spec.identityProvider.clockSkewSeconds: \"60\" (expected: an integer)",
                "in.yaml:9:30: spec.identityProvider.maxTokenLifetimeSeconds: 0 (expected: >= 1)",
                "in.yaml:10:21: spec.identityProvider.audiences[1]: 7 (expected: a string; quote it)");
    }

    @Test
    void emptyProviderListsWouldAcceptAnyAudienceOrDomainAndAreRefused() {
        String yaml = TestConf.PROVIDER.replace("  userIDClaim", "    audiences: []\n  userIDClaim")
                + "  allowedDomains: []\n";
        assertThat(documentErrors(IDP, yaml)).containsExactly(
                "in.yaml:7:16: spec.identityProvider.audiences: [] (expected: at least one audience; omit the field"
                        + " to skip this check)",
                "in.yaml:9:19: spec.allowedDomains: [] (expected: at least one domain; omit the field to skip this"
                        + " check)");
        // A key left without a value (a template that rendered nothing) is refused too, not read as "any domain";
        // leaving the key out is the way to skip the check.
        assertThat(documentErrors(IDP, TestConf.PROVIDER + "  allowedDomains:\n")).containsExactly(
                "in.yaml:8:18: spec.allowedDomains: no value (expected: at least one domain; omit the field to skip"
                        + " this check)");
        assertThat(documents(IDP, TestConf.PROVIDER).identityProviders().get(0).allowedDomains()).isEmpty();
    }

    @Test
    void emptyRuleListsWouldMatchEveryoneAndAreRefused() {
        String policy = "name: p\nspec:\n  target: {tool: t}\n  rules:\n    - effect: allow\n      %s: []\n";
        String[][] cases = {{"users", "user"}, {"groups", "group"}, {"domains", "domain"}, {"methods", "method"},
            {"paths", "path"}};
        for (String[] c : cases) {
            assertThat(documentErrors(ResourceKind.POLICIES, policy.formatted(c[0]))).containsExactly("in.yaml:6:"
                    + (9 + c[0].length()) + ": spec.rules[0]." + c[0] + ": [] (expected: at least one " + c[1]
                    + "; omit the field to skip this check)");
        }
        assertThat(documentErrors(ResourceKind.POLICIES, policy.replace("[]", "null").formatted("users")))
                .singleElement().asString().contains("spec.rules[0].users: no value (expected: at least one user");
    }

    @Test
    void urlPortsOutOfRangeAreRefused() {
        String agent = "name: a\nspec:\n  upstream: %s\n";
        for (String url : new String[] {"http://127.0.0.1:70000", "http://127.0.0.1:0", "https://[::1]:65536/p"}) {
            assertThat(documentErrors(ResourceKind.AGENTS, agent.formatted(url))).as(url).containsExactly(
                    "in.yaml:3:13: spec.upstream: \"" + url + "\" (expected: a port from 1 to 65535)");
        }
        assertThat(documentErrors(ResourceKind.AGENTS, "name: a\nspec:\n  upstreams: [http://a:1, http://b:99999]\n"))
                .containsExactly("in.yaml:3:27: spec.upstreams[1]: \"http://b:99999\" (expected: a port from 1 to"
                        + " 65535)");
        assertThat(documents(ResourceKind.AGENTS, agent.formatted("http://127.0.0.1:65535")).agents().get(0)
                .upstreams()).containsExactly(URI.create("http://127.0.0.1:65535"));
        assertThat(documentErrors(ResourceKind.TOOLS, "name: t\nspec:\n  baseUrl: https://api.example:0\n"))
                .containsExactly("in.yaml:3:12: spec.baseUrl: \"https://api.example:0\" (expected: a port from 1 to"
                        + " 65535)");
        assertThat(documentErrors(IDP, TestConf.PROVIDER.replace("login.corp.com/jwks", "login.corp.com:70000/jwks")))
                .containsExactly("in.yaml:6:14: spec.identityProvider.jwksUri: \"https://login.corp.com:70000/jwks\""
                        + " (expected: a port from 1 to 65535)");
    }

    @Test
    void claimHeadersMustNotSpoofProxyHeaders() {
        for (String header : new String[] {"X-End-User-ID", "x_end_user_context", "Authorization", "Host",
            "Connection", "X-Forwarded-For", "X-Request-Id", "Transfer-Encoding"}) {
            assertThat(documentErrors(IDP, TestConf.PROVIDER + "  claimHeaders: {email: " + header + "}\n"))
                    .as(header).hasSize(1).allMatch(e -> e.startsWith("in.yaml:8:25: spec.claimHeaders.email: "));
        }
        assertThat(documentErrors(IDP, TestConf.PROVIDER + "  claimHeaders: {email: X-Mail, mail: x-mail}\n"))
                .containsExactly("in.yaml:8:39: spec.claimHeaders.mail: \"x-mail\" (expected: a header not already"
                        + " used for claim \"email\")");
    }

    @Test
    void agentPathPrefixIsNormalised() {
        String agent = "name: a\nspec:\n  upstream: http://agent:9000\n  pathPrefix: %s\n";
        assertThat(documents(ResourceKind.AGENTS, agent.formatted("//a//b/")).agents().get(0).pathPrefix())
                .isEqualTo("/a/b");
        assertThat(documents(ResourceKind.AGENTS, agent.formatted("///")).agents().get(0).pathPrefix())
                .isEqualTo("/");
        for (String bad : new String[] {"/a/./b", "/a/%2e", "'/a\\b'", "/a?b", "'/a#b'", "/.."}) {
            assertThat(documentErrors(ResourceKind.AGENTS, agent.formatted(bad))).as(bad).hasSize(1);
        }
    }

    @Test
    void agentUpstreams() {
        Agent a = documents(ResourceKind.AGENTS, "name: a\nspec:\n  host: API.Corp.com\n"
                + "  upstreams: [http://a:1, https://b:2/base]\n").agents().get(0);
        assertThat(a.host()).isEqualTo("api.corp.com");
        assertThat(a.upstreams()).containsExactly(URI.create("http://a:1"), URI.create("https://b:2/base"));
        assertThat(documents(ResourceKind.AGENTS, "name: a\nspec:\n  upstreams: [HTTP://a, 'https://[::1]/p']\n")
                .agents().get(0).upstreams()).containsExactly(URI.create("http://a:80"), URI.create("https://[::1]:443/p"));
        assertThat(documentErrors(ResourceKind.AGENTS, "name: a\nspec:\n  upstreams: []\n"))
                .containsExactly("in.yaml:3:14: spec.upstreams: [] (expected: at least one URL)");
        assertThat(documentErrors(ResourceKind.AGENTS, "name: a\nspec:\n  upstreams: [http://a:1, 'http://b/?q']\n"))
                .containsExactly("in.yaml:3:27: spec.upstreams[1]: must be an http://host:port URL with an optional"
                        + " path (no query, fragment or user info)");
        assertThat(documentErrors(ResourceKind.AGENTS, "name: a\nspec:\n  upstream: ws://a:1\n"
                + "  maxBodyBytes: 0\n")).containsExactly(
                "in.yaml:3:13: spec.upstream: must be an http://host:port URL with an optional path (no query,"
                        + " fragment or user info)",
                "in.yaml:4:17: spec.maxBodyBytes: 0 (expected: >= 1)");
    }

    @Test
    void toolAuthTypes() {
        ToolAuth apiKey = documents(ResourceKind.TOOLS, """
                name: t
                spec:
                  baseUrl: https://api.example
                  auth: { type: apiKey, apiKey: { header: X-Api-Key, valueEnv: KEY_1 } }
                """).tools().get(0).auth();
        assertThat(apiKey).isEqualTo(new ToolAuth.ApiKey("X-Api-Key", "KEY_1"));
        assertThat(documentErrors(ResourceKind.TOOLS, """
                name: t
                spec:
                  baseUrl: https://api.example
                  auth: { clientId: abc }
                """)).containsExactly("in.yaml:4:21: spec.auth.clientId: not allowed when type is none");
        assertThat(documentErrors(ResourceKind.TOOLS, "name: t\nspec:\n  auth: { type: apiKey }\n"))
                .containsExactly("in.yaml:2:1: spec.baseUrl: required field missing",
                        "in.yaml:3:3: spec.auth.apiKey: required field missing");
    }

    private static final String OAUTH_TOOL = """
            name: drive
            spec:
              baseUrl: https://www.googleapis.com/drive/v3
              auth:
                type: oauth2
                authorizationUrl: https://accounts.google.com/o/oauth2/v2/auth
                tokenUrl: https://oauth2.googleapis.com/token
                clientId: abc.apps.googleusercontent.com
                clientSecretEnv: DRIVE_SECRET
                scopes: [https://www.googleapis.com/auth/drive.readonly]
                revocationUrl: https://oauth2.googleapis.com/revoke
                issuer: https://accounts.google.com
            """;

    @Test
    void oauth2ToolFields() {
        ToolAuth.OAuth2 o = (ToolAuth.OAuth2) documents(ResourceKind.TOOLS, OAUTH_TOOL).tools().get(0).auth();
        assertThat(o.tokenEndpointAuth()).isEqualTo(ToolAuth.TokenEndpointAuth.CLIENT_SECRET_BASIC);
        assertThat(o.clientSecretEnv()).isEqualTo("DRIVE_SECRET");
        assertThat(o.revocationUrl()).isEqualTo(URI.create("https://oauth2.googleapis.com/revoke"));
        assertThat(o.issuer()).isEqualTo(URI.create("https://accounts.google.com"));
        assertThat(o.resource()).isNull();
        ToolAuth.OAuth2 pub = (ToolAuth.OAuth2) documents(ResourceKind.TOOLS, OAUTH_TOOL
                .replace("    clientSecretEnv: DRIVE_SECRET\n", "    tokenEndpointAuth: none\n")).tools().get(0).auth();
        assertThat(pub.clientSecretEnv()).isNull();
        assertThat(pub.tokenEndpointAuth()).isEqualTo(ToolAuth.TokenEndpointAuth.NONE);
    }

    @Test
    void badOauth2ToolFieldsAreReportedAtTheirField() {
        assertThat(documentErrors(ResourceKind.TOOLS, OAUTH_TOOL
                .replace("https://oauth2.googleapis.com/token", "http://oauth2.googleapis.com/token")
                .replace("    clientSecretEnv: DRIVE_SECRET\n", "    clientSecretEnv: DRIVE_SECRET\n"
                        + "    tokenEndpointAuth: private_key_jwt\n")
                .replace("https://oauth2.googleapis.com/revoke", "ftp://x"))).containsExactly(
                "in.yaml:7:15: spec.auth.tokenUrl: must be an https:// URL (http:// only for loopback hosts)",
                "in.yaml:10:24: spec.auth.tokenEndpointAuth: \"private_key_jwt\" (expected one of: client_secret_basic,"
                        + " client_secret_post, none)",
                "in.yaml:12:20: spec.auth.revocationUrl: must be an https:// URL (http:// only for loopback hosts)");
        assertThat(documentErrors(ResourceKind.TOOLS, OAUTH_TOOL.replace("    issuer: https://accounts.google.com\n",
                "    issuer: https://accounts.google.com\n    tokenEndpointAuth: none\n")))
                .containsExactly("in.yaml:9:22: spec.auth.clientSecretEnv: not allowed when tokenEndpointAuth is none"
                        + " (a public client)");
    }

    @Test
    void policyTargetAndRules() {
        assertThat(documentErrors(ResourceKind.POLICIES, "name: p\nspec:\n  target: {}\n")).containsExactly(
                "in.yaml:2:1: spec.rules: required field missing",
                "in.yaml:3:11: spec.target: expected exactly one of {tool: NAME} and {agent: NAME}");
        assertThat(documentErrors(ResourceKind.POLICIES,
                "name: p\nspec:\n  target: {tool: t, user: x}\n  rules: [allow]\n")).containsExactly(
                "in.yaml:3:21: spec.target.user: unknown field (expected one of: tool, agent)",
                "in.yaml:4:11: spec.rules[0]: \"allow\" (expected: a mapping)");
    }

    @Test
    void unknownKindFolderIsRefused() {
        assertThatThrownBy(() -> YamlConfigLoader.loadDocuments("identity-provider", "x.yaml", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kindFolder: identity-provider (expected:");
        assertThat(YamlConfigLoader.loadDocuments("tools", "x.yaml", "# empty\n"))
                .isEqualTo(new DocumentsLoadResult.Parsed(Resources.EMPTY));
    }

    private static final ResourceKind AGENTS = ResourceKind.AGENTS;
    private static final String MCP_AGENT = """
            name: mcp
            spec:
              host: mcp.corp.com
              pathPrefix: /mcp
              upstream: http://127.0.0.1:9000
              resource: https://mcp.corp.com/mcp
              requiredScopes: [mcp:tools, files.read]
              cors: { allowedOrigins: ["https://App.Example.com", "http://localhost:6274"] }
            """;

    @Test
    void discoveryFieldsOfAnAgent() {
        Agent a = documents(AGENTS, MCP_AGENT).agents().get(0);
        assertThat(a.resource()).isEqualTo(URI.create("https://mcp.corp.com/mcp"));
        assertThat(a.requiredScopes()).containsExactly("mcp:tools", "files.read");
        assertThat(a.corsOrigins()).containsExactly("https://app.example.com", "http://localhost:6274");
        assertThat(a.allowsOrigin("https://app.example.com")).isTrue();
        assertThat(a.allowsOrigin("https://evil.example.com")).isFalse();
        Agent plain = documents(AGENTS, testingAgent()).agents().get(0);
        assertThat(plain.resource()).isNull();
        assertThat(plain.requiredScopes()).isEmpty();
        assertThat(plain.corsOrigins()).isEmpty();
    }

    @Test
    void badDiscoveryFieldsAreReportedAtTheirField() {
        String bad = MCP_AGENT.replace("https://mcp.corp.com/mcp", "http://mcp.corp.com/other?x=1")
                .replace("[mcp:tools, files.read]", "[\"mcp tools\"]")
                .replace("[\"https://App.Example.com\", \"http://localhost:6274\"]", "[\"*\", \"https://a.example/path\"]");
        assertThat(documentErrors(AGENTS, bad)).containsExactly(
                "in.yaml:6:13: spec.resource: must be an https:// URL (http:// only for loopback hosts)",
                "in.yaml:7:20: spec.requiredScopes[0]: \"mcp tools\" (expected: a scope: printable ASCII without"
                        + " spaces, quotes or backslashes)",
                "in.yaml:8:33: spec.cors.allowedOrigins[1]: \"https://a.example/path\" (expected: an origin such as"
                        + " https://app.example.com, or *)");
        assertThat(documentErrors(AGENTS, MCP_AGENT.replace("https://mcp.corp.com/mcp", "https://mcp.corp.com/other")))
                .containsExactly("in.yaml:6:13: spec.resource: its path \"/other\" is not the agent's pathPrefix"
                        + " \"/mcp\" (RFC 9728 section 3.3)");
        assertThat(documentErrors(AGENTS, MCP_AGENT.replace("[\"https://App.Example.com\", \"http://localhost:6274\"]",
                "[\"*\", \"https://a.example\"]"))).containsExactly("in.yaml:8:27: spec.cors.allowedOrigins: \"*\" mixed"
                + " with origins (expected: either [\"*\"] or a list of origins)");
    }

    @Test
    void pathsTheProxyAnswersItselfCannotBeAgentPrefixes() {
        for (String prefix : new String[] {"/oauth", "/oauth/callback", "/.well-known/oauth-protected-resource",
            "/.well-known/oauth-protected-resource/mcp"}) {
            assertThat(documentErrors(AGENTS, testingAgent().replace("pathPrefix: /a", "pathPrefix: " + prefix)))
                    .as(prefix).singleElement().asString().contains("spec.pathPrefix: \"" + prefix + "\" (expected: a"
                            + " path outside");
        }
        assertThat(documents(AGENTS, testingAgent().replace("pathPrefix: /a", "pathPrefix: /oauthx")).agents())
                .hasSize(1);
    }

    private static String testingAgent() {
        return io.runagents.ingress.config.testing.ResourceYaml.AGENT.formatted("plain", "a");
    }
}
