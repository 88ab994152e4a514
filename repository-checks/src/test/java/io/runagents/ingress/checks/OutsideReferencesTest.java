package io.runagents.ingress.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule against a small repository in a temporary folder (no git: the walk lists it). The bad inputs are
 * built by concatenation, so that this file does not trip the real check.
 */
class OutsideReferencesTest {
    private static final String UP = "..";
    private static final String SHARED = UP + "/shared";
    private static final String TESTDATA = "shared" + "/testdata";
    private static final String SPEC = "shared" + "/SPEC";
    private static final String ARCHITECTURE = "shared" + "/ARCHITECTURE";
    private static final String PARENT = ".get" + "Parent()";

    @TempDir
    Path tmp;

    @Test
    void markersAreFoundInAnyTextFileWithTheirLine() throws IOException {
        Path repo = repository();
        write(repo, "README.md", "# x\n\nThe contract is `" + SHARED + "/SPEC.md`.\n");
        write(repo, "bin/run", "#!/bin/sh\ncat " + TESTDATA + "/x.json\n");
        write(repo, "docs/a.md", "See " + ARCHITECTURE + ".md\r\n");

        assertThat(findings(repo)).containsExactly(
                "README.md:3: refers to " + SHARED + ", " + SPEC + ", which the repository does not hold: "
                        + "The contract is `" + SHARED + "/SPEC.md`.",
                "bin/run:2: refers to " + TESTDATA + ", which the repository does not hold: cat " + TESTDATA
                        + "/x.json",
                "docs/a.md:1: refers to " + ARCHITECTURE + ", which the repository does not hold: See "
                        + ARCHITECTURE + ".md");
    }

    @Test
    void markdownLinksMustStayInsideTheRepositoryAndNameItsFiles() throws IOException {
        Path repo = repository();
        write(repo, "README.md", "[docs](docs/) [wire](docs/wire.md#status-codes) [top](#top)\n");
        write(repo, "docs/wire.md", String.join("\n",
                "[home](../README.md) [web](https://example.com/x) [mail](mailto:a@example.com)",
                "[out](" + UP + "/" + UP + "/notes.md)",
                "[gone](commands.md)",
                "![img](/etc/picture.png)",
                "[file](file:///etc/passwd)",
                "[ref]: " + UP + "/" + UP + "/elsewhere.md",
                "<a href=\"" + UP + "/" + UP + "/x.html\">x</a>",
                "Code is not a link: `[x](" + UP + "/" + UP + "/y)`",
                "```",
                "[x](" + UP + "/" + UP + "/in-a-fence)",
                "```",
                "[with title](../README.md \"the front page\") [spaced](<../README.md>)"));

        assertThat(findings(repo)).containsExactly(
                "docs/wire.md:2: link ../../notes.md leaves the repository",
                "docs/wire.md:3: link commands.md names docs/commands.md, which is not in the repository",
                "docs/wire.md:4: link /etc/picture.png is an absolute path: write it relative to docs/wire.md",
                "docs/wire.md:5: link file:///etc/passwd points outside the repository (file:)",
                "docs/wire.md:6: link ../../elsewhere.md leaves the repository",
                "docs/wire.md:7: link ../../x.html leaves the repository");
    }

    @Test
    void testCodeMustNotClimbOutOfTheCheckout() throws IOException {
        Path repo = repository();
        String test = "mod/src/test/java/x/T.java";
        write(repo, test, String.join("\n",
                "for (Path d = Path.of(\"\").toAbsolutePath(); d != null; d = d" + PARENT + ") {",
                "Path root = Path.of(\"\").toAbsolutePath()" + PARENT + ";",
                "Path above = Path.of(\"\").toAbsolutePath()" + PARENT + PARENT + ";",
                "Path data = Path.of(\"" + UP + "/" + UP + "/data\");",
                "Path sibling = Paths.get(\"" + UP + "\").resolve(\"" + UP + "\");",
                "Path dir = System.getProperty(\"user.dir\");",
                "Path link = Path.of(\"" + UP + "data/agents\");",
                "List<String> kids = List.of(\"" + UP + "/" + UP + "/" + UP + "/dev/null\");",
                "while (dir" + PARENT + " != null) {"));
        // The same lines in production code are not judged: it runs where users start it, not in a checkout.
        write(repo, "mod/src/main/java/x/M.java", Files.readString(repo.resolve(test)));

        assertThat(findings(repo)).containsExactly(
                test + ":1: walks up parent folders in a loop, which can leave the checkout (read test data from the "
                        + "classpath): for (Path d = Path.of(\"\").toAbsolutePath(); d != null; d = d" + PARENT + ") {",
                test + ":3: goes 2 folders up from the module's folder, which is 1 below the repository root: "
                        + "Path above = Path.of(\"\").toAbsolutePath()" + PARENT + PARENT + ";",
                test + ":4: goes 2 folders up from the module's folder, which is 1 below the repository root: "
                        + "Path data = Path.of(\"../../data\");",
                test + ":5: goes 2 folders up from the module's folder, which is 1 below the repository root: "
                        + "Path sibling = Paths.get(\"..\").resolve(\"..\");",
                test + ":9: walks up parent folders in a loop, which can leave the checkout (read test data from the "
                        + "classpath): while (dir" + PARENT + " != null) {");
    }

    @Test
    void binaryFilesAreSkippedAndLinksOutOfTheTreeAreFound() throws IOException {
        Path repo = repository();
        Files.write(repo.resolve("blob.bin"), ("\0" + SHARED).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.createSymbolicLink(repo.resolve("inside"), Path.of("pom.xml"));
        Files.createSymbolicLink(repo.resolve("outside"), Path.of(UP, "elsewhere"));

        assertThat(findings(repo)).containsExactly(
                "outside:1: is a symbolic link to " + tmp.resolve("elsewhere") + ", outside the repository");
    }

    @Test
    void theWalkSkipsOutputFoldersAndTheRootIsTheModulesParent() throws IOException {
        Path repo = repository();
        for (String output : List.of("target", "data", "logs", ".git", "mod/target")) {
            write(repo, output + "/x.txt", SHARED);
        }
        write(repo, "mod/src/x.txt", "fine");

        assertThat(RepositoryFiles.walk(repo)).containsExactly("mod/src/x.txt", "pom.xml");
        assertThat(RepositoryRoot.of(repo.resolve("repository-checks"))).isEqualTo(repo);
        assertThatThrownBy(() -> RepositoryRoot.of(repo.resolve("mod").resolve("repository-checks")))
                .hasMessageContaining("no parent pom.xml listing <module>repository-checks</module>");
    }

    /** A folder that {@link RepositoryRoot} accepts as a root, holding only its pom.xml. */
    private Path repository() throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        write(repo, "pom.xml", "<project><modules><module>repository-checks</module></modules></project>\n");
        return repo;
    }

    private static List<String> findings(Path repo) throws IOException {
        return new OutsideReferences(repo, RepositoryFiles.walk(repo)).scanAll().stream().map(Finding::toString)
                .toList();
    }

    private static void write(Path repo, String relative, String text) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
