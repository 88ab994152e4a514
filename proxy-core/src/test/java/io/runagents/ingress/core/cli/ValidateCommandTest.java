package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runagents validate} through the real entry point, the files proxy.yaml names included. */
class ValidateCommandTest {
    @TempDir
    Path conf;

    @Test
    void validDirectoryIsSummarisedAndInvalidOneListsEveryError() throws Exception {
        Files.createDirectories(conf.resolve("agents"));
        Files.writeString(conf.resolve("agents/a.yaml"),
                "name: a\nspec:\n  upstream: http://127.0.0.1:9000\n  access: open\n");
        ResourceCommandsTest.Run valid = ResourceCommandsTest.run("validate", "--config", conf.toString());
        assertThat(valid.exit()).isZero();
        assertThat(valid.out()).contains("valid (0 identity providers, 1 agents, 0 tools, 0 policies)");

        Files.writeString(conf.resolve("agents/b.yaml"),
                "name: b\nspec:\n  upstreem: http://127.0.0.1:9000\n  access: sometimes\n");
        ResourceCommandsTest.Run invalid = ResourceCommandsTest.run("validate", "--config", conf.toString());
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("agents/b.yaml:3:3: spec.upstreem").contains("agents/b.yaml:4:")
                .contains("error(s)");
    }

    @Test
    void unusableFilesNamedInProxyYamlAreErrorsAtTheirFields(@TempDir Path files) throws Exception {
        Path notADirectory = Files.writeString(files.resolve("not-a-directory"), "a file");
        Path missingCert = files.resolve("missing.crt");
        Path missingKey = files.resolve("missing.key");
        Files.writeString(conf.resolve("proxy.yaml"), """
                tls:
                  certFile: %s
                  keyFile: %s
                identityContext: { signingKeyFile: /nonexistent.jwk }
                audit: { file: %s }
                """.formatted(missingCert, missingKey, notADirectory.resolve("audit.jsonl")));

        ResourceCommandsTest.Run run = ResourceCommandsTest.run("validate", "--config", conf.toString());

        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(run.err().lines()).containsSubsequence(
                proxyYaml(2, 13) + "tls.certFile: cannot read " + missingCert + " (no such file)",
                proxyYaml(3, 12) + "tls.keyFile: cannot read " + missingKey + " (no such file)",
                proxyYaml(4, 36) + "identityContext.signingKeyFile: cannot read /nonexistent.jwk (no such file)",
                proxyYaml(5, 16) + "audit.file: cannot create " + notADirectory.resolve("audit.jsonl") + " ("
                        + notADirectory + ": not a directory)",
                conf + ": 4 error(s)");
    }

    @Test
    void filesOfTheWrongKindAreErrorsToo(@TempDir Path files) throws Exception {
        Path cert = copy("/tls/a-cert.pem", files.resolve("tls.crt"));
        Path key = copy("/tls/a-key.pem", files.resolve("tls.key"));
        Path publicJwk = Files.writeString(files.resolve("public.jwk"),
                new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString());

        Files.writeString(conf.resolve("proxy.yaml"), """
                tls: { certFile: %s, keyFile: %s }
                identityContext: { signingKeyFile: %s }
                audit: { file: /proc/nope/audit.jsonl }
                """.formatted(key, cert, publicJwk));
        ResourceCommandsTest.Run swapped = ResourceCommandsTest.run("validate", "--config", conf.toString());

        assertThat(swapped.exit()).isEqualTo(1);
        assertThat(swapped.err()).contains(proxyYaml(1, 18) + "tls.certFile: " + key + " is not a PEM certificate chain")
                .contains(proxyYaml(2, 36) + "identityContext.signingKeyFile: " + publicJwk
                        + " is not a P-256 private JWK (expected: kty EC, crv P-256, with d)")
                // root may create directories almost anywhere, but not in /proc
                .contains(proxyYaml(3, 16) + "audit.file: cannot create /proc/nope/audit.jsonl (/proc: ");

        Files.writeString(conf.resolve("proxy.yaml"), "tls: { certFile: %s, keyFile: %s }\n".formatted(cert, cert));
        ResourceCommandsTest.Run certAsKey = ResourceCommandsTest.run("validate", "--config", conf.toString());

        assertThat(certAsKey.exit()).isEqualTo(1);
        assertThat(certAsKey.err()).contains(proxyYaml(1, 29 + cert.toString().length())
                + "tls.keyFile: " + cert + " is not a PEM private key");
    }

    @Test
    void usableFilesAreValidAndValidateCreatesNothing(@TempDir Path files) throws Exception {
        Path cert = copy("/tls/a-cert.pem", files.resolve("tls.crt"));
        Path key = copy("/tls/a-key.pem", files.resolve("tls.key"));
        Path signingKey = Files.writeString(files.resolve("context.jwk"),
                new ECKeyGenerator(Curve.P_256).generate().toJSONString());
        String settings = """
                dataDir: %s
                tls: { certFile: %s, keyFile: %s }
                audit: { file: %s }
                """.formatted(files.resolve("data"), cert, key, files.resolve("logs/audit.jsonl"));

        Files.writeString(conf.resolve("proxy.yaml"), settings);
        ResourceCommandsTest.Run generatedKey = ResourceCommandsTest.run("validate", "--config", conf.toString());
        Files.writeString(conf.resolve("proxy.yaml"), settings + "identityContext: { signingKeyFile: " + signingKey
                + " }\n");
        ResourceCommandsTest.Run configuredKey = ResourceCommandsTest.run("validate", "--config", conf.toString());

        assertThat(generatedKey.exit()).as(generatedKey.err()).isZero();
        assertThat(configuredKey.exit()).as(configuredKey.err()).isZero();
        try (Stream<Path> left = Files.list(files)) {
            assertThat(left).containsExactlyInAnyOrder(cert, key, signingKey); // no data/ key, no logs/ audit file
        }
    }

    private String proxyYaml(int line, int column) {
        return conf.getFileName() + "/proxy.yaml:" + line + ":" + column + ": ";
    }

    private static Path copy(String resource, Path target) throws Exception {
        try (InputStream in = ValidateCommandTest.class.getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
        return target;
    }
}
