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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code runagents validate} through the real entry point, the files proxy.yaml names included. */
class ValidateCommandTest {
    private static final String SEC1 = "a SEC1 EC key (\"-----BEGIN EC PRIVATE KEY-----\")";
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            PKCS #1 RSA key   | rsa-cert.pem | rsa-key-pkcs1.pem   | a PKCS #1 RSA key ("-----BEGIN RSA PRIVATE KEY-----")
            SEC1 EC key       | a-cert.pem   | a-key-sec1.pem      | a SEC1 EC key ("-----BEGIN EC PRIVATE KEY-----")
            encrypted PKCS #8 | a-cert.pem   | a-key-encrypted.pem | an encrypted PKCS #8 key ("-----BEGIN ENCRYPTED PRIVATE KEY-----")
            """)
    void keyInAnotherFormatIsAnErrorAtKeyFileThatSaysHowToConvertIt(String label, String certFixture,
            String keyFixture, String found, @TempDir Path files) throws Exception {
        Path cert = copy("/tls/" + certFixture, files.resolve("tls.crt"));
        Path key = copy("/tls/" + keyFixture, files.resolve("tls.key"));
        Files.writeString(conf.resolve("proxy.yaml"), "tls: { certFile: %s, keyFile: %s }\n".formatted(cert, key));

        ResourceCommandsTest.Run run = ResourceCommandsTest.run("validate", "--config", conf.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly(
                proxyYaml(1, 29 + cert.toString().length()) + "tls.keyFile: " + wrongFormat(key, found),
                conf + ": 1 error(s)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            RSA certificate, EC key      | rsa-cert.pem | a-key.pem
            EC certificate, RSA key      | a-cert.pem   | rsa-key.pem
            EC certificate, other EC key | a-cert.pem   | b-key.pem
            """)
    void keyThatDoesNotMatchTheCertificateIsAnErrorAtKeyFile(String label, String certFixture, String keyFixture,
            @TempDir Path files) throws Exception {
        Path cert = copy("/tls/" + certFixture, files.resolve("tls.crt"));
        Path key = copy("/tls/" + keyFixture, files.resolve("tls.key"));
        Files.writeString(conf.resolve("proxy.yaml"), "tls: { certFile: %s, keyFile: %s }\n".formatted(cert, key));

        ResourceCommandsTest.Run run = ResourceCommandsTest.run("validate", "--config", conf.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly(
                proxyYaml(1, 29 + cert.toString().length()) + "tls.keyFile: " + key
                        + " does not match the certificate in " + cert + " (tls.certFile)",
                conf + ": 1 error(s)");
    }

    @Test
    void bothTlsFilesAreCheckedEvenWhenOneCannotBeRead(@TempDir Path files) throws Exception {
        Path missingCert = files.resolve("missing.crt");
        Path notACert = Files.writeString(files.resolve("notes.crt"), "a note, not a certificate\n");
        Path sec1Key = copy("/tls/a-key-sec1.pem", files.resolve("tls.key"));
        Path missingKey = files.resolve("missing.key");
        Path cert = copy("/tls/a-cert.pem", files.resolve("tls.crt"));

        Files.writeString(conf.resolve("proxy.yaml"), "tls:\n  certFile: %s\n  keyFile: %s\n"
                .formatted(missingCert, sec1Key));
        ResourceCommandsTest.Run unreadableCert = ResourceCommandsTest.run("validate", "--config", conf.toString());
        Files.writeString(conf.resolve("proxy.yaml"), "tls:\n  certFile: %s\n  keyFile: %s\n"
                .formatted(notACert, sec1Key));
        ResourceCommandsTest.Run bothWrong = ResourceCommandsTest.run("validate", "--config", conf.toString());
        Files.writeString(conf.resolve("proxy.yaml"), "tls:\n  certFile: %s\n  keyFile: %s\n"
                .formatted(cert, missingKey));
        ResourceCommandsTest.Run unreadableKey = ResourceCommandsTest.run("validate", "--config", conf.toString());

        assertThat(unreadableCert.err().lines()).containsExactly(
                proxyYaml(2, 13) + "tls.certFile: cannot read " + missingCert + " (no such file)",
                proxyYaml(3, 12) + "tls.keyFile: " + wrongFormat(sec1Key, SEC1),
                conf + ": 2 error(s)");
        assertThat(bothWrong.err().lines()).containsExactly(
                proxyYaml(2, 13) + "tls.certFile: " + notACert + " is not a PEM certificate chain (expected:"
                        + " \"-----BEGIN CERTIFICATE-----\" blocks)",
                proxyYaml(3, 12) + "tls.keyFile: " + wrongFormat(sec1Key, SEC1),
                conf + ": 2 error(s)");
        assertThat(unreadableKey.err().lines()).containsExactly(
                proxyYaml(3, 12) + "tls.keyFile: cannot read " + missingKey + " (no such file)",
                conf + ": 1 error(s)");
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

    /** What validate says of a key file in another format than PKCS #8, {@code found} naming that format. */
    private static String wrongFormat(Path key, String found) {
        return key + " is " + found + "; it must be an unencrypted PKCS #8 key (\"-----BEGIN PRIVATE KEY-----\"):"
                + " convert it with `openssl pkcs8 -topk8 -nocrypt -in " + key + " -out key-pkcs8.pem`";
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
