package io.runagents.ingress.config.load;

import static io.runagents.ingress.config.testing.ResourceYaml.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.Agent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YAML the loader would not read is an error, not silence (SPEC section 3: a typo must not silently disable a
 * check): folders and files in the wrong place, and links that lead nowhere.
 */
class DirectoryLayoutTest {
    private static final String POLICY = """
            name: p
            spec:
              target: { agent: a }
              rules:
                - effect: deny
            """;

    @TempDir
    Path tmp;

    @Test
    void folderThatIsNoKindButHoldsYamlIsAnError() {
        TestConf conf = new TestConf(tmp)
                .file("agents/a.yaml", "name: a\nspec:\n  upstream: http://127.0.0.1:9000\n  identityProvider: corp\n")
                .file("identity-provider/corp.yaml", TestConf.PROVIDER)
                .file("polices/p.yaml", POLICY)
                .file("extra/nested/x.yml", "name: x\n");
        String unknown = ":1:1: unknown folder holding YAML files, which the loader does not read (expected:"
                + " identity-providers, agents, tools or policies): ";
        // The agent's provider is in the misspelt folder: the folder is the error, not a "not found" as well.
        assertThat(conf.errors()).containsExactly(
                "conf/extra" + unknown + "rename it after the kind of its resources, or move the YAML files out of"
                        + " the conf directory",
                "conf/identity-provider" + unknown + "rename it to identity-providers, or move the YAML files out"
                        + " of the conf directory",
                "conf/polices" + unknown + "rename it to policies, or move the YAML files out of the conf directory");
    }

    @Test
    void foldersWithoutYamlAndDotEntriesStayFine() throws Exception {
        // A ConfigMap mount keeps its real files in a timestamped dot-folder behind ..data; .git holds anything.
        TestConf conf = new TestConf(tmp)
                .file("..2024_01_01_00_00_00.1/agents/a.yaml", AGENT.formatted("a", "a"))
                .file(".git/hooks/x.yaml", "not: [valid")
                .file("certs/tls.crt", "-----BEGIN CERTIFICATE-----\n")
                .file("notes.txt", "not YAML, not read");
        Files.createSymbolicLink(conf.dir.resolve("..data"), Path.of("..2024_01_01_00_00_00.1"));
        Files.createSymbolicLink(conf.dir.resolve("agents"), Path.of("..data/agents"));

        assertThat(conf.snapshot().agents()).extracting(Agent::name).containsExactly("a");
    }

    @Test
    void subfolderOfAKindFolderHoldingYamlIsAnError() {
        TestConf conf = new TestConf(tmp)
                .file("agents/a.yaml", AGENT.formatted("a", "a"))
                .file("agents/team/b.yaml", AGENT.formatted("b", "b"))
                .file("agents/docs/README.md", "no YAML here")
                .file("agents/.cache/c.yaml", "hidden, skipped");
        assertThat(conf.errors()).containsExactly("conf/agents/team:1:1: subfolder holding YAML files, which the"
                + " loader does not read (expected: files directly in agents/): move them up into agents/, or out of"
                + " the conf directory");
    }

    @Test
    void topLevelYamlOtherThanProxyYamlIsAnError() {
        TestConf conf = new TestConf(tmp)
                .file("proxy.yaml", "# defaults\n")
                .file("agent.yaml", AGENT.formatted("a", "a"))
                .file("proxy.yml", "limits: { maxConnections: 10 }\n")
                .file("stuff.yaml", "a: 1\n");
        String notRead = ":1:1: YAML file at the top of the conf directory, which the loader does not read"
                + " (expected: only proxy.yaml there): ";
        assertThat(conf.errors()).containsExactly(
                "conf/agent.yaml" + notRead + "move it into agents/, or out of the conf directory",
                "conf/proxy.yml" + notRead + "rename it to proxy.yaml, or move it out of the conf directory",
                "conf/stuff.yaml" + notRead + "move it into the folder of its resources' kind (identity-providers/,"
                        + " agents/, tools/ or policies/), or out of the conf directory");
    }

    @Test
    void danglingSymlinkIsAnErrorUnlessAnEditReplacesIt() throws Exception {
        TestConf conf = new TestConf(tmp).file("agents/b.yaml", AGENT.formatted("b", "b"));
        Files.createSymbolicLink(conf.dir.resolve("agents/a.yaml"), Path.of("gone.yaml"));
        Files.createSymbolicLink(conf.dir.resolve("tools"), Path.of("..data/tools"));
        Files.createSymbolicLink(conf.dir.resolve("proxy.yaml"), Path.of("..data/proxy.yaml"));

        assertThat(conf.errors()).containsExactly(
                "conf/proxy.yaml:1:1: cannot read: the symbolic link's target does not exist (..data/proxy.yaml):"
                        + " fix or remove the link",
                "conf/agents/a.yaml:1:1: cannot read: the symbolic link's target does not exist (gone.yaml):"
                        + " fix or remove the link",
                "conf/tools:1:1: cannot read: the symbolic link's target does not exist (..data/tools):"
                        + " fix or remove the link");

        Files.delete(conf.dir.resolve("tools"));
        Files.delete(conf.dir.resolve("proxy.yaml"));
        // An apply that writes agents/a.yaml replaces the link, so its dry run must not trip over it.
        ConfigLoadResult dryRun = YamlConfigLoader.loadDirectory(conf.dir, 1, TestConf.CLOCK,
                Map.of("agents/a.yaml", AGENT.formatted("a", "a")));
        assertThat(TestConf.snapshot(dryRun).agents()).extracting(Agent::name).containsExactly("a", "b");
    }
}
