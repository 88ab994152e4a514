package io.runagents.ingress.config.load;

import static org.assertj.core.api.Assertions.fail;

import io.runagents.ingress.config.model.ConfigSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A conf directory built file by file in a temporary folder, loaded through the real loader. */
final class TestConf {
    static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static final String PROVIDER = """
            name: corp
            spec:
              host: portal.corp.com
              identityProvider:
                issuer: https://login.corp.com
                jwksUri: https://login.corp.com/jwks
              userIDClaim: email
            """;

    final Path dir;

    TestConf(Path tempDir) {
        this.dir = tempDir.resolve("conf");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} at {@code relative} (such as {@code agents/a.yaml}), creating folders. */
    TestConf file(String relative, String text) {
        try {
            Path p = dir.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConfigLoadResult load() {
        return YamlConfigLoader.loadDirectory(dir, 7, CLOCK);
    }

    /** The snapshot; fails the test with the errors when the directory is invalid. */
    ConfigSnapshot snapshot() {
        return snapshot(load());
    }

    /** Every error as {@code file:line:col: field: message}; fails the test when the directory is valid. */
    List<String> errors() {
        return errors(load());
    }

    static ConfigSnapshot snapshot(ConfigLoadResult result) {
        if (result instanceof ConfigLoadResult.Invalid invalid) {
            fail("expected a valid conf directory, got:\n" + String.join("\n", strings(invalid.errors())));
        }
        return ((ConfigLoadResult.Loaded) result).snapshot();
    }

    static List<String> errors(ConfigLoadResult result) {
        if (result instanceof ConfigLoadResult.Loaded) {
            fail("expected errors, but the directory loaded");
        }
        return strings(((ConfigLoadResult.Invalid) result).errors());
    }

    /** The errors of validating one file on its own. */
    static List<String> documentErrors(ResourceKind kind, String yaml) {
        DocumentsLoadResult result = YamlConfigLoader.loadDocuments(kind, "in.yaml", yaml);
        if (result instanceof DocumentsLoadResult.Parsed) {
            fail("expected errors, but the file parsed");
        }
        return strings(((DocumentsLoadResult.Invalid) result).errors());
    }

    /** The resources of one valid file. */
    static Resources documents(ResourceKind kind, String yaml) {
        DocumentsLoadResult result = YamlConfigLoader.loadDocuments(kind, "in.yaml", yaml);
        if (result instanceof DocumentsLoadResult.Invalid invalid) {
            fail("expected a valid file, got:\n" + String.join("\n", strings(invalid.errors())));
        }
        return ((DocumentsLoadResult.Parsed) result).resources();
    }

    private static List<String> strings(List<ConfigError> errors) {
        return errors.stream().map(ConfigError::toString).toList();
    }
}
