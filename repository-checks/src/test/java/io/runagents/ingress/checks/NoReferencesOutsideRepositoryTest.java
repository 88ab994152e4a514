package io.runagents.ingress.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A fresh clone, with nothing beside it, must build and pass its tests: no source, test or document may refer to
 * a path above the repository root. Runs in {@code mvn -B verify}, the README's test command.
 */
class NoReferencesOutsideRepositoryTest {

    @Test
    void nothingInTheRepositoryRefersToAPathOutsideIt() throws Exception {
        Path root = RepositoryRoot.of(RepositoryRoot.moduleDir());
        List<String> files = RepositoryFiles.list(root);
        assertThat(files).as("the files found under %s", root)
                .contains("pom.xml", "README.md", "repository-checks/src/test/java/io/runagents/ingress/checks/"
                        + "NoReferencesOutsideRepositoryTest.java");

        List<Finding> findings = new OutsideReferences(root, files).scanAll();

        if (!findings.isEmpty()) {
            fail(findings.size() + " reference(s) to paths outside the repository, which a fresh clone does not "
                    + "have:\n" + findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
        }
    }
}
