package io.runagents.ingress.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules that span resources, through whole directories. */
class CrossResourceValidationTest {
    private static final String SECOND_PROVIDER = TestConf.PROVIDER.replace("name: corp", "name: partner")
            .replace("portal.corp.com", "portal.partner.com").replace("login.corp.com", "login.partner.com");

    @TempDir
    Path tmp;

    private static String agent(String name, String extra) {
        return "name: " + name + "\nspec:\n  upstream: http://agent:9000\n" + extra;
    }

    @Test
    void authenticatedAgentNeedsAPossibleProvider() {
        TestConf conf = new TestConf(tmp)
                .file("identity-providers/corp.yaml", TestConf.PROVIDER)
                .file("identity-providers/partner.yaml", SECOND_PROVIDER)
                .file("agents/a-hostless.yaml", agent("hostless", ""))
                .file("agents/b-other-host.yaml", agent("other", "  host: other.corp.com\n"))
                .file("agents/c-by-host.yaml", agent("by-host", "  host: PORTAL.corp.com\n"))
                .file("agents/d-named.yaml", agent("named", "  pathPrefix: /n\n  identityProvider: partner\n"))
                .file("agents/e-open.yaml", agent("open", "  pathPrefix: /o\n  access: open\n"));
        assertThat(conf.errors()).containsExactly(
                "conf/agents/a-hostless.yaml:2:1: spec.access: authenticated agent has no identity provider"
                        + " (expected: spec.identityProvider, or exactly one provider registered, since the agent"
                        + " has no host)",
                "conf/agents/b-other-host.yaml:2:1: spec.access: authenticated agent has no identity provider"
                        + " (expected: spec.identityProvider, a provider with host \"other.corp.com\", or exactly"
                        + " one provider registered)");
    }

    @Test
    void exactlyOneProviderIsAutoSelected() {
        TestConf conf = new TestConf(tmp)
                .file("identity-providers/corp.yaml", TestConf.PROVIDER)
                .file("agents/a.yaml", agent("a", "  host: elsewhere.example\n  access: authenticated\n"));
        assertThat(conf.snapshot().agents()).hasSize(1);
    }

    @Test
    void noProviderAtAll() {
        assertThat(new TestConf(tmp).file("agents/a.yaml", agent("a", "  access: authenticated\n")).errors())
                .containsExactly("conf/agents/a.yaml:4:11: spec.access: authenticated agent has no identity provider"
                        + " (expected: spec.identityProvider, or exactly one provider registered, since the agent"
                        + " has no host)");
    }

    @Test
    void namedProviderMustExist() {
        TestConf conf = new TestConf(tmp)
                .file("identity-providers/corp.yaml", TestConf.PROVIDER)
                .file("agents/a.yaml", agent("a", "  identityProvider: corpp\n"));
        assertThat(conf.errors()).containsExactly(
                "conf/agents/a.yaml:4:21: spec.identityProvider: identity-provider \"corpp\" not found");
    }

    @Test
    void referenceToABrokenProviderIsNotAlsoReportedMissing() {
        TestConf conf = new TestConf(tmp)
                .file("identity-providers/corp.yaml", TestConf.PROVIDER.replace("https://login.corp.com/jwks", "x"))
                .file("identity-providers/z.yaml", "name: [")
                .file("agents/a.yaml", agent("a", "  identityProvider: corp\n"))
                .file("agents/b.yaml", agent("b", "  pathPrefix: /b\n  identityProvider: hidden-by-syntax-error\n"));
        assertThat(conf.errors()).containsExactly(
                "conf/identity-providers/corp.yaml:6:14: spec.identityProvider.jwksUri: must be an https:// URL"
                        + " (http:// only for loopback hosts)",
                "conf/identity-providers/z.yaml:1:8: YAML syntax error: expected the node content, but found"
                        + " '<stream end>' (while parsing a flow node started at 1:8)");
    }

    @Test
    void twoAgentsOnOneRoute() {
        TestConf conf = new TestConf(tmp)
                .file("identity-providers/corp.yaml", TestConf.PROVIDER)
                .file("agents/a.yaml", agent("a", "  pathPrefix: /x/\n") + "---\n"
                        + agent("b", "  host: portal.corp.com\n  pathPrefix: /x\n"))
                .file("agents/b.yaml", agent("c", "  pathPrefix: //x\n") + "---\n"
                        + agent("d", "  host: Portal.Corp.com\n  pathPrefix: /x\n"));
        assertThat(conf.errors()).containsExactly(
                "conf/agents/b.yaml:4:15: spec.pathPrefix: any host and pathPrefix \"/x\" already route to agent"
                        + " \"a\" (conf/agents/a.yaml:4:15)",
                "conf/agents/b.yaml:10:15: spec.pathPrefix: host \"portal.corp.com\" and pathPrefix \"/x\" already"
                        + " route to agent \"b\" (conf/agents/a.yaml:10:15)");
    }

    @Test
    void policyTargetsMustExist() {
        TestConf conf = new TestConf(tmp)
                .file("identity-providers/corp.yaml", TestConf.PROVIDER)
                .file("agents/a.yaml", agent("support", ""))
                .file("tools/t.yaml", "name: github\nspec:\n  baseUrl: https://api.github.com\n")
                .file("policies/p.yaml", """
                        name: ok-tool
                        spec: { target: { tool: github }, rules: [ { effect: allow } ] }
                        ---
                        name: ok-agent
                        spec: { target: { agent: support }, rules: [ { effect: deny } ] }
                        ---
                        name: bad-tool
                        spec: { target: { tool: gitlab }, rules: [ { effect: allow } ] }
                        ---
                        name: bad-agent
                        spec: { target: { agent: github }, rules: [ { effect: allow } ] }
                        """);
        assertThat(conf.errors()).containsExactly(
                "conf/policies/p.yaml:8:25: spec.target.tool: tool \"gitlab\" not found",
                "conf/policies/p.yaml:11:26: spec.target.agent: agent \"github\" not found");
    }

    @Test
    void sameHostAndIssuerTwiceIsAmbiguous() {
        TestConf conf = new TestConf(tmp)
                .file("identity-providers/corp.yaml", TestConf.PROVIDER + "---\n"
                        + TestConf.PROVIDER.replace("name: corp", "name: corp2"));
        assertThat(conf.errors()).containsExactly("conf/identity-providers/corp.yaml:13:13:"
                + " spec.identityProvider.issuer: host \"portal.corp.com\" already has a provider with this issuer:"
                + " \"corp\" (conf/identity-providers/corp.yaml:5:13)");
    }
}
