package io.runagents.ingress.config.edit;

import static io.runagents.ingress.config.testing.ResourceYaml.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.load.ResourceKind;
import io.runagents.ingress.config.model.Agent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planning and committing edits against a real conf directory. */
class ResourceFilesTest {
    @TempDir
    Path tmp;
    Path conf;
    ResourceFiles files;

    @BeforeEach
    void setUp() throws Exception {
        conf = Files.createDirectories(tmp.resolve("conf"));
        files = new ResourceFiles(conf, Clock.systemUTC());
    }

    private String apply(String yaml) throws Exception {
        ResourceChange change = files.planApply(ResourceKind.AGENTS, "in.yaml", yaml);
        assertThat(change.errors()).isEmpty();
        files.commit(change);
        return String.join("; ", change.outcomes().stream().map(Object::toString).toList());
    }

    @Test
    void createdConfiguredUnchangedDeleted() throws Exception {
        assertThat(apply("# keep me\n" + AGENT.formatted("a", "a"))).isEqualTo("agent/a created");
        assertThat(Files.readString(conf.resolve("agents/a.yaml"))).startsWith("# keep me\n");
        assertThat(apply(AGENT.formatted("a", "a"))).isEqualTo("agent/a unchanged");
        assertThat(apply(AGENT.formatted("a", "b"))).isEqualTo("agent/a configured");
        assertThat(files.get(ResourceKind.AGENTS, "a")).get().extracting(r -> ((Agent) r).pathPrefix())
                .isEqualTo("/b");

        ResourceChange delete = files.planDelete(ResourceKind.AGENTS, "a");
        files.commit(delete);
        assertThat(delete.outcomes().get(0).toString()).isEqualTo("agent/a deleted");
        assertThat(conf.resolve("agents/a.yaml")).doesNotExist();
        assertThat(files.planDelete(ResourceKind.AGENTS, "a").outcomes().get(0).action())
                .isEqualTo(ResourceChange.Action.NOT_FOUND);
        try (Stream<Path> left = Files.list(conf.resolve("agents"))) {
            assertThat(left).isEmpty();   // no temp files left behind
        }
    }

    @Test
    void editsAResourceInsideAMultiDocumentFileInPlace() throws Exception {
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/all.yaml"), AGENT.formatted("a", "a") + "---\n" + AGENT.formatted("b", "b"));
        assertThat(apply(AGENT.formatted("b", "c"))).isEqualTo("agent/b configured");
        assertThat(conf.resolve("agents/b.yaml")).doesNotExist();
        assertThat(Files.readString(conf.resolve("agents/all.yaml"))).contains("pathPrefix: /a", "pathPrefix: /c");
        files.commit(files.planDelete(ResourceKind.AGENTS, "a"));
        assertThat(files.list(ResourceKind.AGENTS)).extracting(ResourceFiles::nameOf).containsExactly("b");
    }

    @Test
    void editingOneDocumentKeepsEveryOtherByteOfTheFileCommentsIncluded() throws Exception {
        Files.createDirectories(conf.resolve("agents"));
        String a = "# the billing agent: do not expose\n" + AGENT.formatted("a", "a");
        String b = "# the support agent\n" + AGENT.formatted("b", "b");
        Files.writeString(conf.resolve("agents/all.yaml"), a + "--- # next\n" + b);

        assertThat(apply("# moved to /c\n" + AGENT.formatted("b", "c"))).isEqualTo("agent/b configured");

        assertThat(Files.readString(conf.resolve("agents/all.yaml")))
                .isEqualTo(a + "--- # next\n# moved to /c\n" + AGENT.formatted("b", "c"));
    }

    @Test
    void deletingOneDocumentKeepsTheOthersAsWritten() throws Exception {
        Files.createDirectories(conf.resolve("agents"));
        String b = "# the support agent\n" + AGENT.formatted("b", "b");
        Files.writeString(conf.resolve("agents/all.yaml"), "# a\n" + AGENT.formatted("a", "a") + "---\n" + b);

        files.commit(files.planDelete(ResourceKind.AGENTS, "a"));

        assertThat(Files.readString(conf.resolve("agents/all.yaml"))).isEqualTo(b);
    }

    @Test
    void severalDocumentsAppliedAtOnceGoToTheirOwnFilesWithTheirComments() throws Exception {
        assertThat(apply("# first\n" + AGENT.formatted("a", "a") + "---\n# second\n" + AGENT.formatted("b", "b")))
                .isEqualTo("agent/a created; agent/b created");

        assertThat(Files.readString(conf.resolve("agents/a.yaml"))).isEqualTo("# first\n" + AGENT.formatted("a", "a"));
        assertThat(Files.readString(conf.resolve("agents/b.yaml"))).isEqualTo("# second\n" + AGENT.formatted("b", "b"));
    }

    @Test
    void aFileWhoseMarkersCarryContentIsStillEditedByRenderingIt() throws Exception {
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/all.yaml"), AGENT.formatted("a", "a")
                + "--- {name: b, spec: {pathPrefix: /b, upstream: 'http://127.0.0.1:9000', access: open}}\n");

        assertThat(apply(AGENT.formatted("b", "c"))).isEqualTo("agent/b configured");

        assertThat(files.list(ResourceKind.AGENTS)).extracting(r -> ((Agent) r).pathPrefix()).containsExactly("/a", "/c");
    }

    @Test
    void refusesWhatWouldBreakTheDirectoryAndWritesNothing() throws Exception {
        ResourceChange bad = files.planApply(ResourceKind.AGENTS, "in.yaml", AGENT.formatted("a", "a") + "  bogus: 1\n");
        assertThat(bad.valid()).isFalse();
        assertThat(bad.errors()).extracting(Object::toString).singleElement()
                .satisfies(e -> assertThat(e).startsWith("in.yaml:6:3: spec.bogus:"));

        // Valid on its own, but an authenticated agent with no provider breaks the whole directory.
        ResourceChange orphan = files.planApply(ResourceKind.AGENTS, "in.yaml",
                AGENT.formatted("a", "a").replace("access: open", "access: authenticated"));
        assertThat(orphan.errors()).extracting(Object::toString).singleElement()
                .satisfies(e -> assertThat(e).startsWith("conf/agents/a.yaml:"));
        assertThat(conf.resolve("agents")).doesNotExist();
    }

    @Test
    void dryRunDiffIsUnified() throws Exception {
        apply(AGENT.formatted("a", "a"));
        ResourceChange change = files.planApply(ResourceKind.AGENTS, "in.yaml", AGENT.formatted("a", "z"));
        assertThat(change.diff("conf/")).isEqualTo("""
                --- conf/agents/a.yaml
                +++ conf/agents/a.yaml
                @@ -1,5 +1,5 @@
                 name: a
                 spec:
                -  pathPrefix: /a
                +  pathPrefix: /z
                   upstream: http://127.0.0.1:9000
                   access: open
                """);
        assertThat(files.planApply(ResourceKind.AGENTS, "in.yaml", AGENT.formatted("n", "n")).diff("conf/"))
                .startsWith("--- /dev/null\n+++ conf/agents/n.yaml\n@@ -0,0 +1,5 @@\n+name: n\n");
    }

    @Test
    void longFilesGetHunksWithContext() {
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            a.append("line").append(i).append('\n');
        }
        String b = a.toString().replace("line2\n", "two\n").replace("line17\n", "");
        assertThat(LineDiff.unified("x", "y", a.toString(), b)).isEqualTo("""
                --- x
                +++ y
                @@ -1,6 +1,6 @@
                 line0
                 line1
                -line2
                +two
                 line3
                 line4
                 line5
                @@ -15,6 +15,5 @@
                 line14
                 line15
                 line16
                -line17
                 line18
                 line19
                """);
        assertThat(LineDiff.unified("x", "y", "same\n", "same\n")).isEmpty();
    }

    @Test
    void treesHaveTheSpecShape() throws Exception {
        apply(AGENT.formatted("a", "a"));
        assertThat(ResourceTrees.tree(files.get(ResourceKind.AGENTS, "a").orElseThrow()).toString())
                .isEqualTo("{\"name\":\"a\",\"spec\":{\"pathPrefix\":\"/a\",\"upstream\":\"http://127.0.0.1:9000\","
                        + "\"access\":\"open\"}}");
    }
}
