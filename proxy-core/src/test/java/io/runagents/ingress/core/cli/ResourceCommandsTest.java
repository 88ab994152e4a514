package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.core.server.LiveProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resource commands end to end through the real entry point, on files and through --server. */
class ResourceCommandsTest {
    static final String PROVIDER = """
            # the company's IdP
            name: corp
            spec:
              host: portal.corp.com
              identityProvider:
                issuer: https://login.corp.com
                jwksUri: https://login.corp.com/jwks
              userIDClaim: email
            """;

    @TempDir
    Path tmp;

    /** One run of {@code runagents ARGS}: exit code and what it printed. */
    record Run(int exit, String out, String err) { }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void applyListGetDeleteOnFiles() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        String dir = conf.toString();
        Path idp = file("idp.yaml", PROVIDER);

        Run dry = run("idp", "apply", "-f", idp.toString(), "--dry-run", "--config", dir);
        assertThat(dry.exit()).isZero();
        assertThat(dry.out()).startsWith("--- /dev/null\n+++ conf/identity-providers/corp.yaml\n")
                .contains("+  userIDClaim: email\n").endsWith("identity-provider/corp created (dry run)\n");
        assertThat(conf.resolve("identity-providers")).doesNotExist();

        assertThat(run("identity-providers", "apply", "-f", idp.toString(), "--config", dir))
                .isEqualTo(new Run(0, "identity-provider/corp created\n", ""));
        assertThat(Files.readString(conf.resolve("identity-providers/corp.yaml"))).isEqualTo(PROVIDER);
        assertThat(run("idp", "apply", "-f", idp.toString(), "--config", dir).out())
                .isEqualTo("identity-provider/corp unchanged\n");
        Path changed = file("idp2.yaml", PROVIDER.replace("userIDClaim: email", "userIDClaim: sub"));
        assertThat(run("idp", "apply", "-f", changed.toString(), "--config", dir).out())
                .isEqualTo("identity-provider/corp configured\n");

        assertThat(run("idp", "list", "--config", dir).out()).isEqualTo("""
                NAME   HOST              ISSUER                   USER-ID-CLAIM   STATUS
                corp   portal.corp.com   https://login.corp.com   sub             -
                """);
        assertThat(run("idp", "list", "-o", "json", "--config", dir).out()).contains("\"name\" : \"corp\"");
        assertThat(run("idp", "list", "-o", "yaml", "--config", dir).out()).startsWith("name: corp\nspec:\n");
        assertThat(run("idp", "get", "corp", "--config", dir).out()).startsWith("name: corp\nspec:\n  host: portal");
        assertThat(run("idp", "get", "corp", "-o", "json", "--config", dir).out())
                .contains("\"userIDClaim\" : \"sub\"");

        assertThat(run("idp", "delete", "corp", "--config", dir))
                .isEqualTo(new Run(0, "identity-provider/corp deleted\n", ""));
        assertThat(run("idp", "get", "corp", "--config", dir))
                .isEqualTo(new Run(1, "", "identity-provider \"corp\" not found\n"));
        assertThat(run("idp", "delete", "corp", "--config", dir).exit()).isEqualTo(1);
    }

    @Test
    void invalidApplyPrintsEveryErrorWithPositionAndWritesNothing() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path bad = file("bad.yaml", "name: a\nspec:\n  pathPrefix: /a\n  upstrem: http://127.0.0.1:9\n"
                + "---\nname: Not_A_Label\nspec:\n  upstream: http://127.0.0.1:9\n  access: open\n");
        Run r = run("agents", "apply", "-f", bad.toString(), "--config", conf.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":4:3: spec.upstrem: unknown field", bad + ":6:7: name:")
                .endsWith("nothing was written\n");
        assertThat(conf.resolve("agents")).doesNotExist();

        // Valid on its own, but a policy naming a missing tool breaks the directory.
        Path policy = file("p.yaml", "name: p\nspec:\n  target: { tool: nope }\n  rules:\n    - effect: allow\n");
        Run refused = run("policies", "apply", "-f", policy.toString(), "--config", conf.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("conf/policies/p.yaml:3:");
    }

    @Test
    void listAndGetOnAMissingDirectorySayItIsNotFound() {
        String missing = tmp.resolve("nonexistent").toString();
        for (String[] args : new String[][] {{"idp", "list"}, {"idp", "list", "-o", "yaml"}, {"idp", "get", "corp"}}) {
            Run r = run(append(args, "--config", missing));
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).startsWith(
                    "nonexistent/:0:0: conf directory not found (expected: a directory)\n");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void listAndGetPrintTheDirectorysErrorsInsteadOfSkippingInvalidDocuments() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.createDirectories(conf.resolve("agents"));
        Files.createDirectories(conf.resolve("policies"));
        Files.writeString(conf.resolve("agents/a.yaml"),
                "name: a\nspec:\n  upstream: http://127.0.0.1:9000\n  access: open\n");
        Files.writeString(conf.resolve("policies/p.yaml"),
                "name: p\nspec:\n  target: { agent: a }\n  rules:\n    - effect: allow\n      userz: [bob]\n");
        String dir = conf.toString();
        String error = "conf/policies/p.yaml:6:7: spec.rules[0].userz: unknown field (expected one of: effect, users,"
                + " groups, domains, methods, paths, scopes, agents)\n";

        assertThat(run("policies", "get", "p", "--config", dir))
                .isEqualTo(new Run(1, "", error + "policy \"p\" not found\n"));
        assertThat(run("policies", "delete", "p", "--config", dir))
                .isEqualTo(new Run(1, "", error + "policy \"p\" not found\n"));
        assertThat(run("policies", "list", "--config", dir)).isEqualTo(new Run(1, "", error));
        Run agents = run("agents", "list", "--config", dir);
        assertThat(agents.exit()).isEqualTo(1);
        assertThat(agents.out()).startsWith("NAME   HOST").contains("\na      *");
        assertThat(agents.err()).isEqualTo(error);
        // A valid resource is shown as it is: the answer is complete.
        assertThat(run("agents", "get", "a", "--config", dir).exit()).isZero();
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("agents").exit()).isEqualTo(2);
        assertThat(run("agents", "get").exit()).isEqualTo(2);
        assertThat(run("agents", "list", "-o", "xml").exit()).isEqualTo(2);
        assertThat(run("agents", "apply").exit()).isEqualTo(2);
        assertThat(run("agents", "list", "--config", "x", "--server", "http://127.0.0.1:1").exit()).isEqualTo(2);
        assertThat(run("completion", "fish").exit()).isEqualTo(2);
    }

    @Test
    void completionPrintsABashScript() {
        Run r = run("completion", "bash");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F", "identity-providers", "idp");
    }

    @Test
    void theSameVerbsThroughARunningProxy() throws Exception {
        try (LiveProxy live = LiveProxy.start(tmp, null)) {
            String server = live.adminUrl();
            Path agent = file("agent.yaml", live.agentYaml("remote"));

            Run dry = run("agents", "apply", "-f", agent.toString(), "--server", server, "--dry-run");
            assertThat(dry.out()).contains("+name: remote").endsWith("agent/remote created (dry run)\n");
            assertThat(live.conf.resolve("agents/remote.yaml")).doesNotExist();

            assertThat(run("agents", "apply", "-f", agent.toString(), "--server", server))
                    .isEqualTo(new Run(0, "agent/remote created\n", ""));
            // The PUT answers after the reload: the route serves at once.
            assertThat(live.store.current().agent("remote")).isPresent();
            assertThat(run("agents", "apply", "-f", agent.toString(), "--server", server).out())
                    .isEqualTo("agent/remote unchanged\n");

            assertThat(run("agents", "list", "--server", server).out())
                    .startsWith("NAME     HOST   PATH      UPSTREAMS")
                    .contains("remote   *      /remote   " + live.agent.uri() + "   open     -\n");
            assertThat(run("agents", "get", "remote", "--server", server).out())
                    .isEqualTo(live.agentYaml("remote"));
            assertThat(run("agents", "get", "nope", "--server", server))
                    .isEqualTo(new Run(1, "", "agent \"nope\" not found\n"));

            Path bad = file("bad.yaml", "name: remote\nspec:\n  upstream: ftp://x\n");
            Run refused = run("agents", "apply", "-f", bad.toString(), "--server", server);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).startsWith(bad + ":3:13: spec.upstream:");

            assertThat(run("agents", "delete", "remote", "--server", server).out()).isEqualTo("agent/remote deleted\n");
            assertThat(live.conf.resolve("agents/remote.yaml")).doesNotExist();
            assertThat(live.store.current().agent("remote")).isEmpty();
            assertThat(run("agents", "delete", "remote", "--server", server).exit()).isEqualTo(1);
        }
        assertThat(run("agents", "list", "--server", "http://127.0.0.1:1").err()).startsWith("error: cannot reach");
    }
}
