package io.runagents.ingress.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.jwt.testing.StubJwksServer;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runagents token verify} through the real entry point, against a stub JWKS. */
class TokenVerifyCommandTest {
    private static final RSAKey KEY = TestKeys.rsa();

    @TempDir
    Path conf;
    private StubJwksServer jwks;

    @BeforeEach
    void start() throws Exception {
        jwks = new StubJwksServer().jwks(TestKeys.jwks(KEY));
        Files.createDirectories(conf.resolve("identity-providers"));
        Files.writeString(conf.resolve("identity-providers/corp.yaml"), """
                name: corp
                spec:
                  host: portal.example.test
                  identityProvider:
                    issuer: %s
                    jwksUri: %s
                    audiences: [%s]
                  userIDClaim: email
                  allowedDomains: [company.com]
                """.formatted(TestTokens.ISSUER, jwks.uri(), TestTokens.AUDIENCE));
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    private ResourceCommandsTest.Run verify(String token, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "token";
        args[1] = "verify";
        args[2] = token;
        args[3] = "--config";
        args[4] = conf.toString();
        System.arraycopy(more, 0, args, 5, more.length);
        return ResourceCommandsTest.run(args);
    }

    @Test
    void aValidTokenPassesEveryCheck() {
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).sign(), "--host", "portal.example.test");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("pass  signature").contains("pass  issuer").contains("pass  audience")
                .contains("pass  expiry").contains("pass  allowed domain").endsWith("accepted\n");
    }

    @Test
    void namesEachFailingCheck() {
        ResourceCommandsTest.Run expired = verify(TestTokens.signedBy(KEY).at(Instant.now().minusSeconds(7200)).sign());
        assertThat(expired.exit()).isEqualTo(1);
        assertThat(expired.out()).contains("fail  expiry          token expired").contains("pass  signature")
                .endsWith("refused\n");
        ResourceCommandsTest.Run audience = verify(TestTokens.signedBy(KEY).claim("aud", "someone-else").sign());
        assertThat(audience.out()).contains("fail  audience        audience mismatch").contains("pass  expiry");
        ResourceCommandsTest.Run domain = verify(TestTokens.signedBy(KEY).claim("email", "eve@evil.com").sign());
        assertThat(domain.out()).contains("fail  allowed domain  email domain not allowed");
        ResourceCommandsTest.Run forged = verify(TestTokens.signedBy(TestKeys.attackerRsa())
                .header("kid", KEY.getKeyID()).sign());
        assertThat(forged.out()).contains("fail  signature").contains("(claims not verified)");
    }

    @Test
    void unknownProviderIsRefused() {
        ResourceCommandsTest.Run run = verify(TestTokens.signedBy(KEY).sign(), "--provider", "nope");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("identity-provider \"nope\" not found");
    }
}
