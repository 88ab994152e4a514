package io.runagents.ingress.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root folder, found from this module's folder without looking any higher: the parent pom
 * names this module, so the root is exactly one level up. A check that searched upwards for a marker could
 * end up judging a folder around the checkout instead.
 */
final class RepositoryRoot {
    private static final String MODULE = "repository-checks";

    private RepositoryRoot() {
    }

    /** The root above {@code moduleDir}; fails when its pom.xml is not the parent that lists this module. */
    static Path of(Path moduleDir) throws IOException {
        Path root = moduleDir.toAbsolutePath().normalize().getParent();
        Path pom = root == null ? null : root.resolve("pom.xml");
        if (pom == null || !Files.isRegularFile(pom)
                || !Files.readString(pom).contains("<module>" + MODULE + "</module>")) {
            throw new IllegalStateException("no parent pom.xml listing <module>" + MODULE + "</module> beside "
                    + moduleDir + " (run the check from the repository: mvn -B verify)");
        }
        return root;
    }

    /** The module's folder: Maven's {@code basedir}, which Surefire also uses as the working directory. */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    }
}
